"""Telling residents about a notice: everyone subscribed to one of its buildings, to a
district it touches, or to its kind of notices in the city, once each, in their own
language, through the channels they chose.

Idempotent by construction: every notification carries the key `notice:<id>`, and
recipients who already have it are skipped, so a worker killed half-way resumes by
running again; each batch is one transaction, so nothing is half-written.
"""

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.utils import formats
from django.utils.translation import gettext as _
from django_tasks import task

from mycity.accounts.models import Subscription, SubscriptionKind, User
from mycity.cities.models import Building
from mycity.content.models import AffectedBuilding, Notice, NoticeState
from mycity.notify.channels import IN_APP
from mycity.notify.services import Message, notify_many

if TYPE_CHECKING:
    from mycity.cities.models import City

BATCH = 1000


@task()
def announce_notice(notice_id: int) -> int:
    notice = Notice.objects.select_related("city").filter(pk=notice_id).first()
    if notice is None or notice.state != NoticeState.PUBLISHED:
        return 0
    return tell_subscribers(notice)


def tell_subscribers(notice: Notice, *, batch: int = BATCH) -> int:
    """Write the notice's notifications; how many were new."""
    written = 0
    for recipients in _batches(notice, batch):
        # Withdrawn meanwhile: the rest are not told.
        if not Notice.objects.filter(pk=notice.pk, state=NoticeState.PUBLISHED).exists():
            break
        written += notify_many(
            recipients=recipients,
            topic="notice",
            write=lambda user: notice_message(notice),
            dedupe_key=f"notice:{notice.pk}",
            url=f"/{notice.city.slug}/notices/{notice.pk}/",
            data={"notice": notice.pk, "kind": notice.kind},
        )
    return written


def subscribers_of(notice: Notice) -> dict[int, list[str]]:
    """Whom the notice concerns, with the channels each chose (all their matching
    subscriptions together)."""
    buildings = AffectedBuilding.objects.filter(notice=notice).values("building_id")
    districts = (
        Building.objects.filter(pk__in=buildings, district__isnull=False)
        .values("district_id")
        .distinct()
    )
    subscriptions = Subscription.objects.values_list("user_id", "channels")
    by_address = subscriptions.filter(kind=SubscriptionKind.ADDRESS, building_id__in=buildings)
    by_district = subscriptions.filter(kind=SubscriptionKind.DISTRICT, district_id__in=districts)
    by_kind = subscriptions.filter(
        kind=SubscriptionKind.NOTICE_KIND, city=notice.city, topic=notice.kind
    )
    # Three queries in one, each on its own partial index.
    rows = by_address.union(by_district, by_kind, all=True)
    return _merged(rows)


def _batches(notice: Notice, size: int) -> Iterator[list[tuple[User, list[str]]]]:
    wanted = subscribers_of(notice)
    ids = sorted(wanted)
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        users = User.objects.filter(pk__in=chunk).select_related("home_city")
        yield [(user, wanted[user.pk]) for user in users]


def notice_message(notice: Notice) -> Message:
    """What a resident is told, in the active language."""
    zone = ZoneInfo(notice.city.timezone)
    starts = formats.date_format(notice.starts_at.astimezone(zone), "SHORT_DATETIME_FORMAT")
    if notice.ends_at is None:
        period = _("from %(start)s, until further notice") % {"start": starts}
    else:
        ends = formats.date_format(notice.ends_at.astimezone(zone), "SHORT_DATETIME_FORMAT")
        period = _("from %(start)s to %(end)s") % {"start": starts, "end": ends}
    label = notice.get_kind_display()
    if notice.is_emergency:
        label = _("Emergency: %(kind)s") % {"kind": label}
    lines = [notice.title, period]
    if notice.reason:
        lines.append(notice.reason)
    return Message(subject=f"{label}: {notice.title}", body="\n".join(lines))


def tell_followers(
    *,
    city: "City",
    kind: str,
    topics: list[str],
    topic: str,
    dedupe_key: str,
    url: str,
    write: Callable[[User], Message],
    batch: int = BATCH,
) -> int:
    """Tell the residents who follow one of `topics` (news tags, event categories) in
    the city, once each (the dedupe key), through their channels, in batches; `write`
    runs in each recipient's language."""
    rows = Subscription.objects.filter(kind=kind, city=city, topic__in=topics).values_list(
        "user_id", "channels"
    )
    return _tell(_merged(rows), batch, topic=topic, dedupe_key=dedupe_key, url=url, write=write)


def _merged(rows: Iterable[tuple[int, list[str]]]) -> dict[int, list[str]]:
    """Each user's channels over all their matching subscriptions (in-app always)."""
    wanted: dict[int, list[str]] = {}
    for user_id, channels in rows:
        known = wanted.setdefault(user_id, [IN_APP])
        known.extend(c for c in channels if c not in known)
    return wanted


def _tell(
    wanted: dict[int, list[str]],
    batch: int,
    *,
    topic: str,
    dedupe_key: str,
    url: str,
    write: Callable[[User], Message],
) -> int:
    written = 0
    ids = sorted(wanted)
    for start in range(0, len(ids), batch):
        users = User.objects.filter(pk__in=ids[start : start + batch]).select_related("home_city")
        written += notify_many(
            recipients=[(user, wanted[user.pk]) for user in users],
            topic=topic,
            write=write,
            dedupe_key=dedupe_key,
            url=url,
        )
    return written


@task()
def announce_event(event_id: int) -> int:
    """Tell the followers of a newly published event's category."""
    from mycity.content.models import Event

    event = Event.objects.select_related("city", "venue").filter(pk=event_id).first()
    if event is None or not event.is_published:
        return 0
    zone = ZoneInfo(event.city.timezone)

    def write(user: User) -> Message:  # in the recipient's language
        when = formats.date_format(event.starts_at.astimezone(zone), "SHORT_DATETIME_FORMAT")
        where = f", {event.venue.name}" if event.venue else ""
        return Message(subject=event.name, body=f"{event.name}\n{when}{where}")

    return tell_followers(
        city=event.city,
        kind=SubscriptionKind.EVENT_CATEGORY,
        topics=[event.category],
        topic="event",
        dedupe_key=f"event:{event.pk}",
        url=f"/{event.city.slug}/events/{event.pk}/",
        write=write,
    )
