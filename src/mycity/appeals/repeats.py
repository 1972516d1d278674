"""Reads for repeat appeals: the applicant's earlier appeals on the same subject, and a
decision to stop correspondence that covers a new appeal."""

from django.db.models import Q, QuerySet

from mycity.appeals import policy
from mycity.appeals.models import Appeal, CorrespondenceStop
from mycity.cities.calendar import calendar_for

EARLIER_SHOWN = 20


def _same_applicant(appeal: Appeal) -> Q | None:
    """Appeals of the same person: by account, by e-mail, or by name and address as a
    letter gives them (`policy.name_key`: without case, punctuation or ё)."""
    same = Q()
    if appeal.applicant_id:
        same |= Q(applicant_id=appeal.applicant_id)
    email = appeal.applicant_email.strip()
    if email:
        # Exact forms, not a case-insensitive match, so that an index answers.
        same |= Q(applicant_email__in={email, email.lower()})
    if appeal.applicant_key:
        same |= Q(applicant_key=appeal.applicant_key)
    return same if same else None


def earlier_appeals(appeal: Appeal) -> list[Appeal]:
    """The applicant's appeals on the same subject (its category) registered in the
    three years before this one, newest first, with their answers."""
    same = _same_applicant(appeal)
    if same is None:
        return []
    calendar = calendar_for(appeal.city)
    since = calendar.months_before(appeal.registered_on, policy.REPEAT_WINDOW_MONTHS)
    found: QuerySet[Appeal] = (
        Appeal.objects.filter(same, city_id=appeal.city_id, category_id=appeal.category_id)
        .filter(registered_on__gte=since, registered_on__lte=appeal.registered_on)
        .exclude(pk=appeal.pk)
        .prefetch_related("answers")
        .order_by("-registered_on", "-pk")
    )
    return list(found[:EARLIER_SHOWN])


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
