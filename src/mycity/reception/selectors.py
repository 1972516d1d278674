"""Reads of the reception: the schedule as residents see it, the clerk's lists."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from mycity.accounts.models import User
from mycity.cities.models import City
from mycity.reception.models import Appointment, Official, ReceptionRule, ReceptionSession

# How far ahead residents see the schedule.
PUBLIC_HORIZON = timedelta(weeks=8)
ACTIVE = Q(appointments__cancelled_at__isnull=True)


def _sessions_of(city: City) -> QuerySet[ReceptionSession]:
    return (
        ReceptionSession.objects.filter(official__organisation__city=city)
        .select_related("official__organisation")
        .annotate(booked=Count("appointments", filter=ACTIVE))
    )


@dataclass
class OpenSession:
    session: ReceptionSession
    free: int


@dataclass
class OfficialSchedule:
    official: Official
    sessions: list[OpenSession]


@dataclass
class OrganisationSchedule:
    name: str
    address: str
    officials: list[OfficialSchedule]


def upcoming_schedule(city: City, *, now: datetime | None = None) -> list[OrganisationSchedule]:
    """The coming sessions, by organisation and official, each with `booked` and `free`."""
    now = now or timezone.now()
    sessions = (
        _sessions_of(city)
        .filter(
            starts_at__gt=now,
            starts_at__lte=now + PUBLIC_HORIZON,
            is_cancelled=False,
            official__is_active=True,
            official__organisation__is_active=True,
        )
        .order_by(
            "official__organisation__display_order",
            "official__organisation__name_ru",
            "official__full_name",
            "official_id",
            "starts_at",
        )
    )
    schedule: list[OrganisationSchedule] = []
    for session in sessions:
        free = max(session.capacity - getattr(session, "booked", 0), 0)
        organisation = session.official.organisation
        if not schedule or schedule[-1].name != organisation.name:
            schedule.append(OrganisationSchedule(organisation.name, organisation.address, []))
        officials = schedule[-1].officials
        if not officials or officials[-1].official.pk != session.official_id:
            officials.append(OfficialSchedule(session.official, []))
        officials[-1].sessions.append(OpenSession(session, free))
    return schedule


def free_slots(session: ReceptionSession, *, now: datetime | None = None) -> list[datetime]:
    now = now or timezone.now()
    taken = set(
        session.appointments.filter(cancelled_at__isnull=True).values_list("starts_at", flat=True)
    )
    return [moment for moment in session.slots if moment not in taken and moment > now]


def bookings_of(resident: User, city: City, *, now: datetime | None = None) -> list[Appointment]:
    """The resident's bookings in the city that are still ahead."""
    now = now or timezone.now()
    return list(
        Appointment.objects.filter(
            resident=resident,
            session__official__organisation__city=city,
            cancelled_at__isnull=True,
            starts_at__gt=now,
        ).select_related("session__official__organisation")
    )


def officials_of(city: City) -> list[Official]:
    return list(
        Official.objects.filter(organisation__city=city)
        .select_related("organisation", "user")
        .prefetch_related(Prefetch("rules", queryset=ReceptionRule.objects.filter(is_active=True)))
        .order_by("-is_active", "organisation__display_order", "organisation__name_ru", "full_name")
    )


def sessions_for_clerk(city: City, *, now: datetime | None = None) -> list[ReceptionSession]:
    """Today's and the coming sessions, with how many are booked."""
    now = now or timezone.now()
    start_of_day = now - timedelta(hours=12)
    return list(
        _sessions_of(city)
        .filter(ends_at__gt=start_of_day, starts_at__lte=now + PUBLIC_HORIZON)
        .order_by("starts_at", "pk")
    )


def appointments_at(session: ReceptionSession) -> list[Appointment]:
    return list(
        session.appointments.filter(cancelled_at__isnull=True)
        .select_related("appeal")
        .order_by("starts_at")
    )
