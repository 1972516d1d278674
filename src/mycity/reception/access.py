"""Permission-checked lookups of the reception: 404 for what the person may not see."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

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
    session = (
        ReceptionSession.objects.filter(pk=session_id, official__organisation__city=city)
        .select_related("official__organisation__city")
        .first()
    )
    if session is None:
        raise Http404
    return session


def official_in(city: City, official_id: int) -> Official:
    official = (
        Official.objects.filter(pk=official_id, organisation__city=city)
        .select_related("organisation__city")
        .first()
    )
    if official is None:
        raise Http404
    return official


def rule_in(city: City, rule_id: int) -> ReceptionRule:
    rule = (
        ReceptionRule.objects.filter(pk=rule_id, official__organisation__city=city)
        .select_related("official__organisation__city")
        .first()
    )
    if rule is None:
        raise Http404
    return rule


def appointment_in(city: City, appointment_id: int) -> Appointment:
    appointment = (
        Appointment.objects.filter(pk=appointment_id, session__official__organisation__city=city)
        .select_related("session__official__organisation__city", "appeal")
        .first()
    )
    if appointment is None:
        raise Http404
    return appointment


def own_appointment(user: Any, city: City, appointment_id: int) -> Appointment:
    """A resident's own booking; anyone else's is not found."""
    appointment = (
        Appointment.objects.filter(
            pk=appointment_id, resident=user, session__official__organisation__city=city
        )
        .select_related("session__official__organisation__city")
        .first()
    )
    if appointment is None:
        raise Http404
    return appointment
