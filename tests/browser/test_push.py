"""The service worker shows a pushed notification and opens its page when tapped,
exercised in Chromium through the DevTools protocol (ServiceWorker.deliverPushMessage)
in place of a push service."""

import time

import pytest

from mycity.notify.models import Delivery
from mycity.notify.push import payload
from mycity.notify.services import notify
from tests.browser.test_pwa import wait_for_the_service_worker

pytestmark = pytest.mark.django_db(transaction=True)

SHOWN = """
navigator.serviceWorker.ready
  .then((registration) => registration.getNotifications())
  .then((shown) => shown.map((n) => ({title: n.title, body: n.body, tag: n.tag, url: n.data.url})))
"""


def shown_notifications(page, expected: int, deadline_s: float = 10) -> list[dict]:
    deadline = time.monotonic() + deadline_s
    while True:
        shown = page.evaluate(SHOWN)
        if len(shown) >= expected or time.monotonic() > deadline:
            return shown
        page.wait_for_timeout(100)


def test_a_pushed_notification_is_shown_once_even_when_pushed_twice(
    site, profile_context, resident
):
    profile_context.grant_permissions(["notifications"], origin=site.url)
    page = profile_context.new_page()
    page.goto(site.url + "/polotsk/")
    wait_for_the_service_worker(page)
    devtools = profile_context.new_cdp_session(page)
    registrations: list[dict] = []
    devtools.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    devtools.send("ServiceWorker.enable")
    deadline = time.monotonic() + 10
    while not registrations and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    (registration,) = [r for r in registrations if not r.get("isDeleted")]

    notification = notify(
        recipient=resident,
        topic="notice",
        subject="Горячая вода: отключение",
        body="С 26.11 9:00 до 17:00",
        url="/polotsk/notices/1/",
        channels=["in_app"],
    )
    message = payload(Delivery(notification=notification, channel="webpush"))
    for _ in range(2):  # at-least-once: the same message may arrive twice
        devtools.send(
            "ServiceWorker.deliverPushMessage",
            {
                "origin": site.url,
                "registrationId": registration["registrationId"],
                "data": message,
            },
        )
    shown = shown_notifications(page, expected=1)
    page.wait_for_timeout(300)
    shown = shown_notifications(page, expected=1)
    assert shown == [
        {
            "title": "Горячая вода: отключение",
            "body": "С 26.11 9:00 до 17:00",
            "tag": f"notification-{notification.pk}",
            "url": "/polotsk/notices/1/",
        }
    ]
