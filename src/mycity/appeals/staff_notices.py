"""What the staff are told about appeals: a new assignment (the organisation's
executors), a reopened appeal (the city's dispatchers), a term that ends on the next
working day (the assigned organisation's executors).

In-app only. The notices are written to the notify outbox in the caller's
transaction, so a move that is rolled back tells nobody; each has a dedupe key, so a
retried move or a second run of the daily job never doubles one.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import task

from mycity.accounts.models import Role, RoleKind, User
from mycity.appeals.deadlines import end_of_day
from mycity.appeals.models import Appeal, Status
from mycity.cities.calendar import WorkingCalendar, calendar_for
from mycity.cities.selectors import active_cities
from mycity.notify.channels import IN_APP
from mycity.notify.models import Notification
from mycity.notify.services import in_language_of, notify

STAFF_CHANNELS = (IN_APP,)
# The statuses in which the assigned organisation works an appeal.
IN_EXECUTORS_HANDS = (Status.ASSIGNED, Status.IN_PROGRESS)

TOPIC_ASSIGNED = "appeal.assigned"
TOPIC_REOPENED = "appeal.reopened"
TOPIC_DUE_TOMORROW = "appeal.due_tomorrow"

_ASSIGNED = (
    gettext_noop("New appeal %(number)s"),
    gettext_noop(
        "Appeal %(number)s (%(category)s, %(address)s) is assigned to %(organisation)s. "
        "The answer is due by %(deadline)s."
    ),
)
_REOPENED = (
    gettext_noop("Appeal %(number)s is reopened"),
    gettext_noop(
        "The applicant disagrees with the answer to appeal %(number)s (%(category)s, "
        "%(address)s); it is back in the dispatcher's queue. The new term ends %(deadline)s."
    ),
)
_DUE_TOMORROW = (
    gettext_noop("Appeal %(number)s is due %(due_day)s"),
    gettext_noop(
        "The term of appeal %(number)s (%(category)s, %(address)s) ends %(deadline)s, "
        "on the next working day."
    ),
)


@dataclass(frozen=True)
class DayBands:
    """Where "today" and "the next working day" end, in a city's time."""

    today_ends: datetime
    next_working_day_ends: datetime


def day_bands(calendar: WorkingCalendar, now: datetime) -> DayBands:
    """Today ends at the end of the local day; "tomorrow" runs from then to the end of
    the next working day (over a weekend, Saturday to Monday)."""
    today = calendar.local_date(now)
    return DayBands(
        today_ends=end_of_day(calendar, today),
        next_working_day_ends=end_of_day(calendar, calendar.add_working_days(today, 1)),
    )


def executors_of(organisation_id: int) -> list[User]:
    """The active users with an executor's role in the organisation (one query)."""
    return list(
        User.objects.filter(
            is_active=True, roles__kind=RoleKind.EXECUTOR, roles__organisation_id=organisation_id
        ).order_by("pk")
    )


def dispatchers_of(city_id: int) -> list[User]:
    """The active users with a dispatcher's role in the city (one query)."""
    return list(
        User.objects.filter(
            is_active=True, roles__kind=RoleKind.DISPATCHER, roles__city_id=city_id
        ).order_by("pk")
    )


def notify_assignment(appeal: Appeal, *, actor: Any = None) -> int:
    """Tell the executors of the organisation the appeal has just been assigned to.
    Call it inside the assigning transaction; returns how many were told."""
    if appeal.organisation_id is None:
        return 0
    told = 0
    for recipient in executors_of(appeal.organisation_id):
        if recipient.pk == getattr(actor, "pk", None):
            continue
        _tell(
            recipient,
            appeal,
            TOPIC_ASSIGNED,
            _ASSIGNED,
            dedupe_key=f"appeal:{appeal.pk}:assigned:v{appeal.version}",
        )
        told += 1
    return told


def notify_reopened(appeal: Appeal) -> int:
    """Tell the city's dispatchers the applicant disagreed and the appeal is back.
    Call it inside the reopening transaction; returns how many were told."""
    recipients = dispatchers_of(appeal.city_id)
    for recipient in recipients:
        _tell(
            recipient,
            appeal,
            TOPIC_REOPENED,
            _REOPENED,
            dedupe_key=f"appeal:{appeal.pk}:reopened:v{appeal.version}",
        )
    return len(recipients)


def notify_due_tomorrow(now: datetime | None = None) -> int:
    """Tell the executors of each assigned organisation which of its open appeals have
    a term ending after today and by the end of the next working day. Once per appeal
    and executor per local day, however often it runs; returns how many were told."""
    now = now or timezone.now()
    told = 0
    for city in active_cities().defer("boundary").order_by("pk"):
        calendar = calendar_for(city)
        bands = day_bands(calendar, now)
        appeals = list(
            Appeal.objects.filter(
                city=city,
                status__in=IN_EXECUTORS_HANDS,
                organisation__isnull=False,
                deadline__gt=bands.today_ends,
                deadline__lte=bands.next_working_day_ends,
            )
            .select_related("city", "category", "organisation")
            .defer("city__boundary", "organisation__service_area")
            .order_by("deadline", "pk")
        )
        if not appeals:
            continue
        executors: dict[int, list[User]] = {}
        for role in Role.objects.filter(
            kind=RoleKind.EXECUTOR,
            organisation_id__in={a.organisation_id for a in appeals},
            user__is_active=True,
        ).select_related("user"):
            assert role.organisation_id is not None
            executors.setdefault(role.organisation_id, []).append(role.user)
        day = calendar.local_date(now).isoformat()
        keys = {a.pk: f"appeal:{a.pk}:due:{day}" for a in appeals}
        already = set(
            Notification.objects.filter(dedupe_key__in=keys.values()).values_list(
                "recipient_id", "dedupe_key"
            )
        )
        for appeal in appeals:
            assert appeal.organisation_id is not None
            recipients = [
                user
                for user in executors.get(appeal.organisation_id, [])
                if (user.pk, keys[appeal.pk]) not in already
            ]
            if not recipients:
                continue
            with transaction.atomic():
                for recipient in recipients:
                    _tell(recipient, appeal, TOPIC_DUE_TOMORROW, _DUE_TOMORROW, keys[appeal.pk])
            told += len(recipients)
    return told


def _tell(
    recipient: User, appeal: Appeal, topic: str, texts: tuple[str, str], dedupe_key: str
) -> None:
    local_deadline = timezone.localtime(appeal.deadline, ZoneInfo(appeal.city.timezone))
    with in_language_of(recipient):
        values = {
            "number": appeal.number,
            "category": appeal.category.name,
            "address": appeal.address or "—",
            "organisation": appeal.organisation.name if appeal.organisation else "—",
            "deadline": local_deadline.strftime("%d.%m.%Y %H:%M"),
            "due_day": local_deadline.strftime("%d.%m.%Y"),
        }
        subject = _(texts[0]) % values
        body = _(texts[1]) % values
    notify(
        recipient=recipient,
        topic=topic,
        subject=subject,
        body=body,
        url=reverse("console:card", kwargs={"slug": appeal.city.slug, "appeal_id": appeal.pk}),
        data={"appeal": appeal.pk, "number": appeal.number},
        dedupe_key=dedupe_key,
        channels=STAFF_CHANNELS,
    )


@task()
def notify_due_tomorrow_task() -> int:
    """The clock's morning task (see `notify_due_tomorrow`)."""
    return notify_due_tomorrow()
