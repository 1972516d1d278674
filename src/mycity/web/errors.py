"""Error pages in the visitor's language; JSON for the API's paths."""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
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
    return render(
        request,
        "web/error.html",
        {
            "title": _("Page not found."),
            "explanation": _("There is no such page, or it is not open to you."),
        },
        status=404,
    )


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(
            {"code": "forbidden", "message": _("No access."), "details": []}, status=403
        )
    return render(
        request,
        "web/error.html",
        {"title": _("No access."), "explanation": _("This page is not open to your role.")},
        status=403,
    )


class ErrorPagesMiddleware:
    """The site's own 404 and 403 pages also in debug mode (the demo runs in it), where
    Django would show its technical page: the list of every URL pattern and the
    settings, to anyone who opens a page outside their role."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # No route matched: the resolver's 404 never reaches process_exception.
        if settings.DEBUG and response.status_code == 404 and request.resolver_match is None:
            return not_found(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not settings.DEBUG:
            return None  # the handlers in urls.py answer
        if isinstance(exception, Http404):
            return not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return forbidden(request, exception)
        return None


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
