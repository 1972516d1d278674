"""Web Push: the keys that sign pushes (VAPID, RFC 8292) and the channel that sends a
notification to every browser a resident allowed (RFC 8030, encrypted per RFC 8291 by
pywebpush). A push service that answers 404 or 410 has forgotten the subscription:
it is removed."""

import json
from dataclasses import dataclass
from typing import ClassVar

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.templatetags.static import static
from py_vapid import Vapid02
from py_vapid.utils import b64urlencode
from pywebpush import WebPushException, webpush

from mycity.accounts.models import User
from mycity.notify.channels import PermanentFailure, register
from mycity.notify.models import Delivery, PushSubscription

TTL_S = 24 * 3600
GONE = (404, 410)


@dataclass(frozen=True)
class VapidKeys:
    public_key: str  # the application server key browsers subscribe with
    private_key: str  # the private scalar, base64url


def generate_vapid_keys() -> VapidKeys:
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    private = key.private_numbers().private_value.to_bytes(32, "big")
    return VapidKeys(public_key=b64urlencode(public), private_key=b64urlencode(private))


def push_enabled() -> bool:
    return bool(settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY)


def payload(delivery: Delivery) -> str:
    """What the service worker shows (see web/sw.js): small, as push services cap it."""
    notification = delivery.notification
    return json.dumps(
        {
            "title": notification.subject,
            "body": notification.body[:300],
            "url": notification.url or "/",
            # The same notification pushed twice (at-least-once) replaces itself.
            "tag": f"notification-{notification.pk}",
            "icon": static("web/icon-192.png"),
        },
        ensure_ascii=False,
    )


class WebPushChannel:
    name: ClassVar[str] = "webpush"

    def reaches(self, recipient: User) -> bool:
        return push_enabled() and PushSubscription.objects.filter(user=recipient).exists()

    def reachable(self, recipients: list[User]) -> set[int]:
        """Of many recipients, those with a browser to push to: one query."""
        if not push_enabled():
            return set()
        ids = [user.pk for user in recipients]
        return set(
            PushSubscription.objects.filter(user_id__in=ids).values_list("user_id", flat=True)
        )

    def send(self, delivery: Delivery) -> None:
        subscriptions = list(PushSubscription.objects.filter(user=delivery.notification.recipient))
        vapid = Vapid02.from_raw(settings.VAPID_PRIVATE_KEY.encode())
        body = payload(delivery)
        failures = []
        for subscription in subscriptions:
            try:
                webpush(
                    subscription_info=subscription.info,
                    data=body,
                    vapid_private_key=vapid,
                    vapid_claims={"sub": settings.VAPID_SUBJECT},
                    ttl=TTL_S,
                    # RFC 8030 topic: a push service keeps one undelivered message per
                    # topic, so a retry does not queue a second copy.
                    headers={"Topic": f"d{delivery.pk}"},
                    timeout=10,
                )
            except WebPushException as exc:
                status = exc.response.status_code if exc.response is not None else None
                if status in GONE:
                    subscription.delete()
                else:
                    failures.append(exc)
        if failures:
            raise failures[0]  # retried later; the browsers that got it replace by tag
        if not subscriptions or all(s.pk is None for s in subscriptions):
            raise PermanentFailure("Every push subscription of the recipient has expired.")


register(WebPushChannel())
