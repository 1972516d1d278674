"""A resident's subscriptions to the city's notices, news and events through the API:
what the subscriptions page offers (the home address, other addresses, districts,
kinds of notices, news tags, categories of events, the channels), saved by the same
service (`accounts.subscriptions`).

The browser session by default; src/mycity/api.py mounts the router at
/me/subscriptions so that a personal access token (scope `resident`) works too.
"""

from typing import Annotated, Literal, cast

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.security import django_auth

from mycity.accounts.errors import InvalidSubscription
from mycity.accounts.models import User
from mycity.accounts.subscriptions import notice_subscriptions, save_notice_subscriptions
from mycity.cities.addresses import building_label
from mycity.cities.models import Building, City
from mycity.cities.selectors import city_named
from mycity.content.models import EventCategory, NoticeKind
from mycity.core.api_formats import MAX_ID, NOT_BOOL, JsonBool

router = Router(tags=["my subscriptions"], auth=django_auth)

SLUG = r"^[-a-zA-Z0-9_]+$"
Channel = Literal["in_app", "email", "webpush"]
# As the page offers them to one who never chose: in the app and by e-mail.
DEFAULT_CHANNELS: list[Channel] = ["in_app", "email"]
BuildingId = Annotated[int, Field(ge=1, le=MAX_ID), NOT_BOOL]


class SubscribedAddressOut(Schema):
    id: int
    label: str


class SubscriptionsOut(Schema):
    city: str
    home: bool = Field(description="Outages and works at my home address.")
    addresses: list[SubscribedAddressOut] = Field(description="Other addresses.")
    districts: list[str] = Field(description="Everything in these districts (slugs).")
    kinds: list[NoticeKind] = Field(description="These kinds of notices in the whole city.")
    news_tags: list[str]
    event_categories: list[EventCategory]
    channels: list[Channel]


class SubscriptionsIn(Schema):
    """Replaces all my subscriptions in the city."""

    city: str = Field(max_length=50, pattern=SLUG)
    home: JsonBool = False
    addresses: list[BuildingId] = Field(
        default_factory=list, max_length=50, description="Buildings' ids (`/addresses`)."
    )
    districts: list[Annotated[str, Field(max_length=50, pattern=SLUG)]] = Field(
        default_factory=list, max_length=100
    )
    kinds: list[NoticeKind] = Field(default_factory=list)
    news_tags: list[Annotated[str, Field(max_length=50)]] = Field(
        default_factory=list, max_length=20
    )
    event_categories: list[EventCategory] = Field(default_factory=list)
    channels: list[Channel] = Field(default_factory=DEFAULT_CHANNELS.copy)


class CityQuery(Schema):
    city: str | None = Field(
        None, max_length=50, pattern=SLUG, description="A city's slug; by default, my home city's."
    )


def _out(user: User, city: City) -> dict:
    current = notice_subscriptions(user, city)
    return {
        "city": city.slug,
        "home": current.home,
        "addresses": [{"id": b.pk, "label": building_label(b)} for b in current.addresses],
        "districts": [d.slug for d in current.districts],
        "kinds": current.kinds,
        "news_tags": current.news_tags,
        "event_categories": current.event_categories,
        "channels": current.channels,
    }


@router.get("", response=SubscriptionsOut, summary="My subscriptions in a city")
def my_subscriptions(request: HttpRequest, query: Query[CityQuery]) -> dict:
    user = cast(User, request.auth)  # type: ignore[attr-defined]
    if query.city is not None:
        city = city_named(query.city, field="city")
    elif user.home_city_id and user.home_city is not None:
        city = user.home_city
    else:
        raise InvalidSubscription(_("Choose the city, or set your home city."), field="city")
    return _out(user, city)


@router.put(
    "",
    response=SubscriptionsOut,
    summary="Replace my subscriptions in a city",
    description="400 `invalid_subscription` with the field: an address or district that is "
    "not the city's, `home` without a home address in the city.",
)
def save_my_subscriptions(request: HttpRequest, payload: SubscriptionsIn) -> dict:
    user = cast(User, request.auth)  # type: ignore[attr-defined]
    city = city_named(payload.city, field="city")
    districts = list(city.districts.defer("boundary").filter(slug__in=payload.districts))
    if len(districts) != len(set(payload.districts)):
        raise InvalidSubscription(_("The district is not in this city."), field="districts")
    buildings = list(Building.objects.filter(pk__in=payload.addresses))
    if len(buildings) != len(set(payload.addresses)):
        raise InvalidSubscription(
            _("No such address in the registry of this city."), field="addresses"
        )
    with transaction.atomic():
        save_notice_subscriptions(
            user=user,
            city=city,
            home=payload.home,
            districts=districts,
            kinds=payload.kinds,
            news_tags=payload.news_tags,
            event_categories=payload.event_categories,
            addresses=buildings,
            channels=payload.channels,
        )
    return _out(user, city)
