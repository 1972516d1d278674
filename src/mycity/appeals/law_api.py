"""The Law on appeals' actions that are not moves of the lifecycle, through the API: mark
a repeat, stop correspondence (art. 21), a term beyond a month (art. 17), and the letters
to post. The card's law section (`console.law_actions`) calls the same services; leaving
without consideration, withdrawal and thanks are moves (`POST /appeals/{id}/moves`)."""

from datetime import date, datetime
from typing import Any, Literal, cast

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from mycity.accounts.models import User
from mycity.accounts.permissions import Action, may
from mycity.appeals import consideration
from mycity.appeals.access import get_appeal_for, get_appeal_to_handle
from mycity.appeals.api import STAFF, AppealOut, appeal_out
from mycity.appeals.applicant_notices import mark_notice_posted
from mycity.appeals.errors import InvalidAppeal
from mycity.appeals.models import Appeal, ApplicantNotice, NoticeDelivery, NoticeKind
from mycity.appeals.repeats import earlier_appeals
from mycity.cities.selectors import city_by_slug
from mycity.core.api_contract import errors
from mycity.core.api_formats import IsoDate, JsonInt, ObjectId
from mycity.core.errors import NotFound

router = Router(tags=["appeals"], auth=STAFF)

LETTERS_PAGE = 200


class RepeatIn(Schema):
    repeat_of: ObjectId = Field(
        ...,
        description="The applicant's earlier appeal on this subject (its id), answered on "
        "its merits by this organisation.",
    )
    new_facts: bool = Field(
        False, description="With new facts it is worked as usual; without, it is left."
    )
    note: str = Field("", max_length=5000)
    expected_version: JsonInt | None = Field(None, description="A stale one gets 409.")


class CorrespondenceStopIn(Schema):
    ground: str = Field(
        ..., min_length=1, max_length=5000, pattern=r"\S", description="The decision's reasons."
    )
    repeat_of: ObjectId | None = Field(
        None,
        description="An open appeal is left now as a repeat of this earlier one (its id).",
    )
    expected_version: JsonInt | None = None


class ProlongationIn(Schema):
    until: IsoDate = Field(..., description="The new date of the answer.")
    reason: str = Field(..., min_length=1, max_length=5000, pattern=r"\S")
    expected_version: JsonInt | None = None


class LetterOut(Schema):
    id: int
    appeal: int
    number: str = Field(description="The appeal's registration number (or its number).")
    # Stated inline: the document's `NoticeKind` is the kind of a notice of outages.
    kind: Literal[tuple(NoticeKind.values)] = Field(  # type: ignore[valid-type]
        description="Which notice the law owes: " + ", ".join(NoticeKind.values) + "."
    )
    text: str
    due_on: date
    sent_at: datetime | None


def _actor(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]


def _fresh(request: HttpRequest, appeal_id: int) -> dict[str, Any]:
    appeal, audience = get_appeal_for(_actor(request), appeal_id)
    return appeal_out(request, appeal, audience)


def _earlier(appeal: Appeal, appeal_id: int | None) -> Appeal | None:
    """One of the applicant's earlier appeals on the subject, as the card offers them."""
    if appeal_id is None:
        return None
    for other in earlier_appeals(appeal):
        if other.pk == appeal_id:
            return other
    raise InvalidAppeal(
        _("Choose the applicant's earlier appeal on this subject."), field="repeat_of"
    )


def _letter_out(notice: ApplicantNotice) -> dict[str, Any]:
    return {
        "id": notice.pk,
        "appeal": notice.appeal_id,
        "number": notice.appeal.registration_number or notice.appeal.number,
        "kind": notice.kind,
        "text": notice.text,
        "due_on": notice.due_on,
        "sent_at": notice.sent_at,
    }


@router.post(
    "/appeals/{appeal_id}/repeat",
    response=AppealOut,
    summary="Staff: mark the appeal a repeat of the applicant's earlier one (art. 15); "
    "without new facts it is left without consideration",
    openapi_extra=errors(409),
)
def mark_repeat(request: HttpRequest, appeal_id: int, payload: RepeatIn) -> dict[str, Any]:
    appeal = get_appeal_to_handle(_actor(request), appeal_id)
    earlier = _earlier(appeal, payload.repeat_of)
    assert earlier is not None
    consideration.mark_repeat(
        actor=_actor(request),
        appeal=appeal,
        earlier=earlier,
        new_facts=payload.new_facts,
        note=payload.note,
        expected_version=payload.expected_version,
    )
    return _fresh(request, appeal_id)


@router.post(
    "/appeals/{appeal_id}/correspondence-stop",
    response=AppealOut,
    summary="The head (or an official the head authorised): stop correspondence with the "
    "applicant on this question (art. 21)",
    openapi_extra=errors(409),
)
def stop_correspondence(
    request: HttpRequest, appeal_id: int, payload: CorrespondenceStopIn
) -> dict[str, Any]:
    appeal = get_appeal_to_handle(_actor(request), appeal_id)
    consideration.stop_correspondence(
        actor=_actor(request),
        appeal=appeal,
        ground=payload.ground,
        earlier=_earlier(appeal, payload.repeat_of),
        expected_version=payload.expected_version,
    )
    return _fresh(request, appeal_id)


@router.post(
    "/appeals/{appeal_id}/prolongation",
    response=AppealOut,
    summary="Staff: an e-appeal's work needs more than a month (art. 17); the applicant is "
    "told the reason and the new date",
    openapi_extra=errors(409),
)
def prolong(request: HttpRequest, appeal_id: int, payload: ProlongationIn) -> dict[str, Any]:
    appeal = get_appeal_to_handle(_actor(request), appeal_id)
    consideration.prolong_term(
        actor=_actor(request),
        appeal=appeal,
        until=payload.until,
        reason=payload.reason,
        expected_version=payload.expected_version,
    )
    return _fresh(request, appeal_id)


class LettersQuery(Schema):
    sent: bool = Field(False, description="true: the letters already posted, newest first.")


@router.get(
    "/cities/{slug}/letters",
    response=list[LetterOut],
    summary="Intake clerks: the notices owed to applicants who wrote on paper, to post "
    "(oldest due first, at most 200)",
)
def letters(request: HttpRequest, slug: str, query: Query[LettersQuery]) -> list[dict[str, Any]]:
    city = city_by_slug(slug)
    if not may(_actor(request), Action.REGISTER_APPEALS, city):
        raise PermissionDenied("letters")
    rows = ApplicantNotice.objects.filter(
        appeal__city=city, delivery=NoticeDelivery.POST, sent_at__isnull=not query.sent
    ).select_related("appeal")
    ordered = rows.order_by("-sent_at", "-pk") if query.sent else rows.order_by("due_on", "pk")
    return [_letter_out(notice) for notice in ordered[:LETTERS_PAGE]]


@router.post(
    "/cities/{slug}/letters/{notice_id}/posted",
    response=LetterOut,
    summary="Intake clerk or the executor: the letter is posted; the notice counts as sent "
    "from now",
    openapi_extra=errors(409),
)
def post_letter(request: HttpRequest, slug: str, notice_id: int) -> dict[str, Any]:
    city = city_by_slug(slug)
    actor = _actor(request)
    notice = (
        ApplicantNotice.objects.filter(
            pk=notice_id, appeal__city=city, delivery=NoticeDelivery.POST
        )
        .select_related("appeal")
        .first()
    )
    # Only those who may post it learn it exists.
    posts = notice is not None and (
        may(actor, Action.REGISTER_APPEALS, notice.appeal)
        or may(actor, Action.EXECUTE, notice.appeal)
    )
    if notice is None or not posts:
        raise NotFound(_("There is no such notice."), field="notice")
    return _letter_out(mark_notice_posted(actor=actor, notice=notice))
