"""A day's figures counted from the appeals themselves: what the nightly task writes
for a closed day, and what the dashboards show for today (up to now).

Each count belongs to the day, in the city's time zone, on which its event happened
(docs/analytics.md): an appeal registered on Monday and answered on Tuesday is
received on Monday and answered on Tuesday. A group is the appeal's category,
district, executor and channel as they are when counted. Seven indexed queries per
city and day, whatever the size of the register.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.lookups import IsNull

from mycity.analytics.grid import cell_of
from mycity.analytics.models import DURATION_BOUNDS_HOURS, DURATION_BUCKETS
from mycity.analytics.sectors import sectors_of
from mycity.appeals.models import Appeal, AppealEvent, AppealKind, EventKind, Status
from mycity.cities.models import City

# category, district, organisation, channel
GroupKey = tuple[int, int | None, int | None, str]
GROUP = ("category_id", "district_id", "organisation_id", "channel")
APPEAL_GROUP = tuple(f"appeal__{name}" for name in GROUP)

# Up to this many days are counted from the events of the period rather than from the
# city's appeals (the nightly run: one day).
SHORT_WINDOW_DAYS = 7

# What leaves the first queue: a move out of "submitted" or "moderation" made by
# someone other than the applicant (the automatic move to moderation has no actor).
FIRST_ACTION_FROM = (Status.SUBMITTED, Status.MODERATION)


def duration_bucket(start: datetime, end: datetime) -> int:
    hours = max((end - start).total_seconds(), 0) / 3600
    for i, bound in enumerate(DURATION_BOUNDS_HOURS):
        if hours <= bound:
            return i
    return len(DURATION_BOUNDS_HOURS)


@dataclass
class Tally:
    received: int = 0
    first_actions: int = 0
    answered: int = 0
    finished: int = 0
    finished_on_time: int = 0
    reopened: int = 0
    ratings: int = 0
    rating_sum: int = 0
    first_action: list[int] = field(default_factory=lambda: [0] * DURATION_BUCKETS)
    answer: list[int] = field(default_factory=lambda: [0] * DURATION_BUCKETS)

    def columns(self) -> dict[str, int]:
        values = {
            name: getattr(self, name)
            for name in (
                "received",
                "first_actions",
                "answered",
                "finished",
                "finished_on_time",
                "reopened",
                "ratings",
                "rating_sum",
            )
        }
        for measure in ("first_action", "answer"):
            values |= {f"{measure}_{i}": n for i, n in enumerate(getattr(self, measure))}
        return values


@dataclass
class DayCounts:
    city: City
    day: date
    sectors: dict[int, str]
    groups: dict[GroupKey, Tally]
    # (category, district, organisation, channel, row, column) -> problem reports received
    cells: dict[tuple[int, int | None, int | None, str, int, int], int]


def day_window(city: City, day: date) -> tuple[datetime, datetime]:
    """The first moment of the day and of the next one, in the city's time zone (a day
    of 23 or 25 hours where the clocks change)."""
    zone = ZoneInfo(city.timezone)
    return (
        datetime.combine(day, time.min, tzinfo=zone),
        datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone),
    )


def count_day(city: City, day: date, *, until: datetime | None = None) -> DayCounts:
    """The city's counts of `day`; `until` cuts today's short at the present moment."""
    return count_days(city, day, day, until=until)[day]


# How long today's live counts are shared between the readers of a city's dashboard.
TODAY_SHARED_S = 60


def count_today(city: City, today: date, *, now: datetime) -> DayCounts:
    """Today's counts up to now, shared for a minute by everyone who opens the city's
    dashboard: counting a big city's day live costs seven queries over the day's events
    (about 80 ms for a city of 150,000 appeals a year), and figures of a day a minute
    old are current enough. Closed days never come from here."""
    key = f"analytics:today:{city.pk}:{today.isoformat()}"
    counts = cache.get(key)
    if counts is None:
        counts = count_day(city, today, until=now)
        cache.set(key, counts, TODAY_SHARED_S)
    return counts


def count_days(
    city: City, first: date, last: date, *, until: datetime | None = None
) -> dict[date, DayCounts]:
    """The counts of every day from `first` to `last` (both included) with the same
    seven queries as one day: each row goes to the local day of its moment."""
    start = day_window(city, first)[0]
    end = day_window(city, last)[1]
    if until is not None:
        end = min(end, until)
    zone = ZoneInfo(city.timezone)
    sectors = sectors_of(city)
    days: dict[date, DayCounts] = {}
    day = first
    while day <= last:
        days[day] = DayCounts(city=city, day=day, sectors=sectors, groups={}, cells={})
        day += timedelta(days=1)

    def tally(moment: date | datetime, key: tuple) -> Tally:
        local = moment if not isinstance(moment, datetime) else moment.astimezone(zone).date()
        groups = days[local].groups
        if key not in groups:
            groups[key] = Tally()
        return groups[key]

    appeals = Appeal.objects.filter(city=city).order_by()
    registered = appeals.filter(registered_on__gte=first, registered_on__lte=last)

    for *key, registered_on in registered.values_list(*GROUP, "registered_on"):
        tally(registered_on, tuple(key)).received += 1

    for *key, submitted_at, answered_at, deadline in appeals.filter(
        answered_at__gte=start, answered_at__lt=end
    ).values_list(*GROUP, "submitted_at", "answered_at", "deadline"):
        counted = tally(answered_at, tuple(key))
        counted.answered += 1
        counted.answer[duration_bucket(submitted_at, answered_at)] += 1
        counted.finished += 1
        counted.finished_on_time += answered_at <= deadline

    for *key, closed_at, deadline in appeals.filter(
        answered_at__isnull=True, closed_at__gte=start, closed_at__lt=end
    ).values_list(*GROUP, "closed_at", "deadline"):
        counted = tally(closed_at, tuple(key))
        counted.finished += 1
        counted.finished_on_time += closed_at <= deadline

    events = AppealEvent.objects.filter(created_at__gte=start, created_at__lt=end).order_by()
    if last - first < timedelta(days=SHORT_WINDOW_DAYS):
        # A few days: walk the events by their moment and check each one's city. Written
        # as `city + 0` so that SQLite (which has no statistics) does not walk every
        # appeal of the city by its city index instead, as it rightly does for a quarter.
        events = events.alias(of_city=F("appeal__city_id") + 0).filter(of_city=city.pk)
    else:
        events = events.filter(appeal__city=city)
    # `actor + 0`: nearly every event has an actor, yet PostgreSQL ANDed in a bitmap of
    # all of them from the actor's index (51 of the 66 ms of a big city's day at 1M).
    first_moves = Q(
        IsNull(F("actor_id") + 0, False),
        kind=EventKind.TRANSITION,
        from_status__in=FIRST_ACTION_FROM,
    ) & ~Q(actor_id=F("appeal__applicant_id"))
    earlier = AppealEvent.objects.filter(
        first_moves, appeal_id=OuterRef("appeal_id"), created_at__lt=OuterRef("created_at")
    )
    seen: set[int] = set()
    for appeal_id, *key, submitted_at, created_at in (
        events.filter(first_moves)
        .filter(~Exists(earlier))
        .values_list("appeal_id", *APPEAL_GROUP, "appeal__submitted_at", "created_at")
        .order_by("created_at", "pk")
    ):
        if appeal_id in seen:  # two moves at the very same moment
            continue
        seen.add(appeal_id)
        counted = tally(created_at, tuple(key))
        counted.first_actions += 1
        counted.first_action[duration_bucket(submitted_at, created_at)] += 1

    for *key, created_at in events.filter(
        kind=EventKind.TRANSITION, to_status=Status.REOPENED
    ).values_list(*APPEAL_GROUP, "created_at"):
        tally(created_at, tuple(key)).reopened += 1

    for *key, rating, created_at in events.filter(kind=EventKind.RATED).values_list(
        *APPEAL_GROUP, "data__rating", "created_at"
    ):
        if isinstance(rating, int) and 1 <= rating <= 5:
            counted = tally(created_at, tuple(key))
            counted.ratings += 1
            counted.rating_sum += rating

    for *key, lat, lon, registered_on in registered.filter(
        kind=AppealKind.PROBLEM, lat__isnull=False, lon__isnull=False
    ).values_list(*GROUP, "lat", "lon", "registered_on"):
        if lat is not None and lon is not None:  # the filter says so; mypy cannot know
            cells = days[registered_on].cells
            category_id, district_id, organisation_id, channel = key
            cell = (category_id, district_id, organisation_id, channel, *cell_of(lat, lon))
            cells[cell] = cells.get(cell, 0) + 1

    return days
