from datetime import datetime
from typing import Any

from ninja import Field, Schema

from mycity.cities.schemas import Names


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
    rating: int = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=2000)


class DisagreementIn(Schema):
    reason: str = Field(..., min_length=1, max_length=5000)


class MoveIn(Schema):
    move: str = Field(
        ...,
        description=(
            "accept, approve, assign, start, return, reject, redirect, merge, close; "
            "leave (without consideration: give `ground`), withdraw, thank"
        ),
    )
    note: str = Field("", max_length=5000)
    organisation: str | None = Field(None, description="assign: the organisation's slug")
    duplicate_of: int | None = Field(None, description="merge: the original appeal's id")
    redirected_to: str | None = Field(None, max_length=300, description="redirect: the body")
    ground: str | None = Field(
        None,
        description="leave: the law's ground (requirements, abusive, other_procedure, "
        "not_competent, complaint_late, repeat, corr_stopped, published, threats, anonymous)",
    )
    repeat_of: int | None = Field(
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
    publication: int | None = Field(
        None,
        description="leave on `published` (required): the id of the organisation's "
        "publication that answers the question (art. 25¹)",
    )
    expected_version: int | None = Field(
        None, description="The version the client saw; a stale one gets 409."
    )


class AnswerIn(Schema):
    text: str = Field(..., min_length=1, max_length=20000)
    result: str = Field("explained", description="satisfied, explained or refused")
    expected_version: int | None = None


class ExtensionIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)
    working_days: int | None = Field(None, ge=1, le=30, description="problem reports only")
    expected_version: int | None = None


class RedactionIn(Schema):
    text: str = Field(..., min_length=1, max_length=5000, description="The new public text.")
    reason: str = Field(
        ..., min_length=1, max_length=2000, description="What was hidden and why (staff only)."
    )
    expected_version: int | None = None


class PhotoModerationIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000, description="Staff only.")


class InformationRequestIn(Schema):
    question: str = Field(
        ...,
        min_length=1,
        max_length=2000,
        description="What the applicant is asked; they are told.",
    )
    expected_version: int | None = None


class InformationIn(Schema):
    text: str = Field("", max_length=5000)
