"""Permission-checked lookups: a resident reaches their own requests, the officer those
of their city; anything else is not found (no existence leak)."""

from typing import Any

from django.http import Http404

from mycity.accounts.permissions import Action, may
from mycity.cities.models import City
from mycity.console.access import console_city_for
from mycity.privacy.errors import IncidentNotFound, RequestNotFound
from mycity.privacy.models import DataRequest, Incident


def officer_city(user: Any, slug: str) -> City:
    """The city whose personal data `user` handles; 404 for everyone else."""
    city = console_city_for(user, slug)
    if not may(user, Action.HANDLE_PERSONAL_DATA, city):
        raise Http404
    return city


def get_own_request(user: Any, request_id: int) -> DataRequest:
    if not getattr(user, "is_authenticated", False):
        raise RequestNotFound()
    found = DataRequest.objects.select_related("city").filter(pk=request_id, user=user).first()
    if found is None:
        raise RequestNotFound()
    return found


def get_request_to_handle(user: Any, city: City, request_id: int) -> DataRequest:
    found = (
        DataRequest.objects.select_related("city", "user", "handled_by")
        .filter(pk=request_id, city=city)
        .first()
    )
    if found is None or not may(user, Action.HANDLE_PERSONAL_DATA, found.city):
        raise RequestNotFound()
    return found


def get_incident_to_handle(user: Any, city: City, incident_id: int) -> Incident:
    found = Incident.objects.select_related("city").filter(pk=incident_id, city=city).first()
    if found is None or not may(user, Action.HANDLE_PERSONAL_DATA, found.city):
        raise IncidentNotFound()
    return found
