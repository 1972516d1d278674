"""RSS 2.0 and Atom feeds of a city's news and notices (feedgen)."""

from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from feedgen.feed import FeedGenerator

from mycity.cities.models import City
from mycity.content import selectors
from mycity.content.announcements import notice_message
from mycity.content.news import visible_news
from mycity.notify.text import absolute_url

FORMATS = {"rss": "application/rss+xml", "atom": "application/atom+xml"}


def _feed(request: HttpRequest, page: str, title: str, description: str) -> FeedGenerator:
    feed = FeedGenerator()
    feed.id(page)
    feed.title(title)
    feed.description(description)
    feed.link(href=page, rel="alternate")
    feed.link(href=absolute_url(request.path), rel="self")
    feed.language(get_language() or "ru")
    return feed


def _response(feed: FeedGenerator, fmt: str) -> HttpResponse:
    body = feed.rss_str(pretty=True) if fmt == "rss" else feed.atom_str(pretty=True)
    return HttpResponse(body, content_type=f"{FORMATS[fmt]}; charset=utf-8")


def news_feed(request: HttpRequest, city: City, fmt: str) -> HttpResponse:
    feed = _feed(
        request,
        absolute_url(f"/{city.slug}/news/"),
        _("News: %(city)s") % {"city": city.name},
        _("News of %(city)s.") % {"city": city.name},
    )
    items = list(visible_news(city)[:50])
    for news in reversed(items):  # feedgen writes the entry added last first
        link = absolute_url(f"/{city.slug}/news/{news.pk}/")
        entry = feed.add_entry()
        entry.id(link)
        entry.guid(link, permalink=True)
        entry.title(news.title)
        entry.link(href=link)
        entry.description(news.lead or news.title)
        entry.content(news.body, type="CDATA" if fmt == "rss" else "html")
        for tag in news.tags:
            entry.category(term=tag)
        entry.published(news.publish_at)
        entry.updated(news.updated_at)
    if items:
        feed.updated(max(n.updated_at for n in items))
    return _response(feed, fmt)


def notices_feed(request: HttpRequest, city: City, fmt: str) -> HttpResponse:
    feed = _feed(
        request,
        absolute_url(f"/{city.slug}/notices/"),
        _("Outages and works: %(city)s") % {"city": city.name},
        _("Notices of outages and works in %(city)s.") % {"city": city.name},
    )
    notices = list(selectors.notices_of(city).select_related("city")[:100])
    latest = None
    # feedgen puts the entry added last first in the file: add the soonest last.
    for notice in reversed(notices):
        link = absolute_url(f"/{city.slug}/notices/{notice.pk}/")
        message = notice_message(notice)
        entry = feed.add_entry()
        entry.id(link)
        entry.guid(link, permalink=True)
        entry.title(message.subject)
        entry.link(href=link)
        entry.description(message.body)
        changed = notice.published_at or notice.created_at
        entry.published(changed)
        entry.updated(notice.updated_at)
        latest = max(latest or notice.updated_at, notice.updated_at)
    if latest is not None:
        feed.updated(latest)
    return _response(feed, fmt)
