"""The end of the retention period: a closed appeal keeps its applicant's data for the
operator's `retention_years`, then loses it (art. 4 of Law 99-З: no longer than the
purpose needs). The appeal itself stays, for the figures, without a person in it.

Run nightly by the `anonymise_closed_appeals` task or the `anonymise_appeals` command.
Each appeal is anonymised in its own transaction, under a lock, re-checked there; an
appeal already anonymised carries the event and is not taken again.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks import task

from mycity.appeals.actions.applicant_data import anonymise_applicant
from mycity.appeals.models import (
    CLOSED_STATUSES,
    Appeal,
    AppealFile,
)
from mycity.cities.models import City
from mycity.privacy.notice import operator_of
from mycity.privacy.services import APPEAL_ANONYMISED
from mycity.reception.models import Appointment

logger = logging.getLogger(__name__)

BATCH = 200
APPOINTMENT_FIELDS = dict.fromkeys(
    ("applicant_name", "applicant_address", "applicant_phone", "subject", "record"), ""
)


@dataclass
class CityRetention:
    city: City
    retention_years: int
    cutoff: datetime
    count: int = 0
    oldest: datetime | None = None
    newest: datetime | None = None
    numbers: list[str] = field(default_factory=list)
    # Receptions that led to no appeal (an oral answer, a no-show), older than the cutoff.
    receptions: int = 0


def _years_before(moment: datetime, years: int) -> datetime:
    # Not a legal term of days: a plain anniversary (29 February falls back a day).
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


def due_for_anonymising(city: City, cutoff: datetime) -> QuerySet[Appeal]:
    return (
        Appeal.objects.filter(
            city=city, status__in=CLOSED_STATUSES, closed_at__isnull=False, closed_at__lt=cutoff
        )
        .exclude(events__kind=APPEAL_ANONYMISED)
        .order_by("closed_at", "pk")
    )


def anonymise_closed_appeals(
    *,
    city: City | None = None,
    dry_run: bool = False,
    now: datetime | None = None,
    batch: int = BATCH,
) -> list[CityRetention]:
    """Anonymise every closed appeal past its city's retention period (only count and
    list them with `dry_run`); returns what was (or would be) done, per city."""
    now = now or timezone.now()
    cities = [city] if city is not None else list(City.objects.defer("boundary").order_by("slug"))
    reports = []
    for each in cities:
        years = operator_of(each).retention_years
        report = CityRetention(city=each, retention_years=years, cutoff=_years_before(now, years))
        due = due_for_anonymising(each, report.cutoff)
        old_receptions = Appointment.objects.filter(
            session__official__organisation__city=each,
            starts_at__lt=report.cutoff,
            appeal__isnull=True,
        ).exclude(applicant_name="", record="")
        if dry_run:
            for number, closed_at in due.values_list("number", "closed_at").iterator():
                _count(report, number, closed_at or report.cutoff)
            report.receptions = old_receptions.count()
        else:
            _anonymise_all(due, report, batch)
            report.receptions = old_receptions.update(resident=None, **APPOINTMENT_FIELDS)
        reports.append(report)
    return reports


def _count(report: CityRetention, number: str, closed_at: datetime) -> None:
    report.count += 1
    report.numbers.append(number)
    report.oldest = min(report.oldest or closed_at, closed_at)
    report.newest = max(report.newest or closed_at, closed_at)


def _anonymise_all(due: QuerySet[Appeal], report: CityRetention, batch: int) -> None:
    after = 0
    while True:
        # Walk by id so that a failing appeal does not hold the rest back.
        ids = list(due.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            return
        for pk in ids:
            done = anonymise_appeal(appeal_id=pk, cutoff=report.cutoff)
            if done is not None:
                _count(report, done.number, done.closed_at or report.cutoff)
        after = ids[-1]


def anonymise_appeal(*, appeal_id: int, cutoff: datetime) -> Appeal | None:
    """Blank one closed appeal's personal data; None when it is not (or no longer) due."""
    files: list[str] = []
    with transaction.atomic():
        appeal = (
            Appeal.objects.select_for_update()
            .filter(pk=appeal_id, status__in=CLOSED_STATUSES, closed_at__lt=cutoff)
            .exclude(events__kind=APPEAL_ANONYMISED)
            .first()
        )
        if appeal is None:
            return None
        # The reception's record of what the person said, if the appeal came from one.
        Appointment.objects.filter(appeal=appeal).update(resident=None, **APPOINTMENT_FIELDS)
        done = anonymise_applicant(
            appeal=appeal,
            kind=APPEAL_ANONYMISED,
            data={
                "closed_at": appeal.closed_at.isoformat() if appeal.closed_at else None,
                "cutoff": cutoff.isoformat(),
            },
        )
        files = done.files
        # Files go when the rows are surely gone: a rollback keeps both.
        transaction.on_commit(lambda: _delete_files(files))
    return appeal


def _delete_files(names: list[str]) -> None:
    storage = AppealFile._meta.get_field("file").storage
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("could not delete %s; delete it by hand", name)


@task()
def anonymise_closed_appeals_task() -> int:
    """The nightly task: anonymise what has passed its retention period in every city."""
    return sum(report.count for report in anonymise_closed_appeals())
