"""The daily e-mail digest: for each staff member who asked for it, the appeals they
handle that are overdue, due today or due on the next working day; the appeals on
their control that are overdue or due by the next working day; and the open sub-tasks
of both whose next step is due by then.

Run once a morning, by the `send_daily_digests` task or the command of the same name
(cron). Each digest goes through the notify outbox by e-mail only, with a dedupe key
per person and day: a second run the same day sends nothing twice.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django_tasks import task

from mycity.accounts.models import RoleKind, User
from mycity.accounts.permissions import roles_of
from mycity.appeals.models import CLOSED_STATUSES, Appeal, Status
from mycity.appeals.selectors import handled_in
from mycity.appeals.staff_notices import day_bands
from mycity.cities.calendar import calendar_for
from mycity.cities.models import City
from mycity.console.models import StaffPreferences
from mycity.control.models import Subtask
from mycity.control.selectors import controlled_by, subtasks_due_for
from mycity.notify.models import Notification
from mycity.notify.services import in_language_of, notify
from mycity.notify.text import absolute_url

logger = logging.getLogger(__name__)

TOPIC = "console.digest"
# Appeals listed per band and city; the rest are counted, with a link to the queue.
LINES_PER_BAND = 20
# Statuses in which a term still runs: not finished, not answered.
_RUNNING = sorted(
    {s.value for s in Status} - {s.value for s in CLOSED_STATUSES | {Status.ANSWERED}}
)


@dataclass
class Band:
    key: str  # the queue's deadline band the "more" link opens, or ""
    appeals: list[Appeal] = field(default_factory=list)
    total: int = 0


@dataclass
class CityDigest:
    city: City
    overdue: Band
    due_today: Band
    due_tomorrow: Band
    controlled: Band = field(default_factory=lambda: Band(key=""))
    subtasks: list[Subtask] = field(default_factory=list)
    subtasks_total: int = 0

    @property
    def total(self) -> int:
        return (
            self.overdue.total
            + self.due_today.total
            + self.due_tomorrow.total
            + self.controlled.total
            + self.subtasks_total
        )


def digest_key(day: date) -> str:
    return f"digest:{day.isoformat()}"


def staff_cities(user: Any) -> list[City]:
    """The active cities of the person's staff roles, once each, in role order."""
    cities: dict[int, City] = {}
    for role in roles_of(user):
        if role.kind != RoleKind.RESIDENT and role.city is not None and role.city.is_active:
            cities.setdefault(role.city.pk, role.city)
    return list(cities.values())


def city_digest(user: Any, city: City, now: datetime) -> CityDigest | None:
    """What `user` handles or controls in `city` that is overdue or due by the end of
    the next working day; None when they handle nothing there."""
    handled = handled_in(user, city)
    calendar = calendar_for(city)
    bands = day_bands(calendar, now)
    controlled = controlled_by(user, city).filter(deadline__lte=bands.next_working_day_ends)
    controlled_total = controlled.count()
    subtasks = subtasks_due_for(
        user, city, handled, until=calendar.local_date(bands.next_working_day_ends)
    )
    subtasks_total = subtasks.count()
    on_control = Band(
        key="",
        appeals=_lines(controlled) if controlled_total else [],
        total=controlled_total,
    )
    subtask_lines = list(subtasks[:LINES_PER_BAND]) if subtasks_total else []
    if handled is None:
        if not controlled_total and not subtasks_total:
            return None
        return CityDigest(
            city=city,
            overdue=Band(key="overdue"),
            due_today=Band(key="due_soon"),
            due_tomorrow=Band(key=""),
            controlled=on_control,
            subtasks=subtask_lines,
            subtasks_total=subtasks_total,
        )
    running = handled.filter(status__in=_RUNNING)
    overdue = Q(deadline__lt=now)
    today = Q(deadline__gte=now, deadline__lte=bands.today_ends)
    tomorrow = Q(deadline__gt=bands.today_ends, deadline__lte=bands.next_working_day_ends)
    totals = running.aggregate(
        overdue=Count("pk", filter=overdue),
        today=Count("pk", filter=today),
        tomorrow=Count("pk", filter=tomorrow),
    )

    def band(key: str, where: Q, total: int) -> Band:
        if not total:
            return Band(key=key)
        return Band(key=key, appeals=_lines(running.filter(where)), total=total)

    return CityDigest(
        city=city,
        overdue=band("overdue", overdue, totals["overdue"]),
        due_today=band("due_soon", today, totals["today"]),
        due_tomorrow=band("", tomorrow, totals["tomorrow"]),
        controlled=on_control,
        subtasks=subtask_lines,
        subtasks_total=subtasks_total,
    )


def _lines(appeals: QuerySet[Appeal]) -> list[Appeal]:
    return list(
        appeals.select_related("category")
        .only(
            "pk",
            "number",
            "address",
            "deadline",
            "city_id",
            "category__name_ru",
            "category__name_be",
            "category__name_en",
        )
        .order_by("deadline", "pk")[:LINES_PER_BAND]
    )


def render_digest(user: User, digests: list[CityDigest], day: date) -> tuple[str, str]:
    """The subject and plain-text body, in the person's language."""
    with in_language_of(user):
        subject = _("Appeals due and overdue on %(day)s") % {"day": day.strftime("%d.%m.%Y")}
        parts = [subject]
        for digest in digests:
            city = digest.city
            zone = ZoneInfo(city.timezone)
            section = [f"== {city.name} =="]
            for title, band in (
                (_("Overdue"), digest.overdue),
                (_("Due today"), digest.due_today),
                (_("Due on the next working day"), digest.due_tomorrow),
                (_("On your control, due by the next working day"), digest.controlled),
            ):
                if not band.total:
                    continue
                section.append(f"{title} ({band.total}):")
                for appeal in band.appeals:
                    deadline = timezone.localtime(appeal.deadline, zone).strftime("%d.%m.%Y %H:%M")
                    card = reverse(
                        "console:card", kwargs={"slug": city.slug, "appeal_id": appeal.pk}
                    )
                    section.append(
                        f"- {appeal.number} · {appeal.category.name} · "
                        f"{appeal.address or '—'} · {pgettext('deadline', 'due')} {deadline}\n"
                        f"  {absolute_url(card)}"
                    )
                more = band.total - len(band.appeals)
                if more > 0:
                    queue = reverse("console:queue", kwargs={"slug": city.slug})
                    if band.key:
                        queue += f"?band={band.key}"
                    section.append(
                        _("…and %(count)s more: %(link)s")
                        % {"count": more, "link": absolute_url(queue)}
                    )
            section.extend(_subtask_lines(digest))
            parts.append("\n".join(section))
    return subject, "\n\n".join(parts)


def _subtask_lines(digest: CityDigest) -> list[str]:
    """The sub-tasks' section: each with the day its next step (work or report) is due."""
    if not digest.subtasks_total:
        return []
    heading = _("Sub-tasks due")
    lines = [f"{heading} ({digest.subtasks_total}):"]
    for subtask in digest.subtasks:
        step = _("report due") if subtask.done_on else pgettext("deadline", "due")
        card = reverse(
            "console:card", kwargs={"slug": digest.city.slug, "appeal_id": subtask.appeal_id}
        )
        lines.append(
            f"- {subtask.appeal.number} · {subtask.get_kind_display()} · {subtask.counterpart}"
            f" · {step} {subtask.term_on.strftime('%d.%m.%Y')}\n  {absolute_url(card)}"
        )
    return lines


def send_digest(user: User, *, now: datetime | None = None) -> bool:
    """Write the person's digest for today to the outbox, unless it is written already
    or there is nothing due; whether one was written."""
    now = now or timezone.now()
    cities = staff_cities(user)
    if not cities or not user.email:
        return False
    day = timezone.localtime(now, ZoneInfo(cities[0].timezone)).date()
    key = digest_key(day)
    if Notification.objects.filter(recipient=user, dedupe_key=key).exists():
        return False
    digests = [d for d in (city_digest(user, city, now) for city in cities) if d and d.total]
    if not digests:
        return False
    subject, body = render_digest(user, digests, day)
    with transaction.atomic():
        written = notify(
            recipient=user,
            topic=TOPIC,
            subject=subject,
            body=body,
            url=reverse("console:home"),
            data={"day": day.isoformat(), "appeals": sum(d.total for d in digests)},
            dedupe_key=key,
            channels=("email",),
        )
    return written is not None


def send_digests(*, now: datetime | None = None) -> int:
    """One morning's run: a digest to every active staff member who asked for one;
    how many were written."""
    now = now or timezone.now()
    sent = 0
    subscribers = (
        StaffPreferences.objects.filter(daily_digest=True, user__is_active=True)
        .select_related("user")
        .order_by("pk")
    )
    for preferences in subscribers.iterator(chunk_size=200):
        try:
            sent += send_digest(preferences.user, now=now)
        except Exception:
            # One person's broken digest must not keep the others from theirs.
            logger.exception("daily digest failed", extra={"user": preferences.user_id})
    return sent


@task()
def send_daily_digests() -> int:
    """The morning task: send the daily digests (see `send_digests`)."""
    return send_digests()
