"""Reads for repeat appeals: the applicant's earlier appeals on the same subject, and a
decision to stop correspondence that covers a new appeal."""

from datetime import date, datetime

from django.db.models import Q, QuerySet

from mycity.appeals import policy
from mycity.appeals.models import Appeal, CorrespondenceStop
from mycity.cities.calendar import WorkingCalendar, calendar_for

EARLIER_SHOWN = 20


# The newest appeals of one person read per way they are known; a person with more
# is seen through their newest.
PER_WAY = 1000


def _ways_known(appeal: Appeal) -> list[Q]:
    """How the same person's appeals are found: by account, by e-mail, or by name and
    address as a letter gives them (`policy.name_key`: without case, punctuation or ё).
    Each condition leads with the columns of an index of its own (a partial index's
    condition spelt out), and nothing else, so that no city-wide index looks cheaper."""
    ways = []
    if appeal.applicant_id:
        ways.append(Q(applicant_id=appeal.applicant_id))
    email = appeal.applicant_email.strip()
    if email:
        ways.append(
            Q(city_id=appeal.city_id, applicant_email__in={email, email.lower()})
            & ~Q(applicant_email="")
        )
    if appeal.applicant_key:
        ways.append(
            Q(city_id=appeal.city_id, applicant_key=appeal.applicant_key) & ~Q(applicant_key="")
        )
    return ways


def _arrival(
    calendar: WorkingCalendar, received_at: datetime | None, submitted_at: datetime
) -> date:
    """The local day an appeal arrived: a letter's day of arrival, else its submission."""
    return calendar.local_date(received_at or submitted_at)


def earlier_appeals(appeal: Appeal) -> list[Appeal]:
    """The applicant's appeals on the same subject (its category) that arrived before
    this one, within three years counted from the earlier appeal's arrival, newest
    first, with their answers."""
    ways = _ways_known(appeal)
    if not ways:
        return []
    calendar = calendar_for(appeal.city)
    arrived = _arrival(calendar, appeal.received_at, appeal.submitted_at)
    # The window counts from the earlier appeal's arrival: it arrived no longer ago than
    # the window (the same day-number, not moved off a day off). The registration date
    # bounds the rows cheaply; the arrival is checked per row.
    earliest = calendar.months_before(arrived, policy.REPEAT_WINDOW_MONTHS)
    since = calendar.months_before(appeal.registered_on, policy.REPEAT_WINDOW_MONTHS + 1)
    found: dict[int, tuple[date, int]] = {}
    for way in ways:
        rows = (
            Appeal.objects.filter(way)
            .order_by()
            .values_list(
                "pk", "city_id", "category_id", "registered_on", "received_at", "submitted_at"
            )[:PER_WAY]
        )
        for pk, city_id, category_id, day, received_at, submitted_at in rows:
            if (
                pk == appeal.pk
                or city_id != appeal.city_id
                or category_id != appeal.category_id
                or not since <= day <= appeal.registered_on
            ):
                continue
            if earliest <= _arrival(calendar, received_at, submitted_at) <= arrived:
                found[pk] = (day, pk)
    newest = sorted(found, key=lambda pk: found[pk], reverse=True)[:EARLIER_SHOWN]
    appeals: QuerySet[Appeal] = (
        Appeal.objects.filter(pk__in=newest)
        .prefetch_related("answers")
        .order_by("-registered_on", "-pk")
    )
    return list(appeals)


def repeat_candidates(appeal: Appeal) -> list[Appeal]:
    """The earlier appeals this one may repeat (`policy.is_repeat_of`): to the same
    organisation, on the same question, answered on their merits."""
    return [earlier for earlier in earlier_appeals(appeal) if policy.is_repeat_of(appeal, earlier)]


def stop_for(appeal: Appeal) -> CorrespondenceStop | None:
    """The decision to stop correspondence that covers this appeal's applicant and
    subject, made before it arrived."""
    keys = policy.applicant_keys(appeal)
    if not keys:
        return None
    return (
        CorrespondenceStop.objects.filter(
            city_id=appeal.city_id, category_id=appeal.category_id, applicant_key__in=keys
        )
        .select_related("appeal")
        .order_by("decided_at")
        .first()
    )
