"""When a member of staff leaves: the appeals they took into work go back to their
organisation's queue, so that a colleague takes them up; nothing waits on one who is gone."""

from django.db import transaction

from mycity.accounts.models import User
from mycity.accounts.permissions import Action, require
from mycity.appeals import staff_notices
from mycity.appeals.models import Appeal, AppealEvent, EventKind, Status
from mycity.appeals.transitions import lock_appeal, transition
from mycity.appeals.workflow import Move
from mycity.cities.models import City


def appeals_in_work_of(user: User, city: City) -> list[Appeal]:
    """The city's appeals in work whose latest taking into work was `user`'s."""
    in_work = Appeal.objects.filter(city=city, status=Status.IN_PROGRESS)
    starts = (
        AppealEvent.objects.filter(
            appeal__in=in_work, kind=EventKind.TRANSITION, data__move=Move.START.value
        )
        .order_by("appeal_id", "-pk")
        .values_list("appeal_id", "actor_id")
    )
    latest: dict[int, int | None] = {}
    for appeal_id, actor_id in starts:
        latest.setdefault(appeal_id, actor_id)
    mine = [appeal_id for appeal_id, actor_id in latest.items() if actor_id == user.pk]
    return list(
        Appeal.objects.filter(pk__in=mine).select_related("organisation", "city").order_by("pk")
    )


@transaction.atomic
def hand_over_work(*, actor: User, leaver: User, city: City) -> list[Appeal]:
    """Put every appeal `leaver` has in work in `city` back into its organisation's queue
    (assigned, not started), and tell the organisation's executors. The move is the
    platform's (the city administrator does not dispatch); its event names who did it."""
    require(actor, Action.GRANT_ROLES, city)
    handed: list[Appeal] = []
    for appeal in appeals_in_work_of(leaver, city):
        lock_appeal(appeal)
        if appeal.status != Status.IN_PROGRESS or appeal.organisation is None:
            continue
        transition(
            appeal,
            Move.ASSIGN,
            actor=None,
            note=f"{leaver.email} → {appeal.organisation.slug}",
            changes={"organisation": appeal.organisation},
            data={
                "organisation": appeal.organisation.slug,
                "handed_over_from": leaver.email,
                "handed_over_by": actor.email,
            },
            visible=False,
        )
        staff_notices.notify_assignment(appeal)
        handed.append(appeal)
    return handed
