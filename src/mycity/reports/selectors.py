"""The committee's figures on appeals: how many arrived in a period, by channel,
subject, executor, district, result and timeliness, and each official's workload.

Every figure is counted by the database, one grouped query per table with conditional
counts; Python only lays out the few grouped rows. A period is of registration dates
(`Appeal.registered_on`, already the city's local date), both ends included.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from mycity.accounts.models import ROLES_NEEDING_ORGANISATION, Role, RoleKind
from mycity.appeals.models import CLOSED_STATUSES, Answer, Appeal, AppealEvent, EventKind, Status
from mycity.cities.calendar import WorkingCalendar
from mycity.cities.models import City

# An answered appeal's term is met or missed already; the rest of the open ones are
# still running against their deadline (as `appeals.deadlines.deadline_state` sees it).
FINISHED_STATUSES = sorted({*CLOSED_STATUSES, Status.ANSWERED})
OPEN_STATUSES = sorted({s.value for s in Status} - set(FINISHED_STATUSES))

# Finished by the answer when there is one, else by the closing move (a redirection, a
# notice that it is left without consideration, a withdrawal).
_FINISHED = Q(status__in=FINISHED_STATUSES)
_LATE = Q(answered_at__gt=F("deadline")) | Q(answered_at__isnull=True, closed_at__gt=F("deadline"))
_IN_TIME = (
    Q(answered_at__lte=F("deadline"))
    | Q(answered_at__isnull=True, closed_at__lte=F("deadline"))
    # Finished without a recorded moment: deadline_state calls it met, and so do we.
    | Q(answered_at__isnull=True, closed_at__isnull=True)
)
_OPEN = Q(status__in=OPEN_STATUSES)

TIMELINESS = ("total", "on_time", "late", "overdue", "in_term")


@dataclass(frozen=True)
class Counts:
    """Appeals of a group: all of them = on time + late + overdue + in term."""

    total: int = 0
    on_time: int = 0  # answered or finished by the deadline
    late: int = 0  # answered or finished after it
    overdue: int = 0  # still open, the deadline passed
    in_term: int = 0  # still open, within the term

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(*(getattr(self, f) + getattr(other, f) for f in TIMELINESS))

    @classmethod
    def of(cls, row: Any) -> "Counts":
        return cls(*(row[f] or 0 for f in TIMELINESS))


@dataclass(frozen=True)
class ReportFilters:
    start: date
    end: date
    # The executors the figures are limited to; None: the whole city. A head's
    # figures are always limited to their organisations.
    organisations: tuple[int, ...] | None = None
    channel: str | None = None
    kind: str | None = None


def _timeliness(now: datetime) -> dict[str, Any]:
    return {
        "total": Count("pk"),
        "on_time": Count("pk", filter=_FINISHED & _IN_TIME),
        "late": Count("pk", filter=_FINISHED & _LATE),
        "overdue": Count("pk", filter=_OPEN & Q(deadline__lt=now)),
        "in_term": Count("pk", filter=_OPEN & Q(deadline__gte=now)),
    }


def scoped_appeals(city: City, filters: ReportFilters) -> QuerySet[Appeal]:
    """The city's appeals the filters allow, of any registration date."""
    appeals = Appeal.objects.filter(city=city)
    if filters.organisations is not None:
        appeals = appeals.filter(organisation_id__in=filters.organisations)
    if filters.channel:
        appeals = appeals.filter(channel=filters.channel)
    if filters.kind:
        appeals = appeals.filter(kind=filters.kind)
    return appeals


def appeals_in_period(city: City, filters: ReportFilters) -> QuerySet[Appeal]:
    return scoped_appeals(city, filters).filter(
        registered_on__gte=filters.start, registered_on__lte=filters.end
    )


def overall(appeals: QuerySet[Appeal], *, now: datetime) -> Counts:
    return Counts.of(appeals.order_by().aggregate(**_timeliness(now)))


def by_channel(appeals: QuerySet[Appeal], *, now: datetime) -> dict[str, Counts]:
    rows = appeals.order_by().values("channel").annotate(**_timeliness(now)).order_by("channel")
    return {row["channel"]: Counts.of(row) for row in rows}


def _names(prefix: str) -> tuple[str, str, str]:
    return (f"{prefix}__name_ru", f"{prefix}__name_be", f"{prefix}__name_en")


def _translated(row: dict[str, Any], prefix: str) -> dict[str, str]:
    return {lang: row[f"{prefix}__name_{lang}"] or "" for lang in ("ru", "be", "en")}


@dataclass(frozen=True)
class CategoryFigures:
    category_id: int
    names: dict[str, str]
    # The group the leaf is filed under; a category without one is its own group.
    group_id: int
    group_names: dict[str, str]
    counts: Counts


def by_category(appeals: QuerySet[Appeal], *, now: datetime) -> list[CategoryFigures]:
    """Per leaf, in the catalogue's order: its group's, then its own."""
    rows = (
        appeals.order_by()
        .values(
            "category_id",
            *_names("category"),
            "category__display_order",
            "category__parent_id",
            *_names("category__parent"),
            "category__parent__display_order",
        )
        .annotate(**_timeliness(now))
        .order_by(
            F("category__parent__display_order").asc(nulls_first=True),
            F("category__parent__name_ru").asc(nulls_first=True),
            "category__parent_id",
            "category__display_order",
            "category__name_ru",
            "category_id",
        )
    )
    figures = []
    for row in rows:
        own = _translated(row, "category")
        has_group = row["category__parent_id"] is not None
        figures.append(
            CategoryFigures(
                category_id=row["category_id"],
                names=own,
                group_id=row["category__parent_id"] if has_group else row["category_id"],
                group_names=_translated(row, "category__parent") if has_group else own,
                counts=Counts.of(row),
            )
        )
    return figures


@dataclass(frozen=True)
class NamedFigures:
    """Counts of an organisation or a district (id None: the appeals without one)."""

    id: int | None
    slug: str
    names: dict[str, str]
    counts: Counts


def _by_named(appeals: QuerySet[Appeal], field: str, now: datetime) -> list[NamedFigures]:
    rows = (
        appeals.order_by()
        .values(f"{field}_id", f"{field}__slug", *_names(field))
        .annotate(**_timeliness(now))
        # The appeals without one last, on SQLite as on PostgreSQL.
        .order_by(
            F(f"{field}__name_ru").asc(nulls_last=True),
            F(f"{field}_id").asc(nulls_last=True),
        )
    )
    return [
        NamedFigures(
            id=row[f"{field}_id"],
            slug=row[f"{field}__slug"] or "",
            names=_translated(row, field),
            counts=Counts.of(row),
        )
        for row in rows
    ]


def by_organisation(appeals: QuerySet[Appeal], *, now: datetime) -> list[NamedFigures]:
    """Per executor the appeals are assigned to."""
    return _by_named(appeals, "organisation", now)


def by_registrar(appeals: QuerySet[Appeal], *, now: datetime) -> list[NamedFigures]:
    """Per organisation that registered what arrived by post, reception, phone, the
    book of remarks or the national system (appeals residents sent have none)."""
    return _by_named(appeals.filter(registrar__isnull=False), "registrar", now)


def by_district(appeals: QuerySet[Appeal], *, now: datetime) -> list[NamedFigures]:
    return _by_named(appeals, "district", now)


def by_result(appeals: QuerySet[Appeal]) -> dict[str, int]:
    """How many ended each way; "" are those still in work."""
    rows = appeals.order_by().values_list("result").annotate(n=Count("pk")).order_by("result")
    return {result: n for result, n in rows}


def by_status(appeals: QuerySet[Appeal]) -> dict[str, int]:
    """The same counting as the console queue's (`appeals.selectors.status_counts`)."""
    rows = appeals.order_by().values_list("status").annotate(n=Count("pk")).order_by("status")
    return {status: n for status, n in rows}


@dataclass(frozen=True)
class OfficialLoad:
    user_id: int
    name: str
    answers: int  # written in the period
    answers_on_time: int  # of them, by the appeal's deadline
    answers_late: int
    moves: int  # status changes made in the period
    open: int  # open now, assigned to the organisations they execute or head
    overdue: int  # of them, past the deadline


def period_moments(calendar: WorkingCalendar, filters: ReportFilters) -> tuple[datetime, datetime]:
    """The first and the last moment of the period in the city's time zone."""
    return (
        datetime.combine(filters.start, time.min, tzinfo=calendar.timezone),
        datetime.combine(filters.end, time.max, tzinfo=calendar.timezone),
    )


def workload(
    city: City, filters: ReportFilters, *, calendar: WorkingCalendar, now: datetime
) -> list[OfficialLoad]:
    """Each member of staff in scope (the city's, or the filtered organisations'):
    what they did in the period on the appeals registered in it, and which of those are
    open now at their organisations. The same appeals as every other table's, so the
    workload never counts an answer or an open appeal that the timeliness and result
    tables do not (a month's answers to the month before's appeals did). Four queries,
    whatever the number of people."""
    roles = Role.objects.filter(city=city).exclude(kind=RoleKind.RESIDENT)
    if filters.organisations is not None:
        roles = roles.filter(organisation_id__in=filters.organisations)
    staff: dict[int, tuple[str, set[int]]] = {}
    for user_id, full_name, email, kind, organisation_id in roles.order_by(
        "user__full_name", "user__email", "user_id", "pk"
    ).values_list("user_id", "user__full_name", "user__email", "kind", "organisation_id"):
        name, organisations = staff.setdefault(user_id, (full_name or email, set()))
        if kind in ROLES_NEEDING_ORGANISATION and organisation_id is not None:
            organisations.add(organisation_id)
    if not staff:
        return []

    appeals = appeals_in_period(city, filters)
    first, last = period_moments(calendar, filters)
    answers: dict[int, dict[str, Any]] = {
        row["author_id"]: dict(row)
        for row in Answer.objects.filter(
            author_id__in=list(staff),
            created_at__gte=first,
            created_at__lte=last,
            appeal__in=appeals.values("pk"),
        )
        .order_by()
        .values("author_id")
        .annotate(
            n=Count("pk"),
            on_time=Count("pk", filter=Q(created_at__lte=F("appeal__deadline"))),
            late=Count("pk", filter=Q(created_at__gt=F("appeal__deadline"))),
        )
        .order_by("author_id")
    }
    moves = dict(
        AppealEvent.objects.filter(
            kind=EventKind.TRANSITION,
            actor_id__in=list(staff),
            created_at__gte=first,
            created_at__lte=last,
            appeal__in=appeals.values("pk"),
        )
        .order_by()
        .values_list("actor_id")
        .annotate(n=Count("pk"))
        .order_by("actor_id")
    )
    open_at = {
        organisation_id: (n, overdue)
        for organisation_id, n, overdue in appeals.filter(_OPEN, organisation__isnull=False)
        .order_by()
        .values_list("organisation_id")
        .annotate(n=Count("pk"), overdue=Count("pk", filter=Q(deadline__lt=now)))
        .order_by("organisation_id")
    }
    loads = []
    for user_id, (name, organisations) in staff.items():
        answered = answers.get(user_id, {})
        loads.append(
            OfficialLoad(
                user_id=user_id,
                name=name,
                answers=answered.get("n", 0),
                answers_on_time=answered.get("on_time", 0),
                answers_late=answered.get("late", 0),
                moves=moves.get(user_id, 0),
                open=sum(open_at.get(o, (0, 0))[0] for o in organisations),
                overdue=sum(open_at.get(o, (0, 0))[1] for o in organisations),
            )
        )
    return loads
