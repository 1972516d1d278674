"""The daily job: reminders before terms, and escalation of overdue appeals.

On a working day of a city, every running appeal and every open sub-task whose term
is exactly 3 or 1 working days away brings a reminder to the executors of the assigned
organisation and to the controlling official (and to a sub-task's author). Every
overdue appeal is escalated once per deadline to the heads of its organisation, or to
the city's dispatchers when it has none.

Each reminder or escalation is first claimed as a `Nudge` row whose unique constraint
names the thing, its term and the offset: a second run the same day, or a second
worker at the same time, finds the row taken and sends nothing. The notifications
carry a dedupe key as well, and everything of one nudge is written in one transaction.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from mycity.accounts.models import RoleKind, User
from mycity.appeals.deadlines import end_of_day
from mycity.appeals.models import Appeal, EventKind
from mycity.appeals.staff_notices import dispatchers_of, executors_of
from mycity.appeals.transitions import record_event
from mycity.cities.calendar import WorkingCalendar, calendar_for
from mycity.cities.models import City
from mycity.control.models import Control, Nudge, NudgeKind, Subtask
from mycity.control.selectors import RUNNING
from mycity.control.terms import REMIND_BEFORE
from mycity.notify.services import in_language_of, notify

logger = logging.getLogger(__name__)

TOPIC_REMINDER = "control.reminder"
TOPIC_ESCALATION = "control.escalation"
# A first run over years of unescalated appeals is spread over several runs.
ESCALATIONS_PER_RUN = 1000


@dataclass
class Tally:
    reminded: int = 0
    escalated: int = 0


def send_reminders(*, now: datetime | None = None) -> Tally:
    """One run of the job over every active city; what it sent."""
    now = now or timezone.now()
    tally = Tally()
    for city in City.objects.filter(is_active=True).defer("boundary").order_by("pk"):
        try:
            _run_city(city, now, tally)
        except Exception:
            # One city's broken data must not keep the others from their reminders.
            logger.exception("reminders failed", extra={"city": city.pk})
    return tally


def _run_city(city: City, now: datetime, tally: Tally) -> None:
    calendar = calendar_for(city)
    today = calendar.local_date(now)
    # Reminders count working days, so they go only on one: the day before a
    # Monday term is Friday, never the weekend between.
    if calendar.is_working_day(today):
        _remind_appeals(city, calendar, today, now, tally)
        _remind_subtasks(city, calendar, today, now, tally)
    _escalate(city, calendar, now, tally)


def _horizon(calendar: WorkingCalendar, today: date) -> tuple[datetime, datetime]:
    last = calendar.add_working_days(today, max(REMIND_BEFORE))
    return end_of_day(calendar, today), end_of_day(calendar, last)


def _remind_appeals(
    city: City, calendar: WorkingCalendar, today: date, now: datetime, tally: Tally
) -> None:
    after, until = _horizon(calendar, today)
    appeals = (
        Appeal.objects.filter(
            city=city, status__in=RUNNING, deadline__gt=after, deadline__lte=until
        )
        .select_related("city", "category", "organisation")
        .defer("city__boundary", "organisation__service_area")
        .order_by("deadline", "pk")
    )
    for appeal in appeals.iterator(chunk_size=200):
        term_day = calendar.local_date(appeal.deadline)
        offset = calendar.working_days_between(today, term_day)
        if offset in REMIND_BEFORE:
            tally.reminded += _remind(appeal, None, appeal.deadline, term_day, offset, now)


def _remind_subtasks(
    city: City, calendar: WorkingCalendar, today: date, now: datetime, tally: Tally
) -> None:
    last = calendar.add_working_days(today, max(REMIND_BEFORE))
    subtasks = (
        Subtask.objects.filter(
            appeal__city=city, appeal__status__in=RUNNING, closed_at__isnull=True
        )
        .filter(
            Q(done_on__isnull=True, due_on__gt=today, due_on__lte=last)
            | Q(done_on__isnull=False, report_due_on__gt=today, report_due_on__lte=last)
        )
        .select_related("appeal", "appeal__city", "appeal__category", "author")
        .defer("appeal__city__boundary")
        .order_by("pk")
    )
    for subtask in subtasks.iterator(chunk_size=200):
        term_day = subtask.term_on
        offset = calendar.working_days_between(today, term_day)
        if offset in REMIND_BEFORE:
            term_at = end_of_day(calendar, term_day)
            tally.reminded += _remind(subtask.appeal, subtask, term_at, term_day, offset, now)


def _executors(appeal: Appeal) -> list[User]:
    return executors_of(appeal.organisation_id) if appeal.organisation_id else []


def _controller(appeal: Appeal) -> list[User]:
    control = (
        Control.objects.filter(appeal=appeal, lifted_at__isnull=True)
        .select_related("controller")
        .first()
    )
    return [control.controller] if control and control.controller.is_active else []


def _once(people: Iterable[User | None]) -> list[User]:
    seen: dict[int, User] = {}
    for person in people:
        if person is not None and person.is_active:
            seen.setdefault(person.pk, person)
    return list(seen.values())


def _claim(
    appeal: Appeal,
    subtask: Subtask | None,
    kind: str,
    term_at: datetime,
    offset: int,
    recipients: list[User],
    now: datetime,
) -> bool:
    """Take the nudge for this term; False when a run before this one took it."""
    try:
        with transaction.atomic():
            Nudge.objects.create(
                appeal=appeal,
                subtask=subtask,
                kind=kind,
                term_at=term_at,
                offset=offset,
                recipients=[person.pk for person in recipients],
                sent_at=now,
            )
    except IntegrityError:
        return False
    return True


def _card(appeal: Appeal) -> str:
    return reverse("console:card", kwargs={"slug": appeal.city.slug, "appeal_id": appeal.pk})


def _remind(
    appeal: Appeal,
    subtask: Subtask | None,
    term_at: datetime,
    term_day: date,
    offset: int,
    now: datetime,
) -> int:
    recipients = _once(
        [*_executors(appeal), *_controller(appeal), subtask.author if subtask else None]
    )
    if not recipients:
        return 0
    about = f"subtask:{subtask.pk}" if subtask else f"appeal:{appeal.pk}"
    with transaction.atomic():
        if not _claim(appeal, subtask, NudgeKind.REMINDER, term_at, offset, recipients, now):
            return 0
        for person in recipients:
            with in_language_of(person):
                subject, body = _reminder_text(appeal, subtask, term_day, offset)
            notify(
                recipient=person,
                topic=TOPIC_REMINDER,
                subject=subject,
                body=body,
                url=_card(appeal),
                data={
                    "appeal": appeal.pk,
                    "subtask": subtask.pk if subtask else None,
                    "term": term_day.isoformat(),
                    "offset": offset,
                },
                dedupe_key=f"control:remind:{about}:{term_day.isoformat()}:{offset}",
            )
        record_event(
            appeal,
            EventKind.REMINDED,
            actor=None,
            note=", ".join(str(person) for person in recipients),
            data={
                "subtask": subtask.pk if subtask else None,
                "term": term_day.isoformat(),
                "working_days_before": offset,
                "recipients": [person.pk for person in recipients],
            },
            visible=False,
        )
    return 1


def _reminder_text(
    appeal: Appeal, subtask: Subtask | None, term_day: date, offset: int
) -> tuple[str, str]:
    values = {
        "number": appeal.number,
        "day": formats.date_format(term_day, "SHORT_DATE_FORMAT"),
        "days": offset,
    }
    left = (
        ngettext("%(days)s working day is left.", "%(days)s working days are left.", offset)
        % values
    )
    if subtask is None:
        subject = _("Appeal %(number)s is due on %(day)s") % values
        body = _("The term of appeal %(number)s (%(category)s) ends on %(day)s.") % {
            **values,
            "category": appeal.category.name,
        }
        return subject, f"{body} {left}"
    values.update(kind=subtask.get_kind_display(), counterpart=subtask.counterpart)
    subject = _("A sub-task of appeal %(number)s is due on %(day)s") % values
    if subtask.done_on is None:
        body = _("%(kind)s (%(counterpart)s) of appeal %(number)s is due on %(day)s.") % values
    else:
        body = (
            _("The report on the order of %(counterpart)s (appeal %(number)s) is due on %(day)s.")
            % values
        )
    return subject, f"{body} {left}"


def _escalate(city: City, calendar: WorkingCalendar, now: datetime, tally: Tally) -> None:
    done = Nudge.objects.filter(
        appeal=OuterRef("pk"),
        subtask__isnull=True,
        kind=NudgeKind.ESCALATION,
        term_at=OuterRef("deadline"),
    )
    overdue = (
        Appeal.objects.filter(city=city, status__in=RUNNING, deadline__lt=now)
        .exclude(Exists(done))
        .select_related("city", "category", "organisation")
        .defer("city__boundary", "organisation__service_area")
        .order_by("deadline", "pk")[:ESCALATIONS_PER_RUN]
    )
    for appeal in overdue.iterator(chunk_size=200):
        tally.escalated += _escalate_one(calendar, appeal, now)


def _heads(appeal: Appeal) -> list[User]:
    """The heads of the appeal's organisation; its city's dispatchers when it has none."""
    if appeal.organisation_id is not None:
        heads = list(
            User.objects.filter(
                is_active=True,
                roles__kind=RoleKind.HEAD,
                roles__organisation_id=appeal.organisation_id,
            ).order_by("pk")
        )
        if heads:
            return heads
    return dispatchers_of(appeal.city_id)


def _escalate_one(calendar: WorkingCalendar, appeal: Appeal, now: datetime) -> int:
    recipients = _heads(appeal)
    if not recipients:
        # Nobody to tell: claimed all the same, or it would come first in every run and
        # hold the city's other overdue appeals back.
        _claim(appeal, None, NudgeKind.ESCALATION, appeal.deadline, 0, [], now)
        return 0
    term_day = calendar.local_date(appeal.deadline)
    with transaction.atomic():
        if not _claim(appeal, None, NudgeKind.ESCALATION, appeal.deadline, 0, recipients, now):
            return 0
        for person in recipients:
            with in_language_of(person):
                values = {
                    "number": appeal.number,
                    "day": formats.date_format(term_day, "SHORT_DATE_FORMAT"),
                    "organisation": appeal.organisation.name if appeal.organisation else "—",
                }
                subject = _("Appeal %(number)s is overdue") % values
                body = (
                    _(
                        "The term of appeal %(number)s (executor: %(organisation)s) ended on "
                        "%(day)s, and it is not answered yet."
                    )
                    % values
                )
            notify(
                recipient=person,
                topic=TOPIC_ESCALATION,
                subject=subject,
                body=body,
                url=_card(appeal),
                data={"appeal": appeal.pk, "deadline": appeal.deadline.isoformat()},
                dedupe_key=f"control:escalate:{appeal.pk}:{appeal.deadline.isoformat()}",
            )
        record_event(
            appeal,
            EventKind.ESCALATED,
            actor=None,
            note=", ".join(str(person) for person in recipients),
            data={
                "deadline": appeal.deadline.isoformat(),
                "recipients": [person.pk for person in recipients],
            },
            visible=False,
        )
    return 1


@task()
def remind_appeals() -> dict[str, int]:
    """The daily task: reminders and escalations (see `send_reminders`)."""
    tally = send_reminders()
    return {"reminded": tally.reminded, "escalated": tally.escalated}
