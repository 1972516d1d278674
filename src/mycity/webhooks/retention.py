"""How long webhook messages are kept: the console shows an endpoint's recent messages
and their attempts, for its owner to see what reached them; older ones only fill the
table the outbox scans. Run nightly by the clock (`mycity.core.clock`)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from mycity.webhooks.models import Message

State = Message.State

# Rows deleted per statement, so that a first run over a long history holds no lock for long.
CHUNK = 1000


def prune_old_messages(*, now: datetime | None = None) -> int:
    """Delete the messages (and their attempts) delivered or given up more than
    WEBHOOK_MESSAGES_KEPT_DAYS ago; how many. A message still waiting or being sent is
    kept whatever its age."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.WEBHOOK_MESSAGES_KEPT_DAYS)
    old = Message.objects.filter(
        Q(state=State.DELIVERED, delivered_at__lt=cutoff)
        | Q(state=State.FAILED, created_at__lt=cutoff)
    )
    deleted = 0
    while ids := list(old.values_list("pk", flat=True)[:CHUNK]):
        Message.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
    return deleted


@task()
def prune_old_messages_task() -> int:
    return prune_old_messages()
