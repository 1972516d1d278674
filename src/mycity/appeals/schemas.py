from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from ninja import Field, Schema

from mycity.appeals.policy import Ground, needs_where_to_apply
from mycity.appeals.workflow import Move
from mycity.cities.schemas import Names
from mycity.core.api_formats import NOT_BOOL, JsonInt

# The moves `POST /appeals/{id}/moves` makes; the others have endpoints of their own.
OWN_ENDPOINT_MOVES = (Move.ANSWER, Move.REOPEN, Move.SEND_TO_MODERATION)
GeneralMove = StrEnum(  # type: ignore[misc]
    "GeneralMove", {m.name: m.value for m in Move if m not in OWN_ENDPOINT_MOVES}
)


class ServiceTime(Schema):
    value: int
    unit: str = Field(description="hours, working_days or calendar_days")


class CategoryOut(Schema):
    slug: str
    parent: str | None = Field(description="The parent category's slug.")
    kind: str = Field(description="problem or e_appeal")
    name: str
    names: Names
    synonyms: list[str] = Field(description="Words residents use for it, as the city lists them.")
    icon: str
    is_public: bool
    needs_moderation: bool
    is_leaf: bool = Field(description="Appeals are filed under leaves only.")
    service_time: ServiceTime
    default_organisation: str | None
    extra_fields: list[dict[str, Any]]


class Ref(Schema):
    slug: str
    name: str


class FileOut(Schema):
    id: int
    role: str
    url: str
    thumbnail_url: str | None
    content_type: str
    width: int | None
    height: int | None


class EventOut(Schema):
    at: datetime
    kind: str
    from_status: str
    to_status: str
    note: str
    actor: str | None = Field(None, description="Only for staff.")


class AnswerOut(Schema):
    organisation: Ref
    text: str | None = Field(description="Only for the applicant and the staff.")
    at: datetime


class ApplicantOut(Schema):
    type: str
    name: str
    address: str
    email: str
    phone: str
    legal_name: str
    legal_reg_number: str
    signatory: str


class ReportOut(Schema):
    """What anyone may see of a public problem report."""

    id: int
    number: str
    city: str
    kind: str
    category: Ref
    status: str
    status_name: str
    description: str
    address: str
    lat: float | None
    lon: float | None
    district: str | None
    organisation: Ref | None
    submitted_at: datetime
    deadline: datetime
    deadline_state: str = Field(description="on_time, due_soon, overdue, met or late")
    me_too_count: int


class AppealOut(ReportOut):
    registered_on: str
    extended: bool
    rating: int | None
    version: int = Field(description="Send it back as expected_version to act on this state.")
    moves: list[str] = Field(description="The moves the caller may make now.")
    files: list[FileOut]
    answers: list[AnswerOut]
    timeline: list[EventOut]
    # Only for the applicant and the staff handling the appeal:
    applicant: ApplicantOut | None = None
    extra: dict[str, Any] | None = None
    addressee: Ref | None = None
    duplicate_of: int | None = None
    redirected_to: str | None = None


class SubmissionOut(AppealOut):
    similar: list[ReportOut] = Field(
        description="Open public reports of the category within 50 m: the resident may "
        "join one (me too) instead."
    )


class ReportPage(Schema):
    items: list[ReportOut]
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page.")


class AppealPage(Schema):
    items: list[AppealOut]
    next_cursor: str | None = None


class MeTooOut(Schema):
    joined: bool
    me_too_count: int


class RatingIn(Schema):
    rating: Annotated[int, Field(ge=1, le=5), NOT_BOOL]
    comment: str = Field("", max_length=2000)


class DisagreementIn(Schema):
    reason: str = Field(..., min_length=1, max_length=5000)


_TEXT = {"type": "string", "pattern": r"\S"}
_ID = {"type": "integer"}
_NEEDS_MORE = {"assign", "merge", "redirect", "leave"}


def _variant(move: str | list[str], needs: dict[str, Any], **more: Any) -> dict[str, Any]:
    moves = move if isinstance(move, list) else [move]
    return {
        "properties": {"move": {"enum": moves}} | more | needs,
        "required": ["move", *needs],
    }


def _move_variants() -> list[dict[str, Any]]:
    """What each move needs beside its name, as alternatives of the body (the service
    refuses the same with a 400 naming the field)."""
    plain = [m.value for m in Move if m not in OWN_ENDPOINT_MOVES and m.value not in _NEEDS_MORE]
    where = [g.value for g in Ground if needs_where_to_apply(g)]
    other_grounds = [g.value for g in Ground if g.value not in (*where, "repeat", "published")]
    return [
        _variant(plain, {}),
        _variant("assign", {"organisation": _TEXT}),
        _variant("merge", {"duplicate_of": _ID}),
        _variant("redirect", {"redirected_to": _TEXT}),
        _variant("leave", {"ground": {"enum": other_grounds}}),
        _variant("leave", {"ground": {"enum": where}, "where_to_apply": _TEXT}),
        _variant("leave", {"ground": {"enum": ["repeat"]}, "repeat_of": _ID}),
        _variant("leave", {"ground": {"enum": ["published"]}, "publication": _ID}),
    ]


class MoveIn(Schema):
    model_config = {"json_schema_extra": {"anyOf": _move_variants()}}  # type: ignore[dict-item]

    move: GeneralMove = Field(
        ...,
        description=(
            "accept, approve, assign, start, return, reject, redirect, merge, close; "
            "leave (without consideration: give `ground`), withdraw, thank. Answering, "
            "reopening and sending to moderation have their own endpoints."
        ),
    )
    note: str = Field("", max_length=5000)
    organisation: str | None = Field(None, description="assign: the organisation's slug")
    duplicate_of: JsonInt | None = Field(None, description="merge: the original appeal's id")
    redirected_to: str | None = Field(None, max_length=300, description="redirect: the body")
    ground: Ground | None = Field(
        None,
        description="leave: the law's ground (requirements, abusive, other_procedure, "
        "not_competent, complaint_late, repeat, corr_stopped, published, threats, anonymous)",
    )
    repeat_of: JsonInt | None = Field(
        None,
        description="leave on the ground `repeat`: the earlier appeal's id (to the same "
        "organisation, on the same question, answered on its merits)",
    )
    where_to_apply: str | None = Field(
        None,
        max_length=2000,
        description="leave on `other_procedure` or `not_competent` (required): where the "
        "applicant may apply; shown to them",
    )
    publication: JsonInt | None = Field(
        None,
        description="leave on `published` (required): the id of the organisation's "
        "publication that answers the question (art. 25¹)",
    )
    expected_version: JsonInt | None = Field(
        None, description="The version the client saw; a stale one gets 409."
    )


class AnswerIn(Schema):
    text: str = Field(..., min_length=1, max_length=20000)
    result: str = Field("explained", description="satisfied, explained or refused")
    expected_version: int | None = None


class ExtensionIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000, pattern=r"\S")
    working_days: Annotated[int, Field(ge=1, le=30), NOT_BOOL] | None = Field(
        None, description="problem reports only"
    )
    expected_version: JsonInt | None = None


class RedactionIn(Schema):
    text: str = Field(..., min_length=1, max_length=5000, description="The new public text.")
    reason: str = Field(
        ..., min_length=1, max_length=2000, description="What was hidden and why (staff only)."
    )
    expected_version: JsonInt | None = None


class PhotoModerationIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000, description="Staff only.")


class InformationRequestIn(Schema):
    question: str = Field(
        ...,
        min_length=1,
        max_length=2000,
        description="What the applicant is asked; they are told.",
    )
    expected_version: JsonInt | None = None


class InformationIn(Schema):
    text: str = Field("", max_length=5000)
