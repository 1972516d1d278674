"""Deliveries are signed as Standard Webhooks says: checked with the library's own
`Webhook.verify`, as a receiver would."""

import pytest
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from mycity.webhooks.delivery import signed_headers
from mycity.webhooks.models import Message
from mycity.webhooks.services import new_secret, rotate_secret


def _message(endpoint, body='{"type":"appeal.registered","data":{"id":1}}') -> Message:
    return Message.objects.create(
        endpoint=endpoint,
        webhook_id="msg_2f0c6b1e9d8a4c7b",
        event_type="appeal.registered",
        body=body,
        dedupe_key="k",
    )


def test_a_secret_is_a_standard_webhooks_secret():
    secret = new_secret()
    assert secret.startswith("whsec_")
    Webhook(secret)  # the library accepts it
    assert new_secret() != secret


def test_the_receiver_verifies_the_signature_with_the_library(endpoint):
    message = _message(endpoint)
    headers = signed_headers(endpoint, message, timezone.now())
    assert headers["webhook-id"] == message.webhook_id
    assert headers["webhook-signature"].startswith("v1,")
    assert Webhook(endpoint.secret).verify(message.body.encode(), headers) == {
        "type": "appeal.registered",
        "data": {"id": 1},
    }


def test_a_changed_body_or_another_secret_does_not_verify(endpoint):
    message = _message(endpoint)
    headers = signed_headers(endpoint, message, timezone.now())
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint.secret).verify(message.body.replace("1", "2"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(message.body, headers)


def test_an_old_timestamp_does_not_verify(endpoint):
    message = _message(endpoint)
    headers = signed_headers(endpoint, message, timezone.now() - timezone.timedelta(minutes=10))
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(endpoint.secret).verify(message.body, headers)


def test_after_a_rotation_both_secrets_verify_for_a_day(endpoint, city_admin):
    old = endpoint.secret
    rotate_secret(actor=city_admin, endpoint=endpoint)
    assert endpoint.secret != old
    message = _message(endpoint)
    headers = signed_headers(endpoint, message, timezone.now())
    assert len(headers["webhook-signature"].split(" ")) == 2
    Webhook(old).verify(message.body, headers)
    Webhook(endpoint.secret).verify(message.body, headers)
    later = signed_headers(endpoint, message, timezone.now() + timezone.timedelta(hours=25))
    assert len(later["webhook-signature"].split(" ")) == 1
