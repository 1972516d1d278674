"""Reads of webhook messages and their attempts, for the console and the API."""

from django.db.models import Prefetch

from mycity.webhooks.models import Attempt, Endpoint, Message

PAGE = 50


def recent_messages(
    endpoint: Endpoint, *, before_id: int | None = None, limit: int = PAGE
) -> list[Message]:
    """The endpoint's messages, newest first, each with its attempts (two queries)."""
    rows = Message.objects.filter(endpoint=endpoint).order_by("-pk")
    if before_id is not None:
        rows = rows.filter(pk__lt=before_id)
    return list(
        rows.prefetch_related(
            Prefetch("attempt_rows", queryset=Attempt.objects.order_by("number"))
        )[:limit]
    )
