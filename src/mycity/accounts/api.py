"""A person's own settings through the API: the profile of the settings page and the
quiet hours of the subscriptions page, with the same services as those pages.

The browser session by default; src/mycity/api.py mounts the router at /me so that a
personal access token (scope `resident`) works too. Whoever it is, it is `request.auth`.
"""

from datetime import time
from typing import Annotated, Literal, cast

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.security import django_auth

from mycity.accounts.errors import AddressOutsideCity
from mycity.accounts.models import User
from mycity.accounts.services import update_personal_settings
from mycity.accounts.subscriptions import set_quiet_hours
from mycity.cities.addresses import building_label
from mycity.cities.models import Building
from mycity.cities.selectors import city_named
from mycity.core.api_formats import MAX_ID, NOT_BOOL

router = Router(tags=["my settings"], auth=django_auth)

Language = Literal["ru", "be", "en"]


class HomeAddressOut(Schema):
    id: int
    label: str


class SettingsOut(Schema):
    email: str
    full_name: str
    language: Language | None = Field(description="null: the browser's or the device's.")
    home_city: str | None = Field(description="The home city's slug.")
    home_building: HomeAddressOut | None


class SettingsIn(Schema):
    """Only what is sent changes; the home address and city cannot be cleared here (a
    withdrawal of consent clears the address, as on the web)."""

    full_name: str | None = Field(None, max_length=200)
    language: Language | None = None
    home_city: str | None = Field(None, min_length=1, max_length=50, description="A city's slug.")
    home_building: Annotated[int, Field(ge=1, le=MAX_ID), NOT_BOOL] | None = Field(
        None, description="A building's id (`GET /cities/{slug}/addresses`)."
    )


class QuietHoursIn(Schema):
    quiet_from: time | None = Field(
        description="Local time in the home city; both null: no quiet hours."
    )
    quiet_until: time | None


class QuietHoursOut(QuietHoursIn):
    pass


def _settings_out(user: User) -> dict:
    building = user.home_building if user.home_building_id else None
    return {
        "email": user.email,
        "full_name": user.full_name,
        "language": user.language or None,
        "home_city": user.home_city.slug if user.home_city_id and user.home_city else None,
        "home_building": (
            {"id": building.pk, "label": building_label(building)} if building else None
        ),
    }


@router.get("/settings", response=SettingsOut, summary="My settings")
def my_settings(request: HttpRequest) -> dict:
    return _settings_out(cast(User, request.auth))  # type: ignore[attr-defined]


@router.patch(
    "/settings",
    response=SettingsOut,
    summary="Change my settings (name, language, home city and address)",
    description="400 `unknown_city` (field `home_city`), 400 `address_outside_city` "
    "(field `home_building`) for an address of another city or none of the registry.",
)
def change_my_settings(request: HttpRequest, payload: SettingsIn) -> dict:
    user = cast(User, request.auth)  # type: ignore[attr-defined]
    city = (
        city_named(payload.home_city, field="home_city") if payload.home_city is not None else None
    )
    building = None
    if payload.home_building is not None:
        building = (
            Building.objects.select_related("street").filter(pk=payload.home_building).first()
        )
        if building is None:
            raise AddressOutsideCity(
                _("No such address in the registry of this city."), field="home_building"
            )
    update_personal_settings(
        user=user,
        full_name=payload.full_name,
        language=payload.language,
        home_city=city,
        home_building=building,
    )
    return _settings_out(user)


@router.get("/quiet-hours", response=QuietHoursOut, summary="My quiet hours")
def my_quiet_hours(request: HttpRequest) -> dict:
    user = cast(User, request.auth)  # type: ignore[attr-defined]
    return {"quiet_from": user.quiet_from, "quiet_until": user.quiet_until}


@router.put(
    "/quiet-hours",
    response=QuietHoursOut,
    summary="Set my quiet hours: e-mail and push wait until they end",
    description="Both times or neither (400 `invalid_subscription`, field `quiet_until`), "
    "and not the same time.",
)
def set_my_quiet_hours(request: HttpRequest, payload: QuietHoursIn) -> dict:
    user = cast(User, request.auth)  # type: ignore[attr-defined]
    set_quiet_hours(user=user, quiet_from=payload.quiet_from, quiet_until=payload.quiet_until)
    return {"quiet_from": user.quiet_from, "quiet_until": user.quiet_until}
