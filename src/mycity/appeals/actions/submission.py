"""Submitting and registering an appeal: from the app, the API, Open311, or an intake
clerk registering what arrived by post, at a reception, by phone or from the national
system."""

import dataclasses
import hashlib
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from mycity.accounts.models import User
from mycity.appeals import deadlines, routing, search, webhook_events
from mycity.appeals.actions.moves import accept_and_route
from mycity.appeals.appeal_files import attach_files, clean_files, forget_files, write_files
from mycity.appeals.applicant import APPLICANT_FIELDS
from mycity.appeals.consideration import apply_correspondence_stop
from mycity.appeals.errors import (
    CategoryNotFound,
    IdempotencyKeyReused,
    InvalidAppeal,
    PointOutsideCity,
    TooManySubmissions,
)
from mycity.appeals.extra_fields import check_extra_fields
from mycity.appeals.limits import MAX_ATTACHMENTS, MAX_DESCRIPTION, MAX_E_APPEAL_TEXT, MAX_PHOTOS
from mycity.appeals.models import (
    ApiClient,
    Appeal,
    AppealCounter,
    AppealFile,
    AppealKind,
    ApplicantType,
    Category,
    Channel,
    EventKind,
    FileRole,
    Status,
    SubmissionKey,
)
from mycity.appeals.payer_number import PayerNumberError, legal_entity_payer_number
from mycity.appeals.policy import name_key
from mycity.appeals.registration import bump_counter, next_registration_number
from mycity.appeals.repeats import stop_for
from mycity.appeals.transitions import record_event, tell_applicant, transition
from mycity.appeals.workflow import (
    Move,
)
from mycity.cities.calendar import calendar_for
from mycity.cities.models import Building, City, District, Organisation
from mycity.cities.selectors import district_at, nearest_buildings, point_in_city
from mycity.privacy.consents import record_consent
from mycity.privacy.notice import current_version

# A building this close to the point names the report's address.
ADDRESS_REACH_M = 150


@dataclass
class AppealDraft:
    """What an applicant filled in; `submit_appeal` checks every field."""

    category_slug: str
    description: str
    lat: float | None = None
    lon: float | None = None
    building_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    addressee_slug: str | None = None
    applicant_type: str = ApplicantType.PERSON
    applicant_name: str = ""
    applicant_address: str = ""
    applicant_email: str = ""
    applicant_phone: str = ""
    legal_name: str = ""
    legal_reg_number: str = ""
    signatory: str = ""
    consent: bool = False


@dataclass(frozen=True)
class StaffIntake:
    """An appeal that arrived by post, at a reception, by phone, in the book of remarks
    or from the national system, registered by an intake clerk for an organisation."""

    registrar: Organisation
    clerk: User
    received_at: datetime
    source_number: str = ""
    # A letter without a name or an address to answer to is registered all the same;
    # `appeals.consideration` then leaves it or forwards it (art. 23).
    anonymous: bool = False


@dataclass(frozen=True)
class Submission:
    appeal: Appeal
    # True when the idempotency key had been used: this is the first submission's appeal.
    replayed: bool = False


def _problem(problems: list[dict[str, str]], name: str, message: str) -> None:
    problems.append({"field": name, "message": message})


def _category(city: City, slug: str) -> Category:
    """An active leaf category of the city (a parent is only a heading of the tree)."""
    category = (
        Category.objects.filter(city=city, slug=slug, is_active=True)
        .annotate(is_parent=Exists(Category.objects.filter(parent=OuterRef("pk"))))
        .select_related("default_organisation")
        .first()
    )
    if category is None or category.is_parent:
        raise CategoryNotFound(field="category")
    return category


def _check_problem_report(
    city: City, category: Category, draft: AppealDraft, problems: list[dict[str, str]]
) -> tuple[float | None, float | None, Building | None]:
    lat, lon, building = draft.lat, draft.lon, None
    if draft.building_id is not None:
        building = (
            Building.objects.filter(city=city, pk=draft.building_id)
            .select_related("street")
            .first()
        )
        if building is None:
            _problem(problems, "building_id", _("There is no such building in this city."))
        elif building.vanished_at is not None:
            _problem(
                problems,
                "building_id",
                _(
                    "This address is no longer in the city's address registry: choose "
                    "another one or mark the place on the map."
                ),
            )
            building = None
        elif lat is None or lon is None:
            lat, lon = building.lat, building.lon
    if lat is None or lon is None:
        if building is None and draft.building_id is None:
            _problem(problems, "lat", _("Give the point on the map or an address."))
        return lat, lon, building
    if not point_in_city(city, lat=lat, lon=lon):
        raise PointOutsideCity(field="lat")
    if building is None:
        near = nearest_buildings(city, lat=lat, lon=lon, limit=1, within_m=ADDRESS_REACH_M)
        if near:
            building = near[0]
    return lat, lon, building


def _check_e_appeal(
    city: City,
    category: Category,
    draft: AppealDraft,
    problems: list[dict[str, str]],
    *,
    by_staff: bool = False,
    anonymous: bool = False,
    signed_in: bool = False,
) -> Organisation | None:
    addressee = category.default_organisation
    if draft.addressee_slug:
        addressee = Organisation.objects.filter(
            city=city,
            slug=draft.addressee_slug,
            kind=Organisation.Kind.DEPARTMENT,
            is_active=True,
        ).first()
        if addressee is None:
            _problem(problems, "addressee", _("There is no such department in this city."))
    required = {
        "applicant_name": _("Give your full name."),
        "applicant_address": _("Give your postal address."),
    }
    # A letter has a postal address to answer to; a signed-in resident is answered in
    # their account (art. 25: e-mail is then optional); anyone else online, by e-mail.
    if not by_staff and not signed_in:
        required["applicant_email"] = _("Give your e-mail address.")
    if anonymous:
        required = {}
    if draft.applicant_type == ApplicantType.LEGAL_ENTITY:
        required |= {
            "legal_name": _("Give the organisation's name."),
            "legal_reg_number": _("Give the organisation's registration number."),
            "signatory": _("Give the name of the person who signs the appeal."),
        }
    elif draft.applicant_type != ApplicantType.PERSON:
        _problem(problems, "applicant_type", _("Choose a person or a legal entity."))
    for name, message in required.items():
        if not str(getattr(draft, name) or "").strip():
            _problem(problems, name, message)
    if draft.applicant_type == ApplicantType.LEGAL_ENTITY and draft.legal_reg_number.strip():
        try:
            legal_entity_payer_number(draft.legal_reg_number)
        except PayerNumberError as error:
            _problem(
                problems,
                "legal_reg_number",
                _("The УНП does not add up: check its digits.")
                if error.checksum
                else _("A legal entity's УНП is 9 digits."),
            )
    email = draft.applicant_email.strip()
    if email:
        try:
            if len(email) > 254:
                raise ValidationError("too long")
            validate_email(email)
        except ValidationError:
            _problem(problems, "applicant_email", _("Enter a valid e-mail address."))
    if len(draft.applicant_name.split()) < 2 and draft.applicant_name.strip():
        _problem(problems, "applicant_name", _("Give your surname and name."))
    return addressee


def _check_draft(
    city: City,
    draft: AppealDraft,
    photos: Sequence[UploadedFile],
    *,
    by_staff: bool = False,
    anonymous: bool = False,
    signed_in: bool = False,
) -> tuple[Category, dict[str, Any]]:
    category = _category(city, draft.category_slug)
    problems: list[dict[str, str]] = []
    description = (draft.description or "").strip()
    limit = MAX_E_APPEAL_TEXT if category.kind == AppealKind.E_APPEAL else MAX_DESCRIPTION
    if not description:
        _problem(problems, "description", _("Describe the problem."))
    elif len(description) > limit:
        _problem(problems, "description", _("No more than %(max)s characters.") % {"max": limit})
    # What staff register came without the app's consent tick: the Law on appeals is
    # the ground for processing it (Law on personal data, art. 6).
    if not draft.consent and not by_staff:
        _problem(problems, "consent", _("Consent to the processing of personal data is required."))
    extra, extra_problems = check_extra_fields(category.extra_fields or [], draft.extra or {})
    problems += extra_problems
    values: dict[str, Any] = {"category": category, "description": description, "extra": extra}
    if category.kind == AppealKind.PROBLEM:
        if len(photos) > MAX_PHOTOS:
            _problem(problems, "files", _("No more than %(max)s photos.") % {"max": MAX_PHOTOS})
        lat, lon, building = _check_problem_report(city, category, draft, problems)
        values |= {"lat": lat, "lon": lon, "building": building}
    else:
        if len(photos) > MAX_ATTACHMENTS:
            _problem(problems, "files", _("No more than %(max)s files.") % {"max": MAX_ATTACHMENTS})
        values["addressee"] = _check_e_appeal(
            city,
            category,
            draft,
            problems,
            by_staff=by_staff,
            anonymous=anonymous,
            signed_in=signed_in,
        )
    if problems:
        raise InvalidAppeal(details=problems)
    return category, values


def _next_number(city: City, year: int) -> str:
    return f"{year}-{bump_counter(AppealCounter, city_id=city.pk, year=year):06d}"


def submit_appeal(
    *,
    applicant: User | None,
    city: City,
    draft: AppealDraft,
    files: Sequence[UploadedFile] = (),
    channel: str = Channel.API,
    idempotency_key: str | None = None,
    key_owner: str | None = None,
    intake: StaffIntake | None = None,
    api_client: ApiClient | None = None,
) -> Submission:
    """Register a problem report or an e-appeal, route it and start its term.

    With an idempotency key, a retry returns the first submission's appeal. With an
    `intake`, staff register what arrived another way: its term runs from its arrival,
    and the registering organisation gives it its number."""
    owner = key_owner or (f"user:{applicant.pk}" if applicant else None)
    sent = fingerprint(draft, files) if idempotency_key and owner else ""
    if idempotency_key and owner:
        first = _replayed(owner, idempotency_key, sent)
        if first is not None:
            return Submission(first, replayed=True)
    category, values = _check_draft(
        city,
        draft,
        files,
        by_staff=intake is not None,
        anonymous=intake is not None and intake.anonymous,
        signed_in=applicant is not None,
    )
    # Spent only by valid submissions: a resident correcting a form is not throttled
    # (nor by what staff register for them).
    if applicant is not None and intake is None:
        _spend_submission(applicant)
    # Everything slow happens before the write transaction, whose lock serialises
    # submissions: decoding images, writing files, the calendar, polygons, routing.
    cleaned = clean_files(category.kind, files)
    plan = _plan(city, category, values, arrived_at=intake.received_at if intake else None)
    written: list[str] = []
    try:
        is_e_appeal = category.kind == AppealKind.E_APPEAL
        rows = write_files(
            cleaned,
            FileRole.ATTACHMENT if is_e_appeal else FileRole.PHOTO,
            written,
            public=not is_e_appeal and category.is_public,
        )
        with transaction.atomic():
            appeal = _register(
                applicant=applicant,
                city=city,
                draft=draft,
                values=values,
                plan=plan,
                files=rows,
                channel=channel,
                intake=intake,
                api_client=api_client,
            )
            if idempotency_key and owner:
                with transaction.atomic():
                    SubmissionKey.objects.create(
                        owner=owner, key=idempotency_key, appeal=appeal, fingerprint=sent
                    )
    except IntegrityError:
        forget_files(written)
        # A concurrent retry with the same key committed first: return its appeal.
        first = _replayed(owner, idempotency_key, sent) if idempotency_key and owner else None
        if first is None:
            raise
        return Submission(first, replayed=True)
    except BaseException:
        forget_files(written)
        raise
    return Submission(appeal)


def _spend_submission(applicant: User) -> None:
    """A resident files at most APPEAL_SUBMISSIONS_PER_HOUR appeals an hour."""
    limit = settings.APPEAL_SUBMISSIONS_PER_HOUR
    if limit <= 0:
        return
    key = f"mycity:submissions:{applicant.pk}:{int(time.time() // 3600)}"
    cache.add(key, 0, timeout=3600)
    try:
        spent = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        spent = 1
    if spent > limit:
        raise TooManySubmissions()


def _replayed(owner: str, key: str, sent: str) -> Appeal | None:
    """The appeal first submitted under this key; the same key with another body is a
    client's mistake (422), never silently the first appeal."""
    row = SubmissionKey.objects.filter(owner=owner, key=key).select_related("appeal").first()
    if row is None:
        return None
    if row.fingerprint and row.fingerprint != sent:
        raise IdempotencyKeyReused(field="key")
    return row.appeal


def fingerprint(draft: AppealDraft, files: Sequence[UploadedFile]) -> str:
    """A digest of what was submitted: every field of the draft and every file's bytes."""
    digest = hashlib.sha256(
        json.dumps(dataclasses.asdict(draft), sort_keys=True, default=str).encode()
    )
    for upload in files:
        digest.update(b"\0file\0")
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
    return digest.hexdigest()


@dataclass(frozen=True)
class _Plan:
    """What a new appeal's registration needs that takes time to work out."""

    submitted_at: datetime
    year: int
    term: deadlines.Term
    district: District | None
    organisation: Organisation | None


def _plan(
    city: City, category: Category, values: dict[str, Any], *, arrived_at: datetime | None = None
) -> _Plan:
    now = timezone.now()
    calendar = calendar_for(city)
    lat, lon = values.get("lat"), values.get("lon")
    building: Building | None = values.get("building")
    district = district_at(city, lat=lat, lon=lon) if lat is not None and lon is not None else None
    if district is None and building is not None:
        district = building.district
    if category.kind == AppealKind.E_APPEAL:
        addressee = values.get("addressee")
        organisation = addressee if addressee is not None and addressee.is_active else None
    else:
        organisation = routing.route(
            category, lat=lat, lon=lon, building_id=building.pk if building else None
        )
    return _Plan(
        submitted_at=now,
        year=calendar.local_date(now).year,
        term=deadlines.initial_term(calendar, category, arrived_at or now),
        district=district,
        organisation=organisation,
    )


def _register(
    *,
    applicant: User | None,
    city: City,
    draft: AppealDraft,
    values: dict[str, Any],
    plan: _Plan,
    files: list[AppealFile],
    channel: str,
    intake: StaffIntake | None = None,
    api_client: ApiClient | None = None,
) -> Appeal:
    category: Category = values["category"]
    now = plan.submitted_at
    building: Building | None = values.get("building")
    personal: dict[str, Any] = {}
    if category.kind == AppealKind.E_APPEAL:
        personal = {name: str(getattr(draft, name) or "").strip() for name in APPLICANT_FIELDS}
        if personal["applicant_type"] != ApplicantType.LEGAL_ENTITY:
            # What a person typed in the organisation's fields before choosing "a person"
            # (the form hides them) is not theirs to keep.
            personal |= dict.fromkeys(("legal_name", "legal_reg_number", "signatory"), "")
    elif applicant is not None:
        personal = {"applicant_name": applicant.full_name, "applicant_email": applicant.email}
    else:
        # An integrator's client posting for a resident without an account (Open311).
        personal = {
            "applicant_name": draft.applicant_name.strip(),
            "applicant_email": draft.applicant_email.strip(),
            "applicant_phone": draft.applicant_phone.strip(),
        }
    consent_version = "" if intake else current_version(city)
    appeal = Appeal.objects.create(
        city=city,
        number=_next_number(city, plan.year),
        kind=category.kind,
        category=category,
        status=Status.SUBMITTED,
        channel=channel,
        description=values["description"],
        extra=values["extra"],
        lat=values.get("lat"),
        lon=values.get("lon"),
        building=building,
        address=str(building) if building else "",
        district=plan.district,
        addressee=values.get("addressee"),
        applicant=applicant,
        api_client=api_client,
        consent_policy_version=consent_version,
        consent_at=None if intake else now,
        **(_registration(city, intake, plan) if intake else {}),
        submitted_at=now,
        registered_on=plan.term.registered_on,
        term_start=plan.term.registered_on,
        deadline=plan.term.deadline,
        **personal,
        # How a later appeal of the same person finds this one (repeat appeals).
        applicant_key=name_key(Appeal(**personal)),
    )
    if applicant is not None and intake is None:
        # The resident ticked the consent (checked above): the same record whichever
        # face they used.
        record_consent(user=applicant, city=city, at=now, version=consent_version)
    record_event(
        appeal,
        EventKind.TRANSITION,
        actor=applicant,
        at=now,
        to_status=Status.SUBMITTED,
        visible=True,
    )
    search.index_appeal(appeal)
    attach_files(appeal, files)
    # After a stop of correspondence (art. 21) the applicant is told nothing, not even
    # that an answer is due. One lookup serves this and the rule applied below.
    stop = stop_for(appeal)
    if stop is None:
        tell_applicant(
            appeal,
            gettext_noop(
                "Your appeal %(number)s is registered. The answer is due by %(deadline)s."
            ),
        )
    if category.needs_moderation:
        transition(appeal, Move.SEND_TO_MODERATION, actor=None)
    else:
        accept_and_route(appeal, actor=None, organisation=plan.organisation)
    # The law's rules that apply on arrival build on the moves above.
    if stop is not None:
        apply_correspondence_stop(appeal, stop)
    # Registered and routed: the city's systems (and the organisation's it went to) hear.
    webhook_events.on_registered(appeal)
    return appeal


def _registration(city: City, intake: StaffIntake, plan: _Plan) -> dict[str, Any]:
    year = plan.term.registered_on.year
    return {
        "received_at": intake.received_at,
        "registrar": intake.registrar,
        "registered_by": intake.clerk,
        "source_number": intake.source_number,
        "registration_number": next_registration_number(
            intake.registrar, year, city.registration_format
        ),
    }
