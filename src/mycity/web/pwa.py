"""The citizen app as an installable Progressive Web App: its manifest, its service
worker and the page the worker shows when there is no network.

The worker is served from the site's root (`/sw.js`) so that its scope is the whole
site. It keeps the app shell (styles, scripts, icons, the offline page) in a cache
named after the shell's own content, so a deploy that changes a file replaces the
cache, and the public pages a resident has seen in another, so they open offline as
last seen: never a personal page, never an answer marked `no-store`; of a public page
seen signed in, an anonymous copy (fetched without cookies), so nothing of the person
stays on the phone after the session ends.
"""

import hashlib
import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

THEME_COLOUR = "#0b5394"
SHELL_FILES = (
    "web/site.css",
    "web/app.js",
    "web/report-queue.js",
    "web/icon.svg",
    "web/icon-192.png",
    "vendor/htmx/htmx.min.js",
)
# Pages never kept for offline use: the resident's own, staff work, sign-in, the API.
# Nor is any answer marked `no-store` (`mycity.core.caching`): every answer to a
# signed-in resident is; the worker keeps an anonymous copy of a public page instead.
NOT_KEPT = ("/my/", "/console/", "/accounts/", "/admin/", "/api/", "/open311/")


@require_GET
@cache_control(max_age=3600)
def manifest(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(
        {
            "name": _("My city"),
            "short_name": _("My city"),
            "description": _(
                "Report a problem, follow your appeals and learn what happens in your city."
            ),
            "lang": get_language(),
            "start_url": "/?source=pwa",
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": THEME_COLOUR,
            "icons": [
                {"src": static("web/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": static("web/icon-512.png"), "sizes": "512x512", "type": "image/png"},
                {
                    "src": static("web/icon-maskable-512.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                    "purpose": "maskable",
                },
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )
    response["Content-Type"] = "application/manifest+json"
    return response


@require_GET
@cache_control(no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    shell = [static(name) for name in SHELL_FILES] + [reverse("web:offline")]
    version = hashlib.sha256(json.dumps([shell, get_language()]).encode()).hexdigest()[:12]
    script = render_to_string(
        "web/sw.js",
        {
            "shell": json.dumps(shell),
            "version": json.dumps(version),
            "offline": json.dumps(reverse("web:offline")),
            "not_kept": json.dumps(NOT_KEPT),
            "app_name": json.dumps(_("My city"), ensure_ascii=False),
        },
    )
    return HttpResponse(script, content_type="text/javascript; charset=utf-8")


@require_GET
@cache_control(max_age=86400)
def robots(request: HttpRequest) -> HttpResponse:
    """Search engines may index the city's public pages, never the private ones."""
    lines = ["User-agent: *", *(f"Disallow: {prefix}" for prefix in NOT_KEPT)]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "web/offline.html")
