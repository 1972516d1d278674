"""Commands of control and sub-tasks: each checks its rule, writes the change and its
timeline event in one transaction, and returns the row."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from mycity.accounts.models import User
from mycity.accounts.permissions import Action, require
from mycity.appeals.access import is_handling_staff
from mycity.appeals.models import CLOSED_STATUSES, Appeal, EventKind
from mycity.appeals.transitions import record_event
from mycity.cities.calendar import calendar_for
from mycity.control.access import may_work_subtasks
from mycity.control.errors import (
    AlreadyOnControl,
    AppealFinished,
    InvalidControl,
    InvalidSubtask,
    NotOnControl,
    SubtaskClosed,
)
from mycity.control.models import Control, Subtask, SubtaskKind
from mycity.control.terms import report_due, subtask_due
from mycity.notify.services import in_language_of, notify

MAX_COUNTERPART = 300
MAX_TEXT = 5000
TOPIC_CONTROL = "control.assigned"


def _lock(appeal: Appeal) -> None:
    """Serialise the commands on one appeal: two dispatchers cannot both set control."""
    Appeal.objects.select_for_update().filter(pk=appeal.pk).values_list("pk", flat=True).get()


def _require_running(appeal: Appeal) -> None:
    if appeal.status in CLOSED_STATUSES:
        raise AppealFinished(field="appeal")


def _day(value: date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


# --- Control -----------------------------------------------------------------------


def put_on_control(*, actor: User, appeal: Appeal, controller: User, note: str = "") -> Control:
    """Put the appeal on the control of `controller`, an official who handles it: one
    who could not open its card (and its applicant's data) could not control it."""
    require(actor, Action.CONTROL_APPEALS, appeal)
    _require_running(appeal)
    if not controller.is_active or not is_handling_staff(controller, appeal):
        raise InvalidControl(
            _(
                "Choose an official who handles this appeal: a dispatcher of the city, or the "
                "head or an executor of the organisation it is assigned to."
            ),
            field="controller",
        )
    note = note.strip()
    if len(note) > MAX_TEXT:
        raise InvalidControl(_("The note is too long."), field="note")
    with transaction.atomic():
        _lock(appeal)
        if Control.objects.filter(appeal=appeal, lifted_at__isnull=True).exists():
            raise AlreadyOnControl(field="controller")
        try:
            with transaction.atomic():
                control = Control.objects.create(
                    appeal=appeal,
                    controller=controller,
                    note=note,
                    set_by=actor,
                    set_at=timezone.now(),
                )
        except IntegrityError:
            # Another transaction won the race the lock above could not see (SQLite).
            raise AlreadyOnControl(field="controller") from None
        record_event(
            appeal,
            EventKind.CONTROL_SET,
            actor=actor,
            note=note,
            data={"control": control.pk, "controller": controller.pk, "name": str(controller)},
            visible=False,
        )
        if controller.pk != actor.pk:
            _tell_controller(control)
    return control


def _tell_controller(control: Control) -> None:
    appeal, controller = control.appeal, control.controller
    with in_language_of(controller):
        subject = _("Appeal %(number)s is put on your control") % {"number": appeal.number}
        body = _("%(actor)s has put appeal %(number)s on your control. %(note)s") % {
            "actor": control.set_by,
            "number": appeal.number,
            "note": control.note,
        }
    notify(
        recipient=controller,
        topic=TOPIC_CONTROL,
        subject=subject,
        body=body.strip(),
        url=reverse("console:card", kwargs={"slug": appeal.city.slug, "appeal_id": appeal.pk}),
        data={"appeal": appeal.pk, "control": control.pk},
        dedupe_key=f"control:{control.pk}:set",
    )


def lift_control(*, actor: User, appeal: Appeal, note: str = "") -> Control:
    """Take the appeal off control; the row stays as history."""
    require(actor, Action.CONTROL_APPEALS, appeal)
    note = note.strip()
    if len(note) > MAX_TEXT:
        raise InvalidControl(_("The note is too long."), field="note")
    with transaction.atomic():
        control = (
            Control.objects.select_for_update()
            .filter(appeal=appeal, lifted_at__isnull=True)
            .select_related("controller")
            .first()
        )
        if control is None:
            raise NotOnControl(field="appeal")
        control.lifted_at = timezone.now()
        control.lifted_by = actor
        control.lift_note = note
        control.save(update_fields=["lifted_at", "lifted_by", "lift_note"])
        record_event(
            appeal,
            EventKind.CONTROL_LIFTED,
            actor=actor,
            note=note,
            data={"control": control.pk, "controller": control.controller_id},
            visible=False,
        )
    return control


# --- Sub-tasks -----------------------------------------------------------------------


def _check_day(
    problems: list[dict[str, str]], field: str, value: date | None, *, after: date, today: date
) -> None:
    if value is None:
        problems.append({"field": field, "message": _("Enter a date.")})
    elif value < after:
        problems.append(
            {
                "field": field,
                "message": _("The date cannot be earlier than %(day)s.") % {"day": _day(after)},
            }
        )
    elif value > today:
        problems.append({"field": field, "message": _("The date cannot be in the future.")})


def _require_subtasks(actor: User, appeal: Appeal) -> None:
    if not may_work_subtasks(actor, appeal):
        raise PermissionDenied(Action.CONTROL_APPEALS.value)


def open_subtask(
    *,
    actor: User,
    appeal: Appeal,
    kind: str,
    counterpart: str,
    description: str,
    started_on: date | None,
) -> Subtask:
    """Open a request for documents (sent on `started_on`) or record an order of a
    higher body (received on `started_on`); its term is computed, never typed."""
    _require_subtasks(actor, appeal)
    _require_running(appeal)
    calendar = calendar_for(appeal.city)
    today = calendar.local_date(timezone.now())
    counterpart, description = counterpart.strip(), description.strip()
    problems: list[dict[str, str]] = []
    if kind not in SubtaskKind.values:
        problems.append({"field": "kind", "message": _("Choose the kind of the sub-task.")})
    if not counterpart:
        problems.append(
            {"field": "counterpart", "message": _("Name the organisation or the body.")}
        )
    elif len(counterpart) > MAX_COUNTERPART:
        problems.append({"field": "counterpart", "message": _("The name is too long.")})
    if not description:
        problems.append({"field": "description", "message": _("Describe what is asked.")})
    elif len(description) > MAX_TEXT:
        problems.append({"field": "description", "message": _("The description is too long.")})
    _check_day(problems, "started_on", started_on, after=appeal.registered_on, today=today)
    if problems:
        raise InvalidSubtask(details=problems)
    assert started_on is not None
    with transaction.atomic():
        _lock(appeal)
        subtask = Subtask.objects.create(
            appeal=appeal,
            kind=kind,
            counterpart=counterpart,
            description=description,
            started_on=started_on,
            due_on=subtask_due(calendar, kind, started_on),
            author=actor,
            created_at=timezone.now(),
        )
        record_event(
            appeal,
            EventKind.SUBTASK_OPENED,
            actor=actor,
            note=f"{subtask.get_kind_display()}: {counterpart}",
            data={
                "subtask": subtask.pk,
                "kind": kind,
                "counterpart": counterpart,
                "started_on": started_on.isoformat(),
                "due_on": subtask.due_on.isoformat(),
            },
            visible=False,
        )
    return subtask


def _locked_subtask(subtask: Subtask) -> Subtask:
    locked = Subtask.objects.select_for_update().get(pk=subtask.pk)
    locked.appeal = subtask.appeal
    return locked


def complete_subtask(*, actor: User, subtask: Subtask, done_on: date | None) -> Subtask:
    """Mark the work done: a request's answer came, an order is carried out (its report
    to the higher body is then due in three working days)."""
    appeal = subtask.appeal
    _require_subtasks(actor, appeal)
    calendar = calendar_for(appeal.city)
    now = timezone.now()
    with transaction.atomic():
        subtask = _locked_subtask(subtask)
        if subtask.done_on is not None:
            raise SubtaskClosed(field="done_on")
        problems: list[dict[str, str]] = []
        _check_day(
            problems, "done_on", done_on, after=subtask.started_on, today=calendar.local_date(now)
        )
        if problems:
            raise InvalidSubtask(details=problems)
        assert done_on is not None
        subtask.done_on = done_on
        fields = ["done_on"]
        data: dict[str, Any] = {"subtask": subtask.pk, "done_on": done_on.isoformat()}
        if subtask.kind == SubtaskKind.ORDER:
            subtask.report_due_on = report_due(calendar, done_on)
            fields.append("report_due_on")
            data["report_due_on"] = subtask.report_due_on.isoformat()
        else:
            subtask.closed_at = now
            fields.append("closed_at")
        subtask.save(update_fields=fields)
        record_event(
            appeal,
            EventKind.SUBTASK_CLOSED,
            actor=actor,
            note=f"{subtask.get_kind_display()}: {subtask.counterpart}",
            data={"stage": "done", **data},
            visible=False,
        )
    return subtask


def report_subtask(*, actor: User, subtask: Subtask, reported_on: date | None) -> Subtask:
    """Record that the higher body has been told its order is done; that ends it."""
    appeal = subtask.appeal
    _require_subtasks(actor, appeal)
    calendar = calendar_for(appeal.city)
    now = timezone.now()
    with transaction.atomic():
        subtask = _locked_subtask(subtask)
        if subtask.reported_on is not None:
            raise SubtaskClosed(field="reported_on")
        if subtask.kind != SubtaskKind.ORDER or subtask.done_on is None:
            raise InvalidSubtask(
                _("Only a carried-out order of a higher body is reported."), field="reported_on"
            )
        problems: list[dict[str, str]] = []
        _check_day(
            problems,
            "reported_on",
            reported_on,
            after=subtask.done_on,
            today=calendar.local_date(now),
        )
        if problems:
            raise InvalidSubtask(details=problems)
        assert reported_on is not None
        subtask.reported_on = reported_on
        subtask.closed_at = now
        subtask.save(update_fields=["reported_on", "closed_at"])
        record_event(
            appeal,
            EventKind.SUBTASK_CLOSED,
            actor=actor,
            note=f"{subtask.get_kind_display()}: {subtask.counterpart}",
            data={
                "stage": "reported",
                "subtask": subtask.pk,
                "reported_on": reported_on.isoformat(),
                "late": reported_on > (subtask.report_due_on or reported_on),
            },
            visible=False,
        )
    return subtask
