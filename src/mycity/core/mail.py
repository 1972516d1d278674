"""E-mail leaves the request through a background task."""

import logging
from collections.abc import Sequence
from email import message_from_bytes
from email.message import EmailMessage as StdEmailMessage
from email.policy import default as default_policy
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django_tasks import task

logger = logging.getLogger(__name__)


class QueuedEmailBackend(BaseEmailBackend):
    """Serialises each message and enqueues its delivery.

    The task is enqueued on commit, so a mail about something that was rolled
    back is never sent.
    """

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            raw = message.message().as_bytes().decode("utf-8", "surrogateescape")
            transaction.on_commit(partial(deliver_email.enqueue, raw, message.recipients()))
        return len(email_messages)


@task()
def deliver_email(raw: str, recipients: list[str]) -> int:
    parsed = message_from_bytes(raw.encode("utf-8", "surrogateescape"), policy=default_policy)
    assert isinstance(parsed, StdEmailMessage)
    message = _RawEmail(parsed, recipients)
    with get_connection(settings.EMAIL_DELIVERY_BACKEND) as connection:
        sent = connection.send_messages([message])
    logger.info("email delivered", extra={"recipients": len(recipients)})
    return sent or 0


class _RawEmail(EmailMessage):
    """An already-built MIME message handed to a real backend unchanged."""

    def __init__(self, parsed: StdEmailMessage, recipients: list[str]) -> None:
        super().__init__(
            subject=str(parsed.get("Subject", "")).strip(),
            from_email=str(parsed.get("From", settings.DEFAULT_FROM_EMAIL)),
            to=recipients,
            body=_plain_body(parsed),
        )
        self._parsed = parsed

    def message(self, *args, **kwargs):
        return self._parsed

    def recipients(self) -> list[str]:
        return list(self.to)


def _plain_body(parsed: StdEmailMessage) -> str:
    part = parsed.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""
