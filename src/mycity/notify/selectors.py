"""Queries of a user's in-app notifications."""

from mycity.accounts.models import User
from mycity.notify.models import Notification


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, in_app=True, read_at__isnull=True).count()


def notifications_of(user: User, *, limit: int, before_id: int | None = None) -> list[Notification]:
    """The user's in-app notifications, newest first; `before_id` continues a page."""
    rows = Notification.objects.filter(recipient=user, in_app=True)
    if before_id is not None:
        rows = rows.filter(pk__lt=before_id)
    return list(rows.order_by("-pk")[:limit])
