"""The signed-in user's notifications. Mounted at /me/notifications."""

from typing import cast

from django.http import HttpRequest
from ninja import Body, Field, Query, Router, Schema
from ninja.security import django_auth

from mycity.accounts.models import User
from mycity.notify import selectors, services
from mycity.notify.schemas import MarkReadIn, MarkReadOut, NotificationList

# The browser session by default; src/mycity/api.py mounts the router so that a
# personal access token works too. Whoever it is, it is `request.auth`.
router = Router(tags=["notifications"], auth=django_auth)

# No body at all marks everything read; a body is an object (never `null`).
NO_BODY_MARKS_ALL = Body(None)


class Page(Schema):
    before: int | None = Field(None, ge=1, description="Only notifications older than this id.")
    limit: int = Field(20, ge=1, le=100)


@router.get("", response=NotificationList, summary="My notifications, newest first")
def list_notifications(request: HttpRequest, page: Query[Page]) -> dict:
    user = cast(User, request.auth)  # type: ignore[attr-defined]
    rows = selectors.notifications_of(user, limit=page.limit + 1, before_id=page.before)
    items = rows[: page.limit]
    return {
        "items": items,
        "unread_count": selectors.unread_count(user),
        "next_before": items[-1].pk if len(rows) > page.limit else None,
    }


@router.post("/read", response=MarkReadOut, summary="Mark my notifications read (all, or by id)")
def mark_notifications_read(
    request: HttpRequest,
    payload: MarkReadIn = NO_BODY_MARKS_ALL,
) -> dict:
    user = cast(User, request.auth)  # type: ignore[attr-defined]
    ids = payload.ids if payload is not None else None
    marked = services.mark_read(user=user, notification_ids=ids)
    return {"marked": marked, "unread_count": selectors.unread_count(user)}
