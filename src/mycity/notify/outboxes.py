"""Other outboxes the outbox process works off beside the notifications' (webhooks):
registered by the app that owns them, so that notify depends on none of them."""

from collections.abc import Callable
from typing import Any

_outboxes: dict[str, Callable[..., Any]] = {}


def register_outbox(name: str, run: Callable[..., Any]) -> None:
    """`run(limit=…)` sends up to `limit` due messages and returns a tally whose truth
    says whether it did anything."""
    _outboxes[name] = run


def other_outboxes() -> dict[str, Callable[..., Any]]:
    return dict(_outboxes)
