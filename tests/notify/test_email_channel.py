import pytest
from django.core import mail

from mycity.notify.models import Delivery
from mycity.notify.services import deliver_due
from tests.notify.helpers import notify_about

pytestmark = pytest.mark.django_db


def test_the_email_is_plain_text_with_the_absolute_link(resident, settings):
    settings.SITE_URL = "https://polotsk.example.by/"
    notify_about(resident, url="/appeals/12?tab=answer")
    deliver_due()
    message = mail.outbox[0]
    assert message.subject == "Обращение № 12 принято"
    assert message.content_subtype == "plain"
    assert message.body.startswith("Ваше обращение принято в работу.\n\n")
    assert "https://polotsk.example.by/appeals/12?tab=answer" in message.body


def test_an_email_without_a_link_has_none(resident):
    notify_about(resident, url="")
    deliver_due()
    assert "http" not in mail.outbox[0].body


def test_the_message_id_is_derived_from_the_delivery(resident, settings):
    settings.SITE_URL = "https://polotsk.example.by"
    notify_about(resident)
    deliver_due()
    delivery = Delivery.objects.get()
    headers = mail.outbox[0].message()
    assert headers["Message-ID"] == f"<notify.delivery.{delivery.pk}@polotsk.example.by>"
    assert headers["Auto-Submitted"] == "auto-generated"


def test_the_email_goes_to_the_recipients_current_address(resident):
    notify_about(resident)
    resident.email = "new-address@example.org"
    resident.save(update_fields=["email"])
    deliver_due()
    assert mail.outbox[0].to == ["new-address@example.org"]
