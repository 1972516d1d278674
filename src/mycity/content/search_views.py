"""Search across the city's information and public reports."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from mycity.content.search import Found, search
from mycity.web.choice import city_or_404

MAX_QUERY = 200


@require_GET
def search_page(request: HttpRequest, slug: str) -> HttpResponse:
    city = city_or_404(slug)
    text = request.GET.get("q", "").strip()[:MAX_QUERY]
    found = search(city, text) if text else Found()
    return render(request, "content/search.html", {"city": city, "q": text, "found": found})
