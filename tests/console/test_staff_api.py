"""The people-and-roles API: the console's services, the API's error shape."""

import pytest

from mycity.accounts.models import Role, RoleKind, User
from mycity.appeals.actions.moves import start_work
from mycity.appeals.models import Status
from mycity.setup.invitations import invite_staff
from tests.appeal_fixtures import submit_report

pytestmark = pytest.mark.django_db
URL = "/api/v1/cities/polotsk/staff"


def test_the_admin_lists_who_holds_what(client, city_admin, executor):
    client.force_login(city_admin)
    staff = {m["email"]: m for m in client.get(URL).json()}
    assert staff[executor.email]["roles"][0]["kind"] == "executor"
    assert staff[executor.email]["roles"][0]["organisation"] == "zhes-1"
    assert staff[executor.email]["second_factor"] is False


@pytest.mark.parametrize("who", ["dispatcher", "resident"])
def test_the_list_is_a_404_for_others(client, request, city, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(URL)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_anonymous_callers_are_refused(client, city):
    assert client.get(URL).status_code == 401


def test_inviting_an_executor(client, city_admin, organisation):
    client.force_login(city_admin)
    response = client.post(
        f"{URL}/invitations",
        {"email": "new@example.org", "kind": "executor", "organisation": "zhes-1"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["roles"] == [
        {"id": response.json()["roles"][0]["id"], "kind": "executor", "organisation": "zhes-1"}
    ]


def test_a_bad_invitation_is_a_400_with_fields(client, city_admin, city):
    client.force_login(city_admin)
    response = client.post(
        f"{URL}/invitations",
        {"email": "nobody", "kind": "moderator"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_invitation"
    assert body["details"] == [{"field": "email", "message": "Enter a valid e-mail address."}]
    assert not User.objects.filter(email="nobody").exists()


def test_an_organisation_of_another_city_is_unknown(client, city_admin, other_organisation):
    client.force_login(city_admin)
    response = client.post(
        f"{URL}/invitations",
        {"email": "new@example.org", "kind": "executor", "organisation": other_organisation.slug},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["details"][0]["field"] == "organisation"


def test_granting_and_withdrawing(client, city_admin, dispatcher):
    client.force_login(city_admin)
    response = client.post(
        f"{URL}/{dispatcher.pk}/roles", {"kind": "intake"}, content_type="application/json"
    )
    assert response.status_code == 201
    role = Role.objects.get(user=dispatcher, kind=RoleKind.INTAKE)
    assert client.delete(f"{URL}/{dispatcher.pk}/roles/{role.pk}").status_code == 204
    assert not Role.objects.filter(pk=role.pk).exists()


def test_releasing_a_leaver(client, city_admin, resident, street_light, lighting_service):
    electrician = invite_staff(
        actor=None,
        city=lighting_service.city,
        email="el@example.org",
        kind=RoleKind.EXECUTOR,
        organisation=lighting_service,
    ).user
    appeal = submit_report(resident, street_light)
    start_work(actor=electrician, appeal=appeal)
    client.force_login(city_admin)
    response = client.post(f"{URL}/{electrician.pk}/release")
    assert response.status_code == 200
    assert response.json() == {
        "handed_over": [appeal.number],
        "roles_withdrawn": 1,
        "deactivated": True,
    }
    appeal.refresh_from_db()
    assert appeal.status == Status.ASSIGNED


def test_the_endpoints_are_in_the_openapi_document_with_their_errors(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    invite = paths["/api/v1/cities/{slug}/staff/invitations"]["post"]
    assert {"201", "400", "403", "404"} <= set(invite["responses"])
