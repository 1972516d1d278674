"""The channels a notification goes out through, one small class each.

The in-app channel is the `Notification` row itself. Every other channel is
registered here by name and gets one `Delivery` per notification; the worker looks
the channel up by that name and calls `send`. A new channel (Web Push) is a new
class and one `register()` call; nothing else changes.
"""

from typing import ClassVar, Protocol
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils.translation import gettext as _

from mycity.accounts.models import User
from mycity.accounts.subscriptions import unsubscribe_token
from mycity.notify.models import Delivery, Notification
from mycity.notify.text import absolute_url, in_language_of, site_url

IN_APP = "in_app"


class PermanentFailure(Exception):
    """Raised by a channel when retrying cannot help: the delivery fails at once."""


class UnknownChannel(ValueError):
    pass


class Channel(Protocol):
    name: ClassVar[str]

    def reaches(self, recipient: User) -> bool:
        """Whether this channel can reach the recipient at all (an address, a device)."""
        ...

    def send(self, delivery: Delivery) -> None:
        """Send one claimed delivery; raise to have it retried, PermanentFailure to stop.

        Delivery is at-least-once: a worker killed after sending leads to a second
        send, so a channel gives downstream a stable id to deduplicate on.
        """
        ...


_registry: dict[str, Channel] = {}


def register(channel: Channel) -> Channel:
    if channel.name == IN_APP or channel.name in _registry:
        raise ValueError(f"The channel {channel.name!r} is already registered.")
    _registry[channel.name] = channel
    return channel


def get_channel(name: str) -> Channel:
    try:
        return _registry[name]
    except KeyError:
        raise UnknownChannel(f"No notification channel is called {name!r}.") from None


def channel_names() -> list[str]:
    return [IN_APP, *_registry]


class EmailChannel:
    name: ClassVar[str] = "email"

    def reaches(self, recipient: User) -> bool:
        return bool(recipient.email)

    def send(self, delivery: Delivery) -> None:
        notification = delivery.notification
        recipient = notification.recipient
        headers = {
            "Message-ID": message_id(delivery),
            # RFC 3834: no out-of-office replies to a notification.
            "Auto-Submitted": "auto-generated",
        }
        unsubscribe = unsubscribe_link(notification)
        if unsubscribe:
            # RFC 8058: mail clients offer "unsubscribe" and POST to the link themselves.
            headers["List-Unsubscribe"] = f"<{unsubscribe}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        message = EmailMessage(
            subject=notification.subject,
            body=email_body(notification),
            to=[recipient.email],
            headers=headers,
            connection=_final_connection(),
        )
        if message.send() != 1:
            raise RuntimeError("The mail backend accepted no message.")


def email_body(notification: Notification) -> str:
    with in_language_of(notification.recipient):
        parts = [notification.body.strip()]
        if notification.url:
            link = absolute_url(notification.url)
            parts.append(_("Open: %(link)s") % {"link": link})
        unsubscribe = unsubscribe_link(notification)
        if unsubscribe:
            parts.append(_("Stop these e-mails: %(link)s") % {"link": unsubscribe})
        parts.append("-- \n" + _("This message was sent automatically; please do not reply."))
    return "\n\n".join(parts) + "\n"


# Notifications a resident gets because they subscribed (not about their own appeals).
SUBSCRIBED_TOPICS = frozenset({"notice", "report_alert"})


def unsubscribe_link(notification: Notification) -> str:
    if notification.topic not in SUBSCRIBED_TOPICS:
        return ""
    token = unsubscribe_token(notification.recipient)
    return absolute_url(reverse("web:unsubscribe", kwargs={"token": token}))


def message_id(delivery: Delivery) -> str:
    """The same for every attempt of one delivery, so a downstream can deduplicate."""
    host = urlsplit(site_url()).hostname or "localhost"
    return f"<notify.delivery.{delivery.pk}@{host}>"


def _final_connection() -> BaseEmailBackend:
    # The outbox is already the durable queue with retries, so the message goes to
    # the final backend. Handing it to QueuedEmailBackend would add a second queue
    # whose task is never retried, and a delivery marked sent could still be lost.
    backend = getattr(settings, "EMAIL_DELIVERY_BACKEND", None) or settings.EMAIL_BACKEND
    return get_connection(backend)


register(EmailChannel())
