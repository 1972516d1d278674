"""Reads for repeat appeals: the applicant's earlier appeals on the same subject, and a
decision to stop correspondence that covers a new appeal."""

from datetime import date

from django.db.models import Q, QuerySet

from mycity.appeals import policy
from mycity.appeals.models import Appeal, CorrespondenceStop
from mycity.cities.calendar import calendar_for

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


def earlier_appeals(appeal: Appeal) -> list[Appeal]:
    """The applicant's appeals on the same subject (its category) registered in the
    three years before this one, newest first, with their answers."""
    ways = _ways_known(appeal)
    if not ways:
        return []
    calendar = calendar_for(appeal.city)
    since = calendar.months_before(appeal.registered_on, policy.REPEAT_WINDOW_MONTHS)
    found: dict[int, tuple[date, int]] = {}
    for way in ways:
        rows = (
            Appeal.objects.filter(way)
            .order_by()
            .values_list("pk", "city_id", "category_id", "registered_on")[:PER_WAY]
        )
        for pk, city_id, category_id, day in rows:
            if (
                pk != appeal.pk
                and city_id == appeal.city_id
                and category_id == appeal.category_id
                and since <= day <= appeal.registered_on
            ):
                found[pk] = (day, pk)
    newest = sorted(found, key=lambda pk: found[pk], reverse=True)[:EARLIER_SHOWN]
    appeals: QuerySet[Appeal] = (
        Appeal.objects.filter(pk__in=newest)
        .prefetch_related("answers")
        .order_by("-registered_on", "-pk")
    )
    return list(appeals)


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
