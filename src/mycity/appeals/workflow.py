"""The appeal's state machine: which move leads from which status to which, and who may make it.

This table is the only place the lifecycle is defined; services ask it, the console and
the API show only the moves it allows.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from mycity.accounts.permissions import Action, may
from mycity.appeals.models import Appeal, AppealKind, Status


class Move(StrEnum):
    SEND_TO_MODERATION = "send_to_moderation"
    APPROVE = "approve"  # moderation passed
    ACCEPT = "accept"
    ASSIGN = "assign"
    START = "start"  # the executor takes it into work
    RETURN = "return"  # the executor hands it back to the dispatcher: not ours
    ANSWER = "answer"
    CLOSE = "close"
    REJECT = "reject"
    REDIRECT = "redirect"
    MERGE = "merge"  # into another appeal, as its duplicate
    REOPEN = "reopen"  # the applicant disagrees with the answer
    # The Law on appeals (`appeals.policy`): left without consideration on a ground of
    # art. 15 or 23; withdrawn by the applicant before the answer; only thanks.
    LEAVE = "leave"
    WITHDRAW = "withdraw"
    THANK = "thank"


class Actor(StrEnum):
    SYSTEM = "system"
    APPLICANT = "applicant"
    DISPATCHER = "dispatcher"
    MODERATOR = "moderator"
    EXECUTOR = "executor"
    # The head of the organisation, or an official the head authorised: decides to
    # leave an appeal without consideration, to stop correspondence, to answer many
    # appeals by one publication (300-З, art. 15, 21, 25¹).
    DECIDER = "decider"


_BOTH_KINDS = frozenset({AppealKind.PROBLEM, AppealKind.E_APPEAL})


@dataclass(frozen=True)
class Rule:
    sources: frozenset[Status]
    target: Status
    actors: frozenset[Actor]
    note_required: bool = False
    kinds: frozenset[str] = _BOTH_KINDS


def _rule(
    sources: set[Status],
    target: Status,
    actors: set[Actor],
    note_required: bool = False,
    kinds: frozenset[str] = _BOTH_KINDS,
) -> Rule:
    return Rule(frozenset(sources), target, frozenset(actors), note_required, kinds)


S = Status
A = Actor
# Before work starts, a dispatcher may still turn an appeal away.
_UNSTARTED = {S.SUBMITTED, S.MODERATION, S.ACCEPTED, S.ASSIGNED, S.REOPENED}

RULES: dict[Move, Rule] = {
    Move.SEND_TO_MODERATION: _rule({S.SUBMITTED}, S.MODERATION, {A.SYSTEM}),
    Move.APPROVE: _rule({S.MODERATION}, S.ACCEPTED, {A.MODERATOR, A.DISPATCHER, A.SYSTEM}),
    Move.ACCEPT: _rule({S.SUBMITTED}, S.ACCEPTED, {A.DISPATCHER, A.SYSTEM}),
    Move.ASSIGN: _rule(
        {S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS, S.REOPENED}, S.ASSIGNED, {A.DISPATCHER, A.SYSTEM}
    ),
    # SYSTEM here is the executor's own system, whose updates Open311 out applies to
    # the problem reports it sent there (appeals.open311_out); nothing else moves so.
    Move.START: _rule({S.ASSIGNED}, S.IN_PROGRESS, {A.EXECUTOR, A.SYSTEM}),
    Move.RETURN: _rule(
        {S.ASSIGNED, S.IN_PROGRESS}, S.ACCEPTED, {A.EXECUTOR, A.SYSTEM}, note_required=True
    ),
    Move.ANSWER: _rule({S.ASSIGNED, S.IN_PROGRESS}, S.ANSWERED, {A.EXECUTOR, A.SYSTEM}),
    Move.CLOSE: _rule({S.ANSWERED}, S.CLOSED, {A.DISPATCHER, A.APPLICANT, A.SYSTEM}),
    # Only a problem report is turned away as a report, with a reason the resident
    # sees; an appeal under the law is declined only on a ground of art. 15 (LEAVE).
    Move.REJECT: _rule(
        _UNSTARTED,
        S.REJECTED,
        {A.DISPATCHER, A.MODERATOR},
        note_required=True,
        kinds=frozenset({AppealKind.PROBLEM}),
    ),
    Move.REDIRECT: _rule(_UNSTARTED, S.REDIRECTED, {A.DISPATCHER}, note_required=True),
    Move.MERGE: _rule(_UNSTARTED, S.DUPLICATE, {A.DISPATCHER}),
    Move.REOPEN: _rule({S.ANSWERED, S.CLOSED}, S.REOPENED, {A.APPLICANT}, note_required=True),
    # A decision of the head or an authorised official; the system applies one made
    # before (stopped correspondence), and the event names it.
    Move.LEAVE: _rule(_UNSTARTED | {S.IN_PROGRESS}, S.NOT_CONSIDERED, {A.DECIDER, A.SYSTEM}),
    # Only before the answer (a reopened appeal was answered); a written withdrawal
    # that arrived on paper is registered by a dispatcher.
    Move.WITHDRAW: _rule(
        {S.SUBMITTED, S.MODERATION, S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS},
        S.WITHDRAWN,
        {A.APPLICANT, A.DISPATCHER},
    ),
    Move.THANK: _rule(
        {S.SUBMITTED, S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS}, S.CLOSED, {A.DISPATCHER, A.EXECUTOR}
    ),
}

# A moderator acts only on what waits in moderation.
_MODERATOR_SOURCES = frozenset({S.MODERATION})


def capacities(user: Any, appeal: Appeal) -> set[Actor]:
    """What `user` is to `appeal`: its applicant, a dispatcher of its city, …"""
    found: set[Actor] = set()
    if user is None:
        return {Actor.SYSTEM}
    if getattr(user, "is_authenticated", False) and appeal.applicant_id == user.pk:
        found.add(Actor.APPLICANT)
    if may(user, Action.DISPATCH, appeal):
        found.add(Actor.DISPATCHER)
    if may(user, Action.MODERATE, appeal):
        found.add(Actor.MODERATOR)
    if appeal.organisation_id is not None and may(user, Action.EXECUTE, appeal):
        found.add(Actor.EXECUTOR)
    if appeal.organisation_id is not None and may(user, Action.DECIDE_ON_APPEALS, appeal):
        found.add(Actor.DECIDER)
    return found


def allowed(move: Move, appeal: Appeal, acting_as: set[Actor]) -> bool:
    rule = RULES[move]
    if appeal.status not in rule.sources or appeal.kind not in rule.kinds:
        return False
    usable = rule.actors & acting_as
    if usable == {Actor.MODERATOR} and appeal.status not in _MODERATOR_SOURCES:
        return False
    return bool(usable)


def moves_for(user: Any, appeal: Appeal) -> list[Move]:
    """The moves `user` may make on `appeal` now, in the table's order."""
    acting_as = capacities(user, appeal)
    return [move for move in RULES if allowed(move, appeal, acting_as)]


# Beside the moves: editing a report's public content, and asking the applicant.
# While these last, staff may still ask the applicant for more information.
ASKABLE = frozenset({S.SUBMITTED, S.MODERATION, S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS, S.REOPENED})


def edits_public_content(acting_as: set[Actor], appeal: Appeal) -> bool:
    """Whether one acting so may edit a report's public text and photos: a dispatcher,
    or a moderator while it waits in moderation."""
    if Actor.DISPATCHER in acting_as:
        return True
    return Actor.MODERATOR in acting_as and appeal.status in _MODERATOR_SOURCES


def asks_applicant(acting_as: set[Actor], appeal: Appeal) -> bool:
    """Whether one acting so may ask the applicant for more information now: a
    dispatcher or the assigned executor, while the appeal is open, of an applicant
    with an account to answer in."""
    return (
        bool(acting_as & {Actor.DISPATCHER, Actor.EXECUTOR})
        and appeal.status in ASKABLE
        and appeal.applicant_id is not None
    )
