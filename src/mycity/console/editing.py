"""What the editors' console pages share: the city they edit, and their page frame."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mycity.accounts.permissions import Action, may
from mycity.cities.models import City
from mycity.console.access import console_city_for, desks_of


def editor_city(request: HttpRequest, slug: str) -> City:
    """The city whose information the person edits: 404 without a console there, 403
    without the editor's role."""
    city = console_city_for(request.user, slug)
    if not may(request.user, Action.EDIT_CONTENT, city):
        raise PermissionDenied
    return city


def console_page(request: HttpRequest, city: City, template: str, **context: Any) -> HttpResponse:
    status = context.pop("status", 200)
    return render(
        request,
        template,
        {"city": city, "desks": desks_of(request.user), "no_queue": True, **context},
        status=status,
    )
