"""A staff member's own tools through the API: answer templates, the daily digest
preference and the dispatcher's bulk actions. The same services and guarded lookups
as the console's pages (`console.staff_views`)."""

from datetime import datetime
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from mycity.accounts.models import User
from mycity.accounts.permissions import Action, may
from mycity.appeals.access import get_appeal_to_handle
from mycity.appeals.api import STAFF
from mycity.cities.models import City, Organisation
from mycity.cities.selectors import city_by_slug, organisations_of
from mycity.console import selectors, services
from mycity.console.access import desks_of
from mycity.console.errors import InvalidInput
from mycity.console.models import AnswerTemplate
from mycity.core.api_formats import JsonBool, JsonInt, ObjectId

router = Router(tags=["staff tools"], auth=STAFF)


class AnswerTemplateOut(Schema):
    id: int
    organisation: str = Field(description="The organisation's slug.")
    title: str
    text: str = Field(description="{number}, {address} and {date} are filled in for an appeal.")
    updated_at: datetime


class AnswerTemplateIn(Schema):
    organisation: str | None = Field(
        None,
        max_length=80,
        description="Whose template (slug); may be left out by one who writes for one only.",
    )
    title: str = Field(..., min_length=1, max_length=services.MAX_TEMPLATE_TITLE, pattern=r"\S")
    text: str = Field(..., min_length=1, max_length=services.MAX_TEMPLATE_TEXT, pattern=r"\S")


class AnswerTemplateChangeIn(Schema):
    title: str = Field(..., min_length=1, max_length=services.MAX_TEMPLATE_TITLE, pattern=r"\S")
    text: str = Field(..., min_length=1, max_length=services.MAX_TEMPLATE_TEXT, pattern=r"\S")


class FilledAnswerOut(Schema):
    template: int
    text: str


class FilledAnswerQuery(Schema):
    template: int = Field(..., ge=1, le=2**63 - 1, description="The template's id.")


class PreferencesOut(Schema):
    daily_digest: bool = Field(
        description="A daily e-mail with the appeals one handles that are due or overdue."
    )


class PreferencesIn(Schema):
    daily_digest: JsonBool


class BulkItemIn(Schema):
    id: ObjectId
    expected_version: JsonInt | None = Field(None, description="A stale one is refused.")


class BulkIn(Schema):
    action: str = Field(..., pattern="^(accept|assign)$")
    organisation: str | None = Field(None, max_length=80, description="assign: its slug")
    appeals: list[BulkItemIn] = Field(..., min_length=1, max_length=services.MAX_BULK)


class BulkOutcomeOut(Schema):
    appeal: int
    number: str
    done: bool
    reason: str = Field(description="Why it was refused; empty when done.")


class BulkOut(Schema):
    done: int
    refused: int
    outcomes: list[BulkOutcomeOut]


def _actor(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]


def _require_desk(request: HttpRequest) -> None:
    """Console preferences are for those with a desk in the console."""
    if not desks_of(_actor(request)):
        raise PermissionDenied("console")


def _writable(request: HttpRequest, city: City) -> list[Organisation]:
    """The organisations whose templates the caller writes; none: not theirs to see."""
    organisations = selectors.template_organisations(_actor(request), city)
    if not organisations:
        raise PermissionDenied("answer_templates")
    return organisations


def _template_out(template: AnswerTemplate) -> dict[str, Any]:
    return {
        "id": template.pk,
        "organisation": template.organisation.slug,
        "title": template.title,
        "text": template.text,
        "updated_at": template.updated_at,
    }


@router.get(
    "/cities/{slug}/answer-templates",
    response=list[AnswerTemplateOut],
    summary="Executors and dispatchers: the answer templates of the organisations I write for",
)
def answer_templates(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    organisations = _writable(request, city_by_slug(slug))
    return [_template_out(t) for t in selectors.answer_templates_of(organisations)]


@router.post(
    "/cities/{slug}/answer-templates",
    response={201: AnswerTemplateOut},
    summary="Write a new answer template for an organisation (its title is unique in it)",
)
def create_answer_template(
    request: HttpRequest, slug: str, payload: AnswerTemplateIn
) -> Status[dict[str, Any]]:
    organisations = _writable(request, city_by_slug(slug))
    chosen = payload.organisation or ""
    organisation = next(
        (o for o in organisations if o.slug == chosen or (not chosen and len(organisations) == 1)),
        None,
    )
    if organisation is None:
        raise InvalidInput(_("Choose the organisation."), field="organisation")
    template = services.create_answer_template(
        actor=_actor(request), organisation=organisation, title=payload.title, text=payload.text
    )
    return Status(201, _template_out(template))


def _template(request: HttpRequest, slug: str, template_id: int) -> AnswerTemplate:
    # Another organisation's or city's template is a 404 (no existence leak).
    return selectors.answer_template_for(_actor(request), city_by_slug(slug), template_id)


@router.put(
    "/cities/{slug}/answer-templates/{template_id}",
    response=AnswerTemplateOut,
    summary="Change an answer template's title and text",
)
def change_answer_template(
    request: HttpRequest, slug: str, template_id: int, payload: AnswerTemplateChangeIn
) -> dict[str, Any]:
    template = _template(request, slug, template_id)
    services.update_answer_template(
        actor=_actor(request), template=template, title=payload.title, text=payload.text
    )
    return _template_out(template)


@router.delete(
    "/cities/{slug}/answer-templates/{template_id}",
    response={204: None},
    summary="Delete an answer template",
)
def delete_answer_template(request: HttpRequest, slug: str, template_id: int) -> Status[None]:
    template = _template(request, slug, template_id)
    services.delete_answer_template(actor=_actor(request), template=template)
    return Status(204, None)


@router.get(
    "/appeals/{appeal_id}/answer-text",
    response=FilledAnswerOut,
    summary="Executors: a template of the appeal's organisation filled in for this appeal",
)
def filled_answer(
    request: HttpRequest, appeal_id: int, query: Query[FilledAnswerQuery]
) -> dict[str, Any]:
    appeal = get_appeal_to_handle(_actor(request), appeal_id)
    template = selectors.template_of_appeal(_actor(request), appeal, query.template)
    return {"template": template.pk, "text": selectors.fill_answer_template(template.text, appeal)}


@router.get(
    "/me/staff-preferences",
    response=PreferencesOut,
    summary="Staff: my console preferences",
)
def my_preferences(request: HttpRequest) -> dict[str, Any]:
    _require_desk(request)
    return {"daily_digest": selectors.preferences_of(_actor(request)).daily_digest}


@router.put(
    "/me/staff-preferences",
    response=PreferencesOut,
    summary="Staff: set my console preferences",
)
def set_my_preferences(request: HttpRequest, payload: PreferencesIn) -> dict[str, Any]:
    _require_desk(request)
    saved = services.set_staff_preferences(user=_actor(request), daily_digest=payload.daily_digest)
    return {"daily_digest": saved.daily_digest}


@router.post(
    "/cities/{slug}/bulk",
    response=BulkOut,
    summary="Dispatchers: accept, or assign to one organisation, up to 100 appeals at once",
    description="Each appeal is done in a transaction of its own: one refused (its "
    "`reason` says why) leaves the others done.",
)
def bulk(request: HttpRequest, slug: str, payload: BulkIn) -> dict[str, Any]:
    city = city_by_slug(slug)
    actor = _actor(request)
    if not may(actor, Action.DISPATCH, city):
        raise PermissionDenied("dispatch")
    organisation = None
    if payload.action == services.BULK_ASSIGN and payload.organisation:
        organisation = organisations_of(city).filter(slug=payload.organisation).first()
    outcomes = services.bulk_act(
        actor=actor,
        city=city,
        action=payload.action,
        selected=[(item.id, item.expected_version) for item in payload.appeals],
        organisation=organisation,
    )
    tally = services.describe(outcomes)
    return {
        "done": tally["done"],
        "refused": tally["refused"],
        "outcomes": [
            {"appeal": o.appeal_id, "number": o.number, "done": o.done, "reason": o.reason}
            for o in outcomes
        ],
    }
