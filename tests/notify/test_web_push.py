"""Web Push end to end without the outside push service: a local endpoint plays the
push service, and the test plays the browser, decrypting what arrives (RFC 8291) and
checking the VAPID signature (RFC 8292)."""

import base64
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import http_ece
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from django.core.management import call_command

from mycity.notify.models import Delivery, PushSubscription
from mycity.notify.push import generate_vapid_keys
from mycity.notify.push_services import InvalidPushSubscription, subscribe_browser
from mycity.notify.services import notify

pytestmark = pytest.mark.django_db(transaction=True)


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class PushService:
    """Answers every POST with `status` and keeps what it received."""

    def __init__(self, status: int = 201) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                service.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/push/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def subscribe_local(user, endpoint, browser):
    """The site accepts only https push services it knows (tested below); the test's
    own plain-http service is written to the table as a subscription would be."""
    return PushSubscription.objects.create(
        user=user, endpoint=endpoint, p256dh=browser.p256dh, auth=b64(browser.auth)
    )


class Browser:
    """A browser's side of a push subscription: its key pair and auth secret."""

    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        public = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        self.p256dh = b64(public)

    def decrypt(self, body: bytes) -> dict:
        return json.loads(
            http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth, version="aes128gcm")
        )


@pytest.fixture
def vapid(settings):
    keys = generate_vapid_keys()
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = keys.public_key, keys.private_key
    settings.VAPID_SUBJECT = "mailto:city@polotsk.example"
    return keys


@pytest.fixture
def push_service():
    service = PushService()
    yield service
    service.close()


def verify_vapid(authorization: str, public_key: str, endpoint: str) -> dict:
    """The JWT in `vapid t=…, k=…` is signed (ES256) by the key the browser knows."""
    parts = dict(part.strip().split("=", 1) for part in authorization[len("vapid ") :].split(","))
    assert parts["k"] == public_key
    header, claims, signature = parts["t"].split(".")
    raw = unb64(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64(public_key))
    key.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))  # raises if not
    decoded = json.loads(unb64(claims))
    assert decoded["aud"] == endpoint.split("/push/")[0]
    return decoded


def test_a_notification_reaches_the_browser_encrypted_and_signed(vapid, push_service, resident):
    browser = Browser()
    subscribe_local(resident, push_service.url + "abc", browser)
    notification = notify(
        recipient=resident,
        topic="notice",
        subject="Горячая вода: отключение",
        body="С 26.11 9:00 до 17:00",
        url="/polotsk/notices/1/",
        channels=["in_app", "webpush"],
    )
    ((headers, body),) = push_service.received
    assert headers["content-encoding"] == "aes128gcm"
    assert int(headers["ttl"]) > 0 and headers["topic"]
    claims = verify_vapid(headers["authorization"], vapid.public_key, push_service.url)
    assert claims["sub"] == "mailto:city@polotsk.example"
    message = browser.decrypt(body)
    assert message == {
        "title": "Горячая вода: отключение",
        "body": "С 26.11 9:00 до 17:00",
        "url": "/polotsk/notices/1/",
        "tag": f"notification-{notification.pk}",
        "icon": "/static/web/icon-192.png",
    }
    assert Delivery.objects.get(channel="webpush").state == "sent"


def test_a_subscription_the_push_service_forgot_is_removed(vapid, resident):
    gone = PushService(status=410)
    try:
        browser = Browser()
        subscribe_local(resident, gone.url + "old", browser)
        notify(recipient=resident, topic="t", subject="s", body="b", channels=["webpush"])
    finally:
        gone.close()
    assert not PushSubscription.objects.exists()
    assert Delivery.objects.get(channel="webpush").state == "failed"


def test_without_vapid_keys_no_one_is_pushed_to(settings, push_service, resident):
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    browser = Browser()
    subscribe_local(resident, push_service.url + "x", browser)
    notify(recipient=resident, topic="t", subject="s", body="b", channels=["in_app", "webpush"])
    assert push_service.received == [] and not Delivery.objects.exists()


@pytest.mark.parametrize(
    ("endpoint", "p256dh", "auth", "field"),
    [
        ("not a url", None, None, "endpoint"),
        ("http://fcm.googleapis.com/fcm/send/1", None, None, "endpoint"),
        # A resident cannot make the worker post to an internal address.
        ("https://169.254.169.254/latest/meta-data", None, None, "endpoint"),
        ("https://localhost:6379/", None, None, "endpoint"),
        ("https://fcm.googleapis.com/fcm/send/1", "AAAA", None, "keys.p256dh"),
        ("https://fcm.googleapis.com/fcm/send/1", None, "c2hvcnQ", "keys.auth"),
    ],
)
def test_malformed_subscriptions_are_refused(resident, endpoint, p256dh, auth, field):
    browser = Browser()
    with pytest.raises(InvalidPushSubscription) as refused:
        subscribe_browser(
            user=resident,
            endpoint=endpoint,
            p256dh=p256dh or browser.p256dh,
            auth=auth or b64(browser.auth),
        )
    assert refused.value.field == field
    assert not PushSubscription.objects.exists()


def test_the_api_keeps_this_browsers_subscription(client, vapid, resident):
    browser = Browser()
    client.force_login(resident)
    assert client.get("/api/v1/me/push-subscriptions/key").json() == {
        "public_key": vapid.public_key
    }
    body = {
        "endpoint": "https://fcm.googleapis.com/fcm/send/1",
        "keys": {"p256dh": browser.p256dh, "auth": b64(browser.auth)},
    }
    created = client.post(
        "/api/v1/me/push-subscriptions", json.dumps(body), content_type="application/json"
    )
    assert created.status_code == 201
    assert PushSubscription.objects.get().user == resident
    client.post(
        "/api/v1/me/push-subscriptions/remove",
        json.dumps({"endpoint": body["endpoint"]}),
        content_type="application/json",
    )
    assert not PushSubscription.objects.exists()


def test_the_command_makes_a_key_pair_the_settings_read(tmp_path, settings, capsys):
    settings.VAPID_KEYS_FILE = tmp_path / "vapid.json"
    call_command("vapid_keys", "--write")
    written = json.loads(settings.VAPID_KEYS_FILE.read_text())
    assert len(unb64(written["public_key"])) == 65 and len(unb64(written["private_key"])) == 32
    call_command("vapid_keys", "--write", "--if-missing")
    assert json.loads(settings.VAPID_KEYS_FILE.read_text()) == written
    call_command("vapid_keys")
    assert "VAPID_PUBLIC_KEY=" in capsys.readouterr().out


def test_a_person_keeps_their_newest_ten_browsers(resident):
    for n in range(12):
        browser = Browser()
        subscribe_browser(
            user=resident,
            endpoint=f"https://updates.push.services.mozilla.com/wpush/v2/{n}",
            p256dh=browser.p256dh,
            auth=b64(browser.auth),
        )
    kept = PushSubscription.objects.filter(user=resident)
    assert kept.count() == 10 and not kept.filter(endpoint__endswith="/v2/0").exists()
