"""Every way in asks for the second factor where the account has one, and every password
check is limited per account and per client address (docs/security.md, "Sign-in")."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret, hotp_value
from django.core import mail

from mycity.accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def with_totp(user: User) -> str:
    """Confirm the user's e-mail and switch TOTP on; the secret, to make codes."""
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str) -> str:
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    return str(hotp_value(secret, counter)).zfill(mfa_settings.TOTP_DIGITS)


def mailed_code() -> str:
    body = mail.outbox[-1].body
    match = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4}|\d{6})\s*$", body, re.MULTILINE)
    assert match, body
    return match.group(1)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def operator(db) -> User:
    """The platform's operator: may use the Django admin, has TOTP on."""
    return User.objects.create_superuser("ops@example.org", PASSWORD)


def test_the_admin_password_form_signs_nobody_in(client, operator):
    with_totp(operator)
    response = client.post(
        "/admin/login/?next=/admin/", {"username": operator.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not signed_in(client)
    assert client.get("/admin/").status_code == 302


def test_the_admin_sends_a_visitor_to_the_sign_in_with_the_place_to_return_to(client):
    response = client.get("/admin/login/?next=/admin/cities/city/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Fcities%2Fcity%2F"
    response = client.get("/admin/cities/city/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=%2Fadmin%2Fcities%2Fcity%2F"


def test_the_operator_reaches_the_admin_only_after_the_totp_code(client, operator):
    secret = with_totp(operator)
    response = client.post(
        "/accounts/login/?next=/admin/", {"login": operator.email, "password": PASSWORD}
    )
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert not signed_in(client)
    assert client.get("/admin/").status_code == 302
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_signed_in_resident_gets_no_admin_page(client, resident):
    client.force_login(resident)
    assert client.get("/admin/").status_code in (302, 403)
    assert client.get("/admin/login/").status_code == 403


def test_the_admin_password_change_is_the_rate_limited_one_of_the_account(client, operator):
    client.force_login(operator)
    response = client.get("/admin/password_change/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/change/"


def test_a_one_time_code_by_e_mail_still_needs_the_totp_code(
    client, operator, django_capture_on_commit_callbacks
):
    secret = with_totp(operator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/login/code/", {"email": operator.email})
    response = client.post("/accounts/login/code/confirm/", {"code": mailed_code()})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert not signed_in(client)
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert signed_in(client)


def test_after_five_wrong_passwords_for_one_account_even_the_right_one_is_refused_anywhere(
    client, dispatcher
):
    EmailAddress.objects.create(
        user=dispatcher, email=dispatcher.email, verified=True, primary=True
    )
    for n in range(5):
        response = client.post(
            "/accounts/login/",
            {"login": dispatcher.email, "password": f"guess-{n}"},
            REMOTE_ADDR=f"198.51.100.{n + 1}",
        )
        assert response.status_code == 200
    response = client.post(
        "/accounts/login/",
        {"login": dispatcher.email, "password": PASSWORD},
        REMOTE_ADDR="203.0.113.77",
    )
    assert response.status_code == 200
    assert "Слишком много" in response.content.decode()
    assert not signed_in(client)


def test_one_address_is_refused_after_ten_wrong_passwords_across_accounts(client):
    people = [UserFactory(email=f"staff{n}@example.org") for n in range(11)]
    for person in people:
        EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    for person in people[:10]:
        client.post(
            "/accounts/login/",
            {"login": person.email, "password": "not-the-password"},
            REMOTE_ADDR="198.51.100.9",
        )
    response = client.post(
        "/accounts/login/",
        {"login": people[10].email, "password": PASSWORD},
        REMOTE_ADDR="198.51.100.9",
    )
    assert "Слишком много" in response.content.decode()
    assert not signed_in(client)
    response = client.post(
        "/accounts/login/",
        {"login": people[10].email, "password": PASSWORD},
        REMOTE_ADDR="203.0.113.5",
    )
    assert response.status_code == 302
    assert signed_in(client)


def test_wrong_totp_codes_are_limited_per_account(client, operator):
    with_totp(operator)
    client.post("/accounts/login/", {"login": operator.email, "password": PASSWORD})
    for _ in range(5):
        response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
        assert response.status_code == 200
    response = client.post("/accounts/2fa/authenticate/", {"code": "000001"})
    assert "Слишком много" in response.content.decode()
    assert not signed_in(client)
