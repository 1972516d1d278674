"""A day's figures counted from the appeals themselves: what the nightly task writes
for a closed day, and what the dashboards show for today (up to now).

Each count belongs to the day, in the city's time zone, on which its event happened
(docs/analytics.md): an appeal registered on Monday and answered on Tuesday is
received on Monday and answered on Tuesday. A group is the appeal's category,
district, executor and channel as they are when counted. Seven indexed queries per
city and day, whatever the size of the register.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Exists, F, OuterRef, Q

from mycity.analytics.grid import cell_of
from mycity.analytics.models import DURATION_BOUNDS_HOURS, DURATION_BUCKETS
from mycity.analytics.sectors import sectors_of
from mycity.appeals.models import Appeal, AppealEvent, AppealKind, EventKind, Status
from mycity.cities.models import City

# category, district, organisation, channel
GroupKey = tuple[int, int | None, int | None, str]
GROUP = ("category_id", "district_id", "organisation_id", "channel")
APPEAL_GROUP = tuple(f"appeal__{name}" for name in GROUP)

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
    # (category, row, column) -> problem reports received
    cells: dict[tuple[int, int, int], int]


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
    start, end = day_window(city, day)
    if until is not None:
        end = min(end, until)
    groups: dict[GroupKey, Tally] = defaultdict(Tally)
    appeals = Appeal.objects.filter(city=city).order_by()

    for key in appeals.filter(registered_on=day).values_list(*GROUP):
        groups[key].received += 1

    for *key, submitted_at, answered_at, deadline in appeals.filter(
        answered_at__gte=start, answered_at__lt=end
    ).values_list(*GROUP, "submitted_at", "answered_at", "deadline"):
        tally = groups[tuple(key)]
        tally.answered += 1
        tally.answer[duration_bucket(submitted_at, answered_at)] += 1
        tally.finished += 1
        tally.finished_on_time += answered_at <= deadline

    for *key, closed_at, deadline in appeals.filter(
        answered_at__isnull=True, closed_at__gte=start, closed_at__lt=end
    ).values_list(*GROUP, "closed_at", "deadline"):
        tally = groups[tuple(key)]
        tally.finished += 1
        tally.finished_on_time += closed_at <= deadline

    events = AppealEvent.objects.filter(
        appeal__city=city, created_at__gte=start, created_at__lt=end
    ).order_by()
    first_moves = Q(
        kind=EventKind.TRANSITION, from_status__in=FIRST_ACTION_FROM, actor__isnull=False
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
        tally = groups[tuple(key)]
        tally.first_actions += 1
        tally.first_action[duration_bucket(submitted_at, created_at)] += 1

    for key in events.filter(kind=EventKind.TRANSITION, to_status=Status.REOPENED).values_list(
        *APPEAL_GROUP
    ):
        groups[key].reopened += 1

    for *key, rating in events.filter(kind=EventKind.RATED).values_list(
        *APPEAL_GROUP, "data__rating"
    ):
        if isinstance(rating, int) and 1 <= rating <= 5:
            tally = groups[tuple(key)]
            tally.ratings += 1
            tally.rating_sum += rating

    cells: dict[tuple[int, int, int], int] = defaultdict(int)
    for category_id, lat, lon in appeals.filter(
        registered_on=day, kind=AppealKind.PROBLEM, lat__isnull=False, lon__isnull=False
    ).values_list("category_id", "lat", "lon"):
        if lat is not None and lon is not None:  # the filter says so; mypy cannot know
            cells[(category_id, *cell_of(lat, lon))] += 1

    return DayCounts(
        city=city, day=day, sectors=sectors_of(city), groups=dict(groups), cells=dict(cells)
    )
