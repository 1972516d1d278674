"""Permission-checked lookups of the reception: 404 for what the person may not see."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from mycity.accounts.permissions import Action, may
from mycity.cities.models import City
from mycity.console.access import console_city_for
from mycity.reception.models import Appointment, Official, ReceptionRule, ReceptionSession


def clerk_city(user: Any, slug: str) -> City:
    """The city whose receptions the intake clerk runs: 404 without a console there,
    403 without the right to register appeals."""
    city = console_city_for(user, slug)
    if not may(user, Action.REGISTER_APPEALS, city):
        raise PermissionDenied
    return city


def session_in(city: City, session_id: int) -> ReceptionSession:
    return get_object_or_404(
        ReceptionSession.objects.select_related("official__organisation__city"),
        pk=session_id,
        official__organisation__city=city,
    )


def official_in(city: City, official_id: int) -> Official:
    return get_object_or_404(
        Official.objects.select_related("organisation__city"),
        pk=official_id,
        organisation__city=city,
    )


def rule_in(city: City, rule_id: int) -> ReceptionRule:
    return get_object_or_404(
        ReceptionRule.objects.select_related("official__organisation__city"),
        pk=rule_id,
        official__organisation__city=city,
    )


def appointment_in(city: City, appointment_id: int) -> Appointment:
    return get_object_or_404(
        Appointment.objects.select_related("session__official__organisation__city", "appeal"),
        pk=appointment_id,
        session__official__organisation__city=city,
    )


def own_appointment(user: Any, city: City, appointment_id: int) -> Appointment:
    """A resident's own booking; anyone else's is not found."""
    return get_object_or_404(
        Appointment.objects.select_related("session__official__organisation__city"),
        pk=appointment_id,
        resident=user,
        session__official__organisation__city=city,
    )
