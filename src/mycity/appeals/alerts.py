"""Alerts about public problem reports: a resident follows the new reports within a
radius of a point, in a district or of a category, or the updates of any public report
(FixMyStreet's alerts by area and radius), and is told through the notification outbox
(in the app always; by e-mail and Web Push as chosen), after their quiet hours.

Only public reports are announced, and only what the public reads of them (the text
masked, no notes, no names). The fan-out runs in a task after the change commits, once
per report (`report:<id>:new`) or per event (`report:<id>:event:<id>`): a task run
twice, or resumed after a crash, tells nobody twice. The report's own applicant hears
of it through their appeal's notifications, not through an alert.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django_tasks import task

from mycity.accounts.models import User
from mycity.appeals.errors import AlertExists, InvalidAlert
from mycity.appeals.models import (
    Appeal,
    AppealEvent,
    AppealKind,
    Category,
    ReportAlert,
    ReportAlertKind,
    Status,
)
from mycity.appeals.public_text import public_text
from mycity.cities.models import City, District
from mycity.cities.selectors import point_in_city
from mycity.core.geo import box_around, distance_m
from mycity.notify.channels import IN_APP
from mycity.notify.services import Message, notify_many

CHANNELS = (IN_APP, "email", "webpush")
RADII_M = (250, 500, 1000, 2000)
# Enough for every place a resident cares about; a script cannot fill the table.
MAX_ALERTS = 50
TOPIC = "report_alert"
BATCH = 1000


# --- what a resident follows --------------------------------------------------------


def _channels(channels: Iterable[str]) -> list[str]:
    chosen = [IN_APP, *(c for c in dict.fromkeys(channels) if c != IN_APP)]
    if any(c not in CHANNELS for c in chosen):
        raise InvalidAlert(_("There is no such channel."), field="channels")
    return chosen


def _room_for_one_more(user: User) -> None:
    if ReportAlert.objects.filter(user=user).count() >= MAX_ALERTS:
        raise InvalidAlert(
            _("You follow %(max)s things already: stop one first.") % {"max": MAX_ALERTS},
            field="kind",
        )


def _save(alert: ReportAlert) -> ReportAlert:
    try:
        with transaction.atomic():
            alert.save()
    except IntegrityError:
        raise AlertExists(field="kind") from None
    return alert


def follow_area(
    *,
    user: User,
    city: City,
    lat: float,
    lon: float,
    radius_m: int,
    label: str = "",
    channels: Iterable[str] = (),
) -> ReportAlert:
    """New public reports within `radius_m` of a point of the city."""
    if radius_m not in RADII_M:
        raise InvalidAlert(_("Choose one of the offered distances."), field="radius")
    if not point_in_city(city, lat=lat, lon=lon):
        raise InvalidAlert(_("The point is outside the city."), field="point")
    _room_for_one_more(user)
    box = box_around(lat, lon, radius_m)
    return _save(
        ReportAlert(
            user=user,
            city=city,
            kind=ReportAlertKind.AREA,
            lat=lat,
            lon=lon,
            radius_m=radius_m,
            min_lat=box.min_lat,
            max_lat=box.max_lat,
            min_lon=box.min_lon,
            max_lon=box.max_lon,
            label=label[:200],
            channels=_channels(channels),
        )
    )


def follow_district(*, user: User, district: District, channels: Iterable[str] = ()) -> ReportAlert:
    _room_for_one_more(user)
    return _save(
        ReportAlert(
            user=user,
            city_id=district.city_id,
            kind=ReportAlertKind.DISTRICT,
            district=district,
            channels=_channels(channels),
        )
    )


def follow_category(*, user: User, category: Category, channels: Iterable[str] = ()) -> ReportAlert:
    if category.kind != AppealKind.PROBLEM or not category.is_public:
        raise InvalidAlert(_("Reports of this category are not public."), field="category")
    _room_for_one_more(user)
    return _save(
        ReportAlert(
            user=user,
            city_id=category.city_id,
            kind=ReportAlertKind.CATEGORY,
            category=category,
            channels=_channels(channels),
        )
    )


def follow_report(*, user: User, appeal: Appeal, channels: Iterable[str] = ()) -> ReportAlert:
    """The updates of one public report; following it again changes nothing."""
    if not appeal.is_public or appeal.kind != AppealKind.PROBLEM:
        raise InvalidAlert(_("Only public reports can be followed."), field="appeal")
    existing = ReportAlert.objects.filter(
        user=user, kind=ReportAlertKind.REPORT, appeal=appeal
    ).first()
    if existing is not None:
        return existing
    _room_for_one_more(user)
    return _save(
        ReportAlert(
            user=user,
            city_id=appeal.city_id,
            kind=ReportAlertKind.REPORT,
            appeal=appeal,
            channels=_channels(channels or (IN_APP,)),
        )
    )


def stop_alert(*, user: User, alert_id: int) -> bool:
    """Stop one of the resident's alerts; whether there was one."""
    deleted, _rows = ReportAlert.objects.filter(user=user, pk=alert_id).delete()
    return deleted > 0


def stop_alert_emails(user: User) -> int:
    """No more e-mails from any alert (the one-click unsubscribe); in the app they go on."""
    stopped = 0
    with transaction.atomic():
        for alert in ReportAlert.objects.select_for_update().filter(user=user):
            if "email" in alert.channels:
                alert.channels = [c for c in alert.channels if c != "email"]
                alert.save(update_fields=["channels"])
                stopped += 1
    return stopped


def alerts_of(user: User, city: City) -> list[ReportAlert]:
    return list(
        ReportAlert.objects.filter(user=user, city=city)
        .select_related("district", "category", "appeal")
        .defer("district__boundary")
        .order_by("kind", "pk")
    )


# --- who is told ----------------------------------------------------------------------


def _merged(rows: Iterable[tuple[int, list[str]]], *, besides: int | None) -> dict[int, list[str]]:
    wanted: dict[int, list[str]] = {}
    for user_id, channels in rows:
        if user_id == besides:
            continue
        known = wanted.setdefault(user_id, [IN_APP])
        known.extend(c for c in channels if c not in known)
    return wanted


def watchers_of_new_report(report: Appeal) -> dict[int, list[str]]:
    """Who follows the place, the district or the category of a new public report,
    with the channels of all their matching alerts together."""
    rows = [
        (user_id, channels)
        for user_id, channels, kind, at_lat, at_lon, radius in _alerts_near(report).values_list(
            "user_id", "channels", "kind", "lat", "lon", "radius_m"
        )
        # An area's box holds the point; its circle must too. The area kind's check
        # constraint says these are set.
        if kind != ReportAlertKind.AREA
        or distance_m(at_lat or 0.0, at_lon or 0.0, report.lat or 0.0, report.lon or 0.0)
        <= (radius or 0)
    ]
    return _merged(rows, besides=report.applicant_id)


def _alerts_near(report: Appeal) -> QuerySet[ReportAlert]:
    """The alerts of the report's category (or its parent), its district, and the areas
    whose box holds its point: a superset of its watchers, in one indexed query."""
    categories = [report.category_id]
    if report.category.parent_id:
        categories.append(report.category.parent_id)
    near = Q(kind=ReportAlertKind.CATEGORY, category_id__in=categories)
    if report.district_id:
        near |= Q(kind=ReportAlertKind.DISTRICT, district_id=report.district_id)
    if report.lat is not None and report.lon is not None:
        near |= Q(
            kind=ReportAlertKind.AREA,
            min_lat__lte=report.lat,
            max_lat__gte=report.lat,
            min_lon__lte=report.lon,
            max_lon__gte=report.lon,
        )
    return ReportAlert.objects.filter(near, city_id=report.city_id)


def followers_of(report: Appeal) -> dict[int, list[str]]:
    rows = ReportAlert.objects.filter(kind=ReportAlertKind.REPORT, appeal=report).values_list(
        "user_id", "channels"
    )
    return _merged(rows, besides=report.applicant_id)


def _tell(
    wanted: dict[int, list[str]],
    *,
    write: Callable[[User], Message],
    dedupe_key: str,
    url: str,
    data: dict[str, Any],
) -> int:
    written = 0
    ids = sorted(wanted)
    for start in range(0, len(ids), BATCH):
        users = User.objects.filter(pk__in=ids[start : start + BATCH]).select_related("home_city")
        written += notify_many(
            recipients=[(user, wanted[user.pk]) for user in users],
            topic=TOPIC,
            write=write,
            dedupe_key=dedupe_key,
            url=url,
            data=data,
        )
    return written


def _public(appeal_id: int) -> Appeal | None:
    return (
        Appeal.objects.select_related("city", "category")
        .defer("city__boundary")
        .filter(pk=appeal_id, is_public=True, kind=AppealKind.PROBLEM)
        .first()
    )


@task()
def announce_new_report(appeal_id: int) -> int:
    """Tell the watchers of its place, district and category about a new public report."""
    report = _public(appeal_id)
    if report is None:  # hidden again before the task ran
        return 0

    def write(user: User) -> Message:  # in the recipient's language
        subject = _("New report %(number)s: %(category)s") % {
            "number": report.number,
            "category": report.category.name,
        }
        text = public_text(report.description)
        lines = [report.address, text[:300] + ("…" if len(text) > 300 else "")]
        return Message(subject=subject, body="\n".join(line for line in lines if line))

    return _tell(
        watchers_of_new_report(report),
        write=write,
        dedupe_key=f"report:{report.pk}:new",
        url=report.public_path(),
        data={"appeal": report.pk, "alert": "new"},
    )


@task()
def announce_report_update(appeal_id: int, event_id: int) -> int:
    """Tell the followers of a public report what its timeline now says."""
    report = _public(appeal_id)
    event = AppealEvent.objects.filter(pk=event_id, appeal_id=appeal_id).first()
    if report is None or event is None or not event.to_status:
        return 0

    def write(user: User) -> Message:
        status = Status(event.to_status).label
        subject = _("Report %(number)s: %(status)s") % {"number": report.number, "status": status}
        body = _("The report you follow (%(category)s, %(address)s) is now: %(status)s.") % {
            "category": report.category.name,
            "address": report.address or "—",
            "status": status,
        }
        return Message(subject=subject, body=body)

    return _tell(
        followers_of(report),
        write=write,
        dedupe_key=f"report:{report.pk}:event:{event.pk}",
        url=report.public_path(),
        data={"appeal": report.pk, "alert": "update", "status": event.to_status},
    )


def on_new_report(appeal: Appeal) -> None:
    """After the change that made the report public commits, if anyone may watch it:
    as with followers, one indexed look costs less than a task, and most places,
    districts and categories of a city have no watcher."""
    if not _alerts_near(appeal).exists():
        return
    transaction.on_commit(lambda: announce_new_report.enqueue(appeal.pk), robust=True)


def on_report_event(appeal: Appeal, event: AppealEvent) -> None:
    """After a public move of a public report commits, if anyone follows it: most
    reports have no follower, and one indexed look costs less than a task."""
    if not ReportAlert.objects.filter(kind=ReportAlertKind.REPORT, appeal=appeal).exists():
        return
    transaction.on_commit(lambda: announce_report_update.enqueue(appeal.pk, event.pk), robust=True)
