"""Intake through the API: an intake clerk registers an appeal that arrived by post,
at a reception, by phone, in the book of remarks or from the national system, with its
scans. The same service as the console's intake page (`console.intake_views`)."""

from datetime import date, datetime
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, UploadedFile
from ninja.responses import Status

from mycity.accounts.models import User
from mycity.accounts.permissions import Action, may
from mycity.appeals.actions.submission import AppealDraft
from mycity.appeals.api import STAFF
from mycity.appeals.errors import InvalidAppeal
from mycity.appeals.intake import register_received_appeal
from mycity.appeals.models import STAFF_CHANNELS
from mycity.cities.models import Organisation
from mycity.cities.selectors import city_by_slug
from mycity.core.api_contract import errors
from mycity.core.api_formats import IsoDateTime

router = Router(tags=["intake"], auth=STAFF)

CHANNEL_PATTERN = "^(" + "|".join(sorted(str(c) for c in STAFF_CHANNELS)) + ")$"


class IntakeForm(Schema):
    channel: str = Field(..., pattern=CHANNEL_PATTERN, description="How it arrived.")
    received_at: IsoDateTime = Field(
        ..., description="When it arrived (ISO 8601); it is registered on that working day."
    )
    registrar: str = Field(
        ..., max_length=80, description="The department that registers it (its slug)."
    )
    category: str = Field(..., max_length=80, description="The e-appeal's subject (its slug).")
    description: str = Field(..., max_length=20000, description="The text of the appeal.")
    applicant_type: str = Field("person", pattern="^(person|legal_entity)$")
    applicant_name: str = Field("", max_length=200)
    applicant_address: str = Field("", max_length=300)
    applicant_email: str = Field("", max_length=254)
    applicant_phone: str = Field("", max_length=30)
    legal_name: str = Field("", max_length=300)
    legal_reg_number: str = Field("", max_length=20)
    signatory: str = Field("", max_length=200)
    source_number: str = Field(
        "",
        max_length=60,
        description="Its own number (an outgoing number, the national system's id): the "
        "same number through the same channel registers it once.",
    )
    anonymous: bool = Field(
        False, description="No name or no address to answer to: registered, then left."
    )


class IntakeOut(Schema):
    id: int
    number: str
    registration_number: str
    registered_on: date
    deadline: datetime | None
    replayed: bool = Field(description="True: the source number was registered already.")


def _registrar(city_id: int, slug: str) -> Organisation:
    found = Organisation.objects.filter(
        city_id=city_id, slug=slug, is_active=True, kind=Organisation.Kind.DEPARTMENT
    ).first()
    if found is None:
        raise InvalidAppeal(_("Choose an organisation of this city."), field="registrar")
    return found


@router.post(
    "/cities/{slug}/intake",
    response={200: IntakeOut, 201: IntakeOut},
    summary="Intake clerks: register an appeal that arrived on paper or by another staff "
    "channel (multipart: fields and up to 10 scans as `scans`)",
    description="Scans are JPEG, PNG or PDF. An appeal with a `source_number` already "
    "registered through the same channel is not registered twice: the first one is "
    "returned (200) instead of a new one (201); the same number with other values is "
    "refused (422, `idempotency_key_reused`).",
    openapi_extra=errors(422, 429),
)
def register(
    request: HttpRequest,
    slug: str,
    form: Form[IntakeForm],
    scans: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status[dict[str, Any]]:
    city = city_by_slug(slug)
    actor = cast(User, request.auth)  # type: ignore[attr-defined]
    if not may(actor, Action.REGISTER_APPEALS, city):
        raise PermissionDenied("intake")
    submission = register_received_appeal(
        actor=actor,
        city=city,
        registrar=_registrar(city.pk, form.registrar),
        channel=form.channel,
        received_at=form.received_at,
        draft=AppealDraft(
            category_slug=form.category,
            description=form.description,
            applicant_type=form.applicant_type,
            applicant_name=form.applicant_name,
            applicant_address=form.applicant_address,
            applicant_email=form.applicant_email,
            applicant_phone=form.applicant_phone,
            legal_name=form.legal_name,
            legal_reg_number=form.legal_reg_number,
            signatory=form.signatory,
        ),
        files=scans or [],
        source_number=form.source_number,
        anonymous=form.anonymous,
    )
    appeal = submission.appeal
    return Status(
        200 if submission.replayed else 201,
        {
            "id": appeal.pk,
            "number": appeal.number,
            "registration_number": appeal.registration_number,
            "registered_on": appeal.registered_on,
            "deadline": appeal.deadline,
            "replayed": submission.replayed,
        },
    )
