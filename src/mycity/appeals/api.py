"""The appeals API: categories, submission, my appeals, public reports, staff moves."""

import json
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile
from ninja.decorators import decorate_view
from ninja.responses import Status
from ninja.security import HttpBearer, django_auth
from pydantic import field_validator

from mycity.accounts.permissions import confine_to_city
from mycity.appeals import consideration, selectors
from mycity.appeals.access import (
    Audience,
    get_appeal_for,
    get_appeal_to_handle,
    sees_applicant,
    with_details,
)
from mycity.appeals.actions import moderation as appeal_moderation
from mycity.appeals.actions.api_keys import hash_api_key
from mycity.appeals.actions.moderation import redact_description, request_information
from mycity.appeals.actions.moves import (
    answer_appeal,
    disagree_with_answer,
    extend_term,
    join_report,
    rate_answer,
)
from mycity.appeals.actions.once import make_once, move_fingerprint
from mycity.appeals.actions.perform import perform
from mycity.appeals.actions.submission import AppealDraft, submit_appeal
from mycity.appeals.deadlines import deadline_state
from mycity.appeals.errors import AppealNotFound, InvalidAppeal, MissingScope
from mycity.appeals.models import ApiScope, Appeal, AppealFile, Category, Channel, CollectiveAnswer
from mycity.appeals.models import Status as AppealStatus
from mycity.appeals.public_text import public_text
from mycity.appeals.schemas import (
    AnswerIn,
    AppealOut,
    AppealPage,
    CategoryOut,
    DisagreementIn,
    ExtensionIn,
    InformationIn,
    InformationRequestIn,
    MeTooOut,
    MoveIn,
    PhotoModerationIn,
    RatingIn,
    RedactionIn,
    ReportOut,
    ReportPage,
    SubmissionOut,
)
from mycity.appeals.workflow import Move, moves_for
from mycity.cities.models import Organisation
from mycity.cities.selectors import city_by_slug
from mycity.core.api_contract import errors, geojson
from mycity.core.api_formats import (
    BBOX_PATTERN,
    CURSOR_MAX_LENGTH,
    CURSOR_PATTERN,
    POINT_PATTERN,
    IsoDateTime,
    cursor_for,
    id_of_cursor,
)
from mycity.core.public_reads import public_read
from mycity.core.stored_files import stored_file_response

router = Router(tags=["appeals"])


class ScopedToken(HttpBearer):
    """`Authorization: Bearer <token>`: a personal access token with one of `scopes`.
    An unknown, revoked or expired token is no credentials (401); a valid one without
    the scope is refused (403 `missing_scope`), whatever the person's roles. The token
    acts with the roles its person has now, in the token's city only."""

    openapi_description = (
        "A personal access token (docs/api.md). Its scopes decide what it may do: "
        "`resident` for /me/… and a resident's actions, `staff` for staff work; a token "
        "without the scope an operation needs is refused with 403 `missing_scope`."
    )

    def __init__(self, *scopes: ApiScope) -> None:
        super().__init__()
        # Without scopes named: any that acts as the person (as before scopes existed).
        self.scopes = {str(scope) for scope in scopes or (ApiScope.RESIDENT, ApiScope.STAFF)}

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        client = selectors.usable_client(hash_api_key(token))
        if client is None or client.user is None:
            return None
        if not self.scopes & set(client.scopes):
            raise MissingScope(
                details=[
                    {
                        "field": "",
                        "message": _("Needs the scope: %(scopes)s.")
                        % {"scopes": " / ".join(sorted(self.scopes))},
                    }
                ]
            )
        confine_to_city(client.user, client.city_id)
        request.api_client = client  # type: ignore[attr-defined]
        return client.user


class StaffToken(ScopedToken):
    """Every scoped token. The class's name is the security scheme's name in the OpenAPI
    document, which /api/v1 keeps from before scopes."""


# What an endpoint needs: a browser session, or a token with the scope.
RESIDENT = [StaffToken(ApiScope.RESIDENT), django_auth]
STAFF = [StaffToken(ApiScope.STAFF), django_auth]
# Either: for endpoints that serve a resident and staff alike.
SIGNED_IN = [StaffToken(ApiScope.RESIDENT, ApiScope.STAFF), django_auth]


def _ref(obj: Any) -> dict[str, str] | None:
    return {"slug": obj.slug, "name": obj.name} if obj is not None else None


def _file_out(row: AppealFile) -> dict[str, Any]:
    base = f"/api/v1/appeals/{row.appeal_id}/files/{row.pk}"
    return {
        "id": row.pk,
        "role": row.role,
        "url": base,
        "thumbnail_url": f"{base}?thumbnail=1" if row.thumbnail else None,
        "content_type": row.content_type,
        "width": row.width,
        "height": row.height,
    }


def report_out(appeal: Appeal, now: datetime | None = None) -> dict[str, Any]:
    return {
        "id": appeal.pk,
        "number": appeal.number,
        "city": appeal.city.slug,
        "kind": appeal.kind,
        "category": _ref(appeal.category),
        "status": appeal.status,
        "status_name": str(AppealStatus(appeal.status).label),
        # Masked: phone numbers, e-mails and plates residents type are not published.
        "description": public_text(appeal.description),
        "address": appeal.address,
        "lat": appeal.lat,
        "lon": appeal.lon,
        "district": appeal.district.slug if appeal.district_id and appeal.district else None,
        "organisation": _ref(appeal.organisation),
        "submitted_at": appeal.submitted_at,
        "deadline": appeal.deadline,
        "deadline_state": deadline_state(appeal, now or timezone.now()),
        "me_too_count": appeal.me_too_count,
    }


def appeal_out(request: HttpRequest, appeal: Appeal, audience: Audience) -> dict[str, Any]:
    user = getattr(request, "auth", None) or request.user
    out = report_out(appeal)
    out |= {
        "registered_on": appeal.registered_on.isoformat(),
        "extended": appeal.extended,
        "rating": appeal.rating,
        "version": appeal.version,
        "moves": [move.value for move in moves_for(user, appeal)]
        if audience != Audience.PUBLIC
        else [],
        "files": [_file_out(f) for f in selectors.files_of(appeal, audience)],
        # An answer letter may name the applicant: its text is theirs and the staff's.
        "answers": [
            {
                "organisation": _ref(a.organisation),
                "text": a.text if audience != Audience.PUBLIC else None,
                "at": a.created_at,
            }
            for a in selectors.answers_of(appeal)
        ],
        "timeline": [
            {
                "at": e.created_at,
                "kind": e.kind,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "note": selectors.note_for(e, audience),
                "actor": str(e.actor) if audience == Audience.STAFF and e.actor else None,
            }
            for e in selectors.timeline(appeal, audience)
        ],
    }
    if audience != Audience.PUBLIC:
        # A moderator handles the public text, not the person: no applicant for them.
        if sees_applicant(user, appeal):
            out |= {
                "applicant": {
                    "type": appeal.applicant_type,
                    "name": appeal.applicant_name,
                    "address": appeal.applicant_address,
                    "email": appeal.applicant_email,
                    "phone": appeal.applicant_phone,
                    "legal_name": appeal.legal_name,
                    "legal_reg_number": appeal.legal_reg_number,
                    "signatory": appeal.signatory,
                },
                "extra": appeal.extra,
            }
        out |= {
            "description": appeal.description,  # the applicant and staff read the original
            "addressee": _ref(appeal.addressee),
            "duplicate_of": appeal.duplicate_of_id,
            "redirected_to": appeal.redirected_to,
        }
    return out


def _category_out(category: Category, parents: dict[int, str], leaves: set[int]) -> dict:
    return {
        "slug": category.slug,
        "parent": parents.get(category.parent_id) if category.parent_id else None,
        "kind": category.kind,
        "name": category.name,
        "names": category.names,
        "synonyms": category.synonym_list,
        "icon": category.icon,
        "is_public": category.is_public,
        "needs_moderation": category.needs_moderation,
        "is_leaf": category.pk in leaves,
        "service_time": {"value": category.service_time_value, "unit": category.service_time_unit},
        "default_organisation": category.default_organisation.slug
        if category.default_organisation
        else None,
        "extra_fields": category.extra_fields,
    }


class CategoryFilter(Schema):
    kind: str | None = Field(None, pattern="^(problem|e_appeal)$")


@router.get(
    "/cities/{slug}/categories",
    response=list[CategoryOut],
    summary="The city's catalogue of categories, parents before their children",
)
@decorate_view(public_read)
def list_categories(request: HttpRequest, slug: str, filters: Query[CategoryFilter]) -> list:
    city = city_by_slug(slug)
    categories = selectors.categories_of(city, kind=filters.kind)
    slugs = {c.pk: c.slug for c in categories}
    parents = {c.parent_id for c in categories if c.parent_id}
    leaves = {c.pk for c in categories if c.pk not in parents}
    return [_category_out(c, slugs, leaves) for c in categories]


class SubmitForm(Schema):
    category: str = Field(..., max_length=80)
    description: str = Field(..., max_length=20000)
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    building_id: int | None = None
    extra: str | None = Field(None, max_length=5000, description="A JSON object of extra fields.")
    addressee: str | None = Field(None, max_length=80, description="e-appeals: a department")
    applicant_type: str = Field("person", pattern="^(person|legal_entity)$")
    applicant_name: str = Field("", max_length=200)
    applicant_address: str = Field("", max_length=300)
    applicant_email: str = Field("", max_length=254)
    applicant_phone: str = Field("", max_length=30)
    legal_name: str = Field("", max_length=300)
    legal_reg_number: str = Field("", max_length=20)
    signatory: str = Field("", max_length=200)
    consent: bool = Field(
        False, description="Consent to the processing of personal data (required)."
    )


def _extra(raw: str | None) -> dict[str, Any]:
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        value = None
    if not isinstance(value, dict):
        raise InvalidAppeal(_("Give the extra fields as a JSON object."), field="extra")
    return value


IDEMPOTENCY_HEADER = "Idempotency-Key"


def idempotency_key(request: HttpRequest) -> str | None:
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is not None and not (1 <= len(key) <= 100):
        raise InvalidAppeal(_("The idempotency key is 1 to 100 characters."), field="key")
    return key


@router.post(
    "/cities/{slug}/appeals",
    response={200: SubmissionOut, 201: SubmissionOut},
    auth=SIGNED_IN,
    summary="Submit a problem report or an e-appeal (multipart: fields and up to 5 files)",
    description="Send an `Idempotency-Key` header: a retry with the same key and the same "
    "body returns the first appeal (200) instead of filing a second one (201); the same key "
    "with another body is refused (422, `idempotency_key_reused`).",
    openapi_extra=errors(422, 429),
)
def submit(
    request: HttpRequest,
    slug: str,
    form: Form[SubmitForm],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status[dict]:
    city = city_by_slug(slug)
    draft = AppealDraft(
        category_slug=form.category,
        description=form.description,
        lat=form.lat,
        lon=form.lon,
        building_id=form.building_id,
        extra=_extra(form.extra),
        addressee_slug=form.addressee,
        applicant_type=form.applicant_type,
        applicant_name=form.applicant_name,
        applicant_address=form.applicant_address,
        applicant_email=form.applicant_email,
        applicant_phone=form.applicant_phone,
        legal_name=form.legal_name,
        legal_reg_number=form.legal_reg_number,
        signatory=form.signatory,
        consent=form.consent,
    )
    submission = submit_appeal(
        applicant=request.auth,  # type: ignore[attr-defined]
        city=city,
        draft=draft,
        files=files or [],
        channel=Channel.API,
        idempotency_key=idempotency_key(request),
    )
    if submission.replayed:
        appeal, audience = get_appeal_for(request.auth, submission.appeal.pk)  # type: ignore[attr-defined]
    else:
        appeal, audience = with_details(request.auth, submission.appeal)  # type: ignore[attr-defined]
    out = appeal_out(request, appeal, audience)
    similar = []
    if appeal.lat is not None and appeal.lon is not None:
        similar = [
            report_out(r)
            for r in selectors.similar_open_reports(
                appeal.city, appeal.category, lat=appeal.lat, lon=appeal.lon
            )
            if r.pk != appeal.pk
        ]
    out["similar"] = similar
    return Status(200 if submission.replayed else 201, out)


def _cursor(items: list[Appeal], limit: int) -> str | None:
    if len(items) < limit:
        return None
    return cursor_for(items[-1].pk)


def _after(cursor: str | None) -> int | None:
    # The query's pattern has let through only cursors that decode to an id.
    return id_of_cursor(cursor) if cursor else None


class PageQuery(Schema):
    cursor: str | None = Field(
        None,
        max_length=CURSOR_MAX_LENGTH,
        pattern=CURSOR_PATTERN,
        description="Where the page starts: the previous page's `next_cursor`.",
    )
    limit: int = Field(50, ge=1, le=200)


# What a `status` filter takes: open, closed, or one of the lifecycle's statuses.
StatusWord = StrEnum(  # type: ignore[misc]
    "StatusWord",
    {"OPEN": "open", "CLOSED": "closed"} | {s.name: s.value for s in AppealStatus},
)


class QueueQuery(PageQuery):
    status: list[StatusWord] = Field(default_factory=list, description="open, closed or statuses")
    organisation: str | None = Field(None, max_length=80)
    kind: str | None = Field(None, pattern="^(problem|e_appeal)$")
    category: list[str] = Field(default_factory=list)
    overdue: bool = False
    q: str | None = Field(
        None, max_length=200, description="words of the text, address or number, any form"
    )


@router.get(
    "/cities/{slug}/appeals",
    response=AppealPage,
    auth=STAFF,
    summary="Staff: the city's appeals the caller handles (a dispatcher's all, an executor's "
    "own organisation's), with personal data",
)
def handled_appeals(request: HttpRequest, slug: str, query: Query[QueueQuery]) -> dict:
    city = city_by_slug(slug)
    filters = selectors.QueueFilters(
        statuses=_statuses(query.status),
        organisation=query.organisation,
        kind=query.kind,
        categories=tuple(query.category),
        overdue_at=timezone.now() if query.overdue else None,
        text=query.q,
    )
    appeals = selectors.appeals_handled_by(
        request.auth,  # type: ignore[attr-defined]
        city,
        filters,
        after_id=_after(query.cursor),
        limit=query.limit,
    )
    if appeals is None:
        raise PermissionDenied("appeals")
    return {
        "items": [appeal_out(request, a, Audience.STAFF) for a in appeals],
        "next_cursor": _cursor(appeals, query.limit),
    }


@router.get("/me/appeals", response=AppealPage, auth=RESIDENT, summary="My appeals")
def my_appeals(request: HttpRequest, page: Query[PageQuery]) -> dict:
    appeals = selectors.appeals_of(request.auth, after_id=_after(page.cursor), limit=page.limit)  # type: ignore[attr-defined]
    return {
        "items": [appeal_out(request, a, Audience.APPLICANT) for a in appeals],
        "next_cursor": _cursor(appeals, page.limit),
    }


def viewer_of(request: HttpRequest) -> Any:
    """The signed-in user by token or session, or the anonymous user."""
    try:
        user = SIGNED_IN[0](request)
    except MissingScope:
        # A token for public data reads what anyone reads.
        user = None
    return user if user is not None else request.user


@router.get(
    "/appeals/{appeal_id}",
    response=AppealOut,
    summary="One appeal: public reports to anyone; personal data only to its applicant and "
    "the staff who handle it",
)
def get_appeal(request: HttpRequest, appeal_id: int) -> dict:
    viewer = viewer_of(request)
    appeal, audience = get_appeal_for(viewer, appeal_id)
    request.auth = viewer  # type: ignore[attr-defined]
    return appeal_out(request, appeal, audience)


@router.get(
    "/appeals/{appeal_id}/files/{file_id}",
    summary="A photo or attachment of an appeal (the same rules as the appeal)",
    description="Photos are stored re-encoded as JPEG; attachments of e-appeals are JPEG or "
    "PDF (a PDF is sent as a download).",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file",
                "content": {
                    kind: {"schema": {"type": "string", "format": "binary"}}
                    for kind in ("image/jpeg", "application/pdf")
                },
            }
        }
    },
)
def get_file(
    request: HttpRequest,
    appeal_id: int,
    file_id: int,
    thumbnail: bool = False,
    original: bool = False,
) -> HttpResponseBase:
    appeal, audience = get_appeal_for(viewer_of(request), appeal_id)
    row = next((f for f in selectors.files_of(appeal, audience) if f.pk == file_id), None)
    # A blurred photo's original is for the staff who handle the appeal, and no one else.
    if row is None or (original and audience != Audience.STAFF):
        raise AppealNotFound(_("There is no such file."), field="file")
    stored = row.thumbnail if thumbnail and row.thumbnail else row.file
    if original and row.original:
        stored = row.original
    # A photo is shown in place; anything else (a PDF) is downloaded, never rendered
    # on our origin, where a script inside it would act as the person viewing it.
    shown = row.content_type.startswith("image/")
    extension = str(stored.name).rsplit(".", 1)[-1]
    public = audience == Audience.PUBLIC and not original
    response = stored_file_response(
        stored,
        content_type=row.content_type,
        as_attachment=not shown,
        filename=f"{appeal.number}-{row.pk}.{extension}".replace("/", "-"),
        private=not public,
    )
    # Short for the public: a photo a moderator blurs or hides later keeps its URL, and
    # shared caches must not go on serving what it showed.
    if public:
        response["Cache-Control"] = "public, max-age=300"
    elif "Cache-Control" not in response:
        response["Cache-Control"] = "private"
    response["X-Content-Type-Options"] = "nosniff"
    # Opened directly all the same, it runs in a sandbox: no scripts, no origin.
    response["Content-Security-Policy"] = "sandbox"
    return response


# Beyond these, database dates overflow.
EARLIEST, LATEST = datetime(1900, 1, 1), datetime(3000, 1, 1)


class PublicReportQuery(PageQuery):
    category: list[str] = Field(default_factory=list, description="category slugs")
    status: list[StatusWord] = Field(
        default_factory=list, description="open, closed or lifecycle statuses"
    )
    district: str | None = Field(None, max_length=50)
    bbox: str | None = Field(
        None,
        max_length=100,
        pattern=BBOX_PATTERN,
        description="Two opposite corners, lat,lon,lat,lon (min_lat,min_lon,max_lat,max_lon)",
    )
    near: str | None = Field(None, max_length=60, pattern=POINT_PATTERN, description="lat,lon")
    radius: float = Field(500, gt=0, le=5000, description="metres, with near")
    since: IsoDateTime | None = None
    until: IsoDateTime | None = None

    @field_validator("since", "until")
    @classmethod
    def within_reason(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        # No appeal is older than EARLIEST or newer than LATEST: a bound beyond them
        # selects what the nearer one does, and stays within what databases store.
        naive = min(max(value.replace(tzinfo=None), EARLIEST), LATEST)
        if naive != value.replace(tzinfo=None):
            return timezone.make_aware(naive, UTC)
        return value if timezone.is_aware(value) else timezone.make_aware(value)


def _floats(raw: str) -> list[float]:
    # The query's patterns have let through only numbers within the Earth's degrees.
    return [float(part) for part in raw.split(",")]


def _statuses(values: list[StatusWord]) -> tuple[str, ...]:
    return tuple(str(value.value) for value in values)


def report_filters(query: PublicReportQuery) -> selectors.ReportFilters:
    bbox = near = None
    if query.bbox:
        lat_a, lon_a, lat_b, lon_b = _floats(query.bbox)
        # Any two opposite corners span the same box (a box across the antimeridian
        # is no city's).
        bbox = (min(lat_a, lat_b), min(lon_a, lon_b), max(lat_a, lat_b), max(lon_a, lon_b))
    if query.near:
        lat, lon = _floats(query.near)
        near = (lat, lon, query.radius)
    return selectors.ReportFilters(
        categories=tuple(query.category),
        statuses=_statuses(query.status),
        district=query.district,
        bbox=bbox,
        near=near,
        since=query.since,
        until=query.until,
    )


@router.get(
    "/cities/{slug}/reports",
    response=ReportPage,
    summary="Public problem reports, newest first (no personal data)",
)
@decorate_view(public_read)
def list_reports(request: HttpRequest, slug: str, query: Query[PublicReportQuery]) -> HttpResponse:
    city = city_by_slug(slug)
    reports = selectors.public_reports(
        city, report_filters(query), after_id=_after(query.cursor), limit=query.limit
    )
    now = timezone.now()
    page = {
        "items": [report_out(r, now) for r in reports],
        "next_cursor": _cursor(reports, query.limit),
    }
    # The map's hottest read: written as JSON directly, not validated again against
    # ReportPage (a quarter of the answer's time); a test holds it to that schema.
    return HttpResponse(
        json.dumps(page, cls=DjangoJSONEncoder, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )


@router.get(
    "/cities/{slug}/reports.geojson",
    summary="Public problem reports as a GeoJSON FeatureCollection",
    openapi_extra=geojson(
        "Reports as Point features; `next_cursor` while more follow",
        next_cursor={"type": "string", "description": "The next page's cursor."},
    ),
)
@decorate_view(public_read)
def reports_geojson(
    request: HttpRequest, slug: str, query: Query[PublicReportQuery]
) -> HttpResponse:
    city = city_by_slug(slug)
    reports = selectors.public_reports(
        city, report_filters(query), after_id=_after(query.cursor), limit=query.limit
    )
    now = timezone.now()
    features = []
    for report in reports:
        properties = report_out(report, now)
        properties.pop("lat"), properties.pop("lon")
        properties["url"] = report.public_path()
        features.append(
            {
                "type": "Feature",
                "id": report.pk,
                "geometry": {"type": "Point", "coordinates": [report.lon, report.lat]},
                "properties": properties,
            }
        )
    body = {"type": "FeatureCollection", "features": features}
    cursor = _cursor(reports, query.limit)
    if cursor:
        body["next_cursor"] = cursor
    return HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False),
        content_type="application/geo+json; charset=utf-8",
    )


@router.post(
    "/appeals/{appeal_id}/me-too",
    response=MeTooOut,
    auth=RESIDENT,
    summary="Join an open public report instead of filing the same problem again",
    openapi_extra=errors(409),
)
def me_too(request: HttpRequest, appeal_id: int) -> dict:
    appeal, _audience = get_appeal_for(request.auth, appeal_id)  # type: ignore[attr-defined]
    joined = join_report(actor=request.auth, appeal=appeal)  # type: ignore[attr-defined]
    return {"joined": joined, "me_too_count": appeal.me_too_count}


@router.post(
    "/appeals/{appeal_id}/rating",
    response=AppealOut,
    auth=RESIDENT,
    summary="The applicant rates the answer (1–5); this closes the appeal",
    openapi_extra=errors(409),
)
def rate(request: HttpRequest, appeal_id: int, payload: RatingIn) -> dict:
    appeal = get_appeal_to_handle(request.auth, appeal_id)  # type: ignore[attr-defined]
    rate_answer(
        actor=request.auth,  # type: ignore[attr-defined]
        appeal=appeal,
        rating=payload.rating,
        comment=payload.comment,
    )
    return _fresh(request, appeal_id)


@router.post(
    "/appeals/{appeal_id}/disagreement",
    response=AppealOut,
    auth=RESIDENT,
    summary="The applicant disagrees with the answer within the city's window: it reopens",
    openapi_extra=errors(409),
)
def disagree(request: HttpRequest, appeal_id: int, payload: DisagreementIn) -> dict:
    appeal = get_appeal_to_handle(request.auth, appeal_id)  # type: ignore[attr-defined]
    disagree_with_answer(actor=request.auth, appeal=appeal, reason=payload.reason)  # type: ignore[attr-defined]
    return _fresh(request, appeal_id)


class WithdrawalIn(Schema):
    note: str = Field("", max_length=2000, description="Why (optional).")


@router.post(
    "/appeals/{appeal_id}/withdrawal",
    response=AppealOut,
    auth=RESIDENT,
    summary="The applicant withdraws the appeal before it is answered: the work stops",
    openapi_extra=errors(409),
)
def withdraw(request: HttpRequest, appeal_id: int, payload: WithdrawalIn) -> dict:
    appeal = get_appeal_to_handle(request.auth, appeal_id)  # type: ignore[attr-defined]
    consideration.withdraw_appeal(actor=request.auth, appeal=appeal, note=payload.note)  # type: ignore[attr-defined]
    return _fresh(request, appeal_id)


def _fresh(request: HttpRequest, appeal_id: int) -> dict:
    appeal, audience = get_appeal_for(request.auth, appeal_id)  # type: ignore[attr-defined]
    return appeal_out(request, appeal, audience)


def _organisation(appeal: Appeal, slug: str | None) -> Organisation | None:
    if not slug:
        return None
    organisation = Organisation.objects.filter(city_id=appeal.city_id, slug=slug).first()
    if organisation is None:
        raise InvalidAppeal(_("There is no such organisation in this city."), field="organisation")
    return organisation


def _original(actor: Any, appeal_id: int | None) -> Appeal | None:
    if appeal_id is None:
        return None
    try:
        original, _audience = get_appeal_for(actor, appeal_id)
    except AppealNotFound:
        raise InvalidAppeal(_("There is no such appeal."), field="duplicate_of") from None
    return original


def _earlier(actor: Any, appeal_id: int | None) -> Appeal | None:
    if appeal_id is None:
        return None
    try:
        earlier, _audience = get_appeal_for(actor, appeal_id)
    except AppealNotFound:
        raise InvalidAppeal(_("There is no such appeal."), field="repeat_of") from None
    return earlier


def _publication(appeal: Appeal, publication_id: int | None) -> CollectiveAnswer | None:
    if publication_id is None:
        return None
    found = CollectiveAnswer.objects.filter(pk=publication_id, city_id=appeal.city_id).first()
    if found is None:
        raise InvalidAppeal(_("There is no such publication."), field="publication")
    return found


@router.post(
    "/appeals/{appeal_id}/moves",
    response=AppealOut,
    auth=STAFF,
    summary="Staff: make a move of the lifecycle (the appeal's `moves` lists those allowed)",
    description="With an `Idempotency-Key` header, a retry with the same key and body "
    "makes the move once and returns the appeal; the same key with another body is "
    "refused (422, `idempotency_key_reused`).",
    openapi_extra=errors(409),
)
def make_move(request: HttpRequest, appeal_id: int, payload: MoveIn) -> dict:
    actor = request.auth  # type: ignore[attr-defined]
    appeal = get_appeal_to_handle(actor, appeal_id)
    move = Move(payload.move)  # the schema takes only the moves made here
    make_once(
        actor=actor,
        appeal=appeal,
        key=idempotency_key(request),
        fingerprint=move_fingerprint(appeal, payload.dict()),
        make=lambda: perform(
            actor=actor,
            appeal=appeal,
            move=move,
            note=payload.note,
            organisation=_organisation(appeal, payload.organisation),
            duplicate_of=_original(actor, payload.duplicate_of),
            redirected_to=payload.redirected_to or "",
            ground=payload.ground or "",
            repeat_of=_earlier(actor, payload.repeat_of),
            where_to_apply=payload.where_to_apply or "",
            publication=_publication(appeal, payload.publication),
            expected_version=payload.expected_version,
        ),
    )
    return _fresh(request, appeal_id)


@router.post(
    "/appeals/{appeal_id}/answer",
    response=AppealOut,
    auth=STAFF,
    summary="Executor: answer the appeal (multipart: text, result, expected_version, files, "
    "after_photos)",
    description="With an `Idempotency-Key` header, a retry with the same key, text and "
    "files answers once and returns the appeal (a phone sending what it kept offline).",
    openapi_extra=errors(409),
)
def answer(
    request: HttpRequest,
    appeal_id: int,
    form: Form[AnswerIn],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
    after_photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> dict:
    actor = request.auth  # type: ignore[attr-defined]
    appeal = get_appeal_to_handle(actor, appeal_id)
    files, after_photos = files or [], after_photos or []
    make_once(
        actor=actor,
        appeal=appeal,
        key=idempotency_key(request),
        fingerprint=move_fingerprint(
            appeal, {"move": "answer", **form.dict()}, [*files, None, *after_photos]
        ),
        make=lambda: answer_appeal(
            actor=actor,
            appeal=appeal,
            text=form.text,
            files=files,
            after_photos=after_photos,
            expected_version=form.expected_version,
            result=form.result,
        ),
    )
    return _fresh(request, appeal_id)


@router.post(
    "/appeals/{appeal_id}/extension",
    response=AppealOut,
    auth=STAFF,
    summary="Staff: extend the term with a reason (the applicant is told)",
    openapi_extra=errors(409),
)
def extend(request: HttpRequest, appeal_id: int, payload: ExtensionIn) -> dict:
    actor = request.auth  # type: ignore[attr-defined]
    appeal = get_appeal_to_handle(actor, appeal_id)
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("extend")
    extend_term(
        actor=actor,
        appeal=appeal,
        reason=payload.reason,
        working_days=payload.working_days,
        expected_version=payload.expected_version,
    )
    return _fresh(request, appeal_id)


@router.post(
    "/appeals/{appeal_id}/redaction",
    response=AppealOut,
    auth=STAFF,
    summary="Moderator or dispatcher: replace a report's public text to hide personal data "
    "(the original is kept in the audit trail only)",
    openapi_extra=errors(409),
)
def redact(request: HttpRequest, appeal_id: int, payload: RedactionIn) -> dict:
    actor = request.auth  # type: ignore[attr-defined]
    appeal = get_appeal_to_handle(actor, appeal_id)
    redact_description(
        actor=actor,
        appeal=appeal,
        text=payload.text,
        reason=payload.reason,
        expected_version=payload.expected_version,
    )
    return _fresh(request, appeal_id)


@router.post(
    "/appeals/{appeal_id}/files/{file_id}/hide",
    response=AppealOut,
    auth=STAFF,
    summary="Moderator or dispatcher: take a photo off the public map and feeds",
    openapi_extra=errors(409),
)
def hide_photo(
    request: HttpRequest, appeal_id: int, file_id: int, payload: PhotoModerationIn
) -> dict:
    actor = request.auth  # type: ignore[attr-defined]
    appeal = get_appeal_to_handle(actor, appeal_id)
    appeal_moderation.hide_photo(actor=actor, appeal=appeal, file_id=file_id, reason=payload.reason)
    return _fresh(request, appeal_id)


@router.post(
    "/appeals/{appeal_id}/files/{file_id}/blur",
    response=AppealOut,
    auth=STAFF,
    summary="Moderator or dispatcher: blur a photo (faces, plates); the original stays "
    "with the handling staff (`?original=1`)",
    openapi_extra=errors(409),
)
def blur_photo(
    request: HttpRequest, appeal_id: int, file_id: int, payload: PhotoModerationIn
) -> dict:
    actor = request.auth  # type: ignore[attr-defined]
    appeal = get_appeal_to_handle(actor, appeal_id)
    appeal_moderation.blur_photo(actor=actor, appeal=appeal, file_id=file_id, reason=payload.reason)
    return _fresh(request, appeal_id)


@router.post(
    "/appeals/{appeal_id}/information-requests",
    response=AppealOut,
    auth=STAFF,
    summary="Dispatcher or the assigned executor: ask the applicant for more information "
    "(they are told the question)",
    openapi_extra=errors(409),
)
def ask_for_information(
    request: HttpRequest, appeal_id: int, payload: InformationRequestIn
) -> dict:
    actor = request.auth  # type: ignore[attr-defined]
    appeal = get_appeal_to_handle(actor, appeal_id)
    request_information(
        actor=actor,
        appeal=appeal,
        question=payload.question,
        expected_version=payload.expected_version,
    )
    return _fresh(request, appeal_id)


@router.post(
    "/appeals/{appeal_id}/information",
    response=AppealOut,
    auth=RESIDENT,
    summary="The applicant answers a request for information (multipart: text and up to "
    "5 photos, or 10 files for an e-appeal)",
    openapi_extra=errors(409),
)
def add_information(
    request: HttpRequest,
    appeal_id: int,
    form: Form[InformationIn],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> dict:
    actor = request.auth  # type: ignore[attr-defined]
    appeal = get_appeal_to_handle(actor, appeal_id)
    appeal_moderation.add_information(actor=actor, appeal=appeal, text=form.text, files=files or [])
    return _fresh(request, appeal_id)


__all__ = ["ReportOut", "report_filters", "report_out", "router"]
