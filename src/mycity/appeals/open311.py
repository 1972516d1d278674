"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) for problem reports.

Plain Django views, not ninja: the spec wants XML as well as JSON, chosen by the
extension (`services.xml`, `requests/12.json`). Each view parses, calls the appeals
services and selectors, and renders; errors come out in the spec's format. What a
client may rely on is in docs/open311.md.
"""

import json
import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, time, timedelta, tzinfo
from functools import wraps
from http import HTTPStatus
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, ValidationError
from django.core.validators import validate_email
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt

from mycity.appeals import selectors
from mycity.appeals.access import Audience, get_appeal_for
from mycity.appeals.actions.api_keys import hash_api_key
from mycity.appeals.actions.submission import AppealDraft, submit_appeal
from mycity.appeals.api import idempotency_key
from mycity.appeals.errors import AppealNotFound
from mycity.appeals.models import (
    CLOSED_STATUSES,
    Answer,
    ApiClient,
    ApiScope,
    Appeal,
    AppealEvent,
    AppealFile,
    AppealKind,
    Category,
    Channel,
    EventKind,
    FileRole,
    Result,
    Status,
    TimeUnit,
)
from mycity.appeals.public_text import public_text
from mycity.cities.models import Building, City
from mycity.cities.selectors import active_cities, search_addresses
from mycity.cities.text import house_number_key, parse_address
from mycity.core.api_formats import MAX_ID
from mycity.core.errors import DomainError
from mycity.core.public_reads import by_jurisdiction, public_read
from mycity.core.translated import pick_translation

# "Default query limit is a span of 90 days or first 1000 requests returned."
MAX_REQUESTS = 1000
SPAN = timedelta(days=90)
# The paging extension: numbered pages of at most MAX_REQUESTS.
MAX_PAGES = 10_000
# What a report's public timeline (extensions=true) names: the statuses of a public
# report; submission and moderation happen before it is public.
_PUBLIC_STATUSES = {s.value for s in Status} - {"submitted", "moderation"}
_EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
_LATEST = datetime(3000, 1, 1, tzinfo=UTC)

_CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "xml": "text/xml; charset=utf-8",
}
# The element of each item of a list, as the spec's XML examples name them.
_ITEMS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "errors": "error",
    "notes": "note",
    "service_request_updates": "request_update",
}
# XML 1.0 cannot carry most control characters; a description may hold them.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
# Our types of extra fields (mycity.appeals.extra_fields) as Open311 datatypes.
_DATATYPES = {
    "text": "string",
    "plate": "string",
    "integer": "number",
    "choice": "singlevaluelist",
}
# Our names of fields in domain errors, as the Open311 client calls them.
_FIELDS = {
    "category": "service_code",
    "building_id": "address_id",
    "lat": "lat",
    "lon": "long",
    "files": "media",
    "applicant_name": "first_name",
    "applicant_email": "email",
    "applicant_phone": "phone",
    "description": "description",
    "key": "Idempotency-Key",
}


def about(field: str, message: str) -> str:
    """An error's description naming the field; the name stays as the spec spells it."""
    return f"{field}: {message}"


class Open311Error(Exception):
    """An error answered in the spec's format: one entry per description."""

    def __init__(self, status: int, *descriptions: str) -> None:
        super().__init__(*descriptions)
        self.status = status
        self.descriptions = descriptions or (HTTPStatus(status).phrase,)


# --- rendering -------------------------------------------------------------------


def _xml_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return _NOT_XML.sub("", str(value))


def _append(parent: ET.Element, name: str, value: Any) -> None:
    element = ET.SubElement(parent, name)
    if isinstance(value, list):
        for item in value:
            _append(element, _ITEMS[name], item)
    elif isinstance(value, dict):
        for key, inner in value.items():
            _append(element, key, inner)
    elif value is not None:
        element.text = _xml_text(value)


def _xml(root_name: str, data: list[Any] | dict[str, Any]) -> bytes:
    root = ET.Element(root_name)
    if isinstance(data, list):
        for item in data:
            _append(root, _ITEMS[root_name], item)
    else:
        for key, value in data.items():
            _append(root, key, value)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'.encode()


def _render(
    fmt: str, root_name: str, data: list[Any] | dict[str, Any], status: int = 200
) -> HttpResponse:
    """The data as JSON, or as XML under `root_name` with the spec's element names."""
    content_type = _CONTENT_TYPES[fmt]
    if fmt == "xml":
        return HttpResponse(_xml(root_name, data), status=status, content_type=content_type)
    body = json.dumps(data, ensure_ascii=False).encode()
    return HttpResponse(body, status=status, content_type=content_type)


def _errors(fmt: str, status: int, descriptions: Iterable[str]) -> HttpResponse:
    entries = [{"code": status, "description": str(text)} for text in descriptions]
    return _render(fmt, "errors", entries, status=status)


def _open311_field(field: str | None) -> str | None:
    if not field:
        return None
    if field.startswith("extra."):
        return f"attribute[{field.removeprefix('extra.')}]"
    return _FIELDS.get(field.split("[", 1)[0], field)


def _domain_descriptions(error: DomainError) -> list[str]:
    details = error.details or (
        [{"field": error.field, "message": str(error.message)}] if error.field else []
    )
    if not details:
        return [str(error.message)]
    described = []
    for detail in details:
        field = _open311_field(detail.get("field"))
        message = str(detail.get("message") or error.message)
        described.append(about(field, message) if field else message)
    return described


logger = logging.getLogger(__name__)
View = Callable[..., HttpResponse]


def _open311(*methods: str) -> Callable[[View], View]:
    """Answer the methods given (HEAD with GET); any error in the spec's format."""
    allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
            if request.method not in allowed:
                response = _errors(
                    fmt, 405, [_("Use %(methods)s here.") % {"methods": ", ".join(methods)}]
                )
                response["Allow"] = ", ".join(sorted(allowed))
                return response
            try:
                return view(request, fmt, **kwargs)
            except Open311Error as error:
                return _errors(fmt, error.status, error.descriptions)
            except DomainError as error:
                return _errors(fmt, error.status, _domain_descriptions(error))
            except Exception:
                # A client still gets the spec's error format, never an HTML page.
                logger.exception("open311 request failed")
                return _errors(fmt, 500, [_("The server could not answer; try again later.")])

        return wrapper

    return decorate


# --- the jurisdiction and the client ---------------------------------------------


def _jurisdiction(slug: str, *, with_boundary: bool = False) -> City:
    """The city of `jurisdiction_id`; without one, the only active city."""
    cities = active_cities()
    if not with_boundary:
        # A boundary is a large document that only a new request's point needs.
        cities = cities.defer("boundary")
    if slug:
        city = cities.filter(slug=slug).first()
        if city is None:
            raise Open311Error(404, about("jurisdiction_id", _("There is no such city.")))
        return city
    found = list(cities[:2])
    if len(found) == 1:
        return found[0]
    if not found:
        raise Open311Error(404, _("This server serves no city yet."))
    raise Open311Error(
        400,
        about(
            "jurisdiction_id",
            _("This server serves several cities: send the slug of one."),
        ),
    )


def _city_of_request(request: HttpRequest) -> City:
    return _jurisdiction(request.GET.get("jurisdiction_id", "").strip())


def _time_zone(city: City) -> tzinfo:
    try:
        return ZoneInfo(city.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def _w3c(moment: datetime | None, zone: tzinfo) -> str | None:
    if moment is None:
        return None
    return timezone.localtime(moment, zone).replace(microsecond=0).isoformat()


def _api_client(key: str, city: City | None) -> ApiClient:
    if not key:
        raise Open311Error(403, about("api_key", _("This field is required.")))
    # An Open311 key has no user; a personal access token (with one) is a resident's
    # credential for the REST API, never an integrator's key. Revoked and expired keys
    # are refused like unknown ones; a key without the Open311 scope is refused too.
    client = selectors.usable_client(hash_api_key(key))
    if client is not None and (client.user_id is not None or ApiScope.OPEN311 not in client.scopes):
        client = None
    if client is None or (city is not None and client.city_id != city.pk):
        raise Open311Error(403, about("api_key", _("The key is not valid for this city.")))
    return client


# --- services ----------------------------------------------------------------------


def _services_of(city: City) -> QuerySet[Category]:
    """The city's Open311 services: active leaf categories of problem reports."""
    return (
        selectors.leaf_categories(city)
        .filter(kind=AppealKind.PROBLEM)
        .select_related("parent")
        .order_by("parent__display_order", "parent_id", "display_order", "name_ru", "pk")
    )


def _service_time(category: Category) -> str:
    count = category.service_time_value
    if category.service_time_unit == TimeUnit.HOURS:
        text = ngettext("Service time: %(count)s hour.", "Service time: %(count)s hours.", count)
    elif category.service_time_unit == TimeUnit.CALENDAR_DAYS:
        text = ngettext("Service time: %(count)s day.", "Service time: %(count)s days.", count)
    else:
        text = ngettext(
            "Service time: %(count)s working day.",
            "Service time: %(count)s working days.",
            count,
        )
    return text % {"count": count}


def _keywords(category: Category) -> str:
    """Synonyms: the names of the category and its group in the other languages, and the
    words residents use that the city lists."""
    shown = {category.name, category.parent.name if category.parent else ""}
    words: list[str] = []
    for node in (category, category.parent):
        if node is None:
            continue
        for name in node.names.values():
            if name and name not in shown and name not in words:
                words.append(name)
    words += [word for word in category.synonym_list if word not in words]
    return ", ".join(words)


def _service_out(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.slug,
        "service_name": category.name,
        "description": _service_time(category),
        "metadata": bool(category.extra_fields),
        "type": "realtime",
        "keywords": _keywords(category),
        "group": category.parent.name if category.parent else None,
    }


def _datatype_description(definition: dict[str, Any]) -> str | None:
    kind = definition.get("type", "text")
    if kind == "integer":
        low, high = definition.get("min"), definition.get("max")
        if low is not None and high is not None:
            return _("A whole number from %(min)s to %(max)s.") % {"min": low, "max": high}
        if low is not None:
            return _("A whole number, at least %(min)s.") % {"min": low}
        if high is not None:
            return _("A whole number, at most %(max)s.") % {"max": high}
        return _("A whole number.")
    if kind == "plate":
        return _("A registration plate like 1234 AB-7.")
    if kind == "text":
        return _("Up to %(max)s characters.") % {"max": definition.get("max_length") or 200}
    return None


def _attribute_out(order: int, definition: dict[str, Any]) -> dict[str, Any]:
    kind = definition.get("type", "text")
    attribute: dict[str, Any] = {
        "variable": True,
        "code": definition["name"],
        "datatype": _DATATYPES.get(kind, "string"),
        "required": bool(definition.get("required")),
        "datatype_description": _datatype_description(definition),
        "order": order,
        "description": pick_translation(definition.get("label") or {}) or definition["name"],
    }
    if kind == "choice":
        attribute["values"] = [
            {
                "key": choice["value"],
                "name": pick_translation(choice.get("label") or {}) or choice["value"],
            }
            for choice in definition.get("choices", [])
        ]
    return attribute


@_open311("GET")
@public_read(scope=by_jurisdiction)
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    city = _city_of_request(request)
    return _render(fmt, "services", [_service_out(c) for c in _services_of(city)])


@_open311("GET")
@public_read(scope=by_jurisdiction)
def service_definition(request: HttpRequest, fmt: str, service_code: str) -> HttpResponse:
    city = _city_of_request(request)
    category = _services_of(city).filter(slug=service_code).first()
    if category is None:
        raise Open311Error(404, about("service_code", _("There is no such service in this city.")))
    definition = {
        "service_code": category.slug,
        "attributes": [
            _attribute_out(order, field)
            for order, field in enumerate(category.extra_fields or [], start=1)
        ],
    }
    return _render(fmt, "service_definition", definition)


# --- service requests: reading ---------------------------------------------------


def _status_notes(reports: Sequence[Appeal]) -> dict[int, str]:
    """A fixed phrase per status: the free text of events and answers may name the
    applicant, so none of it goes out to the public."""
    return {report.pk: str(Status(report.status).label) for report in reports}


def _first_photos(ids: Sequence[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = (
        AppealFile.objects.filter(appeal_id__in=ids, role=FileRole.PHOTO, is_public=True)
        .order_by("appeal_id", "position", "pk")
        .values_list("appeal_id", "pk")
    )
    first: dict[int, int] = {}
    for appeal_id, file_id in rows:
        first.setdefault(appeal_id, file_id)
    return first


def _postcodes(reports: Sequence[Appeal]) -> dict[int, str]:
    known = {
        r.building_id: r.building.postcode
        for r in reports
        if r.building_id and Appeal.building.is_cached(r) and r.building
    }
    missing = {r.building_id for r in reports if r.building_id and r.building_id not in known}
    if missing:
        known |= dict(Building.objects.filter(pk__in=missing).values_list("pk", "postcode"))
    return {pk: code for pk, code in known.items() if code}


def _requests_out(
    request: HttpRequest, city: City, reports: Sequence[Appeal]
) -> list[dict[str, Any]]:
    """Public reports as Open311 service requests: no personal data."""
    ids = [r.pk for r in reports]
    notes, photos, postcodes = _status_notes(reports), _first_photos(ids), _postcodes(reports)
    zone = _time_zone(city)
    # The REST API's file endpoint serves public photos to anyone.
    files_url = request.build_absolute_uri("/api/v1/appeals/")
    notice = _("Appeal %(number)s.")
    out = []
    for report in reports:
        closed = report.status in CLOSED_STATUSES
        photo = photos.get(report.pk)
        category = report.category
        out.append(
            {
                "service_request_id": str(report.pk),
                "status": "closed" if closed else "open",
                "status_notes": notes.get(report.pk),
                "service_name": category.name,
                "service_code": category.slug,
                "description": public_text(report.description),
                "agency_responsible": report.organisation.name if report.organisation else None,
                "service_notice": notice % {"number": report.number},
                "requested_datetime": _w3c(report.submitted_at, zone),
                # "For requests with status=closed, this will be the date the request
                # was closed."
                "updated_datetime": _w3c(
                    report.closed_at if closed and report.closed_at else report.updated_at, zone
                ),
                "expected_datetime": _w3c(report.deadline, zone),
                "address": report.address or None,
                "address_id": str(report.building_id) if report.building_id else None,
                "zipcode": postcodes.get(report.building_id or 0),
                "lat": report.lat,
                "long": report.lon,
                "media_url": f"{files_url}{report.pk}/files/{photo}" if photo else None,
                # An extension, after the spec's fields: the report's public page.
                "url": request.build_absolute_uri(
                    reverse("web:public_report", kwargs={"slug": city.slug, "appeal_id": report.pk})
                ),
            }
        )
    return out


def _csv(raw: str | None) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


def _request_id(raw: str) -> int | None:
    if not raw.isascii() or not raw.isdigit() or len(raw) > 19:
        return None
    number = int(raw)
    return number if 0 < number <= MAX_ID else None


def _moment(raw: str, name: str, zone: tzinfo, *, end: bool) -> datetime | None:
    """A w3c date or date-time; an end_date's moment is the first one past it."""
    raw = raw.strip()
    if not raw:
        return None
    problem = about(name, _("Use the W3C format, e.g. 2010-01-01T00:00:00Z."))
    day = moment = None
    try:
        if _DAY.match(raw):
            day = parse_date(raw)
            moment = datetime.combine(day, time.min, tzinfo=zone) if day else None
        else:
            moment = parse_datetime(raw)
    except ValueError:
        raise Open311Error(400, problem) from None
    if moment is None:
        raise Open311Error(400, problem)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=zone)
    # Far from today, adding the 90 days (or the offset) would overflow.
    if not _EARLIEST <= moment <= _LATEST:
        raise Open311Error(400, problem)
    if end:
        return moment + (timedelta(days=1) if day is not None else timedelta(microseconds=1))
    return moment


def _filters(request: HttpRequest, city: City) -> selectors.ReportFilters:
    statuses = [status.lower() for status in _csv(request.GET.get("status"))]
    unknown = [status for status in statuses if status not in ("open", "closed")]
    if unknown:
        raise Open311Error(400, about("status", _("Use open or closed, separated by commas.")))
    zone = _time_zone(city)
    since = _moment(request.GET.get("start_date", ""), "start_date", zone, end=False)
    until = _moment(request.GET.get("end_date", ""), "end_date", zone, end=True)
    if since is None and until is None:
        since = timezone.now() - SPAN
    elif since is None:
        assert until is not None
        since = until - SPAN
    elif until is None:
        until = since + SPAN
    if until is not None:
        if until <= since:
            raise Open311Error(400, about("end_date", _("It must come after start_date.")))
        if until - since > SPAN + timedelta(microseconds=1):
            raise Open311Error(
                400, about("end_date", _("The range may not span more than 90 days."))
            )
    return selectors.ReportFilters(
        categories=tuple(_csv(request.GET.get("service_code"))),
        statuses=tuple(sorted(set(statuses))) if len(set(statuses)) == 1 else (),
        since=since,
        until=until,
    )


def _newest_reports(
    city: City, filters: selectors.ReportFilters, *, skip: int = 0, limit: int | None = None
) -> list[Appeal]:
    """Up to `limit` public reports, newest first, after the `skip` newest, a
    selector's page at a time."""
    limit = MAX_REQUESTS if limit is None else limit
    found: list[Appeal] = []
    after: int | None = None
    if skip:
        after = selectors.public_report_before(city, filters, skip=skip)
        if after is None:
            return []
    while len(found) < limit:
        wanted = min(selectors.MAX_PAGE, limit - len(found))
        page = selectors.public_reports(city, filters, after_id=after, limit=wanted)
        found += page
        if len(page) < wanted:
            break
        after = page[-1].pk
    return found


def _reports_by_id(city: City, raw: str) -> list[Appeal]:
    parts = _csv(raw)
    if len(parts) > MAX_REQUESTS:
        raise Open311Error(
            400,
            about(
                "service_request_id",
                _("No more than %(max)s at once.") % {"max": MAX_REQUESTS},
            ),
        )
    ids = {number for part in parts if (number := _request_id(part)) is not None}
    if not ids:
        return []
    return list(
        Appeal.objects.filter(city=city, is_public=True, pk__in=ids)
        .select_related("category", "organisation")
        .defer("organisation__service_area", "organisation__working_hours")
        .order_by("-pk")
    )


def _whole_number(request: HttpRequest, name: str, low: int, high: int) -> int | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    number = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else 0
    if not low <= number <= high:
        raise Open311Error(
            400,
            about(
                name, _("Give a whole number from %(min)s to %(max)s.") % {"min": low, "max": high}
            ),
        )
    return number


def _extensions(request: HttpRequest) -> bool:
    raw = request.GET.get("extensions", "").strip().lower()
    if raw not in ("", "true", "false"):
        raise Open311Error(400, about("extensions", _("Use true or false.")))
    return raw == "true"


def _list_requests(request: HttpRequest, fmt: str) -> HttpResponse:
    city = _city_of_request(request)
    extended = _extensions(request)
    ids = request.GET.get("service_request_id", "")
    next_page = None
    if ids.strip():
        # "This overrides all other arguments."
        reports = _reports_by_id(city, ids)
    else:
        filters = _filters(request, city)
        page = _whole_number(request, "page", 1, MAX_PAGES)
        size = _whole_number(request, "page_size", 1, MAX_REQUESTS)
        if page is None and size is None:
            reports = _newest_reports(city, filters)
        else:
            page, size = page or 1, size or MAX_REQUESTS
            reports = _newest_reports(city, filters, skip=(page - 1) * size, limit=size)
            if len(reports) == size and page < MAX_PAGES:
                next_page = page + 1
    out = _requests_out(request, city, reports)
    if extended:
        notes = _notes(reports, _time_zone(city))
        for item, report in zip(out, reports, strict=True):
            item["notes"] = notes.get(report.pk, [])
    response = _render(fmt, "service_requests", out)
    if next_page is not None:
        query = request.GET.copy()
        query["page"] = str(next_page)
        response["Link"] = f'<{request.build_absolute_uri("?" + query.urlencode())}>; rel="next"'
    return response


def _notes(reports: Sequence[Appeal], zone: tzinfo) -> dict[int, list[dict[str, Any]]]:
    """The public timeline of each report (extensions=true): each change of status,
    with a fixed phrase, as `status_notes` has; never the free text of a move, which
    may name the applicant."""
    events = AppealEvent.objects.filter(
        appeal_id__in=[r.pk for r in reports],
        kind=EventKind.TRANSITION,
        visible_to_applicant=True,
        to_status__in=sorted(_PUBLIC_STATUSES),
    ).order_by("appeal_id", "created_at", "pk")
    notes: dict[int, list[dict[str, Any]]] = {}
    for event in events.values("pk", "appeal_id", "to_status", "created_at"):
        status = event["to_status"]
        notes.setdefault(event["appeal_id"], []).append(
            {
                "update_id": str(event["pk"]),
                "status": "closed" if status in CLOSED_STATUSES else "open",
                "detailed_status": status,
                "description": str(Status(status).label),
                "updated_datetime": _w3c(event["created_at"], zone),
            }
        )
    return notes


@_open311("GET")
@public_read(scope=by_jurisdiction)
def service_request(request: HttpRequest, fmt: str, service_request_id: str) -> HttpResponse:
    city = _city_of_request(request)
    not_found = Open311Error(
        404,
        about("service_request_id", _("There is no such request.")),
    )
    appeal_id = _request_id(service_request_id)
    if appeal_id is None:
        raise not_found
    try:
        # Open311 is public: what anyone may see, whoever's cookies come along.
        appeal, audience = get_appeal_for(AnonymousUser(), appeal_id)
    except AppealNotFound:
        raise not_found from None
    if audience != Audience.PUBLIC or appeal.city_id != city.pk:
        raise not_found
    return _render(fmt, "service_requests", _requests_out(request, city, [appeal]))


@_open311("GET")
def token(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    # Requests are created synchronously: POST returns the service_request_id itself.
    raise Open311Error(
        404,
        about(
            "token",
            _(
                "There is no such token: this server issues none, posting a request "
                "returns its service_request_id."
            ),
        ),
    )


# --- service requests: creating --------------------------------------------------


def _form(request: HttpRequest) -> QueryDict:
    try:
        request.FILES  # noqa: B018 (parses the body: multipart errors surface here)
        return request.POST
    except RequestDataTooBig:
        raise Open311Error(413, _("The request is too large.")) from None
    except (MultiPartParserError, SuspiciousOperation):
        raise Open311Error(400, _("The request body could not be read.")) from None


def _coordinate(raw: str, name: str, limit: int, problems: list[str]) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not -limit <= value <= limit:  # also refuses nan
        problems.append(
            about(name, _("Give a number from -%(limit)s to %(limit)s.") % {"limit": limit})
        )
        return None
    return value


def _attributes(data: QueryDict, problems: list[str]) -> dict[str, str]:
    """attribute[code]=value (and attribute[code][]=value, one value) as extra fields."""
    extra: dict[str, str] = {}
    for key in data:
        match = _ATTRIBUTE.match(key)
        if match is None:
            continue
        code, values = match.group(1), data.getlist(key)
        if code in extra or len(values) > 1:
            problems.append(about(f"attribute[{code}]", _("Give one value.")))
            continue
        extra[code] = (values[0] if values else "").strip()
    return extra


def _building_at(city: City, address: str) -> int:
    """The one building the address names; the exact house number wins over 12А, 12/1."""
    found = search_addresses(city, address).buildings
    if len(found) != 1:
        _words, number = parse_address(address)
        found = [
            b for b in found if number and house_number_key(b.number) == house_number_key(number)
        ]
    if len(found) != 1:
        raise Open311Error(
            400,
            about(
                "address_string",
                _("It names no single building of the city: send lat and long, or address_id."),
            ),
        )
    return found[0].pk


def _applicant(data: QueryDict, problems: list[str]) -> tuple[str, str, str]:
    first = data.get("first_name", "").strip()
    last = data.get("last_name", "").strip()
    name = f"{first} {last}".strip()
    email = data.get("email", "").strip()
    phone = data.get("phone", "").strip()
    if len(name) > 200:
        problems.append(
            about("last_name", _("The first and last names together: no more than 200 characters."))
        )
    if email:
        try:
            if len(email) > 254:
                raise ValidationError("too long")
            validate_email(email)
        except ValidationError:
            problems.append(about("email", _("Enter a valid e-mail address.")))
    if len(phone) > 30:
        problems.append(about("phone", _("No more than %(max)s characters.") % {"max": 30}))
    return name, email, phone


def _create_request(request: HttpRequest, fmt: str) -> HttpResponse:
    # A key in the query string is checked before the body and its files are read; a key
    # only in the body is checked once the body (within its size limit) has been parsed.
    query_key = (request.GET.get("api_key") or "").strip()
    if query_key:
        _api_client(query_key, None)
    data = _form(request)

    def field(name: str) -> str:
        return (data.get(name) or request.GET.get(name) or "").strip()

    slug = field("jurisdiction_id")
    city = _jurisdiction(slug, with_boundary=True) if slug else None
    client = _api_client(query_key or (data.get("api_key") or "").strip(), city)
    # Without jurisdiction_id, the key's city is the jurisdiction.
    city = city or client.city

    code = field("service_code")
    if not code:
        raise Open311Error(400, about("service_code", _("This field is required.")))
    category = _services_of(city).filter(slug=code).first()
    if category is None:
        raise Open311Error(404, about("service_code", _("There is no such service in this city.")))

    problems: list[str] = []
    lat = lon = None
    building_id = None
    if field("lat") or field("long"):
        lat = _coordinate(field("lat"), "lat", 90, problems)
        lon = _coordinate(field("long"), "long", 180, problems)
    if field("address_id"):
        building_id = _request_id(field("address_id"))
        if building_id is None:
            problems.append(about("address_id", _("There is no such building in this city.")))
    address = field("address_string")
    if len(address) > 300:
        problems.append(
            about("address_string", _("No more than %(max)s characters.") % {"max": 300})
        )
        address = ""
    location_given = lat is not None or building_id is not None or address
    if not location_given and not problems:
        problems.append(_("Give the location: lat and long, address_string or address_id."))
    extra = _attributes(data, problems)
    name, email, phone = _applicant(data, problems)
    if problems:
        raise Open311Error(400, *problems)
    if lat is None and building_id is None:
        building_id = _building_at(city, address)

    draft = AppealDraft(
        category_slug=category.slug,
        # The spec makes the description optional; ours is required.
        description=field("description") or category.name,
        lat=lat,
        lon=lon,
        building_id=building_id,
        extra=extra,
        applicant_name=name,
        applicant_email=email,
        applicant_phone=phone,
        # The integrator's key stands for the consent its client collected.
        consent=True,
    )
    submission = submit_appeal(
        applicant=None,
        city=city,
        draft=draft,
        files=request.FILES.getlist("media"),
        channel=Channel.OPEN311,
        idempotency_key=idempotency_key(request),
        key_owner=f"client:{client.pk}",
        api_client=client,
    )
    appeal = submission.appeal
    deadline = timezone.localtime(appeal.deadline, _time_zone(city))
    notice = _("Registered as appeal %(number)s; it is due to be dealt with by %(deadline)s.") % {
        "number": appeal.number,
        "deadline": deadline.strftime("%d.%m.%Y %H:%M"),
    }
    return _render(
        fmt,
        "service_requests",
        [{"service_request_id": str(appeal.pk), "service_notice": notice, "account_id": None}],
    )


@csrf_exempt  # authenticated by api_key, never by a cookie
@_open311("GET", "POST")
@public_read(scope=by_jurisdiction)
def service_requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create_request(request, fmt)
    return _list_requests(request, fmt)


# --- service request updates (the extension FixMyStreet uses) ---------------------

# Our status after a move → the update's status, in the vocabulary FixMyStreet and the
# systems it talks to use. An answer's depends on its result.
_UPDATE_STATUSES = {
    Status.ACCEPTED: "open",
    Status.ASSIGNED: "open",
    Status.REOPENED: "open",
    Status.IN_PROGRESS: "in_progress",
    Status.CLOSED: "closed",
    Status.REJECTED: "closed",
    Status.NOT_CONSIDERED: "closed",
    Status.WITHDRAWN: "closed",
    Status.REDIRECTED: "not_councils_responsibility",
    Status.DUPLICATE: "duplicate",
}
_ANSWER_STATUSES: dict[str, str] = {
    Result.SATISFIED: "fixed",
    Result.EXPLAINED: "closed",
    Result.REFUSED: "no_further_action",
}


def _update_window(request: HttpRequest, city: City) -> tuple[datetime, datetime]:
    zone = _time_zone(city)
    since = _moment(request.GET.get("start_date", ""), "start_date", zone, end=False)
    until = _moment(request.GET.get("end_date", ""), "end_date", zone, end=True)
    if until is None:
        # Without end_date: up to now, or an empty window starting in the future.
        until = max(timezone.now(), since or _EARLIEST) + timedelta(microseconds=1)
    since = since or until - SPAN
    if until <= since:
        raise Open311Error(400, about("end_date", _("It must come after start_date.")))
    return since, until


def _updates_out(
    request: HttpRequest, city: City, events: Sequence[AppealEvent]
) -> list[dict[str, Any]]:
    appeal_ids = {event.appeal_id for event in events}
    answers = {
        (answer.appeal_id, answer.created_at): answer.text
        for answer in Answer.objects.filter(appeal_id__in=appeal_ids)
    }
    after_photos: dict[int, int] = {}
    for appeal_id, file_id in (
        AppealFile.objects.filter(appeal_id__in=appeal_ids, role=FileRole.AFTER, is_public=True)
        .order_by("appeal_id", "position", "pk")
        .values_list("appeal_id", "pk")
    ):
        after_photos.setdefault(appeal_id, file_id)
    zone = _time_zone(city)
    files_url = request.build_absolute_uri("/api/v1/appeals/")
    out = []
    for event in events:
        appeal = event.appeal
        description, media = event.note, None
        if event.to_status == Status.ANSWERED:
            status = _ANSWER_STATUSES.get(appeal.result, "closed")
            description = strip_tags(answers.get((appeal.pk, event.created_at), "")).strip()
            photo = after_photos.get(appeal.pk)
            media = f"{files_url}{appeal.pk}/files/{photo}" if photo else None
        else:
            status = _UPDATE_STATUSES[Status(event.to_status)]
        out.append(
            {
                "update_id": str(event.pk),
                "service_request_id": str(appeal.pk),
                "status": status,
                "updated_datetime": _w3c(event.created_at, zone),
                "description": description or str(Status(event.to_status).label),
                "media_url": media,
            }
        )
    return out


@_open311("GET")
def service_request_updates(request: HttpRequest, fmt: str) -> HttpResponse:
    """Status changes of the requests this key filed, oldest first (at most 1,000: ask
    again from the last one's moment). The system that filed a request speaks for its
    reporter, so it reads what the reporter reads: the answer's text and the reasons."""
    city = _city_of_request(request)
    client = _api_client((request.GET.get("api_key") or "").strip(), city)
    since, until = _update_window(request, city)
    events = list(
        AppealEvent.objects.filter(
            appeal__city=city,
            appeal__api_client=client,
            kind=EventKind.TRANSITION,
            visible_to_applicant=True,
            to_status__in=sorted({*_UPDATE_STATUSES, Status.ANSWERED}),
            created_at__gte=since,
            created_at__lt=until,
        )
        .select_related("appeal")
        .order_by("created_at", "pk")[:MAX_REQUESTS]
    )
    return _render(fmt, "service_request_updates", _updates_out(request, city, events))


def unknown(request: HttpRequest, path: str) -> HttpResponse:
    """Anything else under the endpoint: a 404 in the spec's format."""
    fmt = "xml" if path.endswith(".xml") else "json"
    return _errors(fmt, 404, [_("There is no such Open311 resource.")])


__all__ = [
    "service_definition",
    "service_list",
    "service_request",
    "service_request_updates",
    "service_requests",
    "token",
    "unknown",
]
