"""Staff who see personal data set up their second factor before the console (or the
API, signed in with the same session) opens."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from mycity.accounts.two_factor import must_add_second_factor
from mycity.core.errors import error_body

CONSOLE_PREFIX = "/console/"
API_PREFIX = "/api/"


class SecondFactorForStaffMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        guarded = request.path.startswith((CONSOLE_PREFIX, API_PREFIX))
        if guarded and must_add_second_factor(request.user):
            message = _(
                "Your role shows residents' personal data: add a second factor to continue."
            )
            if request.path.startswith(API_PREFIX):
                return JsonResponse(error_body("second_factor_required", message), status=403)
            messages.warning(request, message)
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
