from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from mycity.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "language", "home_city", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_active", "language"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("full_name", "language", "home_city", "home_building")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    raw_id_fields = ["home_city", "home_building"]
    filter_horizontal = ()
    # Roles are granted and withdrawn only through `grant_role` and `withdraw_role`
    # (the console's People page), which check the rule and write the audit trail.


# --- Signing in to the admin -------------------------------------------------------
# The admin's own password form would sign a platform operator in with the password
# alone: no second factor, no rate limit. Its login and password-change pages send
# the operator to allauth's instead, which ask for the TOTP code and count failures.


def sign_in_elsewhere(request: HttpRequest, extra_context: object = None) -> HttpResponse:
    """The admin's login page: never a form; allauth's sign-in with the way back."""
    next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("admin:index")
    if request.user.is_authenticated:
        if not (request.user.is_active and request.user.is_staff):
            raise PermissionDenied
        return redirect(next_url)
    return redirect(f"{reverse(settings.LOGIN_URL)}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")


def change_password_elsewhere(request: HttpRequest, extra_context: object = None) -> HttpResponse:
    return redirect("account_change_password")


admin.site.login = sign_in_elsewhere  # type: ignore[method-assign]
admin.site.password_change = change_password_elsewhere  # type: ignore[method-assign,assignment]
