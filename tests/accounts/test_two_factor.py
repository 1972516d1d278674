"""Staff whose roles show personal data work only with a second factor set up."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from mycity.accounts.models import RoleKind
from tests.conftest import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def required(settings):
    settings.STAFF_TWO_FACTOR = True


def with_totp(user):
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    return user


def test_a_dispatcher_without_a_second_factor_is_sent_to_set_it_up(
    client, required, dispatcher, city
):
    client.force_login(dispatcher)
    response = client.get(reverse("console:queue", kwargs={"slug": city.slug}))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_the_set_up_page_is_outside_the_guard(client, required, dispatcher):
    client.force_login(dispatcher)
    response = client.get(reverse("mfa_activate_totp"))
    # allauth asks for the password again first (a forced login recorded none): no loop.
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_a_dispatcher_with_totp_works(client, required, dispatcher, city):
    client.force_login(with_totp(dispatcher))
    assert client.get(reverse("console:queue", kwargs={"slug": city.slug})).status_code == 200


def test_a_city_admin_needs_it_too(client, required, city_admin, city):
    client.force_login(city_admin)
    response = client.get(reverse("console:people", kwargs={"slug": city.slug}))
    assert response.status_code == 302


def test_a_moderator_who_sees_no_personal_data_needs_none(client, required, moderator, city):
    client.force_login(moderator)
    response = client.get(reverse("console:queue", kwargs={"slug": city.slug}))
    assert response.status_code == 200


def test_a_resident_is_never_asked(client, required, resident, city):
    client.force_login(resident)
    assert client.get("/").status_code in (200, 302)
    assert client.get(reverse("console:home")).status_code == 404


def test_off_in_the_demo(client, settings, dispatcher, city):
    settings.STAFF_TWO_FACTOR = False
    client.force_login(dispatcher)
    assert client.get(reverse("console:queue", kwargs={"slug": city.slug})).status_code == 200


def test_an_executor_is_asked_in_every_city_console_page(client, required, city, organisation):
    executor = person("e2@example.org", RoleKind.EXECUTOR, organisation=organisation)
    client.force_login(executor)
    assert client.get(reverse("console:notifications")).status_code == 302


def test_the_api_refuses_a_session_without_the_second_factor(client, required, dispatcher, city):
    client.force_login(dispatcher)
    response = client.get(f"/api/v1/cities/{city.slug}")
    assert response.status_code == 403
    assert response.json()["code"] == "second_factor_required"


def test_the_api_is_open_to_anonymous_readers(client, required, city):
    assert client.get(f"/api/v1/cities/{city.slug}").status_code == 200
