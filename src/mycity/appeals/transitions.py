"""The appeal's state machine at work: the one way an appeal changes.

`transition` makes a move of `appeals.workflow`: it checks who may make it from where,
changes the row with a conditional UPDATE on its version (two staff acting at once
cannot both win), sets what the move implies (result, closing time, public or not), and
writes the event in the same transaction; the applicant's notification goes to the
outbox with it. Every other change of an appeal (a new deadline, an edit, a question)
goes through `touch_appeal` and `record_event`, so it also bumps the version and lands
in the timeline, which is the audit trail. Every writer of appeals uses these.
"""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from mycity.accounts.models import User
from mycity.appeals import alerts, search, webhook_events
from mycity.appeals.errors import (
    MoveNotAllowed,
    NoteRequired,
    StaleAppeal,
)
from mycity.appeals.models import (
    CLOSED_STATUSES,
    Appeal,
    AppealEvent,
    EventKind,
    Result,
    Status,
)
from mycity.appeals.workflow import (
    RULES,
    Actor,
    Move,
    allowed,
    capacities,
)
from mycity.cities.freshness import city_pages_changed
from mycity.notify.services import in_language_of, notify

# How an appeal that ends so is counted; an answer's result is the executor's choice.
RESULT_OF_STATUS = {
    Status.REJECTED: Result.NOT_CONSIDERED,
    Status.NOT_CONSIDERED: Result.NOT_CONSIDERED,
    Status.REDIRECTED: Result.REDIRECTED,
    Status.DUPLICATE: Result.DUPLICATE,
    Status.WITHDRAWN: Result.WITHDRAWN,
}


ANSWER_RESULTS = (Result.SATISFIED, Result.EXPLAINED, Result.REFUSED)


def record_event(
    appeal: Appeal,
    kind: str,
    *,
    actor: Any,
    visible: bool,
    at: datetime | None = None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> AppealEvent:
    """Put what happened to an appeal into its timeline and the audit trail. Whether the
    applicant sees it (`visible`) is always said: a staff note shown to the applicant,
    or in their copy of their data, is a leak.

    Every change of an appeal lands here, so here the city's cached public pages (the
    list, the map, Open311) are made stale, from the moment the change commits, and the
    webhooks that ask for it are written."""
    city = appeal.city if Appeal.city.is_cached(appeal) else appeal.city_id
    city_pages_changed(city)
    event = AppealEvent.objects.create(
        appeal=appeal,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data or {},
        visible_to_applicant=visible,
        created_at=at or timezone.now(),
    )
    # The organisation's and the city's systems hear of it with the change (webhooks).
    webhook_events.on_event(appeal, event)
    return event


def implied_changes(
    target: Status, *, at: datetime, changes: dict[str, Any] | None = None
) -> dict[str, Any]:
    """What reaching `target` changes besides the status, on top of `changes`: the
    time of the answer or of the closing, the result an ending implies, and whether
    the report stays on the public map. Pure, so that the demo generator, which writes
    a year of appeals in bulk, applies exactly what `transition` does."""
    changes = dict(changes or {})
    if target == Status.ANSWERED:
        changes.setdefault("answered_at", at)
    if target in CLOSED_STATUSES:
        changes.setdefault("closed_at", at)
    if target in RESULT_OF_STATUS:
        changes.setdefault("result", RESULT_OF_STATUS[target])
    if target == Status.REOPENED:
        changes |= {"closed_at": None, "result": ""}
    if target in CLOSED_STATUSES - {Status.CLOSED}:
        # Off the public map: turned away, another body's now, shown by its original,
        # or withdrawn.
        changes["is_public"] = False
    return changes


def transition(
    appeal: Appeal,
    move: Move,
    *,
    actor: Any,
    note: str = "",
    expected_version: int | None = None,
    changes: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
    visible: bool = True,
) -> AppealEvent:
    """Make one move of the state machine: check, change, record."""
    rule = RULES[move]
    note = (note or "").strip()
    acting_as = capacities(actor, appeal)
    if not (rule.actors & acting_as):
        raise PermissionDenied(move.value)
    if not allowed(move, appeal, acting_as):
        raise MoveNotAllowed(field="move")
    if rule.note_required and not note:
        raise NoteRequired(field="note")
    version = expected_version if expected_version is not None else appeal.version
    now = timezone.now()
    changes = implied_changes(rule.target, at=now, changes=changes)
    updated = Appeal.objects.filter(pk=appeal.pk, version=version, status=appeal.status).update(
        status=rule.target, version=F("version") + 1, updated_at=now, **changes
    )
    if updated != 1:
        raise StaleAppeal()
    from_status = appeal.status
    appeal.status = rule.target
    appeal.version = version + 1
    for name, value in changes.items():
        setattr(appeal, name, value)
    if "organisation" in changes:
        search.follow_executor(appeal)
    event_data = {"move": move.value, **(data or {})}
    event = record_event(
        appeal,
        EventKind.TRANSITION,
        actor=actor,
        at=now,
        from_status=from_status,
        to_status=rule.target,
        note=note,
        data=event_data,
        visible=visible,
    )
    # Those who follow a public report hear of what its public timeline shows.
    if visible and appeal.is_public and move not in (Move.ACCEPT, Move.APPROVE):
        alerts.on_report_event(appeal, event)
    return event


# What the applicant is told after each move, if anything.
_APPLICANT_MESSAGES: dict[Move, str] = {
    Move.START: gettext_noop("Work on your appeal %(number)s has started."),
    Move.ANSWER: gettext_noop("Your appeal %(number)s has been answered."),
    Move.REJECT: gettext_noop("Your appeal %(number)s has been rejected: %(note)s"),
    Move.MERGE: gettext_noop(
        "Your appeal %(number)s has been joined to appeal %(original)s about the same "
        "problem; you will follow it."
    ),
    Move.REOPEN: gettext_noop("Your appeal %(number)s has been reopened."),
    Move.CLOSE: gettext_noop("Your appeal %(number)s is closed."),
    Move.THANK: gettext_noop(
        "Your appeal %(number)s is recorded as thanks and closed without an answer. If it "
        "asked for something, reopen it."
    ),
}


def tell_applicant(appeal: Appeal, template: str, **more: Any) -> None:
    recipient = appeal.applicant
    if recipient is None:
        return
    with in_language_of(recipient):
        local_deadline = timezone.localtime(appeal.deadline, ZoneInfo(appeal.city.timezone))
        values = {
            "number": appeal.number,
            "deadline": local_deadline.strftime("%d.%m.%Y %H:%M"),
            **more,
        }
        body = _(template) % values
        subject = _("Appeal %(number)s: %(status)s") % {
            "number": appeal.number,
            "status": Status(appeal.status).label,
        }
    notify(
        recipient=recipient,
        topic="appeal.status_changed",
        subject=subject,
        body=body,
        url=f"/my/appeals/{appeal.pk}/",  # the applicant's page of it (web:my_appeal)
        data={"appeal": appeal.pk, "status": appeal.status},
        dedupe_key=f"appeal:{appeal.pk}:v{appeal.version}",
    )


def announce_move(appeal: Appeal, move: Move, note: str = "", **more: Any) -> None:
    template = _APPLICANT_MESSAGES.get(move)
    if template:
        tell_applicant(appeal, template, note=note, **more)


def require_applicant(actor: User, appeal: Appeal) -> None:
    if Actor.APPLICANT not in capacities(actor, appeal):
        raise PermissionDenied("applicant")


def lock_appeal(appeal: Appeal) -> None:
    """Lock the appeal's row until commit and bring its status and version up to date."""
    status, version = (
        Appeal.objects.select_for_update().values_list("status", "version").get(pk=appeal.pk)
    )
    appeal.status, appeal.version = status, version


def touch_appeal(appeal: Appeal, *, expected_version: int | None, **changes: Any) -> datetime:
    """Change the appeal with a conditional UPDATE on its version, as the moves do, so a
    card opened before this change goes stale; the moment of the change."""
    version = expected_version if expected_version is not None else appeal.version
    now = timezone.now()
    updated = Appeal.objects.filter(pk=appeal.pk, version=version).update(
        version=F("version") + 1, updated_at=now, **changes
    )
    if updated != 1:
        raise StaleAppeal()
    appeal.version = version + 1
    for name, value in changes.items():
        setattr(appeal, name, value)
    return now


def move_deadline(
    appeal: Appeal,
    new_deadline: datetime,
    *,
    actor: User,
    reason: str,
    expected_version: int | None = None,
) -> datetime:
    """Set a longer term, if nobody changed the appeal meanwhile, and record it; the old
    deadline."""
    old_deadline = appeal.deadline
    version = expected_version if expected_version is not None else appeal.version
    now = timezone.now()
    updated = Appeal.objects.filter(pk=appeal.pk, version=version).update(
        deadline=new_deadline, extended=True, version=F("version") + 1, updated_at=now
    )
    if updated != 1:
        raise StaleAppeal()
    appeal.deadline, appeal.extended, appeal.version = new_deadline, True, version + 1
    record_event(
        appeal,
        EventKind.EXTENDED,
        actor=actor,
        at=now,
        note=reason,
        data={"from": old_deadline.isoformat(), "to": new_deadline.isoformat()},
        visible=True,
    )
    return old_deadline
