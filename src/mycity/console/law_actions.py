"""The card's actions under the Law on appeals (`appeals.consideration`): leave without
consideration, mark a repeat, stop correspondence, withdrawal, thanks, a term beyond a
month, and letters to post. What the card shows for them, and how a posted form is
carried out; the services check every rule again."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mycity.accounts.models import User
from mycity.accounts.permissions import Action, may
from mycity.appeals import consideration, policy
from mycity.appeals.access import is_handling_staff
from mycity.appeals.applicant_notices import mark_notice_posted
from mycity.appeals.errors import InvalidAppeal
from mycity.appeals.models import (
    CLOSED_STATUSES,
    Appeal,
    AppealKind,
    ApplicantNotice,
    CollectiveAnswer,
    Status,
)
from mycity.appeals.policy import Ground
from mycity.appeals.repeats import earlier_appeals, stop_for
from mycity.appeals.workflow import Move
from mycity.cities.models import City

LAW_ACTIONS = [
    ("leave", gettext_lazy("Leave without consideration")),
    ("withdraw", gettext_lazy("Withdrawn by the applicant")),
    ("thank", gettext_lazy("Only thanks: close without an answer")),
    ("mark_repeat", gettext_lazy("Mark as a repeat appeal")),
    ("stop_correspondence", gettext_lazy("Stop correspondence on this subject")),
    ("prolong", gettext_lazy("The work needs more than a month")),
    ("post_notice", gettext_lazy("The letter is posted")),
]

_WORKING = (Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS, Status.REOPENED)


def law_context(request: HttpRequest, appeal: Appeal, moves: list[Move]) -> dict[str, Any]:
    user = request.user
    handling = Move.ANSWER in moves or Move.ASSIGN in moves or Move.LEAVE in moves
    earlier = earlier_appeals(appeal) if handling else []
    # Another organisation's appeal shows its number, date and result, not its answer.
    readable = {a.pk for a in earlier if is_handling_staff(user, a)}
    repeatable = [a for a in earlier if policy.is_repeat_of(appeal, a)]
    open_now = appeal.status not in (Status.ANSWERED,) and Move.LEAVE in moves
    left_as_repeat = appeal.status == Status.NOT_CONSIDERED and appeal.ground == Ground.REPEAT
    deciding = may(user, Action.DECIDE_ON_APPEALS, appeal)
    return {
        "grounds": policy.grounds_for(appeal),
        "ground_label": policy.Ground(appeal.ground).label if appeal.ground else "",
        "anonymous": policy.is_anonymous(appeal),
        "earlier": earlier,
        "repeatable": repeatable,
        "publications": publications_for(appeal) if Move.LEAVE in moves else [],
        "readable_earlier": readable,
        "marks_repeat": bool(repeatable)
        and appeal.status not in (Status.ANSWERED, *CLOSED_STATUSES)
        and bool(set(moves) & {Move.ANSWER, Move.ASSIGN, Move.LEAVE}),
        "stops_correspondence": appeal.kind == AppealKind.E_APPEAL
        and deciding
        and stop_for(appeal) is None
        and ((open_now and bool(repeatable)) or left_as_repeat),
        "prolongs": appeal.kind == AppealKind.E_APPEAL
        and appeal.status in _WORKING
        and (Move.ANSWER in moves or Move.ASSIGN in moves),
        "notices": list(ApplicantNotice.objects.filter(appeal=appeal)),
        "posts_letters": may(user, Action.REGISTER_APPEALS, appeal)
        or may(user, Action.EXECUTE, appeal),
    }


def publications_for(appeal: Appeal) -> list[CollectiveAnswer]:
    """The publications that may answer this appeal by reference (art. 25¹): its
    organisation's, on its subject."""
    return list(
        CollectiveAnswer.objects.filter(
            category_id=appeal.category_id,
            organisation_id__in=policy.organisations_of(appeal),
        ).order_by("-published_at")[:20]
    )


def _publication(appeal: Appeal, pk: int | None) -> CollectiveAnswer | None:
    if not pk:
        return None
    for publication in publications_for(appeal):
        if publication.pk == pk:
            return publication
    raise InvalidAppeal(
        _("Choose the organisation's publication that answers this question."),
        field="publication",
    )


def _earlier(appeal: Appeal, number: str) -> Appeal | None:
    number = (number or "").strip()
    if not number:
        return None
    for other in earlier_appeals(appeal):
        if number in (other.number, other.registration_number):
            return other
    raise InvalidAppeal(
        _("Choose the applicant's earlier appeal on this subject."), field="repeat_of"
    )


def perform_law_action(actor: User, city: City, appeal: Appeal, data: dict[str, Any]) -> bool:
    """Carry out one of LAW_ACTIONS; False when the action is not one of them."""
    action, note = data["action"], data.get("note") or ""
    version = data.get("expected_version")
    if action == "leave":
        consideration.leave_without_consideration(
            actor=actor,
            appeal=appeal,
            ground=data.get("ground") or "",
            note=note,
            where_to_apply=data.get("where_to_apply") or "",
            repeat_of=_earlier(appeal, data.get("repeat_of") or ""),
            publication=_publication(appeal, data.get("publication")),
            expected_version=version,
        )
    elif action == "withdraw":
        consideration.withdraw_appeal(
            actor=actor, appeal=appeal, note=note, expected_version=version
        )
    elif action == "thank":
        consideration.record_thanks(actor=actor, appeal=appeal, note=note, expected_version=version)
    elif action == "mark_repeat":
        earlier = _earlier(appeal, data.get("repeat_of") or "")
        if earlier is None:
            raise InvalidAppeal(
                _("Choose the applicant's earlier appeal on this subject."), field="repeat_of"
            )
        consideration.mark_repeat(
            actor=actor,
            appeal=appeal,
            earlier=earlier,
            new_facts=bool(data.get("new_facts")),
            note=note,
            expected_version=version,
        )
    elif action == "stop_correspondence":
        consideration.stop_correspondence(
            actor=actor,
            appeal=appeal,
            ground=note,
            earlier=_earlier(appeal, data.get("repeat_of") or ""),
            expected_version=version,
        )
    elif action == "prolong":
        if data.get("until") is None:
            raise InvalidAppeal(_("Give the new date."), field="until")
        consideration.prolong_term(
            actor=actor, appeal=appeal, until=data["until"], reason=note, expected_version=version
        )
    elif action == "post_notice":
        notice = ApplicantNotice.objects.filter(
            appeal=appeal, pk=data.get("notice_id") or 0
        ).first()
        if notice is None:
            raise InvalidAppeal(_("There is no such notice."), field="notice_id")
        mark_notice_posted(actor=actor, notice=notice)
    else:
        return False
    return True
