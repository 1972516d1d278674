"""The analytics in the demo: a mayor, an oblast official (Vitebsk region: Polotsk,
Novopolotsk, Orsha) and a ministry official with one-click sign-ins; appeals for the
ten pilot cities that have only a centre (their catalogue, then a year of appeals in
proportion to their population, through the appeals' generator); and a year of daily
figures for every city, written by the analytics' own backfill."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import transaction

from mycity.accounts.models import User
from mycity.analytics.aggregation import today_in, write_days
from mycity.analytics.models import AggregatedDay, Observer, ObserverKind
from mycity.appeals.generator import generate_appeals
from mycity.appeals.models import Appeal, Category
from mycity.cities.models import City

# Polotsk has the demo's 3,000 appeals a year for 82,000 people; the others get a sixth
# of that rate, enough for every figure of the republic view and quick to load.
PILOT_APPEALS_PER_RESIDENT = 3000 / 82_000 / 6
DEMO_DAYS = 365

OBSERVERS = (
    ("mayor", "Михаил Мэров", ObserverKind.MAYOR),
    ("oblast", "Ольга Областная", ObserverKind.OBLAST),
    ("ministry", "Максим Министерский", ObserverKind.MINISTRY),
)


@transaction.atomic
def load_observers(
    polotsk: City, *, domain: str, make_user: Callable[[str, str], User]
) -> list[tuple[str, str]]:
    """The demo's mayor of Polotsk, Vitebsk oblast's official and the ministry's."""
    signed = []
    for login, full_name, kind in OBSERVERS:
        email = f"{login}@{domain}"
        user = make_user(email, full_name)
        city = polotsk if kind == ObserverKind.MAYOR else None
        region = polotsk.region if kind == ObserverKind.OBLAST else ""
        Observer.objects.get_or_create(user=user, kind=kind, city=city, region=region)
        signed.append((str(kind.label), email))
    return signed


def load_pilot_appeals(polotsk: City, *, load_categories: Callable[[City], Any]) -> int:
    """A year of appeals for each pilot city without any; their number."""
    written = 0
    for city in City.objects.filter(is_active=True).exclude(pk=polotsk.pk).order_by("pk"):
        if Appeal.objects.filter(city=city).exists():
            continue
        if not Category.objects.filter(city=city).exists():
            load_categories(city)
        count = max(150, round(city.population * PILOT_APPEALS_PER_RESIDENT))
        written += generate_appeals(city=city, count=count, days=DEMO_DAYS, seed=city.pk).appeals
    return written


def load_daily_figures() -> int:
    """The year's daily figures of every city that has none yet (the backfill); the
    days written."""
    days = 0
    for city in City.objects.filter(is_active=True).order_by("pk"):
        if AggregatedDay.objects.filter(city=city).exists():
            continue
        yesterday = today_in(city) - timedelta(days=1)
        days += write_days(
            city=city, first=yesterday - timedelta(days=DEMO_DAYS - 1), last=yesterday
        ).days
    return days


def observer_sign_ins(domain: str) -> list[tuple[str, str]]:
    return [
        (str(row.get_kind_display()), row.user.email)
        for row in Observer.objects.filter(user__email__endswith=f"@{domain}")
        .select_related("user")
        .order_by("user__email")
    ]
