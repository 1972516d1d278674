"""Commands on what a resident wants to hear about: their subscriptions to notices in a
city (their home address, districts, kinds of notices), the channels, quiet hours, and
the one-click unsubscribe from e-mail (RFC 8058)."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import time

from django.core import signing
from django.db import transaction
from django.utils.translation import gettext as _

from mycity.accounts.errors import InvalidSubscription
from mycity.accounts.models import Subscription, SubscriptionKind, User
from mycity.cities.models import Building, City, District

CHANNELS = ("in_app", "email", "webpush")
UNSUBSCRIBE_SALT = "mycity.unsubscribe"


@dataclass(frozen=True)
class NoticeSubscriptions:
    home: bool
    districts: list[District]
    kinds: list[str]
    channels: list[str]
    news_tags: list[str] = field(default_factory=list)
    event_categories: list[str] = field(default_factory=list)
    addresses: list[Building] = field(default_factory=list)  # besides the home address


def notice_subscriptions(user: User, city: City) -> NoticeSubscriptions:
    rows = list(
        Subscription.objects.filter(user=user, city=city)
        .select_related("district", "building__street")
        .order_by("pk")
    )
    channels = sorted({c for row in rows for c in row.channels}, key=CHANNELS.index)
    return NoticeSubscriptions(
        home=any(
            r.kind == SubscriptionKind.ADDRESS and r.building_id == user.home_building_id
            for r in rows
        ),
        districts=[r.district for r in rows if r.kind == SubscriptionKind.DISTRICT and r.district],
        kinds=[r.topic for r in rows if r.kind == SubscriptionKind.NOTICE_KIND],
        news_tags=[r.topic for r in rows if r.kind == SubscriptionKind.NEWS_TAG],
        event_categories=[r.topic for r in rows if r.kind == SubscriptionKind.EVENT_CATEGORY],
        addresses=[
            r.building
            for r in rows
            if r.kind == SubscriptionKind.ADDRESS
            and r.building is not None
            and r.building_id != user.home_building_id
        ],
        channels=channels or ["in_app", "email"],
    )


def save_notice_subscriptions(
    *,
    user: User,
    city: City,
    home: bool,
    districts: Iterable[District],
    kinds: Iterable[str],
    channels: Iterable[str],
    news_tags: Iterable[str] = (),
    event_categories: Iterable[str] = (),
    addresses: Iterable[Building] = (),
) -> list[Subscription]:
    """Replace the resident's subscriptions in the city with these."""
    from mycity.content.models import EventCategory, NoticeKind
    from mycity.content.news import clean_tags

    chosen = ["in_app", *(c for c in dict.fromkeys(channels) if c != "in_app")]
    if any(c not in CHANNELS for c in chosen):
        raise InvalidSubscription(_("There is no such channel."), field="channels")
    kinds = list(dict.fromkeys(kinds))
    if any(kind not in NoticeKind.values for kind in kinds):
        raise InvalidSubscription(_("There is no such kind of notices."), field="kinds")
    tags = clean_tags(list(news_tags))
    categories = list(dict.fromkeys(event_categories))
    if any(category not in EventCategory.values for category in categories):
        raise InvalidSubscription(_("There is no such category of events."), field="events")
    districts = list(districts)
    if any(d.city_id != city.pk for d in districts):
        raise InvalidSubscription(_("The district is not in this city."), field="districts")
    if home and (user.home_building is None or user.home_building.city_id != city.pk):
        raise InvalidSubscription(
            _("Give your home address in this city in the settings first."), field="home"
        )
    buildings = list({b.pk: b for b in addresses}.values())
    if any(b.city_id != city.pk for b in buildings):
        raise InvalidSubscription(_("The address is not in this city."), field="addresses")
    if home and user.home_building is not None:
        buildings = [user.home_building, *(b for b in buildings if b.pk != user.home_building_id)]
    rows = [Subscription(kind=SubscriptionKind.ADDRESS, building=b) for b in buildings]
    rows += [Subscription(kind=SubscriptionKind.DISTRICT, district=d) for d in districts]
    rows += [Subscription(kind=SubscriptionKind.NOTICE_KIND, topic=k) for k in kinds]
    rows += [Subscription(kind=SubscriptionKind.NEWS_TAG, topic=t) for t in tags]
    rows += [Subscription(kind=SubscriptionKind.EVENT_CATEGORY, topic=c) for c in categories]
    for row in rows:
        row.user, row.city, row.channels = user, city, chosen
    with transaction.atomic():
        Subscription.objects.filter(user=user, city=city).delete()
        return Subscription.objects.bulk_create(rows)


def set_quiet_hours(*, user: User, quiet_from: time | None, quiet_until: time | None) -> User:
    if (quiet_from is None) != (quiet_until is None):
        raise InvalidSubscription(
            _("Give both the start and the end of the quiet hours, or neither."),
            field="quiet_until",
        )
    if quiet_from is not None and quiet_from == quiet_until:
        raise InvalidSubscription(
            _("The quiet hours must start and end at different times."), field="quiet_until"
        )
    user.quiet_from, user.quiet_until = quiet_from, quiet_until
    user.save(update_fields=["quiet_from", "quiet_until"])
    return user


def unsubscribe_token(user: User) -> str:
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_from_email(token: str) -> User:
    """Stop the e-mails of every subscription of the token's user (one click from the
    e-mail). Their in-app notifications and their own appeals' e-mails go on."""
    try:
        user_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)["u"]
    except (signing.BadSignature, KeyError, TypeError):
        raise InvalidSubscription(_("The unsubscribe link is not valid."), field="token") from None
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise InvalidSubscription(_("The unsubscribe link is not valid."), field="token")
    with transaction.atomic():
        for row in Subscription.objects.select_for_update().filter(user=user):
            if "email" in row.channels:
                row.channels = [c for c in row.channels if c != "email"]
                row.save(update_fields=["channels"])
    return user
