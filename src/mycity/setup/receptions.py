"""Reception schedules, set by the city's administrator: the officials who receive,
their weekly and monthly rules (a Saturday rule is a duty reception), dated exceptions
(a cancelled day, an extra reception) and how long before a booked time the resident is
reminded.

A change never drops a booking silently. The sessions a changed rule no longer gives
are worked out first; when residents have booked one of them, the change is refused
with the list of those bookings (`BookingsAffected`, 409) until the administrator
confirms it. A confirmed change cancels those bookings and tells each resident through
the notification outbox; phone bookings are listed for the administrator to call.
Every change is a row of the setup's audit trail with before and after values.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mycity.accounts.models import User
from mycity.accounts.permissions import Action, require
from mycity.cities.calendar import calendar_for
from mycity.cities.models import City, Organisation
from mycity.core.audit import record_change, record_differences
from mycity.core.errors import DomainError
from mycity.notify.services import notify
from mycity.notify.text import in_language_of
from mycity.reception import services
from mycity.reception.errors import InvalidReception
from mycity.reception.models import (
    MAX_SLOT_MINUTES,
    Appointment,
    ExceptionKind,
    Official,
    ReceptionException,
    ReceptionRule,
    ReceptionSession,
)

PREVIEW_COUNT = 10
# How far ahead a change keeps the sessions ready for booking.
HORIZON_WEEKS = 8
# A monthly rule needs half a year to show ten receptions.
PREVIEW_WEEKS = 60
MAX_REMIND_HOURS = 168
RULE_FIELDS = (
    "repeat",
    "weekday",
    "week",
    "starts_at",
    "ends_at",
    "slot_minutes",
    "place",
    "valid_from",
    "valid_until",
    "is_active",
)


class BookingsAffected(DomainError):
    """The change would cancel booked receptions; `details` lists them."""

    code = "bookings_affected"
    message = gettext_lazy(
        "Residents have booked receptions this change cancels. Confirm the change to "
        "cancel their bookings and tell them."
    )
    status = 409


def _require_admin(actor: User, city: City) -> None:
    require(actor, Action.EDIT_CITY, city)


def _plain(value: Any) -> Any:
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return value


def rule_values(rule: ReceptionRule) -> dict[str, Any]:
    return {name: _plain(getattr(rule, name)) for name in RULE_FIELDS}


def _subject(official: Official) -> str:
    return f"{official.full_name} ({official.organisation.slug})"


def _today(city: City) -> date:
    return timezone.localtime(timezone.now(), ZoneInfo(city.timezone)).date()


# Officials


def add_official(
    *,
    actor: User,
    city: City,
    organisation: Organisation,
    full_name: str,
    position: str,
    remind_hours: int = 24,
) -> Official:
    _require_admin(actor, city)
    _check_remind_hours(remind_hours)
    with transaction.atomic():
        # The administrator's right is checked above; the reception's own command
        # checks the organisation and the names (`None` skips its clerk check).
        official = services.add_official(
            actor=None,
            city=city,
            organisation=organisation,
            full_name=full_name,
            position=position,
        )
        official.remind_hours = remind_hours
        official.save(update_fields=["remind_hours"])
        record_change(
            actor=actor,
            city=city,
            action="reception.official_added",
            subject=_subject(official),
            after={
                "full_name": official.full_name,
                "position": official.position,
                "organisation": organisation.slug,
                "remind_hours": remind_hours,
            },
        )
    return official


def _check_remind_hours(hours: int) -> None:
    if not 0 <= hours <= MAX_REMIND_HOURS:
        raise InvalidReception(
            _("From 0 (no reminder) to %(max)s hours.") % {"max": MAX_REMIND_HOURS},
            field="remind_hours",
        )


def set_reminder(*, actor: User, official: Official, remind_hours: int) -> Official:
    """How many hours before a booked time its resident is reminded; 0 for never."""
    city = official.organisation.city
    _require_admin(actor, city)
    _check_remind_hours(remind_hours)
    with transaction.atomic():
        before = {"remind_hours": official.remind_hours}
        official.remind_hours = remind_hours
        official.save(update_fields=["remind_hours"])
        record_differences(
            actor=actor,
            city=city,
            action="reception.reminder_set",
            subject=_subject(official),
            fields=["remind_hours"],
            before=before,
            after={"remind_hours": remind_hours},
        )
    return official


# Previewing and saving rules


@dataclass(frozen=True)
class PreviewSession:
    starts_at: datetime
    ends_at: datetime
    slots: int
    place: str


def preview_rule(
    *,
    actor: User,
    official: Official,
    draft: services.RuleDraft,
    rule: ReceptionRule | None = None,
    count: int = PREVIEW_COUNT,
) -> list[PreviewSession]:
    """The next receptions the draft would give, nothing saved; the draft's problems
    are refused as saving would refuse them."""
    city = official.organisation.city
    _require_admin(actor, city)
    place, week = services.check_rule(official, draft, exclude=rule)
    unsaved = draft.rule_of(official, place, week)
    first = _today(city)
    planned = services.planned_sessions(
        city,
        [unsaved],
        first=first,
        last=first + timedelta(weeks=PREVIEW_WEEKS),
        now=timezone.now(),
    )
    return [
        PreviewSession(
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            slots=session.capacity,
            place=session.place,
        )
        for session in planned[:count]
    ]


@dataclass(frozen=True)
class ScheduleChange:
    rule: ReceptionRule | None
    cancelled: list[Appointment]


def save_rule(
    *,
    actor: User,
    official: Official,
    draft: services.RuleDraft,
    rule: ReceptionRule | None = None,
    confirm: bool = False,
) -> ScheduleChange:
    """Add a rule, or change `rule`; the sessions ahead follow the rule. Refused with
    `BookingsAffected` when a booked session would go, unless `confirm`."""
    city = official.organisation.city
    _require_admin(actor, city)
    if rule is not None and rule.official_id != official.pk:
        raise InvalidReception(_("Choose a rule of this official."), field="rule")
    with transaction.atomic():
        Official.objects.select_for_update().filter(pk=official.pk).first()
        place, week = services.check_rule(official, draft, exclude=rule)
        before = rule_values(rule) if rule is not None else {}
        if rule is None:
            rule = draft.rule_of(official, place, week)
        else:
            fresh = draft.rule_of(official, place, week)
            for name in RULE_FIELDS:
                if name != "is_active":
                    setattr(rule, name, getattr(fresh, name))
        rule.save()
        cancelled = _follow_rule(actor, city, rule, confirm=confirm)
        record_differences(
            actor=actor,
            city=city,
            action="reception.rule_saved",
            subject=_subject(official),
            fields=[*RULE_FIELDS, *_cancelled_note(cancelled)],
            before=before,
            after=rule_values(rule) | _cancelled_note(cancelled),
        )
    return ScheduleChange(rule=rule, cancelled=cancelled)


def retire_rule(*, actor: User, rule: ReceptionRule, confirm: bool = False) -> ScheduleChange:
    """No more receptions by this rule; its sessions ahead go, their bookings only with
    `confirm`."""
    official = rule.official
    city = official.organisation.city
    _require_admin(actor, city)
    with transaction.atomic():
        before = rule_values(rule)
        rule.is_active = False
        rule.save(update_fields=["is_active"])
        cancelled = _follow_rule(actor, city, rule, confirm=confirm)
        record_change(
            actor=actor,
            city=city,
            action="reception.rule_retired",
            subject=_subject(official),
            before=before,
            after={"is_active": False} | _cancelled_note(cancelled),
        )
    return ScheduleChange(rule=rule, cancelled=cancelled)


def _cancelled_note(cancelled: list[Appointment]) -> dict[str, Any]:
    return {"bookings_cancelled": [a.pk for a in cancelled]} if cancelled else {}


def _live(session: ReceptionSession) -> list[Appointment]:
    return list(session.appointments.filter(cancelled_at__isnull=True).order_by("starts_at"))


def _follow_rule(
    actor: User, city: City, rule: ReceptionRule, *, confirm: bool
) -> list[Appointment]:
    """Make the sessions ahead what the rule now gives: unchanged ones stay, changed
    ones change in place, lost ones go; bookings that no longer fit are cancelled
    (with `confirm`) or refused."""
    zone = ZoneInfo(city.timezone)
    now = timezone.now()
    ahead = list(
        ReceptionSession.objects.filter(rule=rule, starts_at__gt=now, is_cancelled=False)
        .select_related("official__organisation__city")
        .order_by("starts_at")
    )
    first = _today(city)
    last = first + timedelta(weeks=HORIZON_WEEKS)
    if ahead:
        last = max(last, ahead[-1].starts_at.astimezone(zone).date())
    wanted = {}
    if rule.is_active and rule.official.is_active:
        for planned in services.planned_sessions(city, [rule], first=first, last=last, now=now):
            wanted[planned.starts_at.astimezone(zone).date()] = planned
    plan = []
    for session in ahead:
        new = wanted.pop(session.starts_at.astimezone(zone).date(), None)
        if new is not None and _same(session, new):
            continue
        live = _live(session)
        lost = [a for a in live if new is None or a.starts_at not in new.slots]
        plan.append((session, new, lost, len(live) > len(lost)))
    affected = [a for _s, _n, lost, _k in plan for a in lost]
    if affected and not confirm:
        raise BookingsAffected(details=[_describe(a, zone) for a in affected])
    for session, new, lost, keeps in plan:
        _cancel(lost, now)
        if new is not None:
            session.starts_at, session.ends_at = new.starts_at, new.ends_at
            session.slot_minutes, session.place = new.slot_minutes, new.place
            session.save(update_fields=["starts_at", "ends_at", "slot_minutes", "place"])
            if keeps:
                _tell_changed(session)
        else:
            _drop(session)
    ReceptionSession.objects.bulk_create(list(wanted.values()), ignore_conflicts=True)
    return affected


def _same(session: ReceptionSession, new: ReceptionSession) -> bool:
    return (
        session.starts_at == new.starts_at
        and session.ends_at == new.ends_at
        and session.slot_minutes == new.slot_minutes
        and session.place == new.place
    )


def _drop(session: ReceptionSession) -> None:
    """A session that no longer takes place: kept, cancelled, when someone had booked
    it (their cancelled booking still points at it); otherwise deleted."""
    if session.appointments.exists():
        session.is_cancelled = True
        session.save(update_fields=["is_cancelled"])
    else:
        session.delete()


def _describe(appointment: Appointment, zone: ZoneInfo) -> dict[str, str]:
    moment = formats.date_format(appointment.starts_at.astimezone(zone), "SHORT_DATETIME_FORMAT")
    contact = appointment.applicant_phone or (
        appointment.resident.email if appointment.resident_id else ""  # type: ignore[union-attr]
    )
    return {
        "field": "confirm",
        "message": f"{moment} · {appointment.applicant_name} · {contact}".rstrip(" ·"),
        "appointment": str(appointment.pk),
    }


def _cancel(appointments: list[Appointment], now: datetime) -> None:
    for appointment in appointments:
        appointment.cancelled_at = now
        appointment.save(update_fields=["cancelled_at"])
        _tell_cancelled(appointment)


def _reception_url(session: ReceptionSession) -> str:
    return reverse("web:reception:page", kwargs={"slug": session.official.organisation.city.slug})


def _tell_cancelled(appointment: Appointment) -> None:
    """The resident who booked online hears of it through the outbox (in the app and by
    e-mail); the caller lists phone bookings for the administrator."""
    resident = appointment.resident
    if resident is None:
        return
    session = appointment.session
    zone = ZoneInfo(session.official.organisation.city.timezone)
    with in_language_of(resident):
        moment = formats.date_format(appointment.starts_at.astimezone(zone), "DATETIME_FORMAT")
        subject = _("Your reception on %(moment)s is cancelled") % {"moment": moment}
        body = _(
            "%(official)s has changed the reception schedule, and your booking on "
            "%(moment)s no longer takes place. Please choose another time."
        ) % {"official": session.official.full_name, "moment": moment}
    notify(
        recipient=resident,
        topic="reception.cancelled",
        subject=subject,
        body=body,
        url=_reception_url(session),
        dedupe_key=f"reception-cancelled:{appointment.pk}",
    )


def _tell_changed(session: ReceptionSession) -> None:
    """Those whose booked time still fits a changed session hear where and when it is."""
    zone = ZoneInfo(session.official.organisation.city.timezone)
    for appointment in _live(session):
        if appointment.resident is None:
            continue
        with in_language_of(appointment.resident):
            moment = formats.date_format(appointment.starts_at.astimezone(zone), "DATETIME_FORMAT")
            subject = _("Your reception on %(moment)s has changed") % {"moment": moment}
            body = _("Your booked time stays. The reception is held at: %(place)s.") % {
                "place": session.place
            }
        notify(
            recipient=appointment.resident,
            topic="reception.changed",
            subject=subject,
            body=body,
            url=_reception_url(session),
        )


# Exceptions


def _sessions_on(official: Official, day: date, zone: ZoneInfo) -> list[ReceptionSession]:
    start = datetime.combine(day, time.min, tzinfo=zone)
    return list(
        ReceptionSession.objects.filter(
            official=official,
            starts_at__gte=start,
            starts_at__lt=start + timedelta(days=1),
            is_cancelled=False,
        ).select_related("official__organisation__city")
    )


def _check_day(city: City, day: date) -> None:
    if day < _today(city):
        raise InvalidReception(_("Choose a date from today on."), field="day")


def cancel_day(
    *, actor: User, official: Official, day: date, note: str = "", confirm: bool = False
) -> ScheduleChange:
    """No reception by this official on `day` (leave, a business trip): its sessions go,
    their bookings only with `confirm`."""
    city = official.organisation.city
    _require_admin(actor, city)
    _check_day(city, day)
    note = (note or "").strip()[:200]
    zone = ZoneInfo(city.timezone)
    with transaction.atomic():
        Official.objects.select_for_update().filter(pk=official.pk).first()
        if ReceptionException.objects.filter(
            official=official, day=day, kind=ExceptionKind.CANCELLED
        ).exists():
            raise InvalidReception(_("This day is already without reception."), field="day")
        sessions = _sessions_on(official, day, zone)
        affected = [a for session in sessions for a in _live(session)]
        if affected and not confirm:
            raise BookingsAffected(details=[_describe(a, zone) for a in affected])
        ReceptionException.objects.create(
            official=official, day=day, kind=ExceptionKind.CANCELLED, note=note
        )
        now = timezone.now()
        for session in sessions:
            _cancel(_live(session), now)
            _drop(session)
        record_change(
            actor=actor,
            city=city,
            action="reception.day_cancelled",
            subject=_subject(official),
            after={"day": day.isoformat(), "note": note} | _cancelled_note(affected),
        )
    return ScheduleChange(rule=None, cancelled=affected)


@dataclass(frozen=True)
class ExtraReception:
    day: date
    starts_at: time
    ends_at: time
    place: str
    slot_minutes: int = 15
    note: str = ""


def add_extra_day(*, actor: User, official: Official, extra: ExtraReception) -> ReceptionException:
    """A reception on a day the rules do not give; refused on a public holiday and over
    another reception of the official."""
    city = official.organisation.city
    _require_admin(actor, city)
    problems: list[dict[str, str]] = []
    if extra.day < _today(city):
        problems.append({"field": "day", "message": _("Choose a date from today on.")})
    elif calendar_for(city).holiday_name(extra.day):
        problems.append({"field": "day", "message": _("This is a public holiday.")})
    if extra.ends_at <= extra.starts_at:
        problems.append({"field": "ends_at", "message": _("The end must be after the start.")})
    if not 5 <= extra.slot_minutes <= MAX_SLOT_MINUTES:
        problems.append(
            {
                "field": "slot_minutes",
                "message": _("From 5 to %(max)s minutes.") % {"max": MAX_SLOT_MINUTES},
            }
        )
    place = (extra.place or "").strip()
    if not place or len(place) > 300:
        problems.append({"field": "place", "message": _("Say where the reception is held.")})
    if problems:
        raise InvalidReception(details=problems)
    zone = ZoneInfo(city.timezone)
    starts = datetime.combine(extra.day, extra.starts_at, tzinfo=zone)
    ends = datetime.combine(extra.day, extra.ends_at, tzinfo=zone)
    with transaction.atomic():
        Official.objects.select_for_update().filter(pk=official.pk).first()
        if ReceptionException.objects.filter(
            official=official, day=extra.day, kind=ExceptionKind.EXTRA
        ).exists():
            raise InvalidReception(
                _("The official already has an extra reception that day."), field="day"
            )
        if any(
            s.starts_at < ends and s.ends_at > starts
            for s in _sessions_on(official, extra.day, zone)
        ):
            raise InvalidReception(
                _("These hours overlap another reception of the official that day."),
                field="starts_at",
            )
        exception = ReceptionException.objects.create(
            official=official,
            day=extra.day,
            kind=ExceptionKind.EXTRA,
            starts_at=extra.starts_at,
            ends_at=extra.ends_at,
            slot_minutes=extra.slot_minutes,
            place=place,
            note=(extra.note or "").strip()[:200],
        )
        ReceptionSession.objects.create(
            official=official,
            starts_at=starts,
            ends_at=ends,
            slot_minutes=extra.slot_minutes,
            place=place,
        )
        record_change(
            actor=actor,
            city=city,
            action="reception.day_added",
            subject=_subject(official),
            after={
                "day": extra.day.isoformat(),
                "starts_at": _plain(extra.starts_at),
                "ends_at": _plain(extra.ends_at),
                "slot_minutes": extra.slot_minutes,
                "place": place,
            },
        )
    return exception


def remove_exception(
    *, actor: User, exception: ReceptionException, confirm: bool = False
) -> ScheduleChange:
    """Undo an exception: a cancelled day gets its rules' receptions back; an extra
    reception goes, its bookings only with `confirm`."""
    official = exception.official
    city = official.organisation.city
    _require_admin(actor, city)
    zone = ZoneInfo(city.timezone)
    affected: list[Appointment] = []
    with transaction.atomic():
        Official.objects.select_for_update().filter(pk=official.pk).first()
        before = {"day": exception.day.isoformat(), "kind": exception.kind}
        if exception.kind == ExceptionKind.EXTRA:
            start = datetime.combine(exception.day, exception.starts_at, tzinfo=zone)  # type: ignore[arg-type]
            sessions = [
                s
                for s in _sessions_on(official, exception.day, zone)
                if s.starts_at == start and s.rule_id is None
            ]
            affected = [a for session in sessions for a in _live(session)]
            if affected and not confirm:
                raise BookingsAffected(details=[_describe(a, zone) for a in affected])
            exception.delete()
            now = timezone.now()
            for session in sessions:
                _cancel(_live(session), now)
                _drop(session)
        else:
            exception.delete()
            _restore_day(city, official, exception.day)
        record_change(
            actor=actor,
            city=city,
            action="reception.exception_removed",
            subject=_subject(official),
            before=before,
            after=_cancelled_note(affected),
        )
    return ScheduleChange(rule=None, cancelled=affected)


def _restore_day(city: City, official: Official, day: date) -> None:
    rules = list(official.rules.filter(is_active=True).select_related("official"))
    for planned in services.planned_sessions(city, rules, first=day, last=day, now=timezone.now()):
        # A session cancelled with the day comes back; its cancelled bookings stay so.
        revived = ReceptionSession.objects.filter(
            official=official, starts_at=planned.starts_at, is_cancelled=True
        ).update(
            is_cancelled=False,
            ends_at=planned.ends_at,
            slot_minutes=planned.slot_minutes,
            place=planned.place,
            rule=planned.rule,
        )
        if not revived:
            ReceptionSession.objects.bulk_create([planned], ignore_conflicts=True)
