"""The citizen app's news pages."""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from mycity.content.errors import NewsNotFound
from mycity.content.feeds import news_feed
from mycity.content.news import news_item, visible_news
from mycity.content.pictures import picture
from mycity.core.public_reads import public_read
from mycity.web.choice import city_or_404

PAGE = 20


@require_GET
@public_read
def news_list(request: HttpRequest, slug: str) -> HttpResponse:
    city = city_or_404(slug)
    tag = slugify(request.GET.get("tag", ""), allow_unicode=True)
    items = list(visible_news(city, tag=tag)[:PAGE])
    return render(request, "content/news_list.html", {"city": city, "items": items, "tag": tag})


@require_GET
@public_read
def news_detail(request: HttpRequest, slug: str, news_id: int) -> HttpResponse:
    city = city_or_404(slug)
    try:
        item = news_item(city, news_id)
    except NewsNotFound:
        raise Http404 from None
    return render(request, "content/news_detail.html", {"city": city, "item": item})


@require_GET
@public_read
def feed(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    return news_feed(request, city_or_404(slug), fmt)


@require_GET
@cache_control(public=True, max_age=86400)
def cover(request: HttpRequest, slug: str, news_id: int) -> FileResponse:
    """A visible news item's cover (media files are not served by the static server)."""
    city = city_or_404(slug)
    try:
        item = news_item(city, news_id)
    except NewsNotFound:
        raise Http404 from None
    return picture(item.cover)
