"""Control and sub-tasks through the API: what the card's control section and the "on
my control" page do in the console (`control.views`), with the same services, for a
housing company's dispatch system."""

from datetime import date, datetime
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from mycity.accounts.models import User
from mycity.accounts.permissions import Action, may
from mycity.appeals.api import STAFF
from mycity.appeals.deadlines import deadline_state
from mycity.appeals.models import Appeal
from mycity.cities.selectors import city_by_slug
from mycity.control import services
from mycity.control.access import may_control, may_work_subtasks, staff_appeal, staff_subtask
from mycity.control.errors import InvalidControl
from mycity.control.models import Control, Subtask, SubtaskKind
from mycity.control.selectors import (
    active_control,
    controls_in,
    officials_for,
    open_subtasks_by_appeal,
    subtasks_of,
)
from mycity.core.api_contract import errors
from mycity.core.api_formats import IsoDate, ObjectId

router = Router(tags=["control"], auth=STAFF)


class ControllerOut(Schema):
    id: int
    name: str


class ControlOut(Schema):
    controller: ControllerOut
    note: str
    set_at: datetime
    set_by: ControllerOut | None


class SubtaskOut(Schema):
    id: int
    appeal: int
    kind: SubtaskKind
    counterpart: str
    description: str
    started_on: date
    due_on: date = Field(description="Computed from the kind and the start, never typed.")
    done_on: date | None
    report_due_on: date | None = Field(description="An order: its report to the higher body.")
    reported_on: date | None
    open: bool


class ControlSectionOut(Schema):
    appeal: int
    control: ControlOut | None = Field(description="Null: the appeal is not on control.")
    officials: list[ControllerOut] = Field(
        description="Who may be named to control it: the active staff who handle it."
    )
    subtasks: list[SubtaskOut]


class ControlledOut(Schema):
    appeal: int
    number: str
    deadline: datetime | None
    deadline_state: str
    controller: ControllerOut
    open_subtasks: list[SubtaskOut]


class ControlledPageOut(Schema):
    mine: list[ControlledOut] = Field(description="On the caller's own control.")
    everyone: list[ControlledOut] = Field(
        description="All the city's controlled appeals: for its dispatchers; empty for others."
    )


class ControlIn(Schema):
    controller: ObjectId = Field(description="The official's id (see `officials`).")
    note: str = Field("", max_length=5000)


class LiftIn(Schema):
    note: str = Field("", max_length=5000, description="Why it is taken off control.")


class SubtaskIn(Schema):
    kind: SubtaskKind
    counterpart: str = Field(..., min_length=1, max_length=300, pattern=r"\S")
    description: str = Field(..., min_length=1, max_length=5000, pattern=r"\S")
    started_on: IsoDate = Field(
        ...,
        description="A request: the day it was sent; an order: the day it was received. "
        "Not before the appeal's registration, not in the future.",
    )


class DoneIn(Schema):
    done_on: IsoDate = Field(..., description="Not before the start, not in the future.")


class ReportedIn(Schema):
    reported_on: IsoDate = Field(..., description="Not before the day it was done.")


def _actor(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]


def _official(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.full_name or user.email}


def _subtask_out(subtask: Subtask) -> dict[str, Any]:
    return {
        "id": subtask.pk,
        "appeal": subtask.appeal_id,
        "kind": subtask.kind,
        "counterpart": subtask.counterpart,
        "description": subtask.description,
        "started_on": subtask.started_on,
        "due_on": subtask.due_on,
        "done_on": subtask.done_on,
        "report_due_on": subtask.report_due_on,
        "reported_on": subtask.reported_on,
        "open": subtask.is_open,
    }


def _section(appeal: Appeal) -> dict[str, Any]:
    control = active_control(appeal)
    return {
        "appeal": appeal.pk,
        "control": None
        if control is None
        else {
            "controller": _official(control.controller),
            "note": control.note,
            "set_at": control.set_at,
            "set_by": _official(control.set_by),
        },
        "officials": [_official(user) for user in officials_for(appeal)],
        "subtasks": [_subtask_out(subtask) for subtask in subtasks_of(appeal)],
    }


def _appeal(request: HttpRequest, appeal_id: int, allowed: Any) -> Appeal:
    """The appeal the caller handles (else 404); 403 when they handle it but may not do
    this (the services check again)."""
    appeal = staff_appeal(_actor(request), None, appeal_id)
    if not allowed(_actor(request), appeal):
        raise PermissionDenied("control")
    return appeal


def _subtask(request: HttpRequest, subtask_id: int) -> Subtask:
    subtask = staff_subtask(_actor(request), None, subtask_id)
    if not may_work_subtasks(_actor(request), subtask.appeal):
        raise PermissionDenied("control")
    return subtask


@router.get(
    "/cities/{slug}/controlled",
    response=ControlledPageOut,
    summary="Staff: the appeals on my control and, for a dispatcher, all the city's",
)
def controlled(request: HttpRequest, slug: str) -> dict[str, Any]:
    city = city_by_slug(slug)
    actor = _actor(request)
    mine = list(controls_in(city, controller=actor))
    everyone = list(controls_in(city)) if may(actor, Action.DISPATCH, city) else []
    subtasks = open_subtasks_by_appeal([c.appeal_id for c in mine + everyone])
    now = timezone.now()

    def rows(controls: list[Control]) -> list[dict[str, Any]]:
        return [
            {
                "appeal": c.appeal_id,
                "number": c.appeal.number,
                "deadline": c.appeal.deadline,
                "deadline_state": deadline_state(c.appeal, now),
                "controller": _official(c.controller),
                "open_subtasks": [_subtask_out(s) for s in subtasks.get(c.appeal_id, [])],
            }
            for c in controls
        ]

    return {"mine": rows(mine), "everyone": rows(everyone)}


@router.get(
    "/appeals/{appeal_id}/control",
    response=ControlSectionOut,
    summary="Staff: the appeal's control, who may control it, and its sub-tasks",
)
def control_section(request: HttpRequest, appeal_id: int) -> dict[str, Any]:
    return _section(staff_appeal(_actor(request), None, appeal_id))


@router.post(
    "/appeals/{appeal_id}/control",
    response={201: ControlSectionOut},
    summary="Dispatcher or the organisation's head: put the appeal on an official's control",
    description="The official must handle the appeal (one of `officials`); they are told. "
    "An appeal already on control (409 `already_on_control`) is first taken off it.",
    openapi_extra=errors(409),
)
def put_on_control(request: HttpRequest, appeal_id: int, payload: ControlIn) -> Status[Any]:
    appeal = _appeal(request, appeal_id, may_control)
    controller = User.objects.filter(pk=payload.controller).first()
    if controller is None:
        raise InvalidControl(
            _(
                "Choose an official who handles this appeal: a dispatcher of the city, or the "
                "head or an executor of the organisation it is assigned to."
            ),
            field="controller",
        )
    services.put_on_control(
        actor=_actor(request), appeal=appeal, controller=controller, note=payload.note
    )
    return Status(201, _section(appeal))


@router.post(
    "/appeals/{appeal_id}/control/lift",
    response=ControlSectionOut,
    summary="Dispatcher or the organisation's head: take the appeal off control",
    openapi_extra=errors(409),
)
def lift_control(request: HttpRequest, appeal_id: int, payload: LiftIn) -> dict[str, Any]:
    appeal = _appeal(request, appeal_id, may_control)
    services.lift_control(actor=_actor(request), appeal=appeal, note=payload.note)
    return _section(appeal)


@router.post(
    "/appeals/{appeal_id}/subtasks",
    response={201: SubtaskOut},
    summary="Open a sub-task: a request for documents or an order of a higher body; its "
    "term is computed",
    openapi_extra=errors(409),
)
def open_subtask(request: HttpRequest, appeal_id: int, payload: SubtaskIn) -> Status[Any]:
    appeal = _appeal(request, appeal_id, may_work_subtasks)
    subtask = services.open_subtask(
        actor=_actor(request),
        appeal=appeal,
        kind=payload.kind,
        counterpart=payload.counterpart,
        description=payload.description,
        started_on=payload.started_on,
    )
    return Status(201, _subtask_out(subtask))


@router.post(
    "/subtasks/{subtask_id}/done",
    response=SubtaskOut,
    summary="Mark a sub-task done: the answer came, or the order is carried out (its report "
    "is then due in three working days)",
    openapi_extra=errors(409),
)
def complete_subtask(request: HttpRequest, subtask_id: int, payload: DoneIn) -> dict[str, Any]:
    subtask = _subtask(request, subtask_id)
    done = services.complete_subtask(
        actor=_actor(request), subtask=subtask, done_on=payload.done_on
    )
    return _subtask_out(done)


@router.post(
    "/subtasks/{subtask_id}/report",
    response=SubtaskOut,
    summary="Record that the higher body was told its order is carried out; this ends it",
    openapi_extra=errors(409),
)
def report_subtask(request: HttpRequest, subtask_id: int, payload: ReportedIn) -> dict[str, Any]:
    subtask = _subtask(request, subtask_id)
    reported = services.report_subtask(
        actor=_actor(request), subtask=subtask, reported_on=payload.reported_on
    )
    return _subtask_out(reported)
