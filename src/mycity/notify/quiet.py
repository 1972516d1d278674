"""Quiet hours: e-mail and push wait until the recipient's quiet hours end.

The hours are the recipient's own wall-clock times in their city's time zone (Minsk
when they have no city). A window may span midnight (22:00–07:00).
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from mycity.accounts.models import User


def after_quiet_hours(user: User, moment: datetime) -> datetime:
    """`moment`, or the end of the recipient's quiet hours when it falls inside them."""
    start, end = user.quiet_from, user.quiet_until
    if start is None or end is None or start == end:
        return moment
    zone = ZoneInfo(_zone_name(user))
    local = moment.astimezone(zone)
    now = local.time()
    inside = start <= now < end if start < end else (now >= start or now < end)
    if not inside:
        return moment
    ends = datetime.combine(local.date(), end, tzinfo=zone)
    if ends <= local:  # a window over midnight, entered before midnight
        ends = datetime.combine(local.date() + timedelta(days=1), end, tzinfo=zone)
    return ends


def _zone_name(user: User) -> str:
    city = user.home_city if user.home_city_id else None
    return city.timezone if city is not None else settings.TIME_ZONE
