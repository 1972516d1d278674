"""Commands of the content domain: writing, publishing and withdrawing notices.

A notice's addresses are resolved against the address registry when it is saved, in
the same transaction, so the notice and the buildings it affects never disagree.
Publishing announces it to the residents it concerns, through the notification outbox,
in a background task (`mycity.content.announcements`).
"""

from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely import contains_xy

from mycity.accounts.models import User
from mycity.accounts.permissions import Action, require
from mycity.cities.freshness import city_pages_changed
from mycity.cities.house_ranges import on_street, with_parity
from mycity.cities.models import Building, City, Parity, Street
from mycity.content import search as content_search
from mycity.content import webhook_events
from mycity.content.errors import InvalidNotice, NoticeStateError
from mycity.content.models import (
    AffectedBuilding,
    Notice,
    NoticeAddress,
    NoticeKind,
    NoticeState,
)
from mycity.core.geo import parse_area
from mycity.notify.models import Delivery

LANGUAGES = ("ru", "be", "en")


@dataclass(frozen=True)
class AddressLine:
    """A whole street, a range of numbers on a street, or one building."""

    street_id: int | None = None
    building_id: int | None = None
    number_from: int | None = None
    number_to: int | None = None
    parity: str = Parity.ALL


@dataclass(frozen=True)
class NoticeDraft:
    kind: str
    title: dict[str, str]
    starts_at: datetime
    ends_at: datetime | None = None
    reason: dict[str, str] = field(default_factory=dict)
    is_emergency: bool = False
    addresses: list[AddressLine] = field(default_factory=list)
    area: dict[str, Any] | None = None


def save_notice(
    *, actor: User, city: City, draft: NoticeDraft, notice: Notice | None = None
) -> Notice:
    """Write a new notice (a draft) or change one; a published notice keeps its state
    and the buildings it affects follow its new addresses."""
    require(actor, Action.EDIT_CONTENT, city)
    if notice is not None and notice.city_id != city.pk:
        raise InvalidNotice(_("The notice belongs to another city."))
    if notice is not None and notice.state == NoticeState.WITHDRAWN:
        raise NoticeStateError(_("A withdrawn notice cannot be changed."))
    problems = _check(draft)
    buildings = _resolve(city, draft, problems)
    if problems:
        raise InvalidNotice(details=problems)
    with transaction.atomic():
        if notice is None:
            notice = Notice(city=city, created_by=actor)
        notice.kind = draft.kind
        notice.is_emergency = draft.is_emergency
        for language in LANGUAGES:
            setattr(notice, f"title_{language}", (draft.title.get(language) or "").strip())
            setattr(notice, f"reason_{language}", (draft.reason.get(language) or "").strip())
        notice.starts_at, notice.ends_at, notice.area = draft.starts_at, draft.ends_at, draft.area
        notice.save()
        notice.addresses.all().delete()
        NoticeAddress.objects.bulk_create(
            NoticeAddress(
                notice=notice,
                street_id=line.street_id,
                building_id=line.building_id,
                number_from=line.number_from,
                number_to=line.number_to,
                parity=line.parity,
            )
            for line in draft.addresses
        )
        content_search.index("notice", notice)
        notice.affected.all().delete()
        AffectedBuilding.objects.bulk_create(
            (AffectedBuilding(notice=notice, building_id=pk) for pk in sorted(buildings)),
            batch_size=1000,
        )
        if notice.state == NoticeState.PUBLISHED:
            # Residents of addresses added since publishing are told; those told already
            # are skipped by the notice's key.
            transaction.on_commit(partial(_announce, notice.pk), robust=True)
    city_pages_changed(notice.city_id)
    return notice


def publish_notice(*, actor: User, notice: Notice) -> Notice:
    """Show the notice to everyone and tell the residents it concerns."""
    require(actor, Action.EDIT_CONTENT, notice.city)
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if locked.state != NoticeState.DRAFT:
            raise NoticeStateError(_("Only a draft can be published."))
        locked.state, locked.published_at = NoticeState.PUBLISHED, timezone.now()
        locked.save(update_fields=["state", "published_at", "updated_at"])
        transaction.on_commit(partial(_announce, locked.pk), robust=True)
        webhook_events.on_published(locked)
    city_pages_changed(locked.city_id)
    return locked


def withdraw_notice(*, actor: User, notice: Notice) -> Notice:
    """Take a notice back (published in error); the residents already told are not
    told again."""
    require(actor, Action.EDIT_CONTENT, notice.city)
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if locked.state == NoticeState.WITHDRAWN:
            raise NoticeStateError(_("The notice is already withdrawn."))
        locked.state = NoticeState.WITHDRAWN
        locked.save(update_fields=["state", "updated_at"])
        # E-mails and pushes still waiting (quiet hours, retries) are not sent.
        Delivery.objects.filter(
            notification__dedupe_key=f"notice:{locked.pk}",
            state__in=[Delivery.State.PENDING],
        ).update(state=Delivery.State.FAILED, last_error="The notice was withdrawn.")
    city_pages_changed(locked.city_id)
    return locked


def _announce(notice_id: int) -> None:
    from mycity.content.announcements import announce_notice

    announce_notice.enqueue(notice_id)


def _problem(field_name: str, message: str) -> dict[str, str]:
    return {"field": field_name, "message": message}


def _check(draft: NoticeDraft) -> list[dict[str, str]]:
    problems = []
    if draft.kind not in NoticeKind.values:
        problems.append(_problem("kind", _("Choose a kind of notice.")))
    if not (draft.title.get("ru") or "").strip():
        problems.append(_problem("title.ru", _("The title in Russian is required.")))
    for language in LANGUAGES:
        if len((draft.title.get(language) or "").strip()) > 200:
            problems.append(_problem(f"title.{language}", _("At most 200 characters.")))
    if draft.ends_at is not None and draft.ends_at <= draft.starts_at:
        problems.append(_problem("ends_at", _("The end must come after the start.")))
    if not draft.addresses and not draft.area:
        problems.append(
            _problem("addresses", _("Give the affected streets, houses or draw an area."))
        )
    for index, line in enumerate(draft.addresses):
        where = f"addresses[{index}]"
        if (line.street_id is None) == (line.building_id is None):
            problems.append(_problem(where, _("Name either a street or a building.")))
        if line.parity not in Parity.values:
            problems.append(_problem(f"{where}.parity", _("Choose all, odd or even numbers.")))
        low, high = line.number_from, line.number_to
        if line.building_id is not None and (low is not None or high is not None):
            problems.append(_problem(where, _("A building needs no range of numbers.")))
        if low is not None and high is not None and low > high:
            problems.append(
                _problem(f"{where}.number_to", _("The range must not end before it starts."))
            )
    return problems


def _resolve(city: City, draft: NoticeDraft, problems: list[dict[str, str]]) -> set[int]:
    """The buildings of the city that the notice's addresses and area name."""
    found: set[int] = set()
    building_ids = {line.building_id for line in draft.addresses if line.building_id}
    street_ids = {line.street_id for line in draft.addresses if line.street_id}
    in_city = set(
        Building.objects.filter(city=city, pk__in=building_ids).values_list("pk", flat=True)
    )
    streets = set(Street.objects.filter(city=city, pk__in=street_ids).values_list("pk", flat=True))
    ranges = Q(pk__in=[])
    for index, line in enumerate(draft.addresses):
        if line.building_id is not None and line.building_id not in in_city:
            problems.append(
                _problem(f"addresses[{index}]", _("There is no such building in the city."))
            )
        elif line.building_id is not None:
            found.add(line.building_id)
        elif line.street_id is not None and line.street_id not in streets:
            problems.append(
                _problem(f"addresses[{index}]", _("There is no such street in the city."))
            )
        elif line.street_id is not None:
            ranges |= _on_street(line)
    if street_ids:
        on_streets = with_parity(Building.objects.all()).filter(ranges)
        found |= set(on_streets.values_list("pk", flat=True))
    if draft.area:
        found |= _in_area(city, draft.area, problems)
    return found


def _on_street(line: AddressLine) -> Q:
    assert line.street_id is not None
    return on_street(
        street_id=line.street_id,
        number_from=line.number_from,
        number_to=line.number_to,
        parity=line.parity,
    )


def _in_area(city: City, area: dict[str, Any], problems: list[dict[str, str]]) -> set[int]:
    try:
        shape = parse_area(area)
    except ValidationError as exc:
        problems.append(_problem("area", " ".join(exc.messages)))
        return set()
    if not shape.intersects(parse_area(city.boundary)):
        problems.append(_problem("area", _("The area lies outside the city.")))
        return set()
    min_lon, min_lat, max_lon, max_lat = shape.bounds
    candidates = list(
        Building.objects.filter(
            city=city,
            lat__gte=min_lat,
            lat__lte=max_lat,
            lon__gte=min_lon,
            lon__lte=max_lon,
        ).values_list("pk", "lat", "lon")
    )
    if not candidates:
        return set()
    inside = contains_xy(shape, [c[2] for c in candidates], [c[1] for c in candidates])
    return {c[0] for c, yes in zip(candidates, inside, strict=True) if yes}
