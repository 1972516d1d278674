"""Reads of notices: what is on now and coming, and what affects an address."""

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from mycity.cities.models import Building, City
from mycity.content.errors import NoticeNotFound
from mycity.content.models import AffectedBuilding, Notice, NoticeState


def _not_over(now: datetime) -> Q:
    return Q(ends_at__isnull=True) | Q(ends_at__gt=now)


def notices_of(
    city: City, *, now: datetime | None = None, kind: str | None = None
) -> QuerySet[Notice]:
    """The city's published notices that are on now or still to come, soonest first."""
    notices = Notice.objects.filter(city=city, state=NoticeState.PUBLISHED).filter(
        _not_over(now or timezone.now())
    )
    if kind:
        notices = notices.filter(kind=kind)
    return notices.order_by("starts_at", "pk")


def notices_affecting(building: Building, *, now: datetime | None = None) -> list[Notice]:
    """Published notices, on now or to come, that name this building: one indexed
    lookup from the building (see AffectedBuilding)."""
    notice_ids = AffectedBuilding.objects.filter(building=building).values("notice_id")
    return list(
        Notice.objects.filter(pk__in=notice_ids, state=NoticeState.PUBLISHED)
        .filter(_not_over(now or timezone.now()))
        .order_by("starts_at", "pk")
    )


def public_notice(city: City, notice_id: int) -> Notice:
    """A published or withdrawn notice of the city (a withdrawn one says so)."""
    notice = (
        Notice.objects.filter(city=city, pk=notice_id)
        .exclude(state=NoticeState.DRAFT)
        .prefetch_related("addresses__street", "addresses__building__street")
        .first()
    )
    if notice is None:
        raise NoticeNotFound
    return notice


def affected_count(notice: Notice) -> int:
    return AffectedBuilding.objects.filter(notice=notice).count()
