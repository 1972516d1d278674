"""Commands that change appeals: submit, move through the lifecycle, answer, rate.

Every change goes through here: the state is changed with a conditional UPDATE on the
appeal's version (two staff acting at once cannot both win), the event is written in
the same transaction, and the applicant's notification goes to the outbox with it.
"""

import hashlib
import secrets
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from mycity.accounts.models import User
from mycity.appeals import deadlines, routing, search, selectors, staff_notices
from mycity.appeals.access import is_handling_staff
from mycity.appeals.errors import (
    AppealNotFound,
    CategoryNotFound,
    DisagreementWindowClosed,
    InvalidAppeal,
    MoveNotAllowed,
    NoteRequired,
    PointOutsideCity,
    StaleAppeal,
    TooManySubmissions,
)
from mycity.appeals.extra_fields import check_definitions, check_extra_fields
from mycity.appeals.markup import clean_answer
from mycity.appeals.models import (
    CLOSED_STATUSES,
    Answer,
    ApiClient,
    Appeal,
    AppealCounter,
    AppealEvent,
    AppealFile,
    AppealKind,
    AppealPolicy,
    ApplicantType,
    Category,
    Channel,
    EventKind,
    FileRole,
    MeToo,
    Result,
    Status,
    SubmissionKey,
)
from mycity.appeals.policy import name_key
from mycity.appeals.registration import bump_counter, next_registration_number
from mycity.appeals.uploads import blur_image, clean_attachment, clean_photo
from mycity.appeals.workflow import (
    RULES,
    Actor,
    Move,
    allowed,
    asks_applicant,
    capacities,
    edits_public_content,
)
from mycity.cities.calendar import calendar_for
from mycity.cities.models import Building, City, District, Organisation
from mycity.cities.selectors import district_at, nearest_buildings, point_in_city
from mycity.notify.channels import IN_APP
from mycity.notify.services import in_language_of, notify
from mycity.privacy.notice import current_version

MAX_PHOTOS = 5
MAX_ATTACHMENTS = 10
MAX_DESCRIPTION = 5000
MAX_E_APPEAL_TEXT = 20000
# A building this close to the point names the report's address.
ADDRESS_REACH_M = 150
# What an e-appeal says of who sends it (the Law on appeals, art. 12).
APPLICANT_FIELDS = (
    "applicant_type",
    "applicant_name",
    "applicant_address",
    "applicant_email",
    "applicant_phone",
    "legal_name",
    "legal_reg_number",
    "signatory",
)


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


@transaction.atomic
def upsert_category(
    *,
    city: City,
    slug: str,
    names: dict[str, str],
    kind: str,
    parent: Category | None = None,
    icon: str = "",
    activity: str = "general",
    is_public: bool = True,
    needs_moderation: bool = False,
    default_organisation: Organisation | None = None,
    service_time: tuple[int, str] = (10, "working_days"),
    extra_fields: list[dict[str, Any]] | None = None,
    display_order: int = 100,
) -> Category:
    """Create or update a category of a city's catalogue (the demo loader, the admin)."""
    try:
        check_definitions(extra_fields or [])
    except ValueError as exc:
        raise InvalidAppeal(str(exc), field="extra_fields") from None
    if parent is not None and parent.city_id != city.pk:
        raise InvalidAppeal(_("The parent category is of another city."), field="parent")
    if default_organisation is not None and default_organisation.city_id != city.pk:
        raise InvalidAppeal(_("There is no such organisation in this city."), field="organisation")
    category = Category.objects.filter(city=city, slug=slug).first() or Category(
        city=city, slug=slug
    )
    ru = (names.get("ru") or "").strip()
    for language in ("ru", "be", "en"):
        setattr(category, f"name_{language}", (names.get(language) or ru).strip())
    category.kind = kind
    category.parent = parent
    category.icon = icon
    category.activity = activity
    category.is_public = is_public and kind == AppealKind.PROBLEM
    category.needs_moderation = needs_moderation
    category.default_organisation = default_organisation
    category.service_time_value, category.service_time_unit = service_time
    category.extra_fields = extra_fields or []
    category.display_order = display_order
    category.full_clean()
    category.save()
    return category


@dataclass(frozen=True)
class IssuedClient:
    client: ApiClient
    # Shown once; only its hash is kept.
    key: str


@transaction.atomic
def issue_api_client(*, city: City, name: str, user: User | None = None) -> IssuedClient:
    """A key for an integrator: Open311 posting (no user), or a personal access token
    acting as `user` in the REST API."""
    name = name.strip()
    if not name:
        raise InvalidAppeal(_("Name the client."), field="name")
    key = secrets.token_urlsafe(32)
    client = ApiClient.objects.create(
        city=city, name=name[:200], user=user, key_hash=hash_api_key(key)
    )
    return IssuedClient(client=client, key=key)


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


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
        elif lat is None or lon is None:
            lat, lon = building.lat, building.lon
    if lat is None or lon is None:
        if building is None and draft.building_id is None:
            _problem(problems, "lat", _("Give the point on the map or an address."))
        return lat, lon, building
    if not point_in_city(city, lat=lat, lon=lon):
        raise PointOutsideCity(field="lat")
    if building is None:
        near = nearest_buildings(city, lat=lat, lon=lon, limit=1)
        if near and _distance(near[0], lat, lon) <= ADDRESS_REACH_M:
            building = near[0]
    return lat, lon, building


def _distance(building: Building, lat: float, lon: float) -> float:
    from mycity.core.geo import distance_m

    return distance_m(building.lat, building.lon, lat, lon)


def _check_e_appeal(
    city: City,
    category: Category,
    draft: AppealDraft,
    problems: list[dict[str, str]],
    *,
    by_staff: bool = False,
    anonymous: bool = False,
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
    if not by_staff:  # a letter has a postal address; an e-mail only online
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
            city, category, draft, problems, by_staff=by_staff, anonymous=anonymous
        )
    if problems:
        raise InvalidAppeal(details=problems)
    return category, values


def _clean_files(kind: str, uploads: Sequence[UploadedFile]) -> list[Any]:
    if kind == AppealKind.PROBLEM:
        return [clean_photo(upload, field=f"files[{i}]") for i, upload in enumerate(uploads)]
    return [clean_attachment(upload, field=f"files[{i}]") for i, upload in enumerate(uploads)]


def _next_number(city: City, year: int) -> str:
    return f"{year}-{bump_counter(AppealCounter, city_id=city.pk, year=year):06d}"


def _record(
    appeal: Appeal,
    kind: str,
    *,
    actor: Any,
    at: datetime,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
    visible: bool = True,
) -> AppealEvent:
    return AppealEvent.objects.create(
        appeal=appeal,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data or {},
        visible_to_applicant=visible,
        created_at=at,
    )


def record_event(
    appeal: Appeal,
    kind: str,
    *,
    actor: Any,
    note: str = "",
    data: dict[str, Any] | None = None,
    visible: bool = False,
) -> AppealEvent:
    """Put something that happened to an appeal into its timeline and the audit trail
    (for the modules beside this one: control, sub-tasks, reception, personal data).
    Staff-only unless `visible`."""
    return _record(
        appeal, kind, actor=actor, at=timezone.now(), note=note, data=data, visible=visible
    )


def _write_files(
    cleaned: list[Any], role: str, written: list[str], *, public: bool
) -> list[AppealFile]:
    """Write cleaned files to storage (outside any transaction: storage may be slow) and
    return their rows, unsaved; `written` collects the names to remove on failure."""
    rows = []
    for position, clean in enumerate(cleaned):
        stem = uuid.uuid4().hex
        extension = getattr(clean, "extension", "jpg")
        row = AppealFile(
            role=role,
            content_type=clean.content_type,
            size=len(clean.content),
            width=clean.width,
            height=clean.height,
            position=position,
            is_public=public,
        )
        row.file.save(f"{stem}.{extension}", ContentFile(clean.content), save=False)
        written.append(str(row.file.name))
        if clean.thumbnail:
            row.thumbnail.save(f"{stem}-thumb.jpg", ContentFile(clean.thumbnail), save=False)
            written.append(str(row.thumbnail.name))
        rows.append(row)
    return rows


def _attach_files(appeal: Appeal, rows: list[AppealFile]) -> None:
    for row in rows:
        row.appeal = appeal
    AppealFile.objects.bulk_create(rows)


def _forget_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


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
) -> Submission:
    """Register a problem report or an e-appeal, route it and start its term.

    With an idempotency key, a retry returns the first submission's appeal. With an
    `intake`, staff register what arrived another way: its term runs from its arrival,
    and the registering organisation gives it its number."""
    owner = key_owner or (f"user:{applicant.pk}" if applicant else None)
    if idempotency_key and owner:
        first = _replayed(owner, idempotency_key)
        if first is not None:
            return Submission(first, replayed=True)
    category, values = _check_draft(
        city,
        draft,
        files,
        by_staff=intake is not None,
        anonymous=intake is not None and intake.anonymous,
    )
    # Spent only by valid submissions: a resident correcting a form is not throttled
    # (nor by what staff register for them).
    if applicant is not None and intake is None:
        _spend_submission(applicant)
    # Everything slow happens before the write transaction, whose lock serialises
    # submissions: decoding images, writing files, the calendar, polygons, routing.
    cleaned = _clean_files(category.kind, files)
    plan = _plan(city, category, values, arrived_at=intake.received_at if intake else None)
    written: list[str] = []
    try:
        is_e_appeal = category.kind == AppealKind.E_APPEAL
        rows = _write_files(
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
            )
            if idempotency_key and owner:
                with transaction.atomic():
                    SubmissionKey.objects.create(owner=owner, key=idempotency_key, appeal=appeal)
    except IntegrityError:
        _forget_files(written)
        # A concurrent retry with the same key committed first: return its appeal.
        first = _replayed(owner, idempotency_key) if idempotency_key and owner else None
        if first is None:
            raise
        return Submission(first, replayed=True)
    except BaseException:
        _forget_files(written)
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


def _replayed(owner: str, key: str) -> Appeal | None:
    row = SubmissionKey.objects.filter(owner=owner, key=key).select_related("appeal").first()
    return row.appeal if row else None


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
        organisation = routing.route(category, lat=lat, lon=lon)
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
) -> Appeal:
    category: Category = values["category"]
    now = plan.submitted_at
    building: Building | None = values.get("building")
    personal: dict[str, Any] = {}
    if category.kind == AppealKind.E_APPEAL:
        personal = {name: str(getattr(draft, name) or "").strip() for name in APPLICANT_FIELDS}
    elif applicant is not None:
        personal = {"applicant_name": applicant.full_name, "applicant_email": applicant.email}
    else:
        # An integrator's client posting for a resident without an account (Open311).
        personal = {
            "applicant_name": draft.applicant_name.strip(),
            "applicant_email": draft.applicant_email.strip(),
            "applicant_phone": draft.applicant_phone.strip(),
        }
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
        consent_policy_version="" if intake else current_version(city),
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
    _record(appeal, EventKind.TRANSITION, actor=applicant, at=now, to_status=Status.SUBMITTED)
    search.index_appeal(appeal)
    _attach_files(appeal, files)
    _notify_applicant(
        appeal,
        gettext_noop("Your appeal %(number)s is registered. The answer is due by %(deadline)s."),
    )
    if category.needs_moderation:
        _move(appeal, Move.SEND_TO_MODERATION, actor=None)
    else:
        _accept_and_route(appeal, actor=None, organisation=plan.organisation)
    # The law's rules that apply on arrival build on the moves above.
    from mycity.appeals import consideration

    consideration.apply_correspondence_stop(appeal)
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


_ROUTE = object()  # _accept_and_route works the organisation out itself


def _accept_and_route(
    appeal: Appeal, *, actor: Any, move: Move = Move.ACCEPT, organisation: Any = _ROUTE
) -> None:
    public = appeal.kind == AppealKind.PROBLEM and appeal.category.is_public
    _move(appeal, move, actor=actor, changes={"is_public": public})
    if organisation is _ROUTE:
        if appeal.kind == AppealKind.E_APPEAL:
            addressee = appeal.addressee
            organisation = addressee if addressee is not None and addressee.is_active else None
        else:
            organisation = routing.route(appeal.category, lat=appeal.lat, lon=appeal.lon)
    if organisation is not None:
        _move(
            appeal,
            Move.ASSIGN,
            actor=None,
            changes={"organisation": organisation},
            data={"organisation": organisation.slug, "routed": True},
        )
        staff_notices.notify_assignment(appeal)


# How an appeal that ends so is counted; an answer's result is the executor's choice.
_RESULT_OF_STATUS = {
    Status.REJECTED: Result.NOT_CONSIDERED,
    Status.NOT_CONSIDERED: Result.NOT_CONSIDERED,
    Status.REDIRECTED: Result.REDIRECTED,
    Status.DUPLICATE: Result.DUPLICATE,
    Status.WITHDRAWN: Result.WITHDRAWN,
}
ANSWER_RESULTS = (Result.SATISFIED, Result.EXPLAINED, Result.REFUSED)


def _move(
    appeal: Appeal,
    move: Move,
    *,
    actor: Any,
    note: str = "",
    expected_version: int | None = None,
    changes: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
    visible: bool = True,
) -> AppealEvent:
    """Make one move of the state machine: check, change, record."""
    rule = RULES[move]
    note = (note or "").strip()
    acting_as = capacities(actor, appeal)
    if not (rule.actors & acting_as):
        raise PermissionDenied(move.value)
    if not allowed(move, appeal, acting_as):
        raise MoveNotAllowed(field="move")
    if rule.note_required and not note:
        raise NoteRequired(field="note")
    version = expected_version if expected_version is not None else appeal.version
    now = timezone.now()
    changes = dict(changes or {})
    if rule.target == Status.ANSWERED:
        changes.setdefault("answered_at", now)
    if rule.target in CLOSED_STATUSES:
        changes.setdefault("closed_at", now)
    if rule.target in _RESULT_OF_STATUS:
        changes.setdefault("result", _RESULT_OF_STATUS[rule.target])
    if rule.target == Status.REOPENED:
        changes |= {"closed_at": None, "result": ""}
    if rule.target in CLOSED_STATUSES - {Status.CLOSED}:
        # Off the public map: turned away, another body's now, shown by its original,
        # or withdrawn.
        changes["is_public"] = False
    updated = Appeal.objects.filter(pk=appeal.pk, version=version, status=appeal.status).update(
        status=rule.target, version=F("version") + 1, updated_at=now, **changes
    )
    if updated != 1:
        raise StaleAppeal()
    from_status = appeal.status
    appeal.status = rule.target
    appeal.version = version + 1
    for name, value in changes.items():
        setattr(appeal, name, value)
    if "organisation" in changes:
        search.follow_executor(appeal)
    event_data = {"move": move.value, **(data or {})}
    return _record(
        appeal,
        EventKind.TRANSITION,
        actor=actor,
        at=now,
        from_status=from_status,
        to_status=rule.target,
        note=note,
        data=event_data,
        visible=visible,
    )


# What the applicant is told after each move, if anything.
_APPLICANT_MESSAGES: dict[Move, str] = {
    Move.START: gettext_noop("Work on your appeal %(number)s has started."),
    Move.ANSWER: gettext_noop("Your appeal %(number)s has been answered."),
    Move.REJECT: gettext_noop("Your appeal %(number)s has been rejected: %(note)s"),
    Move.REDIRECT: gettext_noop(
        "Your appeal %(number)s has been sent to the competent body: %(note)s"
    ),
    Move.MERGE: gettext_noop(
        "Your appeal %(number)s has been joined to appeal %(original)s about the same "
        "problem; you will follow it."
    ),
    Move.REOPEN: gettext_noop("Your appeal %(number)s has been reopened."),
    Move.CLOSE: gettext_noop("Your appeal %(number)s is closed."),
    Move.WITHDRAW: gettext_noop("Your appeal %(number)s is withdrawn; the work on it has stopped."),
    Move.THANK: gettext_noop(
        "Your appeal %(number)s is recorded as thanks and closed without an answer. If it "
        "asked for something, reopen it."
    ),
}


def _notify_applicant(appeal: Appeal, template: str, **more: Any) -> None:
    recipient = appeal.applicant
    if recipient is None:
        return
    with in_language_of(recipient):
        local_deadline = timezone.localtime(appeal.deadline, ZoneInfo(appeal.city.timezone))
        values = {
            "number": appeal.number,
            "deadline": local_deadline.strftime("%d.%m.%Y %H:%M"),
            **more,
        }
        body = _(template) % values
        subject = _("Appeal %(number)s: %(status)s") % {
            "number": appeal.number,
            "status": Status(appeal.status).label,
        }
    notify(
        recipient=recipient,
        topic="appeal.status_changed",
        subject=subject,
        body=body,
        url=f"/my/appeals/{appeal.pk}/",  # the applicant's page of it (web:my_appeal)
        data={"appeal": appeal.pk, "status": appeal.status},
        dedupe_key=f"appeal:{appeal.pk}:v{appeal.version}",
    )


def _after_move(appeal: Appeal, move: Move, note: str = "", **more: Any) -> None:
    template = _APPLICANT_MESSAGES.get(move)
    if template:
        _notify_applicant(appeal, template, note=note, **more)


def _locked(appeal: Appeal) -> Appeal:
    """The appeal as it is in the database now, with its city and category."""
    return (
        Appeal.objects.select_related("city", "category", "applicant", "organisation")
        .defer("city__boundary")
        .get(pk=appeal.pk)
    )


@transaction.atomic
def accept_appeal(
    *, actor: User, appeal: Appeal, note: str = "", expected_version: int | None = None
) -> Appeal:
    """Accept a submitted appeal (or pass it through moderation) and route it."""
    move = Move.APPROVE if appeal.status == Status.MODERATION else Move.ACCEPT
    if expected_version is not None and expected_version != appeal.version:
        raise StaleAppeal()
    _accept_and_route(appeal, actor=actor, move=move)
    return appeal


@transaction.atomic
def assign_appeal(
    *,
    actor: User,
    appeal: Appeal,
    organisation: Organisation,
    note: str = "",
    expected_version: int | None = None,
) -> Appeal:
    if organisation.city_id != appeal.city_id or not organisation.is_active:
        raise InvalidAppeal(_("There is no such organisation in this city."), field="organisation")
    _move(
        appeal,
        Move.ASSIGN,
        actor=actor,
        note=note,
        expected_version=expected_version,
        changes={"organisation": organisation},
        data={"organisation": organisation.slug},
    )
    staff_notices.notify_assignment(appeal, actor=actor)
    return appeal


def _make_move(
    move: Move, *, actor: User, appeal: Appeal, note: str, expected_version: int | None
) -> Appeal:
    _move(appeal, move, actor=actor, note=note, expected_version=expected_version)
    _after_move(appeal, move, note=note)
    return appeal


@transaction.atomic
def start_work(
    *, actor: User, appeal: Appeal, note: str = "", expected_version: int | None = None
) -> Appeal:
    """The executor takes the appeal into work."""
    return _make_move(
        Move.START, actor=actor, appeal=appeal, note=note, expected_version=expected_version
    )


@transaction.atomic
def return_appeal(
    *, actor: User, appeal: Appeal, note: str = "", expected_version: int | None = None
) -> Appeal:
    """The executor hands the appeal back to the dispatcher (not theirs), with a reason;
    it leaves the organisation's queue and sight."""
    _move(
        appeal,
        Move.RETURN,
        actor=actor,
        note=note,
        expected_version=expected_version,
        changes={"organisation": None},
    )
    return appeal


@transaction.atomic
def reject_appeal(
    *, actor: User, appeal: Appeal, note: str = "", expected_version: int | None = None
) -> Appeal:
    """Turn the appeal away, with the reason the applicant is told."""
    return _make_move(
        Move.REJECT, actor=actor, appeal=appeal, note=note, expected_version=expected_version
    )


@transaction.atomic
def close_appeal(
    *, actor: User, appeal: Appeal, note: str = "", expected_version: int | None = None
) -> Appeal:
    """Close an answered appeal."""
    return _make_move(
        Move.CLOSE, actor=actor, appeal=appeal, note=note, expected_version=expected_version
    )


@transaction.atomic
def redirect_appeal(
    *, actor: User, appeal: Appeal, to: str, note: str = "", expected_version: int | None = None
) -> Appeal:
    """Send the appeal to the competent body (art. 15: within 5 working days)."""
    to = (to or "").strip()
    if not to:
        raise NoteRequired(_("Name the body the appeal is sent to."), field="redirected_to")
    text = f"{to}. {note}".strip() if note.strip() else to
    _move(
        appeal,
        Move.REDIRECT,
        actor=actor,
        note=text,
        expected_version=expected_version,
        changes={"redirected_to": to[:300]},
    )
    _after_move(appeal, Move.REDIRECT, note=text)
    return appeal


@transaction.atomic
def merge_appeal(
    *,
    actor: User,
    appeal: Appeal,
    into: Appeal,
    note: str = "",
    expected_version: int | None = None,
) -> Appeal:
    """Mark `appeal` a duplicate of `into`; its applicant follows the original."""
    if into.pk == appeal.pk or into.city_id != appeal.city_id:
        raise InvalidAppeal(_("Choose another appeal of this city."), field="duplicate_of")
    # Lock the original too, in a fixed order, so crossed merges cannot make a cycle.
    locked = Appeal.objects.select_for_update().filter(pk__in=[appeal.pk, into.pk]).order_by("pk")
    into_now = {row.pk: row for row in locked}[into.pk]
    if (
        into_now.kind != AppealKind.PROBLEM
        or appeal.kind != AppealKind.PROBLEM
        or into_now.status in CLOSED_STATUSES
        or into_now.duplicate_of_id is not None
    ):
        raise InvalidAppeal(_("Choose an open problem report of this city."), field="duplicate_of")
    _move(
        appeal,
        Move.MERGE,
        actor=actor,
        note=note,
        expected_version=expected_version,
        changes={"duplicate_of": into},
        data={"duplicate_of": into.pk, "number": into.number},
    )
    if appeal.applicant_id and appeal.applicant_id != into.applicant_id:
        _row, created = MeToo.objects.get_or_create(appeal=into, user_id=appeal.applicant_id)
        if created:
            Appeal.objects.filter(pk=into.pk).update(me_too_count=F("me_too_count") + 1)
    _record(
        into,
        EventKind.MERGED,
        actor=actor,
        at=timezone.now(),
        data={"duplicate": appeal.pk, "number": appeal.number},
        visible=False,
    )
    _after_move(appeal, Move.MERGE, note=note, original=into.number)
    return appeal


def answer_appeal(
    *,
    actor: User,
    appeal: Appeal,
    text: str,
    files: Sequence[UploadedFile] = (),
    expected_version: int | None = None,
    result: str = Result.EXPLAINED,
) -> Answer:
    """The executor's answer, with attachments ("after" photos, letters); the applicant
    may then rate it or disagree. The text may carry safe markup (see markup.py).
    `result`: whether the request was satisfied, explained or refused."""
    if result not in ANSWER_RESULTS:
        raise InvalidAppeal(_("Choose the result of the answer."), field="result")
    text = clean_answer(text or "")
    if not text:
        raise InvalidAppeal(_("Write the answer."), field="text")
    if len(text) > MAX_E_APPEAL_TEXT:
        raise InvalidAppeal(
            _("No more than %(max)s characters.") % {"max": MAX_E_APPEAL_TEXT}, field="text"
        )
    if len(files) > MAX_ATTACHMENTS:
        raise InvalidAppeal(
            _("No more than %(max)s files.") % {"max": MAX_ATTACHMENTS}, field="files"
        )
    if appeal.organisation is None:
        raise MoveNotAllowed(field="move")
    # Decoding files is slow: before the write lock, as for submissions.
    cleaned = [clean_attachment(upload, field=f"files[{i}]") for i, upload in enumerate(files)]
    written: list[str] = []
    try:
        # An official answer letter names the applicant: never public.
        rows = _write_files(cleaned, FileRole.ANSWER, written, public=False)
        with transaction.atomic():
            event = _move(
                appeal,
                Move.ANSWER,
                actor=actor,
                expected_version=expected_version,
                changes={"result": result},
            )
            answer = Answer.objects.create(
                appeal=appeal,
                organisation=appeal.organisation,
                author=actor,
                text=text,
                created_at=event.created_at,
            )
            _attach_files(appeal, rows)
            _after_move(appeal, Move.ANSWER)
    except BaseException:
        _forget_files(written)
        raise
    return answer


def disagreement_window(city: City) -> timedelta:
    policy = AppealPolicy.objects.filter(city=city).first()
    return timedelta(days=policy.disagreement_window_days if policy else 10)


def _require_applicant(actor: User, appeal: Appeal) -> None:
    if Actor.APPLICANT not in capacities(actor, appeal):
        raise PermissionDenied("applicant")


@transaction.atomic
def rate_answer(*, actor: User, appeal: Appeal, rating: int, comment: str = "") -> Appeal:
    """The applicant rates the answer from 1 to 5; rating an answer closes the appeal."""
    _require_applicant(actor, appeal)
    if appeal.status not in (Status.ANSWERED, Status.CLOSED) or appeal.answered_at is None:
        raise MoveNotAllowed(_("There is no answer to rate yet."), field="rating")
    if not 1 <= rating <= 5:
        raise InvalidAppeal(_("Rate from 1 to 5."), field="rating")
    Appeal.objects.filter(pk=appeal.pk).update(rating=rating, updated_at=timezone.now())
    appeal.rating = rating
    _record(
        appeal,
        EventKind.RATED,
        actor=actor,
        at=timezone.now(),
        note=(comment or "").strip()[:2000],
        data={"rating": rating},
    )
    if appeal.status == Status.ANSWERED:
        _move(appeal, Move.CLOSE, actor=actor)
    return appeal


@transaction.atomic
def disagree_with_answer(*, actor: User, appeal: Appeal, reason: str) -> Appeal:
    """The applicant disagrees within the city's window: the appeal goes back to the
    dispatcher with the reason."""
    _require_applicant(actor, appeal)
    if appeal.answered_at is None or appeal.status not in (Status.ANSWERED, Status.CLOSED):
        raise MoveNotAllowed(_("There is no answer to disagree with."), field="reason")
    now = timezone.now()
    if now > appeal.answered_at + disagreement_window(appeal.city):
        raise DisagreementWindowClosed(field="reason")
    # A disagreement is considered anew, with a term of its own.
    term = deadlines.initial_term(calendar_for(appeal.city), appeal.category, now)
    _move(
        appeal,
        Move.REOPEN,
        actor=actor,
        note=reason,
        changes={"term_start": term.registered_on, "deadline": term.deadline, "extended": False},
    )
    _after_move(appeal, Move.REOPEN)
    staff_notices.notify_reopened(appeal)
    return appeal


@transaction.atomic
def extend_term(
    *,
    actor: User,
    appeal: Appeal,
    reason: str,
    working_days: int | None = None,
    expected_version: int | None = None,
) -> Appeal:
    """Lengthen the term with a reason; the applicant is told the new date.

    E-appeals: to one month from the start of the term, once (art. 17). Problem
    reports: by `working_days`."""
    acting_as = capacities(actor, appeal)
    if not acting_as & {Actor.DISPATCHER, Actor.EXECUTOR}:
        raise PermissionDenied("extend")
    if appeal.status not in (Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS, Status.REOPENED):
        raise MoveNotAllowed(field="move")
    reason = (reason or "").strip()
    if not reason:
        raise NoteRequired(field="note")
    if timezone.now() > appeal.deadline:
        raise MoveNotAllowed(_("The term has passed; it can no longer be extended."), field="move")
    if appeal.kind == AppealKind.E_APPEAL:
        if appeal.extended:
            raise MoveNotAllowed(_("The term has already been extended."), field="move")
    elif not working_days or not 1 <= working_days <= 30:
        raise InvalidAppeal(_("Give from 1 to 30 working days."), field="working_days")
    calendar = calendar_for(appeal.city)
    new_deadline = deadlines.extended_deadline(calendar, appeal, working_days=working_days)
    move_deadline(
        appeal, new_deadline, actor=actor, reason=reason, expected_version=expected_version
    )
    _notify_applicant(
        appeal,
        gettext_noop(
            "The term of your appeal %(number)s has been extended to %(deadline)s: %(note)s"
        ),
        note=reason,
    )
    return appeal


def move_deadline(
    appeal: Appeal,
    new_deadline: datetime,
    *,
    actor: User,
    reason: str,
    expected_version: int | None = None,
) -> datetime:
    """Set a longer term, if nobody changed the appeal meanwhile, and record it; the old
    deadline."""
    old_deadline = appeal.deadline
    version = expected_version if expected_version is not None else appeal.version
    now = timezone.now()
    updated = Appeal.objects.filter(pk=appeal.pk, version=version).update(
        deadline=new_deadline, extended=True, version=F("version") + 1, updated_at=now
    )
    if updated != 1:
        raise StaleAppeal()
    appeal.deadline, appeal.extended, appeal.version = new_deadline, True, version + 1
    _record(
        appeal,
        EventKind.EXTENDED,
        actor=actor,
        at=now,
        note=reason,
        data={"from": old_deadline.isoformat(), "to": new_deadline.isoformat()},
    )
    return old_deadline


@transaction.atomic
def join_report(*, actor: User, appeal: Appeal) -> bool:
    """ "Me too": a resident joins an open public report instead of filing a new one.
    Whether this was the first time."""
    if not appeal.is_public or appeal.status in (
        Status.CLOSED,
        Status.REJECTED,
        Status.REDIRECTED,
        Status.DUPLICATE,
    ):
        raise MoveNotAllowed(_("Only open public reports can be joined."), field="appeal")
    if appeal.applicant_id == actor.pk:
        return False
    _row, created = MeToo.objects.get_or_create(appeal=appeal, user=actor)
    if created:
        Appeal.objects.filter(pk=appeal.pk).update(me_too_count=F("me_too_count") + 1)
        appeal.me_too_count += 1
        _record(appeal, EventKind.ME_TOO, actor=actor, at=timezone.now(), visible=False)
    return created


@transaction.atomic
def close_answered_appeals(*, now: datetime | None = None, limit: int = 500) -> int:
    """Close answered appeals whose window to disagree has passed; how many."""
    now = now or timezone.now()
    closed = 0
    candidates = (
        Appeal.objects.filter(status=Status.ANSWERED, answered_at__lte=now - timedelta(days=1))
        .select_related("city", "category", "applicant")
        .defer("city__boundary")
        .order_by("answered_at")[:limit]
    )
    windows: dict[int, timedelta] = {}
    for appeal in candidates:
        window = windows.setdefault(appeal.city_id, disagreement_window(appeal.city))
        if appeal.answered_at and appeal.answered_at + window < now:
            try:
                with transaction.atomic():
                    _move(appeal, Move.CLOSE, actor=None)
                    _after_move(appeal, Move.CLOSE)
            except StaleAppeal:
                continue
            closed += 1
    return closed


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
        from mycity.appeals import consideration  # it builds on this module

        if move == Move.LEAVE:
            return consideration.leave_without_consideration(
                actor=actor,
                appeal=appeal,
                ground=ground,
                note=note,
                repeat_of=repeat_of,
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


# --- Moderation of public content; questions to the applicant ------------------------

MAX_REASON = 2000
MAX_QUESTION = 2000


def _require_content_moderator(actor: User, appeal: Appeal) -> None:
    """A dispatcher of the appeal's city, or a moderator while it waits in moderation."""
    acting_as = capacities(actor, appeal)
    if not acting_as & {Actor.DISPATCHER, Actor.MODERATOR}:
        raise PermissionDenied("moderate")
    if not edits_public_content(acting_as, appeal):
        raise MoveNotAllowed(field="move")


def _required_text(value: str, *, limit: int, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise NoteRequired(field=field)
    if len(value) > limit:
        raise InvalidAppeal(_("No more than %(max)s characters.") % {"max": limit}, field=field)
    return value


def _lock_appeal(appeal: Appeal) -> None:
    """Lock the appeal's row until commit and bring its status and version up to date."""
    status, version = (
        Appeal.objects.select_for_update().values_list("status", "version").get(pk=appeal.pk)
    )
    appeal.status, appeal.version = status, version


def _touch(appeal: Appeal, *, expected_version: int | None, **changes: Any) -> datetime:
    """Change the appeal with a conditional UPDATE on its version, as the moves do, so a
    card opened before this change goes stale; the moment of the change."""
    version = expected_version if expected_version is not None else appeal.version
    now = timezone.now()
    updated = Appeal.objects.filter(pk=appeal.pk, version=version).update(
        version=F("version") + 1, updated_at=now, **changes
    )
    if updated != 1:
        raise StaleAppeal()
    appeal.version = version + 1
    for name, value in changes.items():
        setattr(appeal, name, value)
    return now


@transaction.atomic
def redact_description(
    *,
    actor: User,
    appeal: Appeal,
    text: str,
    reason: str,
    expected_version: int | None = None,
) -> Appeal:
    """Replace the public text of a problem report to hide personal data in it.

    A moderator while the report waits in moderation, or a dispatcher. The original
    and the new text go into the audit trail (the EDITED event's data), which neither
    the applicant nor the public reads; the reason is required."""
    _require_content_moderator(actor, appeal)
    if appeal.kind != AppealKind.PROBLEM:
        raise MoveNotAllowed(_("Only the text of a problem report can be edited."), field="text")
    reason = _required_text(reason, limit=MAX_REASON, field="note")
    text = (text or "").strip()
    if not text:
        raise InvalidAppeal(_("Describe the problem."), field="text")
    if len(text) > MAX_DESCRIPTION:
        raise InvalidAppeal(
            _("No more than %(max)s characters.") % {"max": MAX_DESCRIPTION}, field="text"
        )
    before = appeal.description
    if text == before:
        raise InvalidAppeal(_("The text is unchanged."), field="text")
    # The version check also proves `before` is the text as it is now.
    now = _touch(appeal, expected_version=expected_version, description=text)
    _record(
        appeal,
        EventKind.EDITED,
        actor=actor,
        at=now,
        note=reason,
        data={"before": before, "after": text},
        visible=False,
    )
    search.index_appeal(appeal)
    return appeal


def _photo_of(appeal: Appeal, file_id: int, *, lock: bool = False) -> AppealFile:
    photos = AppealFile.objects.filter(appeal_id=appeal.pk, pk=file_id, role=FileRole.PHOTO)
    if lock:
        photos = photos.select_for_update()
    photo = photos.first()
    if photo is None:
        raise AppealNotFound(_("There is no such photo."), field="file")
    return photo


@transaction.atomic
def hide_photo(*, actor: User, appeal: Appeal, file_id: int, reason: str) -> AppealFile:
    """Take a photo of a report off the public map and feeds (the staff and the
    applicant still see it): a moderator while it waits in moderation, or a dispatcher."""
    _lock_appeal(appeal)
    _require_content_moderator(actor, appeal)
    reason = _required_text(reason, limit=MAX_REASON, field="note")
    photo = _photo_of(appeal, file_id, lock=True)
    if not photo.is_public:
        raise MoveNotAllowed(_("The photo is not shown to the public."), field="file")
    AppealFile.objects.filter(pk=photo.pk).update(is_public=False)
    photo.is_public = False
    _record(
        appeal,
        EventKind.PHOTO_HIDDEN,
        actor=actor,
        at=timezone.now(),
        note=reason,
        data={"file": photo.pk, "before": {"is_public": True}, "after": {"is_public": False}},
    )
    return photo


def blur_photo(*, actor: User, appeal: Appeal, file_id: int, reason: str) -> AppealFile:
    """Blur a photo all over (faces, number plates): the blurred picture becomes the one
    everybody is served, and the resident's original is kept for the handling staff only.
    A moderator while the report waits in moderation, or a dispatcher."""
    _require_content_moderator(actor, appeal)
    reason = _required_text(reason, limit=MAX_REASON, field="note")
    photo = _photo_of(appeal, file_id)
    seen = str(photo.file.name)
    # Decoding, blurring and writing are slow: before the write transaction.
    with photo.file.open("rb") as stored:
        blurred = blur_image(stored.read())
    written: list[str] = []
    try:
        (scratch,) = _write_files([blurred], FileRole.PHOTO, written, public=photo.is_public)
        with transaction.atomic():
            _lock_appeal(appeal)
            _require_content_moderator(actor, appeal)
            photo = _photo_of(appeal, file_id, lock=True)
            if photo.file.name != seen:
                raise StaleAppeal()
            # The first original stays the original when a photo is blurred again.
            original = str(photo.original.name or photo.file.name)
            replaced = [str(photo.thumbnail.name)]
            if photo.original:
                replaced.append(str(photo.file.name))
            before = {"file": str(photo.file.name), "original": str(photo.original.name)}
            photo.file, photo.thumbnail, photo.original = (
                scratch.file.name,
                scratch.thumbnail.name,
                original,
            )
            photo.content_type, photo.size = scratch.content_type, scratch.size
            photo.width, photo.height = scratch.width, scratch.height
            photo.save(
                update_fields=[
                    "file",
                    "thumbnail",
                    "original",
                    "content_type",
                    "size",
                    "width",
                    "height",
                ]
            )
            _record(
                appeal,
                EventKind.PHOTO_BLURRED,
                actor=actor,
                at=timezone.now(),
                note=reason,
                data={
                    "file": photo.pk,
                    "before": before,
                    "after": {"file": str(photo.file.name), "original": original},
                },
            )
            # The unblurred thumbnail (and a previous blur) go once this has committed.
            transaction.on_commit(partial(_forget_files, [n for n in replaced if n]))
    except BaseException:
        _forget_files(written)
        raise
    return photo


@transaction.atomic
def request_information(
    *, actor: User, appeal: Appeal, question: str, expected_version: int | None = None
) -> Appeal:
    """A dispatcher or the assigned executor asks the applicant for more; the applicant
    is told the question and answers with `add_information`."""
    acting_as = capacities(actor, appeal)
    if not acting_as & {Actor.DISPATCHER, Actor.EXECUTOR}:
        raise PermissionDenied("request_information")
    if appeal.applicant_id is None:
        raise MoveNotAllowed(
            _("The applicant has no account in which to answer; contact them directly."),
            field="question",
        )
    if not asks_applicant(acting_as, appeal):
        raise MoveNotAllowed(field="move")
    question = _required_text(question, limit=MAX_QUESTION, field="question")
    now = _touch(appeal, expected_version=expected_version)
    _record(appeal, EventKind.INFO_REQUESTED, actor=actor, at=now, note=question)
    _notify_applicant(
        appeal,
        gettext_noop("More information is needed for your appeal %(number)s: %(note)s"),
        note=question,
    )
    return appeal


def _open_questions(appeal: Appeal) -> list[AppealEvent]:
    """The unanswered requests for information, as the database has them now."""
    return selectors.open_questions(
        AppealEvent.objects.filter(
            appeal_id=appeal.pk, kind__in=(EventKind.INFO_REQUESTED, EventKind.INFO_ADDED)
        ).select_related("actor")
    )


def add_information(
    *, actor: User, appeal: Appeal, text: str, files: Sequence[UploadedFile] = ()
) -> Appeal:
    """The applicant answers the open requests for information, with text and files
    (checked and cleaned as at submission, never public); those who asked are told."""
    _require_applicant(actor, appeal)
    text = (text or "").strip()
    if not text and not files:
        raise InvalidAppeal(_("Write the information or attach a file."), field="text")
    if len(text) > MAX_DESCRIPTION:
        raise InvalidAppeal(
            _("No more than %(max)s characters.") % {"max": MAX_DESCRIPTION}, field="text"
        )
    is_report = appeal.kind == AppealKind.PROBLEM
    limit = MAX_PHOTOS if is_report else MAX_ATTACHMENTS
    if len(files) > limit:
        raise InvalidAppeal(_("No more than %(max)s files.") % {"max": limit}, field="files")
    if not _open_questions(appeal):
        raise MoveNotAllowed(_("No information has been asked for."), field="text")
    # Decoding files is slow: before the write lock, as for submissions.
    cleaned = _clean_files(appeal.kind, files)
    role = FileRole.PHOTO if is_report else FileRole.ATTACHMENT
    written: list[str] = []
    try:
        # Not checked by a moderator: never public.
        rows = _write_files(cleaned, role, written, public=False)
        with transaction.atomic():
            _lock_appeal(appeal)
            questions = _open_questions(appeal)
            if not questions or appeal.status in CLOSED_STATUSES:
                raise MoveNotAllowed(_("No information has been asked for."), field="text")
            after = AppealFile.objects.filter(appeal_id=appeal.pk, role=role).count()
            for row in rows:
                row.position += after
            now = _touch(appeal, expected_version=None)
            _attach_files(appeal, rows)
            event = _record(
                appeal,
                EventKind.INFO_ADDED,
                actor=actor,
                at=now,
                note=text,
                data={"files": [row.pk for row in rows], "questions": [q.pk for q in questions]},
            )
            _tell_askers(appeal, questions, event)
    except BaseException:
        _forget_files(written)
        raise
    return appeal


def _tell_askers(appeal: Appeal, questions: list[AppealEvent], reply: AppealEvent) -> None:
    """An in-app notification to each member of staff who asked and still handles it."""
    askers = {q.actor_id: q.actor for q in questions if q.actor is not None}
    url = reverse("console:card", kwargs={"slug": appeal.city.slug, "appeal_id": appeal.pk})
    for asker in askers.values():
        if asker is None or not is_handling_staff(asker, appeal):
            continue
        with in_language_of(asker):
            subject = _("Appeal %(number)s: the applicant has added information") % {
                "number": appeal.number
            }
            body = _("The applicant has answered your question about appeal %(number)s.") % {
                "number": appeal.number
            }
        notify(
            recipient=asker,
            topic="appeal.information_added",
            subject=subject,
            body=body,
            url=url,
            data={"appeal": appeal.pk, "event": reply.pk},
            dedupe_key=f"appeal:{appeal.pk}:info:{reply.pk}",
            channels=(IN_APP,),
        )
