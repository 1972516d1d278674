"""Staff who see personal data set up their second factor before the console opens."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from mycity.accounts.two_factor import must_add_second_factor

GUARDED_PREFIXES = ("/console/",)


class SecondFactorForStaffMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(GUARDED_PREFIXES) and must_add_second_factor(request.user):
            messages.warning(
                request,
                _("Your role shows residents' personal data: add a second factor to continue."),
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
