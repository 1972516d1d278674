"""Sign-in as django-allauth is configured: residents by e-mail code, staff by password."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from mycity.accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def last_code() -> str:
    body = mail.outbox[-1].body
    match = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4}|\d{6})\s*$", body, re.MULTILINE)
    assert match, body
    return match.group(1)


@pytest.fixture
def verified_resident(db):
    user = UserFactory(email="anna@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def test_a_resident_signs_up_with_only_an_e_mail_and_a_code(
    client, city, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/signup/", {"email": "new@example.org"}, HTTP_ACCEPT_LANGUAGE="be"
        )
    assert response.status_code == 302
    user = User.objects.get(email="new@example.org")
    assert not user.has_usable_password()
    assert user.language == "be"
    assert mail.outbox[-1].to == ["new@example.org"]
    assert mail.outbox[-1].subject.startswith("[Мой горад] ")
    response = client.post(response["Location"], {"code": last_code()})
    assert response.status_code == 302
    assert client.get("/settings/").status_code == 200
    assert EmailAddress.objects.get(user=user).verified


def test_a_resident_signs_in_with_a_one_time_code(
    client, verified_resident, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/login/code/", {"email": "anna@example.org"})
    assert response.status_code == 302
    response = client.post("/accounts/login/code/confirm/", {"code": last_code()})
    assert response.status_code == 302
    assert client.get("/settings/").status_code == 200


def test_a_wrong_code_does_not_sign_in(
    client, verified_resident, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/login/code/", {"email": "anna@example.org"})
    code = last_code()
    wrong = "AAAA-AAAA" if code != "AAAA-AAAA" else "BBBB-BBBB"
    response = client.post("/accounts/login/code/confirm/", {"code": wrong})
    assert response.status_code == 200
    assert client.get("/settings/").status_code == 302


def test_staff_sign_in_with_a_password(client, dispatcher):
    EmailAddress.objects.create(
        user=dispatcher, email=dispatcher.email, verified=True, primary=True
    )
    response = client.post(
        "/accounts/login/", {"login": dispatcher.email, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert client.get("/settings/").status_code == 200


def test_a_wrong_password_is_refused(client, dispatcher):
    response = client.post("/accounts/login/", {"login": dispatcher.email, "password": "nope"})
    assert response.status_code == 200
    assert client.get("/settings/").status_code == 302


def test_asking_for_codes_too_often_is_refused_without_sending_more(
    client, verified_resident, django_capture_on_commit_callbacks
):
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            assert (
                client.post("/accounts/login/code/", {"email": "anna@example.org"}).status_code
                == 302
            )
        client.cookies.clear()
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/login/code/", {"email": "anna@example.org"})
    assert response.status_code == 200
    assert "Слишком много" in response.content.decode()
    assert len(mail.outbox) == sent


def test_a_staff_member_with_totp_must_give_a_code_after_the_password(client, dispatcher):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret, hotp_value

    EmailAddress.objects.create(
        user=dispatcher, email=dispatcher.email, verified=True, primary=True
    )
    secret = generate_totp_secret()
    TOTP.activate(dispatcher, secret)
    response = client.post(
        "/accounts/login/", {"login": dispatcher.email, "password": "correct-horse-battery"}
    )
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/settings/").status_code == 302
    import time

    from allauth.mfa import app_settings as mfa_settings

    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    code = str(hotp_value(secret, counter)).zfill(mfa_settings.TOTP_DIGITS)
    response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 302
    assert client.get("/settings/").status_code == 200
