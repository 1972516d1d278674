"""Old webhook messages go: delivered or given up long enough ago, with their attempts;
a message still waiting is kept whatever its age."""

from datetime import timedelta

from django.utils import timezone

from mycity.webhooks.models import Attempt, Message
from mycity.webhooks.retention import prune_old_messages

State = Message.State


def message(endpoint, key: str, state: str, age_days: int) -> Message:
    then = timezone.now() - timedelta(days=age_days)
    made = Message.objects.create(
        endpoint=endpoint,
        webhook_id=f"msg_{key}",
        event_type="appeal.registered",
        body="{}",
        dedupe_key=key,
        state=state,
        created_at=then,
        due_at=then,
        delivered_at=then if state == State.DELIVERED else None,
    )
    Attempt.objects.create(message=made, number=1, at=then, status_code=200)
    return made


def test_messages_done_with_long_ago_go_with_their_attempts(settings, endpoint):
    settings.WEBHOOK_MESSAGES_KEPT_DAYS = 30
    message(endpoint, "old-delivered", State.DELIVERED, 31)
    message(endpoint, "old-failed", State.FAILED, 31)
    message(endpoint, "recent-delivered", State.DELIVERED, 29)
    message(endpoint, "old-pending", State.PENDING, 60)
    message(endpoint, "old-sending", State.SENDING, 60)

    assert prune_old_messages() == 2

    kept = set(Message.objects.values_list("dedupe_key", flat=True))
    assert kept == {"recent-delivered", "old-pending", "old-sending"}
    assert Attempt.objects.count() == 3
    assert prune_old_messages() == 0
