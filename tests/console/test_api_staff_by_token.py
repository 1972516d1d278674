"""The city administration's people-and-roles API takes a token with the `staff` scope
whose person is the city's administrator when the call is made."""

import json

import pytest

from mycity.accounts.models import Role, RoleKind, User
from mycity.accounts.services import withdraw_role
from tests.conftest import bearer

pytestmark = pytest.mark.django_db
URL = "/api/v1/cities/polotsk/staff"


def test_an_administrators_token_lists_invites_and_grants(client, city, city_admin, dispatcher):
    headers = bearer(city_admin, city)
    assert dispatcher.email in {m["email"] for m in client.get(URL, **headers).json()}
    invited = client.post(
        f"{URL}/invitations",
        json.dumps({"email": "new@example.org", "kind": "moderator"}),
        content_type="application/json",
        **headers,
    )
    assert invited.status_code == 201, invited.content
    granted = client.post(
        f"{URL}/{dispatcher.pk}/roles",
        json.dumps({"kind": "intake"}),
        content_type="application/json",
        **headers,
    )
    assert granted.status_code == 201
    role = Role.objects.get(user=dispatcher, kind=RoleKind.INTAKE)
    assert client.delete(f"{URL}/{dispatcher.pk}/roles/{role.pk}", **headers).status_code == 204


def test_the_token_follows_the_persons_roles_at_use_time(client, city, city_admin):
    headers = bearer(city_admin, city)
    assert client.get(URL, **headers).status_code == 200
    withdraw_role(actor=None, role=Role.objects.get(user=city_admin, kind=RoleKind.CITY_ADMIN))
    # No longer the administrator: the city's people are not theirs to see.
    assert client.get(URL, **headers).status_code == 404


def test_a_dispatchers_staff_token_gets_no_people(client, city, dispatcher):
    response = client.get(URL, **bearer(dispatcher, city))
    assert response.status_code == 404


def test_a_token_of_another_city_reaches_no_people_here(client, other_city):
    from tests.conftest import person

    admin_elsewhere = person("admin@orsha.example.org", RoleKind.CITY_ADMIN, city=other_city)
    response = client.get(URL, **bearer(admin_elsewhere, other_city))
    assert response.status_code == 404


def test_a_token_without_the_staff_scope_is_refused(client, city, city_admin):
    response = client.post(
        f"{URL}/invitations",
        json.dumps({"email": "new@example.org", "kind": "moderator"}),
        content_type="application/json",
        **bearer(city_admin, city, "resident"),
    )
    assert response.status_code == 403
    assert response.json()["code"] == "missing_scope"
    assert not User.objects.filter(email="new@example.org").exists()


def test_invalid_values_are_a_400_with_fields(client, city, city_admin):
    response = client.post(
        f"{URL}/invitations",
        json.dumps({"email": "nobody", "kind": "mayor"}),
        content_type="application/json",
        **bearer(city_admin, city),
    )
    assert response.status_code == 400
    assert response.json()["details"][0]["field"] == "kind"
