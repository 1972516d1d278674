"""Commands of the personal reception: the schedule, the appointments, the record.

The law (art. 6 and the chapter on personal receptions) lets an oral appeal made at a
reception be answered there, orally, when the applicant agrees; the record of the
reception then stands for the answer. Otherwise the appeal is registered in writing
and answered in the usual terms: that goes through the appeals intake, whose source
number makes a second recording of the same reception find the first appeal.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_tasks import task

from mycity.accounts.models import User
from mycity.accounts.permissions import Action, may, require
from mycity.appeals.actions.submission import AppealDraft
from mycity.appeals.intake import register_received_appeal
from mycity.appeals.models import Appeal, Channel
from mycity.cities.calendar import calendar_for
from mycity.cities.models import City, Organisation
from mycity.core.errors import DomainError
from mycity.notify.services import in_language_of, notify
from mycity.reception.errors import AlreadyBooked, InvalidReception, SlotTaken
from mycity.reception.models import (
    MAX_SLOT_MINUTES,
    Appointment,
    BookedThrough,
    ExceptionKind,
    Official,
    Outcome,
    ReceptionException,
    ReceptionRule,
    ReceptionSession,
    Repeat,
)
from mycity.reception.schedule import reception_days

MAX_WEEKS = 26
MAX_RECORD = 20000
# The appeals intake names its fields as an e-appeal does; the record form otherwise.
_INTAKE_FIELDS = {"description": "record", "category": "category"}


def _require_clerk(actor: User | None, city: City) -> None:
    """`None` is the platform itself (the demo loader, a shell)."""
    if actor is not None:
        require(actor, Action.REGISTER_APPEALS, city)


def _refuse(problems: list[dict[str, str]]) -> None:
    if problems:
        raise InvalidReception(details=problems)


def _text(value: str, field: str, limit: int, message: str, problems: list) -> str:
    value = (value or "").strip()
    if not value:
        problems.append({"field": field, "message": message})
    elif len(value) > limit:
        problems.append(
            {"field": field, "message": _("At most %(max)s characters.") % {"max": limit}}
        )
    return value


# The schedule


def add_official(
    *,
    actor: User | None,
    city: City,
    organisation: Organisation,
    full_name: str,
    position: str,
    user: User | None = None,
) -> Official:
    _require_clerk(actor, city)
    problems: list[dict[str, str]] = []
    if organisation.city_id != city.pk or not organisation.is_active:
        problems.append(
            {"field": "organisation", "message": _("Choose an organisation of this city.")}
        )
    full_name = _text(full_name, "full_name", 200, _("Give the official's full name."), problems)
    position = _text(position, "position", 200, _("Give the official's position."), problems)
    _refuse(problems)
    with transaction.atomic():
        return Official.objects.create(
            organisation=organisation, full_name=full_name, position=position, user=user
        )


def retire_official(*, actor: User, official: Official) -> Official:
    """The official no longer receives: no new sessions; the booked ones stay."""
    _require_clerk(actor, official.organisation.city)
    with transaction.atomic():
        official.is_active = False
        official.save(update_fields=["is_active"])
        official.rules.update(is_active=False)
    return official


@dataclass(frozen=True)
class RuleDraft:
    repeat: str
    weekday: int
    starts_at: time
    ends_at: time
    place: str
    slot_minutes: int = 15
    week: int | None = None
    valid_from: date | None = None
    valid_until: date | None = None

    def rule_of(self, official: Official, place: str, week: int | None) -> ReceptionRule:
        """The rule this draft makes, unsaved, with the place and week as checked."""
        return ReceptionRule(
            official=official,
            repeat=self.repeat,
            weekday=self.weekday,
            week=week,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            slot_minutes=self.slot_minutes,
            place=place,
            valid_from=self.valid_from,
            valid_until=self.valid_until,
        )


def _may_coincide(a_week: int | None, b_week: int | None) -> bool:
    """Whether two rules on the same weekday can fall on one day: a weekly rule meets
    every other; the fourth and the last week of a month are the same in most months."""
    if a_week is None or b_week is None or a_week == b_week:
        return True
    return {a_week, b_week} == {4, -1}


def overlapping_rule(
    official: Official, draft: RuleDraft, *, exclude: ReceptionRule | None = None
) -> ReceptionRule | None:
    """An active rule of the official whose hours meet the draft's on some day."""
    others = ReceptionRule.objects.filter(
        official=official,
        is_active=True,
        weekday=draft.weekday,
        starts_at__lt=draft.ends_at,
        ends_at__gt=draft.starts_at,
    )
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    week = draft.week if draft.repeat == Repeat.MONTHLY else None
    for other in others:
        apart = (
            draft.valid_until is not None
            and other.valid_from is not None
            and draft.valid_until < other.valid_from
        ) or (
            other.valid_until is not None
            and draft.valid_from is not None
            and other.valid_until < draft.valid_from
        )
        if not apart and _may_coincide(week, other.week):
            return other
    return None


def check_rule(
    official: Official, draft: RuleDraft, *, exclude: ReceptionRule | None = None
) -> tuple[str, int | None]:
    """The rule's problems as a refusal with field details; the cleaned place and week."""
    problems: list[dict[str, str]] = []
    if draft.repeat not in Repeat.values:
        problems.append({"field": "repeat", "message": _("Choose how often.")})
    # Receptions are held on working days, and on Saturdays as duty receptions.
    if not 0 <= draft.weekday <= 5:
        problems.append({"field": "weekday", "message": _("Choose a day from Monday to Saturday.")})
    week = draft.week if draft.repeat == Repeat.MONTHLY else None
    if draft.repeat == Repeat.MONTHLY and week not in (1, 2, 3, 4, -1):
        problems.append({"field": "week", "message": _("Choose which week of the month.")})
    if draft.ends_at <= draft.starts_at:
        problems.append({"field": "ends_at", "message": _("The end must be after the start.")})
    if not 5 <= draft.slot_minutes <= MAX_SLOT_MINUTES:
        problems.append(
            {
                "field": "slot_minutes",
                "message": _("From 5 to %(max)s minutes.") % {"max": MAX_SLOT_MINUTES},
            }
        )
    if draft.valid_from and draft.valid_until and draft.valid_until < draft.valid_from:
        problems.append(
            {"field": "valid_until", "message": _("The rule cannot end before it starts.")}
        )
    place = _text(draft.place, "place", 300, _("Say where the reception is held."), problems)
    if not problems:
        other = overlapping_rule(official, draft, exclude=exclude)
        if other is not None:
            problems.append(
                {
                    "field": "starts_at",
                    "message": _(
                        "These hours overlap the official's other reception, %(start)s–%(end)s."
                    )
                    % {
                        "start": other.starts_at.strftime("%H:%M"),
                        "end": other.ends_at.strftime("%H:%M"),
                    },
                }
            )
    _refuse(problems)
    return place, week


def add_rule(*, actor: User | None, official: Official, draft: RuleDraft) -> ReceptionRule:
    _require_clerk(actor, official.organisation.city)
    with transaction.atomic():
        # The official's row is the lock: two saves cannot both pass the overlap check.
        Official.objects.select_for_update().filter(pk=official.pk).first()
        place, week = check_rule(official, draft)
        rule = draft.rule_of(official, place, week)
        rule.save()
        return rule


def retire_rule(*, actor: User, rule: ReceptionRule) -> ReceptionRule:
    """No more sessions from this rule; those already generated stay."""
    _require_clerk(actor, rule.official.organisation.city)
    rule.is_active = False
    rule.save(update_fields=["is_active"])
    return rule


def cancelled_days(officials: list[int], first: date, last: date) -> dict[int, set[date]]:
    """The days each official has no reception by an exception."""
    found: dict[int, set[date]] = {}
    for official_id, day in ReceptionException.objects.filter(
        official_id__in=officials, kind=ExceptionKind.CANCELLED, day__range=(first, last)
    ).values_list("official_id", "day"):
        found.setdefault(official_id, set()).add(day)
    return found


def planned_sessions(
    city: City, rules: list[ReceptionRule], *, first: date, last: date, now: datetime
) -> list[ReceptionSession]:
    """The sessions `rules` give from `first` to `last` that start after `now`, unsaved:
    the city's calendar and each official's cancelled days respected."""
    calendar = calendar_for(city)
    zone = ZoneInfo(city.timezone)
    cancelled = cancelled_days([rule.official_id for rule in rules], first, last)
    planned = []
    for rule in rules:
        days = reception_days(
            rule, calendar, first=first, last=last, cancelled=cancelled.get(rule.official_id, ())
        )
        for day in days:
            starts = datetime.combine(day, rule.starts_at, tzinfo=zone)
            if starts <= now:
                continue
            planned.append(
                ReceptionSession(
                    official=rule.official,
                    rule=rule if rule.pk else None,
                    starts_at=starts,
                    ends_at=datetime.combine(day, rule.ends_at, tzinfo=zone),
                    slot_minutes=rule.slot_minutes,
                    place=rule.place,
                )
            )
    return planned


def generate_sessions(
    *, actor: User | None, city: City, weeks: int = 4, first: date | None = None
) -> int:
    """Dated sessions of every active rule of the city for `weeks` weeks from `first`
    (the city's today); how many were new. Running it again adds none twice."""
    _require_clerk(actor, city)
    if not 1 <= weeks <= MAX_WEEKS:
        raise InvalidReception(_("From 1 to %(max)s weeks.") % {"max": MAX_WEEKS}, field="weeks")
    calendar = calendar_for(city)
    now = timezone.now()
    first = first or calendar.local_date(now)
    last = first + timedelta(days=7 * weeks - 1)
    rules = ReceptionRule.objects.filter(
        official__organisation__city=city,
        official__organisation__is_active=True,
        official__is_active=True,
        is_active=True,
    ).select_related("official")
    planned = planned_sessions(city, list(rules), first=first, last=last, now=now)
    if not planned:
        return 0
    officials = {s.official_id for s in planned}
    before = ReceptionSession.objects.filter(official_id__in=officials).count()
    with transaction.atomic():
        # The unique (official, start) skips what a former run, or a concurrent one,
        # has made.
        ReceptionSession.objects.bulk_create(planned, ignore_conflicts=True)
    return ReceptionSession.objects.filter(official_id__in=officials).count() - before


# Appointments


@dataclass(frozen=True)
class ApplicantDetails:
    applicant_name: str
    applicant_address: str
    subject: str
    applicant_phone: str = ""


def _check_booking(
    session: ReceptionSession,
    starts_at: datetime,
    details: ApplicantDetails,
    *,
    by_staff: bool,
    phone_required: bool,
) -> dict[str, str]:
    problems: list[dict[str, str]] = []
    now = timezone.now()
    if session.is_cancelled or not session.official.is_active:
        problems.append({"field": "slot", "message": _("This reception has been cancelled.")})
    elif starts_at not in session.slots:
        problems.append({"field": "slot", "message": _("Choose one of this reception's times.")})
    # Staff may put a walk-in into a session that is going on; a resident books ahead.
    elif (session.ends_at <= now) if by_staff else (starts_at <= now):
        problems.append({"field": "slot", "message": _("This time has passed.")})
    elif session.appointments.filter(cancelled_at__isnull=True).count() >= session.capacity:
        problems.append(
            {"field": "slot", "message": _("There are no free times left at this reception.")}
        )
    values = {
        "applicant_name": _text(
            details.applicant_name, "applicant_name", 200, _("Give your full name."), problems
        ),
        "applicant_address": _text(
            details.applicant_address,
            "applicant_address",
            300,
            _("Give your postal address."),
            problems,
        ),
        "subject": _text(
            details.subject, "subject", 300, _("Say in a few words what it is about."), problems
        ),
        "applicant_phone": (details.applicant_phone or "").strip(),
    }
    if phone_required and not values["applicant_phone"]:
        problems.append({"field": "applicant_phone", "message": _("Give a phone number.")})
    elif len(values["applicant_phone"]) > 30:
        problems.append({"field": "applicant_phone", "message": _("At most 30 characters.")})
    _refuse(problems)
    return values


def _create_appointment(
    session: ReceptionSession, starts_at: datetime, resident: User | None, **fields: object
) -> Appointment:
    try:
        with transaction.atomic():
            return Appointment.objects.create(
                session=session, starts_at=starts_at, resident=resident, **fields
            )
    except IntegrityError:
        # A concurrent booking committed first; tell which rule it broke.
        if resident is not None and _has_booking(resident, session):
            raise AlreadyBooked(field="slot") from None
        raise SlotTaken(field="slot") from None


def _has_booking(resident: User, session: ReceptionSession) -> bool:
    return Appointment.objects.filter(
        session=session, resident=resident, cancelled_at__isnull=True
    ).exists()


def book_appointment(
    *, actor: User, session: ReceptionSession, starts_at: datetime, details: ApplicantDetails
) -> Appointment:
    """A signed-in resident takes a slot: one per person per session."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    values = _check_booking(session, starts_at, details, by_staff=False, phone_required=True)
    if _has_booking(actor, session):
        raise AlreadyBooked(field="slot")
    return _create_appointment(
        session,
        starts_at,
        actor,
        booked_by=actor,
        booked_through=BookedThrough.ONLINE,
        **values,
    )


def add_appointment(
    *,
    actor: User,
    session: ReceptionSession,
    starts_at: datetime,
    details: ApplicantDetails,
    booked_through: str,
) -> Appointment:
    """The intake clerk books someone who phoned, or who came without an appointment."""
    require(actor, Action.REGISTER_APPEALS, session.official.organisation.city)
    if booked_through not in (BookedThrough.PHONE, BookedThrough.WALK_IN):
        raise InvalidReception(_("Choose how the person asked."), field="booked_through")
    values = _check_booking(
        session,
        starts_at,
        details,
        by_staff=True,
        phone_required=booked_through == BookedThrough.PHONE,
    )
    return _create_appointment(
        session, starts_at, None, booked_by=actor, booked_through=booked_through, **values
    )


def cancel_appointment(*, actor: User, appointment: Appointment) -> Appointment:
    """The resident cancels their own booking (or the clerk any) before its time."""
    city = appointment.session.official.organisation.city
    if appointment.resident_id != actor.pk and not may(actor, Action.REGISTER_APPEALS, city):
        raise PermissionDenied
    with transaction.atomic():
        locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if locked.cancelled_at is not None:
            return locked
        if locked.outcome or locked.starts_at <= timezone.now():
            raise InvalidReception(
                _("A reception that has taken place cannot be cancelled."), field="appointment"
            )
        locked.cancelled_at = timezone.now()
        locked.save(update_fields=["cancelled_at"])
    return locked


# The record of the reception


@dataclass(frozen=True)
class RecordDraft:
    outcome: str
    record: str = ""
    agreed_to_oral_answer: bool = False
    # For a written appeal: its subject in the city's catalogue of e-appeals.
    category_slug: str = ""


def _may_record(actor: User, appointment: Appointment, outcome: str) -> bool:
    city = appointment.session.official.organisation.city
    if may(actor, Action.REGISTER_APPEALS, city):
        return True
    # The receiving official keeps their own record; registering is the clerk's.
    official = appointment.session.official
    return official.user_id == actor.pk and outcome != Outcome.WRITTEN_APPEAL


def record_reception(*, actor: User, appointment: Appointment, draft: RecordDraft) -> Appointment:
    """What was said and how it ended. A written appeal is registered once, however
    often the record is saved."""
    if not _may_record(actor, appointment, draft.outcome):
        raise PermissionDenied
    session = appointment.session
    organisation = session.official.organisation
    now = timezone.now()
    problems: list[dict[str, str]] = []
    if draft.outcome not in Outcome.values:
        problems.append({"field": "outcome", "message": _("Choose how the reception ended.")})
    record = (draft.record or "").strip()
    if draft.outcome in (Outcome.ORAL_ANSWER, Outcome.WRITTEN_APPEAL) and not record:
        problems.append({"field": "record", "message": _("Write down what was said.")})
    elif len(record) > MAX_RECORD:
        problems.append(
            {"field": "record", "message": _("At most %(max)s characters.") % {"max": MAX_RECORD}}
        )
    if draft.outcome == Outcome.ORAL_ANSWER and not draft.agreed_to_oral_answer:
        problems.append(
            {
                "field": "agreed_to_oral_answer",
                "message": _(
                    "An oral answer needs the applicant's agreement; otherwise register a "
                    "written appeal."
                ),
            }
        )
    written = draft.outcome == Outcome.WRITTEN_APPEAL
    if written and not draft.category_slug and appointment.appeal_id is None:
        problems.append({"field": "category", "message": _("Choose the subject of the appeal.")})
    _refuse(problems)
    with transaction.atomic():
        locked = (
            Appointment.objects.select_for_update()
            .select_related("session__official__organisation__city")
            .get(pk=appointment.pk)
        )
        if locked.cancelled_at is not None:
            raise InvalidReception(_("This appointment was cancelled."), field="outcome")
        if session.starts_at > now:
            raise InvalidReception(_("The reception has not begun yet."), field="outcome")
        if locked.appeal_id is not None and draft.outcome != Outcome.WRITTEN_APPEAL:
            raise InvalidReception(
                _("A written appeal has been registered; it is answered in writing."),
                field="outcome",
            )
        if draft.outcome == Outcome.WRITTEN_APPEAL and locked.appeal_id is None:
            locked.appeal = _register_appeal(actor, locked, organisation, record, draft, now)
        locked.outcome = draft.outcome
        locked.record = record
        locked.agreed_to_oral_answer = draft.outcome == Outcome.ORAL_ANSWER
        locked.recorded_at = now
        locked.recorded_by = actor
        locked.save(
            update_fields=[
                "appeal",
                "outcome",
                "record",
                "agreed_to_oral_answer",
                "recorded_at",
                "recorded_by",
            ]
        )
    return locked


def _register_appeal(
    actor: User,
    appointment: Appointment,
    organisation: Organisation,
    record: str,
    draft: RecordDraft,
    now: datetime,
) -> Appeal:
    city = organisation.city
    is_department = organisation.kind == Organisation.Kind.DEPARTMENT
    try:
        submission = register_received_appeal(
            actor=actor,
            city=city,
            registrar=organisation,
            channel=Channel.RECEPTION,
            # Made orally at the reception: it arrived when the person was received.
            received_at=min(appointment.starts_at, now),
            draft=AppealDraft(
                category_slug=draft.category_slug,
                description=record,
                addressee_slug=organisation.slug if is_department else None,
                applicant_name=appointment.applicant_name,
                applicant_address=appointment.applicant_address,
                applicant_phone=appointment.applicant_phone,
            ),
            source_number=f"reception:{appointment.pk}",
            # Booked online: the resident follows the appeal in the app.
            applicant=appointment.resident,
        )
    except DomainError as exc:
        details = [
            {**d, "field": _INTAKE_FIELDS.get(d.get("field") or "", d.get("field") or "")}
            for d in exc.as_dict()["details"]
        ]
        raise InvalidReception(exc.message, details=details) from None
    return submission.appeal


# Reminders


def send_reminders(*, now: datetime | None = None) -> int:
    """Remind each resident of their booked reception `remind_hours` before it (as the
    official's schedule says); a second run reminds nobody twice. How many were sent."""
    now = now or timezone.now()
    due = (
        Appointment.objects.filter(
            cancelled_at__isnull=True,
            reminded_at__isnull=True,
            resident__isnull=False,
            outcome="",
            starts_at__gt=now,
            session__is_cancelled=False,
            session__official__remind_hours__gt=0,
        )
        .select_related("session__official__organisation__city", "resident")
        .order_by("starts_at")
    )
    sent = 0
    for appointment in due:
        official = appointment.session.official
        if appointment.starts_at - timedelta(hours=official.remind_hours) > now:
            continue
        with transaction.atomic():
            # Claimed first: a concurrent run finds it reminded and sends nothing.
            claimed = Appointment.objects.filter(
                pk=appointment.pk, reminded_at__isnull=True
            ).update(reminded_at=now)
            if claimed:
                _remind(appointment)
                sent += 1
    return sent


def _remind(appointment: Appointment) -> None:
    resident = appointment.resident
    assert resident is not None
    session = appointment.session
    city = session.official.organisation.city
    with in_language_of(resident):
        moment = formats.date_format(
            appointment.starts_at.astimezone(ZoneInfo(city.timezone)), "DATETIME_FORMAT"
        )
        subject = _("Reminder: your reception on %(moment)s") % {"moment": moment}
        body = _("%(official)s, %(position)s, receives you at %(place)s.") % {
            "official": session.official.full_name,
            "position": session.official.position,
            "place": session.place,
        }
    notify(
        recipient=resident,
        topic="reception.reminder",
        subject=subject,
        body=body,
        url=reverse("web:reception:page", kwargs={"slug": city.slug}),
        dedupe_key=f"reception-reminder:{appointment.pk}",
    )


@task()
def remind_receptions() -> int:
    """The clock's quarter-hourly task (see `send_reminders`)."""
    return send_reminders()
