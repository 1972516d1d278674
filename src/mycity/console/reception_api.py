"""The city administrator's API on reception schedules: the same services as the
console's page (`reception_views`). A change that would cancel booked receptions
answers 409 `bookings_affected`, listing them, until it is sent again with
`confirm: true`."""

from datetime import date, datetime, time
from typing import Annotated, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from mycity.appeals.api import STAFF
from mycity.cities.models import City, Organisation
from mycity.console.api_access import admin_city, caller
from mycity.core.api_contract import errors
from mycity.core.api_formats import IsoDate, JsonBool, JsonInt, RowId
from mycity.reception import services
from mycity.reception.errors import InvalidReception
from mycity.reception.models import (
    ExceptionKind,
    Official,
    ReceptionException,
    ReceptionRule,
    Repeat,
)
from mycity.setup import receptions

router = Router(tags=["reception schedules"])

TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
HourMinute = Annotated[str, Field(pattern=TIME_PATTERN, examples=["10:00"])]


class RuleOut(Schema):
    id: int
    repeat: Repeat
    weekday: int = Field(description="Monday is 0; 5 (Saturday) is a duty reception.")
    week: int | None = Field(description="For a monthly rule: 1–4, or -1 for the last.")
    starts_at: str
    ends_at: str
    slot_minutes: int
    place: str
    valid_from: date | None
    valid_until: date | None


class ExceptionOut(Schema):
    id: int
    day: date
    kind: ExceptionKind
    starts_at: str | None
    ends_at: str | None
    slot_minutes: int | None
    place: str
    note: str


class ReceivingOfficialOut(Schema):
    id: int
    organisation: str = Field(description="The organisation's slug.")
    full_name: str
    position: str
    is_active: bool
    remind_hours: int = Field(description="Hours before a booked time; 0: no reminder.")
    rules: list[RuleOut]
    exceptions: list[ExceptionOut]


class OfficialIn(Schema):
    organisation: str = Field(max_length=100, description="The organisation's slug.")
    full_name: str = Field(max_length=200)
    position: str = Field(max_length=200)
    remind_hours: Annotated[int, Field(ge=0, le=receptions.MAX_REMIND_HOURS), JsonInt] = 24


class ReminderIn(Schema):
    remind_hours: Annotated[int, Field(ge=0, le=receptions.MAX_REMIND_HOURS), JsonInt]


class RuleIn(Schema):
    repeat: Repeat
    weekday: Annotated[int, Field(ge=0, le=6), JsonInt]
    week: Annotated[int, Field(ge=-1, le=4), JsonInt] | None = None
    starts_at: HourMinute
    ends_at: HourMinute
    slot_minutes: Annotated[int, Field(ge=1, le=1440), JsonInt] = 15
    place: str = Field(max_length=300)
    valid_from: IsoDate | None = None
    valid_until: IsoDate | None = None


class RuleChangeIn(RuleIn):
    confirm: JsonBool = Field(False, description="Cancel the bookings the change affects.")


class ConfirmIn(Schema):
    confirm: JsonBool = Field(False, description="Cancel the bookings the change affects.")


class ExceptionIn(Schema):
    kind: ExceptionKind
    day: IsoDate
    starts_at: HourMinute | None = Field(None, description="For an extra reception.")
    ends_at: HourMinute | None = Field(None, description="For an extra reception.")
    slot_minutes: Annotated[int, Field(ge=1, le=1440), JsonInt] = 15
    place: str = Field("", max_length=300, description="For an extra reception.")
    note: str = Field("", max_length=200)
    confirm: JsonBool = Field(False, description="Cancel the bookings the change affects.")


class PreviewOut(Schema):
    starts_at: datetime
    ends_at: datetime
    slots: int
    place: str


class ScheduleChangeOut(Schema):
    rule: RuleOut | None
    cancelled_bookings: list[int] = Field(description="Ids of the bookings cancelled.")
    status: Literal["done"] = "done"


def _hm(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value is not None else None


def _time(value: str) -> time:
    return time.fromisoformat(value)


def _rule_out(rule: ReceptionRule) -> dict:
    return {
        "id": rule.pk,
        "repeat": rule.repeat,
        "weekday": rule.weekday,
        "week": rule.week,
        "starts_at": _hm(rule.starts_at),
        "ends_at": _hm(rule.ends_at),
        "slot_minutes": rule.slot_minutes,
        "place": rule.place,
        "valid_from": rule.valid_from,
        "valid_until": rule.valid_until,
    }


def _official_out(official: Official) -> dict:
    return {
        "id": official.pk,
        "organisation": official.organisation.slug,
        "full_name": official.full_name,
        "position": official.position,
        "is_active": official.is_active,
        "remind_hours": official.remind_hours,
        "rules": [_rule_out(r) for r in official.rules.all() if r.is_active],
        "exceptions": [
            {
                "id": e.pk,
                "day": e.day,
                "kind": e.kind,
                "starts_at": _hm(e.starts_at),
                "ends_at": _hm(e.ends_at),
                "slot_minutes": e.slot_minutes,
                "place": e.place,
                "note": e.note,
            }
            for e in official.exceptions.all()
        ],
    }


def _officials(city: City) -> list[Official]:
    return list(
        Official.objects.filter(organisation__city=city)
        .select_related("organisation")
        .prefetch_related("rules", "exceptions")
        .order_by("organisation__slug", "full_name", "pk")
    )


def _official(city: City, official_id: int) -> Official:
    """An official of the city; one of another city is not found."""
    return get_object_or_404(
        Official.objects.select_related("organisation__city"),
        pk=official_id,
        organisation__city=city,
    )


def _draft(payload: RuleIn) -> services.RuleDraft:
    return services.RuleDraft(
        repeat=payload.repeat,
        weekday=payload.weekday,
        week=payload.week,
        starts_at=_time(payload.starts_at),
        ends_at=_time(payload.ends_at),
        slot_minutes=payload.slot_minutes,
        place=payload.place,
        valid_from=payload.valid_from,
        valid_until=payload.valid_until,
    )


def _change_out(change: receptions.ScheduleChange) -> dict:
    return {
        "rule": _rule_out(change.rule) if change.rule is not None else None,
        "cancelled_bookings": [a.pk for a in change.cancelled],
    }


@router.get(
    "/{slug}/reception/officials",
    response=list[ReceivingOfficialOut],
    auth=STAFF,
    summary="Receiving officials with their rules, exceptions and reminders (city administrators)",
)
def list_officials(request: HttpRequest, slug: str) -> list[dict]:
    return [_official_out(o) for o in _officials(admin_city(request, slug))]


@router.post(
    "/{slug}/reception/officials",
    response={201: ReceivingOfficialOut},
    auth=STAFF,
    summary="Add a receiving official to an organisation of the city",
)
def add_official(request: HttpRequest, slug: str, payload: OfficialIn) -> Status[dict]:
    city = admin_city(request, slug)
    organisation = Organisation.objects.filter(
        city=city, slug=payload.organisation, is_active=True
    ).first()
    if organisation is None:
        raise InvalidReception(_("Choose an organisation of this city."), field="organisation")
    official = receptions.add_official(
        actor=caller(request),
        city=city,
        organisation=organisation,
        full_name=payload.full_name,
        position=payload.position,
        remind_hours=payload.remind_hours,
    )
    return Status(201, _official_out(official))


@router.put(
    "/{slug}/reception/officials/{official_id}/reminder",
    response=ReceivingOfficialOut,
    auth=STAFF,
    summary="How many hours before a booked reception its resident is reminded",
)
def set_reminder(request: HttpRequest, slug: str, official_id: RowId, payload: ReminderIn) -> dict:
    city = admin_city(request, slug)
    official = receptions.set_reminder(
        actor=caller(request),
        official=_official(city, official_id),
        remind_hours=payload.remind_hours,
    )
    return _official_out(official)


@router.post(
    "/{slug}/reception/officials/{official_id}/rules/preview",
    response=list[PreviewOut],
    auth=STAFF,
    summary="The next receptions a rule would give; nothing is saved",
)
def preview_rule(request: HttpRequest, slug: str, official_id: RowId, payload: RuleIn) -> list:
    city = admin_city(request, slug)
    return receptions.preview_rule(
        actor=caller(request), official=_official(city, official_id), draft=_draft(payload)
    )


@router.post(
    "/{slug}/reception/officials/{official_id}/rules",
    response={201: RuleOut},
    auth=STAFF,
    summary="Add a weekly or monthly reception rule; its sessions are made for booking",
)
def add_rule(request: HttpRequest, slug: str, official_id: RowId, payload: RuleIn) -> Status[dict]:
    city = admin_city(request, slug)
    change = receptions.save_rule(
        actor=caller(request), official=_official(city, official_id), draft=_draft(payload)
    )
    assert change.rule is not None
    return Status(201, _rule_out(change.rule))


def _rule(city: City, rule_id: int) -> ReceptionRule:
    return get_object_or_404(
        ReceptionRule.objects.select_related("official__organisation__city"),
        pk=rule_id,
        official__organisation__city=city,
        is_active=True,
    )


@router.put(
    "/{slug}/reception/rules/{rule_id}",
    response=ScheduleChangeOut,
    auth=STAFF,
    summary="Change a rule; bookings it would cancel answer 409 until confirmed",
    openapi_extra=errors(409),
)
def change_rule(request: HttpRequest, slug: str, rule_id: RowId, payload: RuleChangeIn) -> dict:
    city = admin_city(request, slug)
    rule = _rule(city, rule_id)
    change = receptions.save_rule(
        actor=caller(request),
        official=rule.official,
        draft=_draft(payload),
        rule=rule,
        confirm=payload.confirm,
    )
    return _change_out(change)


@router.post(
    "/{slug}/reception/rules/{rule_id}/retire",
    response=ScheduleChangeOut,
    auth=STAFF,
    summary="Stop a rule; bookings it would cancel answer 409 until confirmed",
    openapi_extra=errors(409),
)
def retire_rule(request: HttpRequest, slug: str, rule_id: RowId, payload: ConfirmIn) -> dict:
    city = admin_city(request, slug)
    change = receptions.retire_rule(
        actor=caller(request), rule=_rule(city, rule_id), confirm=payload.confirm
    )
    return _change_out(change)


@router.post(
    "/{slug}/reception/officials/{official_id}/exceptions",
    response={201: ScheduleChangeOut},
    auth=STAFF,
    summary="A day without reception, or an extra one; bookings cancelled answer 409 "
    "until confirmed",
    openapi_extra=errors(409),
)
def add_exception(
    request: HttpRequest, slug: str, official_id: RowId, payload: ExceptionIn
) -> Status[dict]:
    city = admin_city(request, slug)
    official = _official(city, official_id)
    if payload.kind == ExceptionKind.CANCELLED:
        change = receptions.cancel_day(
            actor=caller(request),
            official=official,
            day=payload.day,
            note=payload.note,
            confirm=payload.confirm,
        )
        return Status(201, _change_out(change))
    missing = [
        {"field": name, "message": _("An extra reception needs this.")}
        for name in ("starts_at", "ends_at", "place")
        if not getattr(payload, name)
    ]
    if missing:
        raise InvalidReception(details=missing)
    receptions.add_extra_day(
        actor=caller(request),
        official=official,
        extra=receptions.ExtraReception(
            day=payload.day,
            starts_at=_time(payload.starts_at or ""),
            ends_at=_time(payload.ends_at or ""),
            place=payload.place,
            slot_minutes=payload.slot_minutes,
            note=payload.note,
        ),
    )
    return Status(201, {"rule": None, "cancelled_bookings": []})


@router.post(
    "/{slug}/reception/exceptions/{exception_id}/remove",
    response=ScheduleChangeOut,
    auth=STAFF,
    summary="Undo an exception; an extra reception's bookings answer 409 until confirmed",
    openapi_extra=errors(409),
)
def remove_exception(
    request: HttpRequest, slug: str, exception_id: RowId, payload: ConfirmIn
) -> dict:
    city = admin_city(request, slug)
    exception = get_object_or_404(
        ReceptionException.objects.select_related("official__organisation__city"),
        pk=exception_id,
        official__organisation__city=city,
    )
    change = receptions.remove_exception(
        actor=caller(request), exception=exception, confirm=payload.confirm
    )
    return _change_out(change)
