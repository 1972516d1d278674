"""Reads of categories, appeals, public reports and timelines."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from mycity.accounts.models import ROLES_NEEDING_ORGANISATION
from mycity.accounts.permissions import Action, may, roles_of
from mycity.appeals import search
from mycity.appeals.access import FULL_APPEAL_PREFETCH, Audience
from mycity.appeals.applicant import PERSONAL_FIELDS
from mycity.appeals.models import (
    CLOSED_STATUSES,
    Answer,
    ApiClient,
    Appeal,
    AppealEvent,
    AppealFile,
    AppealKind,
    Category,
    EventKind,
    FileRole,
    Status,
)
from mycity.cities.models import City, District
from mycity.core.geo import box_around, distance_m

DUPLICATE_RADIUS_M = 50
NOTES_TO_APPLICANT = frozenset({"reject", "redirect", "merge", "reopen"})
# Events whose note is written to the applicant, or by them.
KINDS_NOTED_TO_APPLICANT = frozenset(
    {EventKind.EXTENDED, EventKind.RATED, EventKind.INFO_REQUESTED, EventKind.INFO_ADDED}
)
MAX_PAGE = 200
FEW_ROWS = 5000  # a queue's filtered appeals up to which their ids are read first
LATELY = 2000  # the newest public reports that say which categories are most used


def categories_of(
    city: City, *, kind: str | None = None, names_only: bool = False
) -> list[Category]:
    """The city's active categories, each parent followed by its children (depth first);
    `names_only` loads just what a list of choices shows (the catalogue's rows are wide,
    with their default organisation's even wider: most of a choice list's time)."""
    categories = Category.objects.filter(city=city, is_active=True)
    if names_only:
        categories = categories.only(
            "parent", "slug", "kind", "display_order", "name_ru", "name_be", "name_en", "synonyms"
        )
    else:
        categories = categories.select_related("default_organisation")
    if kind:
        categories = categories.filter(kind=kind)
    ordered = list(categories.order_by("display_order", "name_ru", "pk"))
    children: dict[int | None, list[Category]] = {}
    for category in ordered:
        children.setdefault(category.parent_id, []).append(category)
    present = {category.pk for category in ordered}
    tree: list[Category] = []

    def walk(parent_id: int | None) -> None:
        for category in children.get(parent_id, []):
            tree.append(category)
            walk(category.pk)

    # Roots, and categories whose parent is filtered out, start a branch.
    for parent_id in [None, *(p for p in children if p is not None and p not in present)]:
        walk(parent_id)
    return tree


def most_used_categories(city: City, *, limit: int = 5) -> list[int]:
    """The categories of the city's newest public reports, most reported first: what a
    resident is most likely looking for. Read from the newest-first index, so its cost
    does not grow with the city's history."""
    newest = Appeal.objects.filter(city=city, is_public=True).order_by("-id")
    counts = Counter(newest.values_list("category_id", flat=True)[:LATELY])
    return [category_id for category_id, _ in counts.most_common(limit)]


def leaf_categories(city: City) -> QuerySet[Category]:
    return Category.objects.filter(city=city, is_active=True, children__isnull=True)


def catalogue_tree(city: City) -> list[tuple[Category, list[Category]]]:
    """The city's whole catalogue, retired categories too, as its administrator edits it:
    each top category in display order with the categories inside it."""
    rows = list(
        Category.objects.filter(city=city)
        .select_related("parent", "default_organisation")
        .defer("default_organisation__service_area")
        .order_by("display_order", "name_ru")
    )
    children: dict[int | None, list[Category]] = {}
    for category in rows:
        children.setdefault(category.parent_id, []).append(category)
    return [(top, children.get(top.pk, [])) for top in children.get(None, [])]


@dataclass(frozen=True)
class ReportFilters:
    categories: tuple[str, ...] = ()
    # Ids of categories the caller already holds (a new report's "similar ones"): no lookup.
    category_ids: tuple[int, ...] = ()
    statuses: tuple[str, ...] = ()  # lifecycle statuses, or "open" / "closed"
    district: str | None = None
    bbox: tuple[float, float, float, float] | None = None  # min_lat, min_lon, max_lat, max_lon
    near: tuple[float, float, float] | None = None  # lat, lon, radius in metres
    since: datetime | None = None
    until: datetime | None = None


def _status_q(statuses: Iterable[str]) -> Q:
    wanted: set[str] = set()
    for status in statuses:
        if status == "open":
            wanted |= {s.value for s in Status} - {s.value for s in CLOSED_STATUSES}
        elif status == "closed":
            wanted |= {s.value for s in CLOSED_STATUSES}
        else:
            wanted.add(status)
    return Q(status__in=sorted(wanted))


def _filtered_reports(city: City, filters: ReportFilters) -> QuerySet[Appeal] | None:
    """The city's public reports matching everything but the place; None when a named
    category or district does not exist."""
    reports = Appeal.objects.filter(city=city, is_public=True)
    # Slugs become ids first, so the query is one table on the (city, category, id, point)
    # index rather than a join the planner may start from the wrong side.
    if filters.categories:
        category_ids = list(
            Category.objects.filter(city=city, slug__in=filters.categories).values_list(
                "pk", flat=True
            )
        )
        if not category_ids:
            return None
        reports = reports.filter(category_id__in=category_ids)
    if filters.category_ids:
        reports = reports.filter(category_id__in=filters.category_ids)
    if filters.statuses:
        reports = reports.filter(_status_q(filters.statuses))
    if filters.district:
        district_id = (
            District.objects.filter(city=city, slug=filters.district)
            .values_list("pk", flat=True)
            .first()
        )
        if district_id is None:
            return None
        reports = reports.filter(district_id=district_id)
    if filters.since:
        reports = reports.filter(submitted_at__gte=filters.since)
    if filters.until:
        reports = reports.filter(submitted_at__lt=filters.until)
    return reports


def public_report_before(city: City, filters: ReportFilters, *, skip: int) -> int | None:
    """Where a numbered page continues from: the id of the `skip`-th newest report
    matching `filters` (pass it as `after_id`); None when there are fewer. For Open311's
    paging extension; without the place filters."""
    reports = _filtered_reports(city, filters)
    if reports is None or skip <= 0:
        return None
    found = list(reports.order_by("-pk").values_list("pk", flat=True)[skip - 1 : skip])
    return found[0] if found else None


def public_reports(
    city: City, filters: ReportFilters, *, after_id: int | None = None, limit: int = 50
) -> list[Appeal]:
    """Public problem reports, newest first; `after_id` continues a page."""
    reports = _filtered_reports(city, filters)
    if reports is None:
        return []
    box = filters.bbox
    if filters.near is not None:
        lat, lon, radius = filters.near
        around = box_around(lat, lon, radius)
        box = (around.min_lat, around.min_lon, around.max_lat, around.max_lon)
    if box is not None:
        reports = reports.filter(lat__range=(box[0], box[2]), lon__range=(box[1], box[3]))
    if after_id is not None:
        reports = reports.filter(pk__lt=after_id)
    reports = reports.order_by("-pk")
    limit = max(1, min(limit, MAX_PAGE))
    if filters.near is None:
        return list(_with_relations(reports)[:limit])
    # The box holds the circle: measure bare (id, point) rows from the index, newest
    # first, and load whole reports only for the ones really within the radius. Pages
    # with a LIMIT, not a cursor: a server-side cursor on PostgreSQL costs round trips
    # and is planned for reading everything.
    lat, lon, radius = filters.near
    within: list[int] = []
    chunk = limit * 4  # the circle fills π/4 of its box: one chunk is nearly always enough
    points = reports.values_list("pk", "lat", "lon")
    while True:
        rows = list(points[:chunk])
        for pk, report_lat, report_lon in rows:
            # The box filter has already left out reports without a point.
            if distance_m(lat, lon, report_lat or 0.0, report_lon or 0.0) <= radius:
                within.append(pk)
        if len(within) >= limit or len(rows) < chunk:
            break
        points = points.filter(pk__lt=rows[-1][0])
    within = within[:limit]
    if not within:
        return []
    return list(_with_relations(Appeal.objects.filter(pk__in=within)).order_by("-pk"))


# What a public report never shows: personal data, and the relations' big JSON
# documents (parsed once per row otherwise: a third of a page's time).
_NOT_IN_A_REPORT = (
    "extra",
    *PERSONAL_FIELDS,
    "city__boundary",
    "category__extra_fields",
    "district__boundary",
    "organisation__service_area",
    "organisation__working_hours",
    "organisation__activities",
)


def _with_relations(reports: QuerySet[Appeal]) -> QuerySet[Appeal]:
    return reports.select_related("city", "category", "district", "organisation").defer(
        *_NOT_IN_A_REPORT
    )


def similar_open_reports(
    city: City, category: Category, *, lat: float, lon: float, radius_m: float = DUPLICATE_RADIUS_M
) -> list[Appeal]:
    """Open public reports of the category close to a point: candidates for "me too"."""
    filters = ReportFilters(
        category_ids=(category.pk,), statuses=("open",), near=(lat, lon, radius_m)
    )
    return public_reports(city, filters, limit=10)


def appeals_of(user: Any, *, after_id: int | None = None, limit: int = 50) -> list[Appeal]:
    appeals = Appeal.objects.filter(applicant=user)
    if after_id is not None:
        appeals = appeals.filter(pk__lt=after_id)
    return list(
        appeals.select_related("city", "category", "organisation", "addressee", "district")
        .defer("city__boundary", "district__boundary", "organisation__service_area")
        .prefetch_related(*FULL_APPEAL_PREFETCH)
        .order_by("-pk")[: max(1, min(limit, MAX_PAGE))]
    )


@dataclass(frozen=True)
class QueueFilters:
    statuses: tuple[str, ...] = ()
    organisation: str | None = None
    unassigned: bool = False
    kind: str | None = None
    categories: tuple[str, ...] = ()
    district: str | None = None
    overdue_at: datetime | None = None  # only those past their deadline at this moment
    due_before: datetime | None = None  # only open ones due before this moment
    number: str | None = None
    text: str | None = None  # full-text search (see `search_appeals`)
    by_deadline: bool = False  # the most urgent first, instead of the newest


def search_appeals(
    appeals: QuerySet[Appeal], text: str, *, organisations: Iterable[int] | None = None
) -> QuerySet[Appeal]:
    """The appeals of `appeals` whose description, address, number or extra fields
    have every word of `text`, in any form (`appeals.search`); all of them when `text`
    has no word. `organisations`: the executors `appeals` is limited to, if it is."""
    ids = search.matching_ids(text, appeals.db, organisations=organisations)
    return appeals if ids is None else appeals.filter(pk__in=ids)


def handled_in(user: Any, city: City) -> QuerySet[Appeal] | None:
    """The appeals of `city` that `user` works as staff; None when the user handles
    none of the city's appeals. A dispatcher works the city's; a moderator those
    waiting in moderation; an executor those assigned to their organisation."""
    appeals = Appeal.objects.filter(city=city)
    if may(user, Action.DISPATCH, city):
        return appeals
    if may(user, Action.MODERATE, city):
        return appeals.filter(status=Status.MODERATION)
    organisations = _executor_organisations(user, city)
    if not organisations:
        return None
    return appeals.filter(organisation_id__in=organisations)


def _executor_organisations(user: Any, city: City) -> list[int]:
    return [
        role.organisation_id
        for role in roles_of(user)
        if role.kind in ROLES_NEEDING_ORGANISATION
        and role.city_id == city.pk
        and role.organisation_id is not None
    ]


def status_counts(
    appeals: QuerySet[Appeal], *, statuses: Iterable[str] | None = None
) -> dict[str, int]:
    """How many appeals of each status (of `statuses`, or all), in one query."""
    if statuses is not None:
        appeals = appeals.filter(status__in=list(statuses))
    rows = appeals.order_by().values_list("status").annotate(n=Count("pk"))
    return {status: n for status, n in rows}


def appeals_handled_by(
    user: Any,
    city: City,
    filters: QueueFilters,
    *,
    after_id: int | None = None,
    limit: int = 50,
    with_details: bool = True,
) -> list[Appeal] | None:
    """A page of the appeals `user` handles in `city` (see `handled_in`), newest first;
    `with_details` also loads each one's events, files and answers (the API shows
    them; a list of rows does not)."""
    appeals = handled_in(user, city)
    if appeals is None:
        return None
    if filters.statuses:
        appeals = appeals.filter(_status_q(filters.statuses))
    if filters.organisation:
        appeals = appeals.filter(organisation__slug=filters.organisation)
    if filters.unassigned:
        appeals = appeals.filter(organisation__isnull=True)
    if filters.district:
        appeals = appeals.filter(district__slug=filters.district)
    if filters.number:
        appeals = appeals.filter(number__endswith=filters.number)
    if filters.text:
        executor_only = not may(user, Action.DISPATCH, city) and not may(
            user, Action.MODERATE, city
        )
        organisations = _executor_organisations(user, city) if executor_only else None
        appeals = search_appeals(appeals, filters.text, organisations=organisations)
    if filters.due_before is not None:
        appeals = appeals.filter(deadline__lt=filters.due_before).exclude(
            status__in=[*CLOSED_STATUSES, Status.ANSWERED]
        )
    if filters.kind:
        appeals = appeals.filter(kind=filters.kind)
    if filters.categories:
        appeals = appeals.filter(category__slug__in=filters.categories)
    if filters.overdue_at is not None:
        open_statuses = {s.value for s in Status} - {s.value for s in CLOSED_STATUSES}
        appeals = appeals.filter(
            deadline__lt=filters.overdue_at, status__in=sorted(open_statuses - {Status.ANSWERED})
        )
    if after_id is not None:
        appeals = appeals.filter(pk__lt=after_id)
    if filters.statuses and not CLOSED_STATUSES.intersection(filters.statuses):
        # A working tab holds few of the appeals, but databases estimate it from the
        # share of each status overall and walk all of an organisation's appeals newest
        # first instead of reading the few from the status index (SQLite without a
        # histogram does so every time). Fetching up to FEW_ROWS ids unordered reads
        # the status index; only more than that falls back to the walk.
        few = list(appeals.order_by().values_list("pk", flat=True)[: FEW_ROWS + 1])
        if len(few) <= FEW_ROWS:
            appeals = Appeal.objects.filter(pk__in=few)
    appeals = appeals.select_related(
        "city", "category", "organisation", "addressee", "district"
    ).defer("city__boundary", "district__boundary", "organisation__service_area")
    if with_details:
        appeals = appeals.prefetch_related(*FULL_APPEAL_PREFETCH)
    order = ("deadline", "pk") if filters.by_deadline else ("-pk",)
    return list(appeals.order_by(*order)[: max(1, min(limit, MAX_PAGE))])


def public_report(city: City, appeal_id: int) -> Appeal | None:
    """A problem report anyone may read (on the public map: accepted, of a public
    category, not hidden by a move), with its events, files and answers; else None."""
    return (
        Appeal.objects.filter(city=city, pk=appeal_id, is_public=True, kind=AppealKind.PROBLEM)
        .select_related("city", "category", "organisation", "district")
        .defer("city__boundary", "district__boundary", "organisation__service_area")
        .prefetch_related(*FULL_APPEAL_PREFETCH)
        .first()
    )


def timeline(appeal: Appeal, audience: Audience) -> list[AppealEvent]:
    """The events this audience may see, oldest first (from the prefetch when there is one)."""
    events = sorted(appeal.events.all(), key=lambda e: (e.created_at, e.pk))
    if audience == Audience.APPLICANT:
        return [e for e in events if e.visible_to_applicant]
    if audience == Audience.PUBLIC:
        return [e for e in events if e.visible_to_applicant and e.kind == EventKind.TRANSITION]
    return events


def note_for(event: AppealEvent, audience: Audience) -> str:
    """What an audience may read of an event's note. Notes are free text that may name
    people: the public reads none; the applicant those written to them (a reason for
    rejecting, redirecting, merging or extending, a question asked of them, and their
    own)."""
    if audience == Audience.STAFF:
        return event.note
    if audience == Audience.APPLICANT and (
        event.data.get("move") in NOTES_TO_APPLICANT or event.kind in KINDS_NOTED_TO_APPLICANT
    ):
        return event.note
    return ""


def files_of(appeal: Appeal, audience: Audience) -> list[AppealFile]:
    files = sorted(appeal.files.all(), key=lambda f: (f.role, f.position, f.pk))
    if audience == Audience.PUBLIC:
        return [f for f in files if f.is_public and f.role != FileRole.ATTACHMENT]
    return files


def answers_of(appeal: Appeal) -> list[Answer]:
    return sorted(appeal.answers.all(), key=lambda a: (a.created_at, a.pk))


@dataclass(frozen=True)
class ApplicantView:
    """What the applicant sees of their appeal, and nothing more: the events shown to
    them, each with the part of its note they may read, their files and the answers."""

    appeal: Appeal
    timeline: list[tuple[AppealEvent, str]]
    files: list[AppealFile]
    answers: list[Answer]
    open_questions: list[AppealEvent]


def seen_by_applicant(appeal: Appeal) -> ApplicantView:
    """The one answer to "what does the applicant see of this appeal": their page
    (`/my/appeals/<id>/`) and their copy of personal data are both built from it, so
    the copy can never hold a staff note the page leaves out. Reads the events, files
    and answers from the prefetch when there is one (`FULL_APPEAL_PREFETCH`)."""
    events = timeline(appeal, Audience.APPLICANT)
    return ApplicantView(
        appeal=appeal,
        timeline=[(event, note_for(event, Audience.APPLICANT)) for event in events],
        files=files_of(appeal, Audience.APPLICANT),
        answers=answers_of(appeal),
        open_questions=open_questions(events),
    )


def open_questions(events: Iterable[AppealEvent]) -> list[AppealEvent]:
    """Of an appeal's events, the requests for information the applicant has not
    answered yet, oldest first: those after the applicant's last reply (one reply
    answers all of them)."""
    waiting: list[AppealEvent] = []
    for event in sorted(events, key=lambda e: e.pk):
        if event.kind == EventKind.INFO_REQUESTED:
            waiting.append(event)
        elif event.kind == EventKind.INFO_ADDED:
            waiting = []
    return waiting


@dataclass(frozen=True)
class AuditFilters:
    actor_email: str | None = None
    number: str | None = None


AUDIT_PAGE = 50


def audit_trail(
    city: City, filters: AuditFilters, *, before_id: int | None = None, limit: int = AUDIT_PAGE
) -> list[AppealEvent]:
    """A page of what happened to the city's appeals and who did it, newest first;
    `before_id` continues a page. One query, whatever the page's length."""
    events = AppealEvent.objects.filter(appeal__city=city)
    if filters.actor_email:
        events = events.filter(actor__email__iexact=filters.actor_email)
    if filters.number:
        events = events.filter(appeal__number__endswith=filters.number)
    if before_id is not None:
        events = events.filter(pk__lt=before_id)
    return list(
        events.select_related("appeal", "actor")
        .only(
            "pk",
            "kind",
            "from_status",
            "to_status",
            "note",
            "data",
            "visible_to_applicant",
            "created_at",
            "appeal__id",
            "appeal__number",
            "appeal__city_id",
            "actor__id",
            "actor__email",
            "actor__full_name",
        )
        .order_by("-pk")[: max(1, min(limit, MAX_PAGE))]
    )


def usable_client(key_hash: str) -> ApiClient | None:
    """The key or token with this hash, if it may be used now: not revoked, not
    expired, its city active, and its person (if any) active."""
    client = (
        ApiClient.objects.filter(key_hash=key_hash, is_active=True, city__is_active=True)
        .select_related("user", "city")
        .first()
    )
    if client is None:
        return None
    if client.expires_at is not None and client.expires_at <= timezone.now():
        return None
    if client.user is not None and not client.user.is_active:
        return None
    return client


def tokens_of(user: Any, *, city_id: int | None = None) -> QuerySet[ApiClient]:
    """A person's own tokens that are not revoked, expired ones included (so the owner
    sees why an app stopped working), newest first; `city_id`: of that city only (what
    a token confined to it may manage)."""
    tokens = ApiClient.objects.filter(user=user, is_active=True)
    if city_id is not None:
        tokens = tokens.filter(city_id=city_id)
    return tokens.select_related("city").order_by("-created_at", "-pk")
