"""Open311 out: an organisation whose own system speaks Open311 GeoReport v2 gets the
problem reports assigned to it filed there, and its status updates are pulled back and
applied here through the lifecycle's moves, so the executor works in its own system
while the resident follows in mycity (docs/open311.md, «Open311 out»).

- `save_open311_link`: the connection, set by the city administrator or the
  organisation's head; the key is a secret, shown back only by its last characters.
- `forward_assigned`: called in the transaction that assigns a report; writes a
  dispatch row (one per report and system: never filed twice) and queues its sending
  on commit.
- `send_due_dispatches` / `send_dispatch`: claim a row with a conditional UPDATE, POST
  it, record their id; retried with backoff; a client error (400, 403) fails for good.
- `pull_updates`: reads `servicerequestupdates` since the last pull and applies each
  update once (their update_id), through `transitions.transition`.

Only problem reports go out: an e-appeal under the law is answered by the organisation
itself, officially, in mycity; its applicant's personal data never leaves.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import task

from mycity.accounts.models import User
from mycity.accounts.permissions import Action, require
from mycity.appeals import open311_remote
from mycity.appeals.errors import InvalidAppeal
from mycity.appeals.markup import clean_answer
from mycity.appeals.models import (
    Answer,
    Appeal,
    AppealFile,
    AppealKind,
    Category,
    DispatchState,
    EventKind,
    FileRole,
    Open311Dispatch,
    Open311Link,
    Open311Update,
    Result,
    Status,
    UpdateOutcome,
)
from mycity.appeals.public_text import public_text
from mycity.appeals.transitions import announce_move, lock_appeal, record_event, transition
from mycity.appeals.workflow import Move
from mycity.cities.models import Organisation
from mycity.core import outbound
from mycity.core.audit import record_change, record_differences

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
RETRY_DELAYS = [
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=3),
    timedelta(hours=6),
    timedelta(hours=12),
]
# A worker that claimed a dispatch and said nothing for this long has died.
SENDING_TIMEOUT = timedelta(minutes=10)
TIMEOUT_S = 10.0
# The most updates a server answers at once (mycity's and FixMyStreet's limit).
PULL_CAP = 1000
KEY_SHOWN = 4

# Their status (lowercased, as FixMyStreet and others send them) → our move and, for an
# answer, its result. Every status not here is recorded on the appeal and changes
# nothing: the dispatcher sees it in the timeline.
STATUS_MOVES: dict[str, tuple[Move, str]] = {
    "in_progress": (Move.START, ""),
    "action_scheduled": (Move.START, ""),
    "investigating": (Move.START, ""),
    "fixed": (Move.ANSWER, Result.SATISFIED),
    "closed": (Move.ANSWER, Result.EXPLAINED),
    "no_further_action": (Move.ANSWER, Result.REFUSED),
    "unable_to_fix": (Move.ANSWER, Result.REFUSED),
    "not_councils_responsibility": (Move.RETURN, ""),
    "internal_referral": (Move.RETURN, ""),
}
# Statuses we know that ask for no move: the request is still open there, or joined
# to another whose counterpart here their system cannot name.
STATUSES_WITHOUT_MOVE = {"open", "duplicate"}

_RETURNED = gettext_noop("Their system says the report is not the organisation's to deal with.")


class InvalidOpen311Link(InvalidAppeal):
    code = "invalid_open311_link"


# --- the connection --------------------------------------------------------------


@dataclass(frozen=True)
class LinkValues:
    endpoint: str
    jurisdiction_id: str
    # Empty keeps the stored key: the form never shows it back.
    api_key: str
    service_codes: dict[str, str]
    is_active: bool = True


def masked_key(link: Open311Link | None) -> str:
    if link is None or not link.api_key:
        return ""
    return "…" + link.api_key[-KEY_SHOWN:] if len(link.api_key) > KEY_SHOWN * 2 else "…"


def link_of(organisation: Organisation) -> Open311Link | None:
    return Open311Link.objects.filter(organisation=organisation).first()


def _checked(organisation: Organisation, values: LinkValues, current: Open311Link | None) -> None:
    endpoint = values.endpoint.strip()
    if len(endpoint) > 500:
        raise InvalidOpen311Link(
            _("No more than %(max)s characters.") % {"max": 500}, field="endpoint"
        )
    try:
        outbound.check_url(endpoint)
    except outbound.RefusedAddress:
        raise InvalidOpen311Link(
            _("Give the https address of their Open311 endpoint."), field="endpoint"
        ) from None
    if len(values.jurisdiction_id) > 100:
        raise InvalidOpen311Link(
            _("No more than %(max)s characters.") % {"max": 100}, field="jurisdiction_id"
        )
    if not values.api_key and current is None:
        raise InvalidOpen311Link(_("Give the key their system issued."), field="api_key")
    if not values.api_key and current is not None and endpoint != current.endpoint:
        # The kept key would go to the new address, which anyone who may edit the link
        # could point at a server of their own: a new address takes its key afresh.
        raise InvalidOpen311Link(
            _("Give the key again: it is sent only to the address it was given for."),
            field="api_key",
        )
    if len(values.api_key) > 200:
        raise InvalidOpen311Link(
            _("No more than %(max)s characters.") % {"max": 200}, field="api_key"
        )
    known = set(
        Category.objects.filter(city_id=organisation.city_id, kind=AppealKind.PROBLEM).values_list(
            "slug", flat=True
        )
    )
    for ours, theirs in values.service_codes.items():
        if ours not in known:
            raise InvalidOpen311Link(
                _("There is no problem category %(code)s in this city.") % {"code": ours},
                field="service_codes",
            )
        if not theirs.strip() or len(theirs) > 100:
            raise InvalidOpen311Link(
                _("Give their service code for %(code)s (up to 100 characters).") % {"code": ours},
                field="service_codes",
            )


@transaction.atomic
def save_open311_link(
    *, actor: User, organisation: Organisation, values: LinkValues
) -> Open311Link:
    """Connect (or reconnect) the organisation's own system. The key is kept when none
    is given; the audit row records that it changed, never the key."""
    require(actor, Action.LINK_OWN_SYSTEM, organisation)
    current = Open311Link.objects.select_for_update().filter(organisation=organisation).first()
    _checked(organisation, values, current)
    link = current or Open311Link(organisation=organisation)
    before = _audited(current)
    link.endpoint = values.endpoint.strip()
    link.jurisdiction_id = values.jurisdiction_id.strip()
    if values.api_key:
        link.api_key = values.api_key.strip()
    link.service_codes = {k: v.strip() for k, v in sorted(values.service_codes.items())}
    link.is_active = values.is_active
    link.save()
    # The key itself never goes into the audit trail: only that it changed.
    after = _audited(link) | {"api_key": masked_key(link)}
    record_differences(
        actor=actor,
        city=organisation.city,
        action="open311_link.saved",
        subject=organisation.slug,
        fields=AUDITED,
        before=before,
        after=after,
    )
    return link


AUDITED = ("endpoint", "jurisdiction_id", "api_key", "service_codes", "is_active")


def _audited(link: Open311Link | None) -> dict[str, Any]:
    if link is None:
        return {}
    return {
        "endpoint": link.endpoint,
        "jurisdiction_id": link.jurisdiction_id,
        "api_key": masked_key(link),
        "service_codes": link.service_codes,
        "is_active": link.is_active,
    }


@transaction.atomic
def remove_open311_link(*, actor: User, organisation: Organisation) -> bool:
    """Disconnect: nothing more is sent or pulled. Dispatches and updates already made
    go with it; the appeals' timelines keep what happened."""
    require(actor, Action.LINK_OWN_SYSTEM, organisation)
    link = Open311Link.objects.select_for_update().filter(organisation=organisation).first()
    if link is None:
        return False
    record_change(
        actor=actor,
        city=organisation.city,
        action="open311_link.removed",
        subject=organisation.slug,
        before=_audited(link),
    )
    link.delete()
    return True


# --- sending ---------------------------------------------------------------------


def forward_assigned(appeal: Appeal) -> Open311Dispatch | None:
    """Call inside the transaction that assigns `appeal`: when its organisation's own
    system is connected and maps its category, queue the sending (once per report)."""
    if appeal.kind != AppealKind.PROBLEM or appeal.organisation_id is None:
        return None
    link = Open311Link.objects.filter(
        organisation_id=appeal.organisation_id, is_active=True
    ).first()
    if link is None:
        return None
    code = link.service_codes.get(appeal.category.slug)
    if not code:
        return None
    try:
        with transaction.atomic():
            dispatch = Open311Dispatch.objects.create(
                appeal=appeal, link=link, service_code=code, due_at=timezone.now()
            )
    except IntegrityError:
        return None  # sent (or being sent) already: a re-assignment files nothing new
    transaction.on_commit(partial(_enqueue, [dispatch.pk]), robust=True)
    return dispatch


@task()
def send_open311_dispatches(dispatch_ids: list[int] | None = None) -> int:
    """The task: send these dispatches (those due), or every due one."""
    if dispatch_ids is None:
        return send_due_dispatches()
    return sum(1 for pk in dispatch_ids if send_dispatch(dispatch_id=pk) == DispatchState.SENT)


def _enqueue(dispatch_ids: list[int]) -> None:
    send_open311_dispatches.enqueue(dispatch_ids)


def send_due_dispatches(*, now: datetime | None = None, limit: int = 100) -> int:
    """One run: resume claims of dead workers, send what is due; how many were sent."""
    moment = now or timezone.now()
    resume_stuck_dispatches(now=moment)
    due = list(
        Open311Dispatch.objects.filter(state=DispatchState.PENDING, due_at__lte=moment)
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in due if send_dispatch(dispatch_id=pk, now=moment) == DispatchState.SENT)


def resume_stuck_dispatches(*, now: datetime | None = None) -> int:
    """Back to pending what a dead worker claimed. It may have been filed there already:
    the retry carries the same Idempotency-Key, so a server that honours it (mycity
    does) answers with the first request's id instead of filing a second."""
    moment = now or timezone.now()
    return Open311Dispatch.objects.filter(
        state=DispatchState.SENDING, claimed_at__lt=moment - SENDING_TIMEOUT
    ).update(state=DispatchState.PENDING, due_at=moment, last_error="The worker stopped.")


def claim_dispatch(*, dispatch_id: int, now: datetime | None = None) -> Open311Dispatch | None:
    moment = now or timezone.now()
    claimed = Open311Dispatch.objects.filter(
        pk=dispatch_id, state=DispatchState.PENDING, due_at__lte=moment
    ).update(state=DispatchState.SENDING, claimed_at=moment, attempts=F("attempts") + 1)
    if claimed != 1:
        return None
    return (
        Open311Dispatch.objects.select_related("appeal__category", "appeal__city", "link")
        .filter(pk=dispatch_id)
        .first()
    )


def idempotency_key(dispatch: Open311Dispatch) -> str:
    return f"mycity-{dispatch.appeal.city.slug}-{dispatch.appeal_id}-{dispatch.link_id}"


def request_fields(dispatch: Open311Dispatch) -> dict[str, str]:
    """What we file: the mapped service, the place, the public text, the first public
    photo's address. Never the applicant's personal data."""
    appeal, link = dispatch.appeal, dispatch.link
    fields = {
        "api_key": link.api_key,
        "service_code": dispatch.service_code,
        "description": public_text(appeal.description)[:4000],
    }
    if link.jurisdiction_id:
        fields["jurisdiction_id"] = link.jurisdiction_id
    if appeal.lat is not None and appeal.lon is not None:
        fields |= {"lat": repr(appeal.lat), "long": repr(appeal.lon)}
    if appeal.address:
        fields["address_string"] = appeal.address
    photo = (
        AppealFile.objects.filter(appeal=appeal, role=FileRole.PHOTO, is_public=True)
        .order_by("position", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    if photo is not None and appeal.is_public:
        fields["media_url"] = _absolute(f"/api/v1/appeals/{appeal.pk}/files/{photo}")
    return fields


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def send_dispatch(*, dispatch_id: int, now: datetime | None = None) -> str | None:
    """Claim, send, record; the dispatch's new state, or None when it was not ours."""
    dispatch = claim_dispatch(dispatch_id=dispatch_id, now=now)
    if dispatch is None:
        return None
    moment = now or timezone.now()
    link = dispatch.link
    appeal = dispatch.appeal
    if not link.is_active or appeal.organisation_id != link.organisation_id:
        return _finish(
            dispatch,
            DispatchState.FAILED,
            last_error="The connection is off, or the report is no longer assigned here.",
        )
    try:
        filing = open311_remote.post_request(
            endpoint=link.endpoint,
            fields=request_fields(dispatch),
            idempotency_key=idempotency_key(dispatch),
            timeout=TIMEOUT_S,
        )
    except open311_remote.RemoteError as exc:
        error = str(exc)[:500]
        logger.warning(
            "open311 dispatch failed",
            extra={"dispatch": dispatch.pk, "attempts": dispatch.attempts, "error": error},
        )
        if exc.permanent or dispatch.attempts >= MAX_ATTEMPTS:
            return _fail_for_good(dispatch, error)
        due_at = moment + RETRY_DELAYS[min(dispatch.attempts, len(RETRY_DELAYS)) - 1]
        outcome = _finish(dispatch, DispatchState.PENDING, last_error=error, due_at=due_at)
        if outcome is not None and send_open311_dispatches.get_backend().supports_defer:
            transaction.on_commit(
                partial(send_open311_dispatches.using(run_after=due_at).enqueue, [dispatch.pk]),
                robust=True,
            )
        return outcome
    with transaction.atomic():
        outcome = _finish(
            dispatch,
            DispatchState.SENT,
            sent_at=moment,
            last_error="",
            remote_id=filing.service_request_id,
            remote_token=filing.token,
        )
        if outcome is not None:
            record_event(
                appeal,
                EventKind.OPEN311_SENT,
                actor=None,
                at=moment,
                note=filing.service_notice,
                data={
                    "organisation": link.organisation_id,
                    "service_request_id": filing.service_request_id,
                    "token": filing.token,
                },
                visible=False,
            )
    return outcome


def _fail_for_good(dispatch: Open311Dispatch, error: str) -> str | None:
    with transaction.atomic():
        outcome = _finish(dispatch, DispatchState.FAILED, last_error=error)
        if outcome is not None:
            # The dispatcher sees it in the timeline: the executor must be told otherwise.
            record_event(
                dispatch.appeal,
                EventKind.OPEN311_FAILED,
                actor=None,
                note=error,
                data={"organisation": dispatch.link.organisation_id},
                visible=False,
            )
    return outcome


def _finish(dispatch: Open311Dispatch, state: str, **fields: Any) -> str | None:
    # Conditional on this worker's claim: `attempts` went up by one with each claim.
    updated = Open311Dispatch.objects.filter(
        pk=dispatch.pk, state=DispatchState.SENDING, attempts=dispatch.attempts
    ).update(state=state, **fields)
    return state if updated == 1 else None


# --- pulling updates -------------------------------------------------------------


@dataclass
class PullTally:
    applied: int = 0
    recorded: int = 0
    skipped: int = 0  # already pulled before, or of a request we never sent


@task()
def pull_open311_updates() -> int:
    """The periodic task: pull every active connection; how many updates were applied."""
    return sum(pull_due_links().values())


def pull_due_links(*, now: datetime | None = None) -> dict[int, int]:
    applied: dict[int, int] = {}
    for link in Open311Link.objects.filter(is_active=True).order_by("pk"):
        applied[link.pk] = pull_updates(link=link, now=now).applied
    return applied


def pull_updates(*, link: Open311Link, now: datetime | None = None) -> PullTally:
    """Read their updates since the last pull and apply each new one. A failed read
    leaves `pulled_until` where it was, so the next pull asks again."""
    moment = now or timezone.now()
    _resolve_tokens(link)
    tally = PullTally()
    if link.pulled_until:
        start = link.pulled_until - open311_remote.OVERLAP
    else:
        first = link.dispatches.order_by("created_at").values_list("created_at", flat=True).first()
        if first is None:
            return tally  # nothing filed there yet: nothing to follow
        start = first
    # Their server may refuse an empty or reversed window (clocks differ).
    end = max(moment, start + timedelta(seconds=1))
    try:
        updates = open311_remote.fetch_updates(
            endpoint=link.endpoint,
            api_key=link.api_key,
            jurisdiction_id=link.jurisdiction_id,
            start=start,
            end=end,
            timeout=TIMEOUT_S,
        )
    except open311_remote.RemoteError as exc:
        logger.warning("open311 pull failed", extra={"link": link.pk, "error": str(exc)})
        Open311Link.objects.filter(pk=link.pk).update(
            last_pull_at=moment, last_pull_error=str(exc)[:500]
        )
        return tally
    for update in updates:
        outcome = apply_update(link=link, update=update)
        if outcome == UpdateOutcome.APPLIED:
            tally.applied += 1
        elif outcome == UpdateOutcome.RECORDED:
            tally.recorded += 1
        else:
            tally.skipped += 1
    # A full answer may have left later updates out: go on from its last one.
    pulled_until = updates[-1].updated_datetime if len(updates) >= PULL_CAP else end
    Open311Link.objects.filter(pk=link.pk).update(
        pulled_until=pulled_until, last_pull_at=moment, last_pull_error=""
    )
    link.pulled_until = pulled_until
    return tally


def _resolve_tokens(link: Open311Link) -> None:
    """Their id for what was filed with a token only (their system files later)."""
    waiting = link.dispatches.filter(state=DispatchState.SENT, remote_id="").exclude(
        remote_token=""
    )
    for dispatch in waiting[:100]:
        try:
            found = open311_remote.request_id_of_token(
                endpoint=link.endpoint,
                token=dispatch.remote_token,
                jurisdiction_id=link.jurisdiction_id,
                timeout=TIMEOUT_S,
            )
        except open311_remote.RemoteError:
            return  # the next pull asks again
        if found:
            Open311Dispatch.objects.filter(pk=dispatch.pk, remote_id="").update(remote_id=found)


def apply_update(*, link: Open311Link, update: open311_remote.RemoteUpdate) -> str | None:
    """Apply one update once: its row and the appeal's move commit together. None when
    it was pulled before or names a request we never sent there."""
    dispatch = (
        Open311Dispatch.objects.filter(link=link, remote_id=update.service_request_id)
        .select_related("appeal__city", "appeal__organisation")
        .first()
    )
    if dispatch is None:
        return None
    if Open311Update.objects.filter(link=link, update_id=update.update_id).exists():
        return None
    try:
        with transaction.atomic():
            appeal = dispatch.appeal
            lock_appeal(appeal)
            row = Open311Update.objects.create(
                link=link,
                dispatch=dispatch,
                update_id=update.update_id,
                status=update.status,
                description=update.description,
                updated_datetime=update.updated_datetime,
                media_url=update.media_url,
                outcome=UpdateOutcome.RECORDED,
            )
            reason = _apply(appeal, link, update)
            if reason:
                row.reason = reason[:300]
                row.save(update_fields=["reason"])
                # Our clock orders the timeline; theirs is kept with the update.
                record_event(
                    appeal,
                    EventKind.OPEN311_UPDATE,
                    actor=None,
                    note=update.description,
                    data={
                        "status": update.status,
                        "reason": row.reason,
                        "updated_datetime": update.updated_datetime.isoformat(),
                    },
                    visible=False,
                )
            else:
                row.outcome = UpdateOutcome.APPLIED
                row.save(update_fields=["outcome"])
    except IntegrityError:
        return None  # another pull recorded it first
    return row.outcome


def _apply(appeal: Appeal, link: Open311Link, update: open311_remote.RemoteUpdate) -> str:
    """Make the move the update means; the reason it was not made, or ''."""
    if appeal.organisation_id != link.organisation_id:
        return "The report is no longer assigned to this organisation."
    mapped = STATUS_MOVES.get(update.status)
    if mapped is None:
        if update.status in STATUSES_WITHOUT_MOVE:
            return f"Status {update.status}: nothing to change."
        return f"Unknown status {update.status}."
    move, result = mapped
    data = {"open311_status": update.status, "open311_update": update.update_id}
    if move == Move.START:
        if appeal.status != Status.ASSIGNED:
            return f"Status {update.status}: the report is {appeal.status} here."
        transition(appeal, Move.START, actor=None, data=data)
        announce_move(appeal, Move.START)
        return ""
    if appeal.status not in (Status.ASSIGNED, Status.IN_PROGRESS):
        return f"Status {update.status}: the report is {appeal.status} here."
    if move == Move.RETURN:
        transition(
            appeal,
            Move.RETURN,
            actor=None,
            note=update.description or _(_RETURNED),
            changes={"organisation": None},
            data=data,
        )
        return ""
    # An answer needs its text: a bare "closed" is left for the dispatcher to see.
    if not update.description:
        return f"Status {update.status} without a description: no answer to give."
    event = transition(appeal, Move.ANSWER, actor=None, changes={"result": result}, data=data)
    Answer.objects.create(
        appeal=appeal,
        organisation_id=link.organisation_id,
        author=None,
        text=clean_answer(update.description),
        created_at=event.created_at,
    )
    announce_move(appeal, Move.ANSWER)
    return ""


def dispatches_of(link: Open311Link, *, limit: int = 50) -> list[Open311Dispatch]:
    return list(link.dispatches.select_related("appeal").order_by("-created_at", "-pk")[:limit])


def failing(link: Open311Link) -> int:
    return link.dispatches.filter(
        Q(state=DispatchState.FAILED) | Q(state=DispatchState.PENDING, attempts__gt=0)
    ).count()
