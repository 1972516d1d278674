"""A resident's alerts about public reports through the API: follow the new reports
around a point, in a district or of a category, or the updates of one report; list and
stop them. The same functions as the subscriptions page (appeals/alerts.py).

The browser session by default; src/mycity/api.py mounts the router at
/me/report-alerts so that a personal access token (scope `resident`) works too.
"""

from typing import Annotated, Any, Literal, cast

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Body, Field, Path, Query, Router, Schema
from ninja.responses import Status
from ninja.security import django_auth

from mycity.accounts.models import User
from mycity.appeals import alerts, selectors
from mycity.appeals.errors import InvalidAlert
from mycity.appeals.models import Appeal, AppealKind, ReportAlert
from mycity.cities.models import City
from mycity.cities.selectors import city_named
from mycity.core.api_contract import errors
from mycity.core.api_formats import MAX_ID, NOT_BOOL
from mycity.core.errors import NotFound

router = Router(tags=["my report alerts"], auth=django_auth)

Channel = Literal["in_app", "email", "webpush"]
Radius = Literal[250, 500, 1000, 2000]
SLUG = r"^[-a-zA-Z0-9_]+$"
IN_APP_ONLY: list[Channel] = ["in_app"]
CHANNELS_FIELD: Any = Field(
    default_factory=IN_APP_ONLY.copy,
    description="How to be told; in the app always, e-mail and push besides.",
)


class AlertOut(Schema):
    id: int
    kind: Literal["area", "district", "category", "report"]
    city: str
    lat: float | None
    lon: float | None
    radius_m: int | None
    label: str
    district: str | None = Field(description="The district's slug.")
    category: str | None = Field(description="The category's slug.")
    appeal_id: int | None = Field(description="The followed report.")
    channels: list[Channel]


class AreaAlertIn(Schema):
    kind: Literal["area"]
    city: str = Field(max_length=50, pattern=SLUG)
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    radius_m: Radius = 500
    label: str = Field("", max_length=200, description="What the point is, e.g. an address.")
    channels: list[Channel] = CHANNELS_FIELD


class DistrictAlertIn(Schema):
    kind: Literal["district"]
    city: str = Field(max_length=50, pattern=SLUG)
    district: str = Field(max_length=50, pattern=SLUG, description="The district's slug.")
    channels: list[Channel] = CHANNELS_FIELD


class CategoryAlertIn(Schema):
    kind: Literal["category"]
    city: str = Field(max_length=50, pattern=SLUG)
    category: str = Field(
        max_length=100, pattern=SLUG, description="A public problem category's slug."
    )
    channels: list[Channel] = CHANNELS_FIELD


class ReportFollowIn(Schema):
    kind: Literal["report"]
    appeal_id: Annotated[int, Field(ge=1, le=MAX_ID), NOT_BOOL]
    channels: list[Channel] = CHANNELS_FIELD


AnyAlertIn = AreaAlertIn | DistrictAlertIn | CategoryAlertIn | ReportFollowIn
AlertIn = Annotated[AnyAlertIn, Field(discriminator="kind")]


class AlertQuery(Schema):
    city: str | None = Field(
        None, max_length=50, pattern=SLUG, description="A city's slug; by default, my home city's."
    )


def _alert_out(alert: ReportAlert) -> dict:
    return {
        "id": alert.pk,
        "kind": alert.kind,
        "city": alert.city.slug,
        "lat": alert.lat,
        "lon": alert.lon,
        "radius_m": alert.radius_m,
        "label": alert.label,
        "district": alert.district.slug if alert.district_id and alert.district else None,
        "category": alert.category.slug if alert.category_id and alert.category else None,
        "appeal_id": alert.appeal_id,
        "channels": alert.channels,
    }


def _follow(
    user: User, payload: AreaAlertIn | DistrictAlertIn | CategoryAlertIn | ReportFollowIn
) -> ReportAlert:
    if isinstance(payload, ReportFollowIn):
        report = _public_report(payload.appeal_id)
        return alerts.follow_report(user=user, appeal=report, channels=payload.channels)
    city = city_named(payload.city, field="city")
    if isinstance(payload, AreaAlertIn):
        return alerts.follow_area(
            user=user,
            city=city,
            lat=payload.lat,
            lon=payload.lon,
            radius_m=payload.radius_m,
            label=payload.label.strip(),
            channels=payload.channels,
        )
    if isinstance(payload, DistrictAlertIn):
        district = city.districts.defer("boundary").filter(slug=payload.district).first()
        if district is None:
            raise InvalidAlert(_("Choose the district."), field="district")
        return alerts.follow_district(user=user, district=district, channels=payload.channels)
    category = (
        selectors.leaf_categories(city)
        .filter(slug=payload.category, kind=AppealKind.PROBLEM, is_public=True)
        .first()
    )
    if category is None:
        raise InvalidAlert(_("Choose the category."), field="category")
    return alerts.follow_category(user=user, category=category, channels=payload.channels)


def _public_report(appeal_id: int) -> Appeal:
    city_id = Appeal.objects.filter(pk=appeal_id).values_list("city_id", flat=True).first()
    report = None
    if city_id is not None:
        report = selectors.public_report(City.objects.get(pk=city_id), appeal_id)
    if report is None:
        raise InvalidAlert(_("Only public reports can be followed."), field="appeal_id")
    return report


@router.get("", response=list[AlertOut], summary="My alerts about public reports in a city")
def my_report_alerts(request: HttpRequest, query: Query[AlertQuery]) -> list[dict]:
    user = cast(User, request.auth)  # type: ignore[attr-defined]
    city = _city_of(user, query.city)
    rows = alerts.alerts_of(user, city)
    for row in rows:
        row.city = city
    return [_alert_out(row) for row in rows]


def _city_of(user: User, slug: str | None) -> City:
    if slug is not None:
        return city_named(slug, field="city")
    if user.home_city_id and user.home_city is not None:
        return user.home_city
    raise InvalidAlert(_("Choose the city, or set your home city."), field="city")


@router.post(
    "",
    response={201: AlertOut},
    summary="Follow new public reports (around a point, in a district, of a category) or "
    "one report's updates",
    description="409 `alert_exists`: the same alert exists already (following one report "
    "again answers that alert). 400 `invalid_alert` with the field: a point outside the "
    "city, an unknown district, a category whose reports are not public, a report that is "
    "not public, or 50 alerts already.",
    openapi_extra=errors(409),
)
def follow(request: HttpRequest, payload: Body[AlertIn]) -> Status:
    user = cast(User, request.auth)  # type: ignore[attr-defined]
    alert = _follow(user, payload)
    return Status(201, _alert_out(alert))


@router.delete(
    "/{alert_id}",
    response={204: None},
    summary="Stop one of my alerts (another person's is a 404)",
)
def stop_report_alert(
    request: HttpRequest, alert_id: Annotated[int, Path(ge=1, le=MAX_ID)]
) -> Status:
    user = cast(User, request.auth)  # type: ignore[attr-defined]
    if not alerts.stop_alert(user=user, alert_id=alert_id):
        raise NotFound(field="alert_id")
    return Status(204, None)
