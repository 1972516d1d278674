"""The city administrator's API on the city's own setup: its settings, the terms the law
leaves to it, the operator of its personal-data notice, copying another city's setup,
and the onboarding checklist with going live. The same services as the console's pages
(`settings_views`, `terms_views`, `copy_views`, `setup_views`), so a change through
either is checked, saved whole or not at all, and audited the same way."""

from datetime import datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from mycity.appeals.api import STAFF
from mycity.appeals.models import AppealKind, TimeUnit
from mycity.cities.errors import InvalidSetup
from mycity.cities.geojson_input import area_from_geojson
from mycity.cities.models import Activity, City, Organisation
from mycity.console.api_access import admin_city, caller
from mycity.core.api_contract import errors
from mycity.core.api_formats import JsonBool, JsonInt
from mycity.privacy.models import PrivacyNotice
from mycity.privacy.notice import operator_of
from mycity.setup import checklist as onboarding
from mycity.setup import copy as setup_copy
from mycity.setup.city_settings import (
    CITY_FIELDS,
    change_city_settings,
    preview_registration_number,
)
from mycity.setup.city_terms import change_city_terms, city_terms
from mycity.setup.operator_notice import (
    MAX_PROCESSORS,
    MAX_PURPOSE_TEXT,
    MAX_PURPOSES,
    change_operator,
    operator_values,
)

router = Router(tags=["city setup"])

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]
Name = Annotated[str, Field(max_length=200)]


class ChangeIn(Schema):
    """A change where only what is sent changes: every field is optional. The API's
    parser (core.api_formats.ObjectBodyParser) refuses a body that is not an object."""


# The city's settings.


class CitySettingsOut(Schema):
    name_ru: str
    name_be: str
    name_en: str
    centre_lat: float
    centre_lon: float
    boundary: dict[str, Any] = Field(description="A GeoJSON Polygon or MultiPolygon.")
    timezone: str = Field(description="An IANA time zone, e.g. `Europe/Minsk`.")
    registration_format: str = Field(
        description="`{seq}` the appeal's sequence number (required; `{seq:05}` pads it), "
        "`{org}` the organisation's slug, `{year}`, `{yy}`."
    )
    map_tiles_url: str = Field(description="Empty: the platform's tiles.")
    map_attribution: str
    live_since: datetime | None = Field(description="When the city went live; null until then.")


class CitySettingsIn(ChangeIn):
    """Only what is sent changes. The Belarusian and English names fall back to the
    Russian one when empty."""

    name_ru: str | None = Field(None, min_length=1, max_length=200)
    name_be: Name | None = None
    name_en: Name | None = None
    centre_lat: Latitude | None = Field(None, description="Inside the boundary.")
    centre_lon: Longitude | None = None
    boundary: dict[str, Any] | None = Field(
        None,
        description="GeoJSON: a Polygon or MultiPolygon, or a Feature or FeatureCollection "
        "of them (merged). Refused (400, field `boundary`) when it is not valid or leaves "
        "out addresses of the city's registry.",
    )
    timezone: str | None = Field(None, min_length=1, max_length=64)
    registration_format: str | None = Field(
        None,
        min_length=1,
        max_length=60,
        description="Must contain `{seq}`; see `GET …/setup/registration-preview`.",
    )
    map_tiles_url: str | None = Field(None, max_length=300)
    map_attribution: str | None = Field(None, max_length=300)


class RegistrationPreviewQuery(Schema):
    registration_format: str = Field(max_length=60, description="The format to try.")


class RegistrationPreviewOut(Schema):
    registration_format: str
    valid: bool
    number: str = Field(
        description="The number an organisation `zhes-1` would give its 42nd appeal of "
        "this year; empty when the format is not valid."
    )
    problem: str = Field(description="Why the format is not valid; empty when it is.")


# The terms the law leaves to the city, and the committee's contacts.


class TermsOut(Schema):
    disagreement_window_days: int = Field(
        description="Days a resident may disagree with an answer before the appeal closes."
    )
    retention_years: int = Field(
        description="Years closed appeals keep the applicant's data; the notice quotes it."
    )
    committee_address: str
    committee_phone: str
    committee_email: str
    committee_hours: str


class TermsIn(ChangeIn):
    """Only what is sent changes. A new retention period publishes a new version of a
    notice already published."""

    disagreement_window_days: Annotated[int, Field(ge=1, le=90), JsonInt] | None = None
    retention_years: Annotated[int, Field(ge=1, le=75), JsonInt] | None = None
    committee_address: str | None = Field(None, max_length=300)
    committee_phone: str | None = Field(None, max_length=40)
    committee_email: str | None = Field(None, max_length=254, description="An e-mail or empty.")
    committee_hours: str | None = Field(None, max_length=200)


# The operator of the personal-data notice.

PurposeText = Annotated[str, Field(max_length=MAX_PURPOSE_TEXT)]


class PurposeTexts(Schema):
    ru: PurposeText
    be: PurposeText = ""
    en: PurposeText = ""


class PurposeSchema(Schema):
    purpose: PurposeTexts = Field(description="What for.")
    categories: PurposeTexts = Field(description="Which data.")
    retention: PurposeTexts = Field(description="How long they are kept.")
    ground: PurposeTexts = Field(description="The ground in law.")


class ProcessorSchema(Schema):
    name: str = Field(min_length=1, max_length=300)
    purpose: str = Field("", max_length=500, description="What it does for the operator.")


class OperatorOut(Schema):
    name_ru: str
    name_be: str
    name_en: str
    postal_address: str
    email: str
    phone: str
    responsible_person: str = Field(
        description="Responsible for internal control over personal data."
    )
    processors: list[ProcessorSchema]
    purposes: list[PurposeSchema] = Field(
        description="The city's own purposes of processing; empty: the platform's standard ones."
    )
    notice_version: str | None = Field(
        description="The notice's latest version; null while none is published."
    )


class OperatorIn(ChangeIn):
    """Only what is sent changes; the Russian name and the postal address are required
    in the notice (art. 5 p. 5 of Law 99-З)."""

    name_ru: str | None = Field(None, max_length=300)
    name_be: str | None = Field(None, max_length=300)
    name_en: str | None = Field(None, max_length=300)
    postal_address: str | None = Field(None, max_length=300)
    email: str | None = Field(None, max_length=254, description="An e-mail or empty.")
    phone: str | None = Field(None, max_length=40)
    responsible_person: str | None = Field(None, max_length=300)
    processors: list[ProcessorSchema] | None = Field(None, max_length=MAX_PROCESSORS)
    purposes: list[PurposeSchema] | None = Field(
        None, max_length=MAX_PURPOSES, description="Empty: the platform's standard purposes."
    )


class OperatorChangeOut(OperatorOut):
    published: bool = Field(
        description="Whether a new version of the notice was published (false: nothing changed)."
    )


# Copying a setup: the documented export (docs/city-setup.md).

Slug = Annotated[str, Field(min_length=1, max_length=80, pattern=SLUG_PATTERN)]


class SetupOrganisation(Schema):
    slug: Slug
    kind: Organisation.Kind
    name_ru: Name = ""
    name_be: Name = ""
    name_en: Name = ""
    activities: list[Activity] = Field(default_factory=list, max_length=len(Activity.values))


class SetupCategory(Schema):
    """Fields left out keep the category's present values (a new one's defaults)."""

    slug: Slug
    parent: Slug | None = Field(None, description="The slug of a category earlier in the list.")
    default_organisation: Slug | None = Field(
        None, description="The slug of an organisation of the document or of the city."
    )
    kind: AppealKind = AppealKind.PROBLEM
    name_ru: Name = ""
    name_be: Name = ""
    name_en: Name = ""
    notice_ru: str = Field("", max_length=300)
    notice_be: str = Field("", max_length=300)
    notice_en: str = Field("", max_length=300)
    icon: str = Field("", max_length=40)
    activity: Activity = Activity.GENERAL
    is_public: JsonBool = True
    needs_moderation: JsonBool = False
    service_time_value: Annotated[int, Field(ge=1, le=365), JsonInt] = 10
    service_time_unit: TimeUnit = TimeUnit.WORKING_DAYS
    extra_fields: list[dict[str, Any]] = Field(
        default_factory=list, max_length=50, description="The extra fields' definitions."
    )
    display_order: Annotated[int, Field(ge=0, le=32767), JsonInt] = 100
    is_active: JsonBool = True


class SetupDocument(Schema):
    """A city's setup as `GET …/setup/export` answers it: the catalogue of categories
    (parents before their children) and the organisations it routes to (names, kinds
    and activities; never their contacts or areas)."""

    format: Literal["mycity-city-setup"]
    version: Literal[1]
    source: str = Field("", max_length=50, description="The slug of the exported city.")
    organisations: list[SetupOrganisation] = Field(
        default_factory=list, max_length=setup_copy.MAX_ITEMS
    )
    categories: list[SetupCategory] = Field(default_factory=list, max_length=setup_copy.MAX_ITEMS)


class CopyFromCityIn(Schema):
    source: str = Field(
        min_length=1, max_length=50, description="The slug of another city of this site."
    )


class CopyReportOut(Schema):
    organisations_created: list[str]
    categories_created: list[str]
    categories_updated: list[str]


# The onboarding checklist.


class ChecklistItemOut(Schema):
    key: Literal["boundary", "districts", "categories", "coverage", "notice", "reception", "staff"]
    title: str
    done: bool
    detail: str = Field(description="What is missing, where the item names it.")
    page: str = Field(description="The console page that completes the item.")


class ChecklistOut(Schema):
    ready: bool = Field(description="Every item is done: the city may go live.")
    live_since: datetime | None
    items: list[ChecklistItemOut]


class LiveOut(Schema):
    live_since: datetime


def _settings_out(city: City) -> dict:
    return {name: getattr(city, name) for name in (*CITY_FIELDS, "live_since")}


@router.get(
    "/{slug}/setup/settings",
    response=CitySettingsOut,
    auth=STAFF,
    summary="The city's names, centre, boundary, time zone, numbering and map tiles",
)
def get_city_settings(request: HttpRequest, slug: str) -> dict:
    return _settings_out(admin_city(request, slug))


@router.patch(
    "/{slug}/setup/settings",
    response=CitySettingsOut,
    auth=STAFF,
    summary="Change the city's settings (city administrators)",
    description="Saved whole or not at all, with an audit row of what changed. Refused "
    "with 400 `invalid_setup` and field details: a registration format without `{seq}`, "
    "an unknown time zone, a centre outside the boundary, a boundary that is not a valid "
    "polygon or leaves out registered addresses.",
)
def change_settings(request: HttpRequest, slug: str, payload: CitySettingsIn) -> dict:
    city = admin_city(request, slug)
    values = payload.dict(exclude_none=True)
    if "boundary" in values:
        try:
            values["boundary"] = area_from_geojson(values["boundary"])
        except ValidationError as error:
            raise InvalidSetup(str(error.messages[0]), field="boundary") from None
    return _settings_out(change_city_settings(actor=caller(request), city=city, values=values))


@router.get(
    "/{slug}/setup/registration-preview",
    response=RegistrationPreviewOut,
    auth=STAFF,
    summary="The registration number a format would give; nothing is saved",
)
def registration_preview(
    request: HttpRequest, slug: str, params: Query[RegistrationPreviewQuery]
) -> dict:
    admin_city(request, slug)
    preview = preview_registration_number(params.registration_format)
    return {
        "registration_format": params.registration_format,
        "valid": not preview.problem,
        "number": preview.number,
        "problem": preview.problem,
    }


@router.get(
    "/{slug}/setup/terms",
    response=TermsOut,
    auth=STAFF,
    summary="The terms the law leaves to the city, and the committee's contacts",
)
def get_terms(request: HttpRequest, slug: str) -> dict:
    return city_terms(admin_city(request, slug))


@router.patch(
    "/{slug}/setup/terms",
    response=TermsOut,
    auth=STAFF,
    summary="Change the window to disagree, the retention period or the contacts",
    description="Saved whole or not at all, with an audit row of what changed; a new "
    "retention period publishes a new version of a notice already published. 400 "
    "`invalid_setup` (field `committee_email`) for an e-mail that is not one.",
)
def change_terms(request: HttpRequest, slug: str, payload: TermsIn) -> dict:
    city = admin_city(request, slug)
    return change_city_terms(
        actor=caller(request), city=city, values=payload.dict(exclude_none=True)
    )


def _operator_out(city: City) -> dict:
    latest = PrivacyNotice.objects.filter(city=city).order_by("-published_at", "-pk").first()
    return {
        **operator_values(operator_of(city)),
        "notice_version": latest.version if latest is not None else None,
    }


@router.get(
    "/{slug}/setup/operator",
    response=OperatorOut,
    auth=STAFF,
    summary="The operator's details in the city's personal-data notice",
)
def get_operator(request: HttpRequest, slug: str) -> dict:
    return _operator_out(admin_city(request, slug))


@router.patch(
    "/{slug}/setup/operator",
    response=OperatorChangeOut,
    auth=STAFF,
    summary="Change the operator's details: each change publishes a new notice version",
    description="Answers the new `notice_version` (`published` false when nothing "
    "changed). Refused with 400 `invalid_setup` and field details while the Russian name "
    "or the postal address is missing, or for an e-mail that is not one; nothing is "
    "published then. Audited with before and after.",
)
def change_operator_details(request: HttpRequest, slug: str, payload: OperatorIn) -> dict:
    city = admin_city(request, slug)
    values = payload.dict(exclude_none=True)
    notice = change_operator(actor=caller(request), city=city, values=values)
    return {**_operator_out(city), "published": notice is not None}


@router.get(
    "/{slug}/setup/export",
    response=SetupDocument,
    auth=STAFF,
    summary="The city's setup as a document another city imports (docs/city-setup.md)",
)
def export_setup(request: HttpRequest, slug: str) -> dict:
    return setup_copy.export_setup(admin_city(request, slug))


def _report_out(report: setup_copy.CopyReport) -> dict:
    return {
        "organisations_created": report.organisations_created,
        "categories_created": report.categories_created,
        "categories_updated": report.categories_updated,
    }


@router.post(
    "/{slug}/setup/import",
    response=CopyReportOut,
    auth=STAFF,
    summary="Import another city's exported setup into this city",
    description="Organisations missing here are made (serving the whole city until their "
    "areas are drawn; existing ones are kept as they are); categories are made or "
    "updated by slug. All or nothing: 400 `invalid_setup` (message «Nothing was "
    "imported.») with a detail for each refused item, e.g. field "
    "`categories[2] (roof-leak).slug`.",
)
def import_setup(request: HttpRequest, slug: str, payload: SetupDocument) -> dict:
    city = admin_city(request, slug)
    document = {
        "format": payload.format,
        "version": payload.version,
        "organisations": [o.model_dump(mode="json") for o in payload.organisations],
        # A field left out keeps the category's present value.
        "categories": [c.model_dump(mode="json", exclude_unset=True) for c in payload.categories],
    }
    report = setup_copy.import_setup(actor=caller(request), city=city, data=document)
    return _report_out(report)


@router.post(
    "/{slug}/setup/copy",
    response=CopyReportOut,
    auth=STAFF,
    summary="Copy the setup of another city of this site into this city",
    description="As importing that city's export; 400 `invalid_setup` (field `source`) for "
    "a city that is not another active city of this site.",
)
def copy_from_city(request: HttpRequest, slug: str, payload: CopyFromCityIn) -> dict:
    city = admin_city(request, slug)
    report = setup_copy.copy_from_city(actor=caller(request), city=city, source_slug=payload.source)
    return _report_out(report)


@router.get(
    "/{slug}/setup/checklist",
    response=ChecklistOut,
    auth=STAFF,
    summary="What the city still lacks before it can go live, each item with its page",
)
def get_checklist(request: HttpRequest, slug: str) -> dict:
    city = admin_city(request, slug)
    items = [
        {
            "key": item.key,
            "title": str(item.title),
            "done": item.done,
            "detail": item.detail,
            "page": request.build_absolute_uri(item.url),
        }
        for item in onboarding.checklist(city)
    ]
    return {
        "ready": all(item["done"] for item in items),
        "live_since": city.live_since,
        "items": items,
    }


@router.post(
    "/{slug}/setup/live",
    response=LiveOut,
    auth=STAFF,
    summary="Go live: declare the city set up",
    description="Refused with 409 `city_not_ready` while the checklist is not done, a "
    "detail for each missing item (its `key` as the field). Going live again keeps the "
    "first date. Audited.",
    openapi_extra=errors(409),
)
def go_live(request: HttpRequest, slug: str) -> dict:
    city = onboarding.go_live(actor=caller(request), city=admin_city(request, slug))
    return {"live_since": city.live_since}
