"""The news API: what is published, and writing it with an editor's token."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.responses import Status

from mycity.appeals.api import STAFF
from mycity.cities.clock import maybe_in_city_time
from mycity.cities.selectors import city_by_slug
from mycity.content import news as services
from mycity.content.errors import NewsNotFound
from mycity.content.models import News
from mycity.content.schemas import Texts
from mycity.core.api_contract import errors
from mycity.core.api_formats import IsoDateTime
from mycity.core.public_reads import public_read

router = Router(tags=["news"])


class NewsOut(Schema):
    id: int
    title: str
    lead: str
    tags: list[str]
    publish_at: datetime | None
    state: str
    url: str
    cover_url: str | None


class NewsDetailOut(NewsOut):
    body_html: str


class NewsIn(Schema):
    title: Texts
    lead: Texts = Field(default_factory=Texts)  # no object default in the document
    body: Texts
    tags: list[str] = []


class PublishIn(Schema):
    at: IsoDateTime | None = None


class TagQuery(Schema):
    tag: str = ""


def news_out(item: News, *, body: bool = False) -> dict:
    base = f"/{item.city.slug}/news/{item.pk}/"
    out = {
        "id": item.pk,
        "title": item.title,
        "lead": item.lead,
        "tags": item.tags,
        "publish_at": item.publish_at,
        "state": item.state,
        "url": base,
        "cover_url": f"{base}cover.jpg" if item.cover else None,
    }
    return out | {"body_html": item.body} if body else out


@router.get("/{slug}/news", response=list[NewsOut], summary="Published news, newest first")
@decorate_view(public_read)
def list_news(request: HttpRequest, slug: str, params: Query[TagQuery]) -> list[dict]:
    city = city_by_slug(slug)
    items = services.visible_news(city, tag=params.tag)[:50]
    for item in items:
        item.city = city
    return [news_out(item) for item in items]


@router.get("/{slug}/news/{news_id}", response=NewsDetailOut, summary="One news item")
@decorate_view(public_read)
def get_news(request: HttpRequest, slug: str, news_id: int) -> dict:
    return news_out(services.news_item(city_by_slug(slug), news_id), body=True)


@router.post(
    "/{slug}/news",
    response={201: NewsDetailOut},
    auth=STAFF,
    summary="Write a news item (a draft; editors of the city). HTML is cleaned.",
    openapi_extra=errors(422),
)
def create_news(request: HttpRequest, slug: str, payload: NewsIn) -> Status[dict]:
    item = services.save_news(
        actor=request.auth,  # type: ignore[attr-defined]
        city=city_by_slug(slug),
        draft=services.NewsDraft(
            title=payload.title.dict(),
            lead=payload.lead.dict(),
            body=payload.body.dict(),
            tags=payload.tags,
        ),
    )
    return Status(201, news_out(item, body=True))


@router.post(
    "/{slug}/news/{news_id}/publish",
    response=NewsDetailOut,
    auth=STAFF,
    summary="Publish now, or at a later time (scheduled)",
    openapi_extra=errors(409, 422),
)
def publish_news(request: HttpRequest, slug: str, news_id: int, payload: PublishIn) -> dict:
    city = city_by_slug(slug)
    item = News.objects.filter(city=city, pk=news_id).first()
    if item is None:
        raise NewsNotFound
    at = maybe_in_city_time(city, payload.at)
    item = services.publish_news(actor=request.auth, news=item, at=at)  # type: ignore[attr-defined]
    return news_out(item, body=True)
