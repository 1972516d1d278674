"""Commands on the browsers a resident allowed to be pushed to."""

import base64
import binascii
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from mycity.accounts.models import User
from mycity.core.errors import DomainError
from mycity.notify.models import PushSubscription


class InvalidPushSubscription(DomainError):
    code = "invalid_push_subscription"
    message = _("The push subscription is not valid.")


def _decoded(value: str, field: str, size: int | None = None) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise InvalidPushSubscription(_("Not base64url."), field=field) from None
    if size is not None and len(raw) != size:
        raise InvalidPushSubscription(_("The key has the wrong length."), field=field)
    return raw


def subscribe_browser(
    *, user: User, endpoint: str, p256dh: str, auth: str, user_agent: str = ""
) -> PushSubscription:
    """Remember a browser's subscription; the same endpoint moves to the user who
    subscribed last on it (a shared computer)."""
    parts = urlsplit(endpoint)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not host:
        raise InvalidPushSubscription(_("The endpoint must be an https address."), field="endpoint")
    if not any(host == h or host.endswith("." + h) for h in settings.WEBPUSH_ENDPOINT_HOSTS):
        raise InvalidPushSubscription(
            _("This push service is not known to the site."), field="endpoint"
        )
    # An uncompressed P-256 point (65 bytes starting 0x04) and a 16-byte secret (RFC 8291).
    if _decoded(p256dh, "keys.p256dh", 65)[0] != 4:
        raise InvalidPushSubscription(_("The key is not a P-256 point."), field="keys.p256dh")
    _decoded(auth, "keys.auth", 16)
    with transaction.atomic():
        row, _created = PushSubscription.objects.update_or_create(
            endpoint=endpoint,
            defaults={"user": user, "p256dh": p256dh, "auth": auth, "user_agent": user_agent[:300]},
        )
        # The newest few browsers of a person; the oldest make way.
        kept = PushSubscription.objects.filter(user=user).order_by("-created_at", "-pk")
        stale = list(kept.values_list("pk", flat=True)[settings.WEBPUSH_MAX_PER_USER :])
        PushSubscription.objects.filter(pk__in=stale).delete()
    return row


def unsubscribe_browser(*, user: User, endpoint: str) -> int:
    deleted, _rows = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    return deleted
