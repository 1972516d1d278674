"""One staff move by name, for the clients that speak in moves (the API, the console)."""

from django.utils.translation import gettext as _

from mycity.accounts.models import User
from mycity.appeals import consideration
from mycity.appeals.actions.moves import (
    accept_appeal,
    assign_appeal,
    close_appeal,
    merge_appeal,
    redirect_appeal,
    reject_appeal,
    return_appeal,
    start_work,
)
from mycity.appeals.errors import (
    InvalidAppeal,
    MoveNotAllowed,
)
from mycity.appeals.models import Appeal, CollectiveAnswer
from mycity.appeals.workflow import (
    Move,
)
from mycity.cities.models import Organisation


def perform(
    *,
    actor: User,
    appeal: Appeal,
    move: Move,
    note: str = "",
    organisation: Organisation | None = None,
    duplicate_of: Appeal | None = None,
    redirected_to: str = "",
    ground: str = "",
    repeat_of: Appeal | None = None,
    where_to_apply: str = "",
    publication: CollectiveAnswer | None = None,
    expected_version: int | None = None,
) -> Appeal:
    """One staff move by name, for clients that speak in moves (the API, the console)."""
    version = expected_version
    if move in (Move.ACCEPT, Move.APPROVE):
        return accept_appeal(actor=actor, appeal=appeal, note=note, expected_version=version)
    if move == Move.ASSIGN:
        if organisation is None:
            raise InvalidAppeal(_("Choose the organisation."), field="organisation")
        return assign_appeal(
            actor=actor,
            appeal=appeal,
            organisation=organisation,
            note=note,
            expected_version=version,
        )
    if move == Move.MERGE:
        if duplicate_of is None:
            raise InvalidAppeal(_("Choose the original appeal."), field="duplicate_of")
        return merge_appeal(
            actor=actor, appeal=appeal, into=duplicate_of, note=note, expected_version=version
        )
    if move == Move.REDIRECT:
        return redirect_appeal(
            actor=actor, appeal=appeal, to=redirected_to, note=note, expected_version=version
        )
    if move in (Move.LEAVE, Move.WITHDRAW, Move.THANK):
        if move == Move.LEAVE:
            return consideration.leave_without_consideration(
                actor=actor,
                appeal=appeal,
                ground=ground,
                note=note,
                where_to_apply=where_to_apply,
                repeat_of=repeat_of,
                publication=publication,
                expected_version=version,
            )
        verb = (
            consideration.withdraw_appeal if move == Move.WITHDRAW else consideration.record_thanks
        )
        return verb(actor=actor, appeal=appeal, note=note, expected_version=version)
    simple = {
        Move.START: start_work,
        Move.RETURN: return_appeal,
        Move.REJECT: reject_appeal,
        Move.CLOSE: close_appeal,
    }
    if move in simple:
        return simple[move](actor=actor, appeal=appeal, note=note, expected_version=version)
    raise MoveNotAllowed(field="move")
