"""The clock hands each periodic job to the task workers once per slot, however many
clocks run and however long one was stopped."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus
from django_tasks.base import Task

from mycity.appeals.actions.moves import answer_appeal, start_work
from mycity.appeals.models import Appeal, Status
from mycity.core import clock
from mycity.core.clock import Job, latest_slot, parse_job, tick
from mycity.core.models import ClockTick
from tests.appeal_fixtures import submit_report
from tests.core import clock_tasks

pytestmark = pytest.mark.django_db
MINSK = ZoneInfo("Europe/Minsk")
RECORD = "tests.core.clock_tasks.record_run"


def minsk(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=MINSK)


@pytest.fixture
def runs(settings):
    settings.CLOCK_JOBS = [("record", RECORD, "every 15m")]
    clock_tasks.RUNS.clear()
    return clock_tasks.RUNS


def test_every_configured_job_has_a_cadence_and_names_a_task():
    jobs = clock.jobs()
    assert len(jobs) >= 10
    for job in jobs:
        assert isinstance(clock.import_string(job.task), Task), job.name


@pytest.mark.parametrize("cadence", ["every 0m", "every 5", "daily 7:00", "daily 24:00", "hourly"])
def test_a_cadence_the_clock_cannot_read_is_refused_at_start(cadence):
    with pytest.raises(ImproperlyConfigured):
        parse_job("broken", RECORD, cadence)


def test_slots_of_an_every_job_fall_on_the_same_minutes_from_local_midnight():
    job = Job("x", RECORD, every=timedelta(minutes=15))
    assert latest_slot(job, minsk(7, 10, 7)) == minsk(7, 10, 0)
    assert latest_slot(job, minsk(7, 10, 15)) == minsk(7, 10, 15)
    assert latest_slot(job, minsk(7, 0, 14)) == minsk(7, 0, 0)


def test_a_daily_job_is_due_from_its_time_and_until_the_next_days():
    job = Job("x", RECORD, daily_at=time(7, 0))
    assert latest_slot(job, minsk(7, 6, 59)) == minsk(6, 7, 0)
    assert latest_slot(job, minsk(7, 7, 0)) == minsk(7, 7, 0)
    assert latest_slot(job, minsk(7, 23, 59)) == minsk(7, 7, 0)


def test_a_slot_is_enqueued_once_and_the_next_slot_again(runs):
    assert tick(now=minsk(7, 10, 1)) == ["record"]
    assert tick(now=minsk(7, 10, 14)) == []
    assert tick(now=minsk(7, 10, 16)) == ["record"]
    assert runs == ["ran", "ran"]
    assert ClockTick.objects.count() == 2


def test_a_clock_that_was_stopped_enqueues_the_latest_missed_slot_only(runs):
    tick(now=minsk(7, 10, 1))
    assert tick(now=minsk(7, 16, 40)) == ["record"]
    assert runs == ["ran", "ran"]


def test_of_two_clocks_only_the_one_whose_claim_went_in_enqueues(runs, monkeypatch):
    tick(now=minsk(7, 10, 1))
    # The second clock looked before the first one's claim was committed.
    monkeypatch.setattr(clock, "_claimed", lambda job, slot: False)
    assert tick(now=minsk(7, 10, 2)) == []
    assert runs == ["ran"]


def test_a_job_that_could_not_be_enqueued_is_not_claimed_and_goes_at_the_next_tick(
    runs, monkeypatch
):
    class Unreachable:
        def enqueue(self):
            raise ConnectionError("the task queue is away")

    monkeypatch.setattr(clock, "import_string", lambda path: Unreachable())
    assert tick(now=minsk(7, 10, 1)) == []
    assert not ClockTick.objects.exists()
    monkeypatch.undo()
    assert tick(now=minsk(7, 10, 2)) == ["record"]
    assert runs == ["ran"]


def test_old_ticks_are_forgotten(runs):
    tick(now=minsk(1, 10, 1))
    tick(now=minsk(20, 10, 1))
    assert list(ClockTick.objects.values_list("slot", flat=True)) == [minsk(20, 10, 0)]


def test_the_real_jobs_run_and_an_answered_appeal_past_its_window_is_closed(
    resident, executor, leaking_roof, monkeypatch
):
    results = {}

    class Recorded:
        def __init__(self, path):
            self.task = import_string(path)

        def enqueue(self):
            results[self.task.name] = self.task.enqueue()

    monkeypatch.setattr(clock, "import_string", Recorded)
    appeal = submit_report(resident, leaking_roof, extra={"entrance": 1})
    start_work(actor=executor, appeal=appeal)
    answer_appeal(actor=executor, appeal=appeal, text="Кровля отремонтирована.")
    Appeal.objects.filter(pk=appeal.pk).update(answered_at=timezone.now() - timedelta(days=40))
    call_command("clock")
    assert set(ClockTick.objects.values_list("job", flat=True)) == {j.name for j in clock.jobs()}
    assert {name: r.status for name, r in results.items()} == {
        name: TaskResultStatus.SUCCESSFUL for name in results
    }
    assert len(results) == len(clock.jobs())
    appeal.refresh_from_db()
    assert appeal.status == Status.CLOSED
