from typing import Any

from mycity.accounts.models import User
from mycity.notify.models import Notification
from mycity.notify.services import notify


def notify_about(recipient: User, **overrides: Any) -> Notification:
    """A notification with everything but the recipient filled in."""
    fields: dict[str, Any] = {
        "topic": "appeal.status_changed",
        "subject": "Обращение № 12 принято",
        "body": "Ваше обращение принято в работу.",
        "url": "/appeals/12",
        **overrides,
    }
    notification = notify(recipient=recipient, **fields)
    assert notification is not None
    return notification
