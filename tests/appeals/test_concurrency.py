"""Two people acting on one appeal at the same moment: exactly one wins."""

import threading

import pytest
from django.db import connection, connections

from mycity.appeals.actions.moves import assign_appeal, reject_appeal, start_work
from mycity.appeals.actions.submission import submit_appeal
from mycity.appeals.errors import StaleAppeal
from mycity.appeals.models import Appeal, AppealCounter, AppealEvent, Status
from tests.appeal_fixtures import submit_report

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises writers by itself; row-level races need PostgreSQL",
    ),
]


def race(*actions):
    """Run the actions in threads that start together; what each returned or raised."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[object] = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            outcomes[index] = action()
        except Exception as exc:  # the outcome is what the test compares
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_two_dispatchers_assigning_at_once_cannot_both_win(
    resident, dispatcher, city, street_light
):
    from tests.factories import OrganisationFactory

    appeal = submit_report(resident, street_light)
    first = OrganisationFactory(city=city, slug="first")
    second = OrganisationFactory(city=city, slug="second")
    seen = appeal.version

    def assign(organisation):
        mine = Appeal.objects.select_related("city", "category").get(pk=appeal.pk)
        return lambda: assign_appeal(
            actor=dispatcher, appeal=mine, organisation=organisation, expected_version=seen
        )

    outcomes = race(assign(first), assign(second))
    assert sum(isinstance(o, Appeal) for o in outcomes) == 1
    assert sum(isinstance(o, StaleAppeal) for o in outcomes) == 1
    final = Appeal.objects.get(pk=appeal.pk)
    assert final.version == seen + 1
    winner = next(o for o in outcomes if isinstance(o, Appeal))
    assert final.organisation_id == winner.organisation.pk
    assert AppealEvent.objects.filter(appeal=appeal, from_status=Status.ASSIGNED).count() == 1


def test_an_executor_and_a_dispatcher_racing_leave_one_consistent_history(
    resident, dispatcher, executor, leaking_roof
):
    appeal = submit_report(resident, leaking_roof, extra={"entrance": 1})

    def mine():
        return Appeal.objects.select_related("city", "category").get(pk=appeal.pk)

    start, reject = mine(), mine()
    outcomes = race(
        lambda: start_work(actor=executor, appeal=start),
        lambda: reject_appeal(actor=dispatcher, appeal=reject, note="дубль"),
    )
    assert sum(isinstance(o, StaleAppeal) for o in outcomes) == 1
    events = list(AppealEvent.objects.filter(appeal=appeal).values_list("to_status", flat=True))
    assert events[-1] == Appeal.objects.get(pk=appeal.pk).status
    assert len(events) == 4  # submitted, accepted, assigned, and the one winner


def test_concurrent_submissions_get_distinct_numbers(resident, street_light):
    outcomes = race(*[lambda: submit_report(resident, street_light) for _ in range(6)])
    assert all(isinstance(o, Appeal) for o in outcomes), outcomes
    numbers = {o.number for o in outcomes}
    assert len(numbers) == 6
    assert AppealCounter.objects.get().last == 6


def test_concurrent_retries_with_one_key_make_one_appeal(resident, street_light):
    from tests.appeal_fixtures import report_draft

    def retry():
        return submit_appeal(
            applicant=resident,
            city=street_light.city,
            draft=report_draft(street_light),
            idempotency_key="same-key",
        )

    outcomes = race(retry, retry, retry)
    assert all(not isinstance(o, Exception) for o in outcomes), outcomes
    assert len({o.appeal.pk for o in outcomes}) == 1
    assert Appeal.objects.count() == 1


def test_concurrent_registrations_get_distinct_registration_numbers(
    city, department, housing_question
):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from mycity.accounts.models import RoleKind
    from mycity.appeals.intake import register_received_appeal
    from mycity.appeals.models import RegistrationCounter
    from tests.appeals.test_intake import letter
    from tests.conftest import person

    clerk = person("intake@example.org", RoleKind.INTAKE, city=city)
    arrived = datetime(2026, 4, 23, 10, 0, tzinfo=ZoneInfo("Europe/Minsk"))

    def registration():
        return register_received_appeal(
            actor=clerk,
            city=city,
            registrar=department,
            channel="post",
            received_at=arrived,
            draft=letter(housing_question),
        ).appeal

    outcomes = race(*[registration for _ in range(6)])
    assert all(isinstance(o, Appeal) for o in outcomes), outcomes
    assert len({o.registration_number for o in outcomes}) == 6
    assert RegistrationCounter.objects.get(organisation=department).last == 6
