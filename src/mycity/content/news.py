"""Commands and reads of the city's news: written as drafts, published now or at a time
to come (scheduled), archived; the body's HTML is cleaned (nh3) before it is stored,
the cover re-encoded without metadata. When a news item becomes visible, the residents
who follow one of its tags are told, once."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

import nh3
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_tasks import task

from mycity.accounts.models import SubscriptionKind, User
from mycity.accounts.permissions import Action, require
from mycity.appeals.uploads import Upload, clean_photo
from mycity.cities.freshness import city_pages_changed
from mycity.cities.models import City
from mycity.content import search as content_search
from mycity.content.errors import InvalidNews, NewsNotFound, NoticeStateError
from mycity.content.models import News, NewsState, NewsTag
from mycity.notify.services import Message

LANGUAGES = ("ru", "be", "en")
ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
MAX_TAGS = 10


@dataclass(frozen=True)
class NewsDraft:
    title: dict[str, str]
    body: dict[str, str]
    lead: dict[str, str] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)


def clean_html(html: str) -> str:
    """What may stay of an editor's HTML: text structure and links, nothing that runs."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
    ).strip()


def clean_tags(tags: list[str]) -> list[str]:
    cleaned = [slugify(tag, allow_unicode=True) for tag in tags]
    return list(dict.fromkeys(tag for tag in cleaned if tag))[:MAX_TAGS]


def save_news(
    *,
    actor: User,
    city: City,
    draft: NewsDraft,
    news: News | None = None,
    cover: Upload | None = None,
) -> News:
    require(actor, Action.EDIT_CONTENT, city)
    if news is not None and news.city_id != city.pk:
        raise NewsNotFound
    problems = []
    title_ru = (draft.title.get("ru") or "").strip()
    if not title_ru:
        problems.append({"field": "title.ru", "message": _("The title in Russian is required.")})
    bodies = {lang: clean_html(draft.body.get(lang) or "") for lang in LANGUAGES}
    if not nh3.clean(bodies["ru"], tags=set()).strip():
        problems.append({"field": "body.ru", "message": _("The text in Russian is required.")})
    for lang in LANGUAGES:
        if len((draft.title.get(lang) or "").strip()) > 200:
            problems.append({"field": f"title.{lang}", "message": _("At most 200 characters.")})
    if problems:
        raise InvalidNews(details=problems)
    # Decoding the picture may refuse it: before anything is written.
    image = clean_photo(cover, field="cover") if cover is not None else None
    with transaction.atomic():
        if news is None:
            news = News(city=city, created_by=actor)
        for lang in LANGUAGES:
            setattr(news, f"title_{lang}", (draft.title.get(lang) or "").strip())
            setattr(news, f"lead_{lang}", (draft.lead.get(lang) or "").strip())
            setattr(news, f"body_{lang}", bodies[lang])
        if image is not None:
            news.cover.save(f"{uuid.uuid4().hex}.jpg", ContentFile(image.content), save=False)
        news.save()
        news.tag_rows.all().delete()
        NewsTag.objects.bulk_create(NewsTag(news=news, tag=tag) for tag in clean_tags(draft.tags))
        content_search.index("news", news)
    city_pages_changed(news.city_id)
    return news


def publish_news(*, actor: User, news: News, at: datetime | None = None) -> News:
    """Publish now, or at `at` (scheduled): until then it is not shown to anyone."""
    require(actor, Action.EDIT_CONTENT, news.city)
    with transaction.atomic():
        locked = News.objects.select_for_update().get(pk=news.pk)
        if locked.state == NewsState.ARCHIVED:
            raise NoticeStateError(_("An archived news item cannot be published."))
        locked.state = NewsState.PUBLISHED
        locked.publish_at = at or timezone.now()
        locked.save(update_fields=["state", "publish_at", "updated_at"])
        transaction.on_commit(partial(_schedule_announcement, locked.pk, locked.publish_at))
    city_pages_changed(locked.city_id)
    return locked


def archive_news(*, actor: User, news: News) -> News:
    require(actor, Action.EDIT_CONTENT, news.city)
    News.objects.filter(pk=news.pk).update(state=NewsState.ARCHIVED, updated_at=timezone.now())
    news.refresh_from_db()
    city_pages_changed(news.city_id)
    return news


def _schedule_announcement(news_id: int, publish_at: datetime) -> None:
    if publish_at <= timezone.now():
        announce_news.enqueue(news_id)
    elif announce_news.get_backend().supports_defer:
        announce_news.using(run_after=publish_at).enqueue(news_id)
    # Otherwise `mycity announce_due_news` (cron) tells them.


@task()
def announce_news(news_id: int) -> int:
    news = News.objects.select_related("city").filter(pk=news_id).first()
    if news is None or not news.is_visible() or news.announced:
        return 0
    return _tell_followers(news)


def announce_due_news(now: datetime | None = None) -> int:
    """Tell the followers of every news item that has become visible and was not yet
    announced (a scheduled one whose time has come)."""
    due = News.objects.select_related("city").filter(
        state=NewsState.PUBLISHED, announced=False, publish_at__lte=now or timezone.now()
    )
    return sum(_tell_followers(news) for news in due)


@task()
def announce_due_news_task() -> int:
    """The clock's task every few minutes: scheduled news whose time has come."""
    return announce_due_news()


def _tell_followers(news: News) -> int:
    from mycity.content.announcements import tell_followers

    written = tell_followers(
        city=news.city,
        kind=SubscriptionKind.NEWS_TAG,
        topics=news.tags,
        topic="news",
        dedupe_key=f"news:{news.pk}",
        url=f"/{news.city.slug}/news/{news.pk}/",
        # Called in each recipient's language: the title and lead in theirs.
        write=lambda user: Message(subject=news.title, body=news.lead or news.title),
    )
    News.objects.filter(pk=news.pk).update(announced=True)
    city_pages_changed(news.city_id)  # a scheduled item is out now
    return written


def visible_news(city: City, *, tag: str = "", now: datetime | None = None) -> QuerySet[News]:
    """Published news whose time has come, newest first."""
    news = News.objects.filter(
        city=city, state=NewsState.PUBLISHED, publish_at__lte=now or timezone.now()
    )
    if tag:
        news = news.filter(pk__in=NewsTag.objects.filter(tag=tag).values("news_id"))
    return news.order_by("-publish_at", "-pk").prefetch_related("tag_rows")


def news_item(city: City, news_id: int) -> News:
    found = visible_news(city).filter(pk=news_id).first()
    if found is None:
        raise NewsNotFound
    return found
