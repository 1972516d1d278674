"""The clock: hands the periodic jobs (`settings.CLOCK_JOBS`: closing answered appeals,
reminders, digests, the nightly figures, retention) to the task workers at their times.

One clock runs beside the workers (`mycity clock --loop`; `mycity serve --worker` starts
one). More are safe, on one machine or on many: a job's slot is claimed by a
`ClockTick` row, unique per (job, slot), written in the transaction that enqueues the
task, so each slot is enqueued once. A clock that was stopped enqueues, when it starts
again, the latest slot of each job that it missed, not every one: each job does all that
is due whenever it runs.
"""

import logging
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from mycity.core.models import ClockTick

logger = logging.getLogger(__name__)

# Ticks older than this are deleted: a slot that far back is never looked at again.
TICKS_KEPT = timedelta(days=14)

_EVERY = re.compile(r"^every ([1-9][0-9]*)m$")
_DAILY = re.compile(r"^daily ([01][0-9]|2[0-3]):([0-5][0-9])$")


@dataclass(frozen=True)
class Job:
    name: str
    task: str
    every: timedelta | None = None
    daily_at: time | None = None


def parse_job(name: str, task: str, cadence: str) -> Job:
    if every := _EVERY.match(cadence):
        minutes = int(every.group(1))
        if minutes > 24 * 60:
            raise ImproperlyConfigured(f"clock job {name}: at most every 1440m")
        return Job(name, task, every=timedelta(minutes=minutes))
    if daily := _DAILY.match(cadence):
        return Job(name, task, daily_at=time(int(daily.group(1)), int(daily.group(2))))
    raise ImproperlyConfigured(
        f"clock job {name}: cadence {cadence!r} is neither 'every <N>m' nor 'daily HH:MM'"
    )


def jobs() -> list[Job]:
    return [parse_job(*entry) for entry in settings.CLOCK_JOBS]


def latest_slot(job: Job, now: datetime) -> datetime:
    """The latest moment at or before `now` when the job was due. Slots of an "every"
    job are counted from local midnight, so they fall on the same minutes every day."""
    local = timezone.localtime(now)
    if job.every is not None:
        midnight = datetime.combine(local.date(), time(), tzinfo=local.tzinfo)
        step = job.every.total_seconds()
        return midnight + timedelta(seconds=(local - midnight).total_seconds() // step * step)
    assert job.daily_at is not None
    slot = datetime.combine(local.date(), job.daily_at, tzinfo=local.tzinfo)
    if slot > local:
        slot = datetime.combine(local.date() - timedelta(days=1), job.daily_at, local.tzinfo)
    return slot


def _claimed(job: Job, slot: datetime) -> bool:
    return ClockTick.objects.filter(job=job.name, slot=slot).exists()


def tick(*, now: datetime | None = None) -> list[str]:
    """Enqueue every job whose latest slot no clock has claimed yet; the names enqueued."""
    now = now or timezone.now()
    enqueued = []
    for job in jobs():
        slot = latest_slot(job, now)
        if _claimed(job, slot):
            continue
        try:
            with transaction.atomic():
                ClockTick.objects.create(job=job.name, slot=slot, enqueued_at=now)
                import_string(job.task).enqueue()
        except IntegrityError:
            continue  # another clock claimed this slot first
        except Exception:
            # Not claimed (the claim rolled back): the next tick tries again.
            logger.exception("clock could not enqueue", extra={"job": job.name})
            continue
        logger.info("clock enqueued", extra={"job": job.name, "slot": slot.isoformat()})
        enqueued.append(job.name)
    ClockTick.objects.filter(enqueued_at__lt=now - TICKS_KEPT).delete()
    return enqueued
