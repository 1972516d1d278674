"""Error pages in the visitor's language; JSON for the API's paths."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from mycity.core.request_limits import refusal_for


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # A body the form parser refused: 413 or 400 saying why (mycity.core.request_limits).
    refused = refusal_for(request, exception) if exception is not None else None
    if refused is not None:
        return refused
    if _wants_json(request):
        return JsonResponse(
            {"code": "bad_request", "message": _("The request is not valid."), "details": []},
            status=400,
        )
    return render(request, "web/error.html", {"title": _("The request is not valid.")}, status=400)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(
            {"code": "not_found", "message": _("Not found."), "details": []}, status=404
        )
    return render(request, "web/error.html", {"title": _("Page not found.")}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(
            {
                "code": "server_error",
                "message": _("Something went wrong on our side."),
                "details": [],
            },
            status=500,
        )
    return render(
        request, "web/error.html", {"title": _("Something went wrong on our side.")}, status=500
    )
