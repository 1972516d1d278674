"""One answer to many appeals: more than ten appeals on the same subject may be answered
by a publication on the organisation's page, linked from each appeal and sent to each
applicant."""

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from mycity.accounts.models import User
from mycity.accounts.permissions import Action, may
from mycity.appeals import policy
from mycity.appeals.applicant_notices import give_notice
from mycity.appeals.errors import InvalidAppeal
from mycity.appeals.markup import clean_answer
from mycity.appeals.models import (
    Answer,
    Appeal,
    CollectiveAnswer,
    EventKind,
    NoticeKind,
    Status,
)
from mycity.appeals.transitions import ANSWER_RESULTS, record_event, transition
from mycity.appeals.workflow import Move
from mycity.cities.calendar import calendar_for
from mycity.cities.models import Organisation
from mycity.notify.text import absolute_url

MAX_TITLE = 200
MAX_TEXT = 20000
_ANSWERABLE = (Status.ASSIGNED, Status.IN_PROGRESS)


def _check(
    actor: User,
    organisation: Organisation,
    appeals: Sequence[Appeal],
    title: str,
    text: str,
    result: str,
) -> list[dict[str, str]]:
    problems = []
    if not title:
        problems.append({"field": "title", "message": _("Give the publication a title.")})
    elif len(title) > MAX_TITLE:
        problems.append(
            {
                "field": "title",
                "message": _("No more than %(max)s characters.") % {"max": MAX_TITLE},
            }
        )
    if not text:
        problems.append({"field": "text", "message": _("Write the answer.")})
    elif len(text) > MAX_TEXT:
        problems.append(
            {"field": "text", "message": _("No more than %(max)s characters.") % {"max": MAX_TEXT}}
        )
    if result not in ANSWER_RESULTS:
        problems.append({"field": "result", "message": _("Choose the result of the answer.")})
    # "More than ten" counts people: the same applicant writing twice is one.
    if count_applicants(appeals) < policy.COLLECTIVE_ANSWER_MINIMUM:
        problems.append(
            {
                "field": "appeals",
                "message": _(
                    "One publication may answer the appeals of more than %(n)s different "
                    "applicants only."
                )
                % {"n": policy.COLLECTIVE_ANSWER_MINIMUM - 1},
            }
        )
    if len({a.category_id for a in appeals}) > 1:
        problems.append(
            {"field": "appeals", "message": _("The appeals must be on the same subject.")}
        )
    for appeal in appeals:
        if appeal.organisation_id != organisation.pk or appeal.status not in _ANSWERABLE:
            problems.append(
                {
                    "field": "appeals",
                    "message": _("Appeal %(number)s is not one your organisation may answer now.")
                    % {"number": appeal.number},
                }
            )
    return problems


def count_applicants(appeals: Sequence[Appeal]) -> int:
    """How many different people wrote these appeals, as far as the register can tell:
    appeals that share any way a person is known (account, e-mail, name with address)
    are one person's; an appeal with none is its own."""
    owner: dict[str, int] = {}
    parent = list(range(len(appeals)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, appeal in enumerate(appeals):
        for key in policy.applicant_keys(appeal):
            if key in owner:
                parent[root(i)] = root(owner[key])
            else:
                owner[key] = i
    return len({root(i) for i in range(len(appeals))})


def publication_url(publication: CollectiveAnswer) -> str:
    return reverse(
        "web:collective_answer",
        kwargs={"slug": publication.city.slug, "answer_id": publication.pk},
    )


@transaction.atomic
def publish_collective_answer(
    *,
    actor: User,
    organisation: Organisation,
    appeals: Sequence[Appeal],
    title: str,
    text: str,
    result: str,
) -> CollectiveAnswer:
    """Publish the answer and answer each appeal with it, all or none (art. 25¹): a
    decision of the organisation's head or an official the head authorised."""
    if not may(actor, Action.DECIDE_ON_APPEALS, organisation):
        raise PermissionDenied("collective_answer")
    title, text = (title or "").strip(), clean_answer(text or "")
    locked = list(
        Appeal.objects.select_for_update(of=("self",))
        .select_related("city", "category", "applicant")
        .defer("city__boundary")
        .filter(pk__in=[a.pk for a in appeals])
        .order_by("pk")
    )
    problems = _check(actor, organisation, locked, title, text, result)
    if problems:
        raise InvalidAppeal(details=problems)
    now = timezone.now()
    publication = CollectiveAnswer.objects.create(
        city_id=organisation.city_id,
        organisation=organisation,
        category=locked[0].category,
        title=title,
        text=text,
        result=result,
        author=actor,
        published_at=now,
    )
    url = publication_url(publication)
    calendar = calendar_for(locked[0].city)
    for appeal in locked:
        event = transition(appeal, Move.ANSWER, actor=actor, changes={"result": result})
        Answer.objects.create(
            appeal=appeal,
            organisation=organisation,
            author=actor,
            text=text,
            created_at=event.created_at,
            publication=publication,
        )
        record_event(
            appeal,
            EventKind.COLLECTIVE_ANSWER,
            actor=actor,
            at=now,
            note=title,
            data={"publication": publication.pk, "url": url},
            visible=True,
        )
        give_notice(
            appeal,
            NoticeKind.COLLECTIVE_ANSWER,
            gettext_noop(
                "Your appeal %(number)s is answered, together with other appeals on the "
                "same subject, by the publication «%(title)s»: %(url)s"
            ),
            due_on=calendar.local_date(appeal.deadline),
            actor=actor,
            title=title,
            url=absolute_url(url),
        )
    return publication
