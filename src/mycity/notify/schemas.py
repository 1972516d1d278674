from datetime import datetime
from typing import Any

from ninja import Field, Schema

from mycity.core.api_formats import JsonInt


class NotificationOut(Schema):
    id: int
    topic: str = Field(description='What it is about, e.g. "appeal.status_changed".')
    subject: str
    body: str = Field(description="Plain text in the recipient's language.")
    url: str = Field(description="A path on the site to open, or empty.")
    data: dict[str, Any]
    created_at: datetime
    read_at: datetime | None


class NotificationList(Schema):
    items: list[NotificationOut]
    unread_count: int
    next_before: int | None = Field(
        description="Pass as `before` for the next (older) page; null on the last page."
    )


class MarkReadIn(Schema):
    ids: list[JsonInt] | None = Field(
        None, max_length=500, description="The notifications to mark read; all when omitted."
    )


class MarkReadOut(Schema):
    marked: int
    unread_count: int
