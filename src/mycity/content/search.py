"""Search across the city's information (news, notices, events, places) and its public
problem reports, with the same Russian and Belarusian stemming as the appeals' search
(mycity.appeals.search): FTS5 on SQLite, full-text search on PostgreSQL."""

from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from mycity.appeals import search as appeal_search
from mycity.appeals.models import Appeal
from mycity.appeals.public_text import public_text
from mycity.cities.models import City
from mycity.content.models import ContentSearch, Event, News, Notice, NoticeState, Place

LIMIT = 20  # of each kind
PUBLIC_CANDIDATES = 200


def _text_of(kind: str, item: Any) -> str:
    texts = []
    for name in ("title", "name", "lead", "reason", "description"):
        for lang in ("ru", "be", "en"):
            value = getattr(item, f"{name}_{lang}", "")
            if value:
                texts.append(value)
    if kind == "news":
        texts.append(item.body_ru)
        texts.extend(item.tags)
    if kind == "place":
        texts.append(item.address)
    return " ".join(texts)


def index(kind: str, item: Any) -> None:
    """Write the item's index row; call it in the transaction that changes its text."""
    terms = appeal_search.search_terms(_text_of(kind, item))
    ContentSearch.objects.update_or_create(
        kind=kind, object_id=item.pk, defaults={"city_id": item.city_id, "terms": terms}
    )


def reindex(city: City) -> int:
    """Rebuild the city's index (after a bulk load)."""
    sources = {
        "news": News.objects.filter(city=city).prefetch_related("tag_rows"),
        "notice": Notice.objects.filter(city=city),
        "event": Event.objects.filter(city=city),
        "place": Place.objects.filter(city=city),
    }
    count = 0
    with transaction.atomic():
        ContentSearch.objects.filter(city=city).delete()
        for kind, items in sources.items():
            for item in items:
                index(kind, item)
                count += 1
    return count


def _matches(city: City, text: str) -> dict[str, list[int]]:
    terms = appeal_search.query_terms(text)
    if not terms:
        return {}
    match = appeal_search.match_expression(terms, connection.vendor)
    if connection.vendor == "sqlite":
        sql = (
            "SELECT s.kind, s.object_id FROM content_search_fts f "
            "JOIN content_contentsearch s ON s.id = f.rowid "
            "WHERE content_search_fts MATCH %s AND s.city_id = %s LIMIT 500"
        )
    else:
        sql = (
            "SELECT kind, object_id FROM content_contentsearch "
            "WHERE vector @@ to_tsquery('simple'::regconfig, %s) AND city_id = %s LIMIT 500"
        )
    found: dict[str, list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [match, city.pk])
        for kind, object_id in cursor.fetchall():
            found.setdefault(kind, []).append(object_id)
    return found


@dataclass
class Found:
    news: list[News] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    reports: list[Appeal] = field(default_factory=list)

    def __len__(self) -> int:
        return sum(
            len(v) for v in (self.news, self.notices, self.events, self.places, self.reports)
        )


def search(city: City, text: str) -> Found:
    """What the city shows that has every word of `text`: only what anyone may see."""
    from mycity.content.news import visible_news  # news indexes itself through this module

    ids = _matches(city, text)
    found = Found()
    if ids.get("news"):
        found.news = list(visible_news(city).filter(pk__in=ids["news"])[:LIMIT])
    if ids.get("notice"):
        found.notices = list(
            Notice.objects.filter(
                city=city, pk__in=ids["notice"], state=NoticeState.PUBLISHED
            ).order_by("-starts_at")[:LIMIT]
        )
    if ids.get("event"):
        found.events = list(
            Event.objects.filter(city=city, pk__in=ids["event"], is_published=True).order_by(
                "-starts_at"
            )[:LIMIT]
        )
    if ids.get("place"):
        found.places = list(
            Place.objects.filter(city=city, pk__in=ids["place"], is_active=True)[:LIMIT]
        )
    report_ids = appeal_search.matching_ids(text)
    if report_ids is not None:
        # The appeals' index has the staff's fields too (a flat's number in `extra`):
        # the public sees a match only on what a public report shows.
        terms = appeal_search.query_terms(text)
        candidates = (
            Appeal.objects.filter(city=city, is_public=True, pk__in=report_ids)
            .select_related("category", "city")
            .defer("city__boundary")
            .order_by("-pk")[:PUBLIC_CANDIDATES]
        )
        found.reports = [
            report
            for report in candidates
            if appeal_search.text_has_terms(
                f"{report.number} {public_text(report.description)} {report.address}", terms
            )
        ][:LIMIT]
    return found
