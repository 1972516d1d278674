import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import translation

from mycity.notify import services
from mycity.notify.channels import UnknownChannel
from mycity.notify.models import Delivery, Notification
from mycity.notify.services import in_language_of, notify
from tests.factories import UserFactory
from tests.notify.helpers import notify_about

pytestmark = pytest.mark.django_db


def test_notify_writes_the_in_app_notification_and_a_pending_email_delivery(
    resident, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        notification = notify_about(resident, data={"appeal": 12})
    stored = Notification.objects.get()
    assert stored == notification
    assert (stored.recipient, stored.topic, stored.in_app, stored.read_at) == (
        resident,
        "appeal.status_changed",
        True,
        None,
    )
    assert stored.data == {"appeal": 12}
    delivery = Delivery.objects.get()
    assert (delivery.notification, delivery.channel, delivery.state, delivery.attempts) == (
        notification,
        "email",
        "pending",
        0,
    )
    assert len(callbacks) == 1  # the delivery task, enqueued on commit
    assert mail.outbox == []


def test_the_email_goes_out_once_the_transaction_commits(
    resident, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify_about(resident)
        assert mail.outbox == []
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["resident@example.org"]
    assert Delivery.objects.get().state == "sent"


def test_nothing_is_written_enqueued_or_sent_when_the_transaction_rolls_back(
    resident, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify_about(resident)
        raise RuntimeError("the appeal's transition failed")
    assert callbacks == []
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()
    assert mail.outbox == []


def test_a_repeated_dedupe_key_returns_the_first_notification(
    resident, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = notify_about(resident, dedupe_key="appeal:12:accepted")
        again = notify_about(resident, dedupe_key="appeal:12:accepted", subject="Другая тема")
    assert again.pk == first.pk
    assert again.subject == first.subject
    assert Notification.objects.count() == 1
    assert Delivery.objects.count() == 1
    assert len(mail.outbox) == 1


def test_the_same_dedupe_key_for_another_recipient_is_another_notification(resident, dispatcher):
    notify_about(resident, dedupe_key="appeal:12:accepted")
    notify_about(dispatcher, dedupe_key="appeal:12:accepted")
    assert Notification.objects.count() == 2


def test_the_database_refuses_a_second_row_with_the_same_dedupe_key(resident):
    Notification.objects.create(recipient=resident, topic="t", subject="s", dedupe_key="k")
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(recipient=resident, topic="t", subject="s", dedupe_key="k")
    # Without a key there is no limit.
    Notification.objects.create(recipient=resident, topic="t", subject="s")
    Notification.objects.create(recipient=resident, topic="t", subject="s")


def test_a_recipient_without_email_gets_only_the_in_app_notification(
    db, django_capture_on_commit_callbacks
):
    no_email = UserFactory(email="")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = notify_about(no_email)
    assert notification.in_app
    assert not Delivery.objects.exists()
    assert callbacks == []
    assert mail.outbox == []


def test_email_only_for_a_recipient_without_email_writes_nothing(db):
    no_email = UserFactory(email="")
    assert notify(recipient=no_email, topic="t", subject="s", body="b", channels=["email"]) is None
    assert not Notification.objects.exists()


def test_email_only_is_delivered_but_not_listed_in_the_app(resident):
    notification = notify_about(resident, channels=["email"])
    assert notification.in_app is False
    assert Delivery.objects.get().channel == "email"


def test_in_app_only_writes_no_delivery(resident):
    notify_about(resident, channels=["in_app"])
    assert Notification.objects.count() == 1
    assert not Delivery.objects.exists()


def test_a_deactivated_recipient_gets_nothing(resident):
    resident.is_active = False
    resident.save(update_fields=["is_active"])
    assert notify(recipient=resident, topic="t", subject="s", body="b") is None
    assert not Notification.objects.exists()


def test_an_unknown_channel_is_refused(resident):
    with pytest.raises(UnknownChannel):
        notify(recipient=resident, topic="t", subject="s", body="b", channels=["pigeon"])
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    "url", ["https://evil.example/phish", "//evil.example/x", "/\\evil.example", "appeals/1"]
)
def test_a_link_must_be_a_path_on_the_site(resident, url):
    with pytest.raises(ValueError, match="path on this site"):
        notify(recipient=resident, topic="t", subject="s", body="b", url=url)


def test_a_subject_with_line_breaks_becomes_one_line(resident):
    notification = notify_about(resident, subject="Обращение\r\nпринято  ")
    assert notification.subject == "Обращение принято"


@pytest.mark.parametrize(("language", "expected"), [("be", "be"), ("en", "en"), ("", "ru")])
def test_in_language_of_switches_to_the_recipients_language(resident, language, expected):
    resident.language = language
    with translation.override("en"), in_language_of(resident):
        assert translation.get_language() == expected


def test_a_producer_racing_on_the_same_dedupe_key_gets_the_committed_notification(
    resident, monkeypatch
):
    first = notify_about(resident, dedupe_key="appeal:12:accepted")
    # The racing producer read before the first one committed: it saw no row.
    lookups = iter([None])
    real_lookup = services._by_dedupe_key
    monkeypatch.setattr(
        services, "_by_dedupe_key", lambda *args: next(lookups, None) or real_lookup(*args)
    )
    again = notify_about(resident, dedupe_key="appeal:12:accepted")
    assert again.pk == first.pk
    assert Notification.objects.count() == 1
    assert Delivery.objects.count() == 1
