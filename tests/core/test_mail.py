import pytest
from django.core import mail
from django.core.mail import send_mail
from django.db import transaction


@pytest.mark.django_db
def test_mail_is_delivered_by_the_task_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("Код входа", "Ваш код: 123456", "noreply@polotsk.example", ["anna@example.org"])
        assert mail.outbox == []
    assert len(mail.outbox) == 1
    delivered = mail.outbox[0]
    assert delivered.to == ["anna@example.org"]
    assert delivered.subject == "Код входа"
    assert "Ваш код: 123456" in delivered.body


@pytest.mark.django_db(transaction=True)
def test_mail_about_a_rolled_back_change_is_never_sent():
    with pytest.raises(RuntimeError), transaction.atomic():
        send_mail("Never", "Never", "noreply@polotsk.example", ["anna@example.org"])
        raise RuntimeError("rolled back")
    assert mail.outbox == []
