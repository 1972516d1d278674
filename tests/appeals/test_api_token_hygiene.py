"""Personal access tokens carry scopes that the endpoints enforce, expire, and are
listed and revoked by their owner (docs/api.md, «Credentials»)."""

import importlib
import json
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.core.management import CommandError, call_command
from django.utils import timezone

from mycity.appeals.actions.api_keys import issue_api_client
from mycity.appeals.actions.submission import submit_appeal
from mycity.appeals.models import ApiClient
from tests.appeal_fixtures import e_appeal_draft

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/appeals"
STAFF_LIST = "/api/v1/cities/polotsk/appeals"
TOKENS = "/api/v1/me/tokens"


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def make_token(city):
    def make(user, *scopes, expires_at=None):
        issued = issue_api_client(
            city=city, name="app", user=user, scopes=scopes, expires_at=expires_at
        )
        return issued.key

    return make


def make(client, token, **body):
    body = {"name": "Телефон", "city": "polotsk", "scopes": ["resident"]} | body
    return client.post(TOKENS, json.dumps(body), content_type="application/json", **bearer(token))


def test_a_token_without_the_resident_scope_is_refused_my_appeals(client, resident, make_token):
    response = client.get(ME, **bearer(make_token(resident, "public", "staff")))
    assert response.status_code == 403
    assert response.json()["code"] == "missing_scope"
    assert client.get(ME, **bearer(make_token(resident, "resident"))).status_code == 200


def test_a_token_without_the_staff_scope_is_refused_staff_work_whatever_the_roles(
    client, dispatcher, make_token
):
    refused = client.get(STAFF_LIST, **bearer(make_token(dispatcher, "resident")))
    assert refused.status_code == 403
    assert refused.json()["code"] == "missing_scope"
    assert client.get(STAFF_LIST, **bearer(make_token(dispatcher, "staff"))).status_code == 200


def test_the_staff_scope_gives_no_role_the_person_lacks(client, resident, make_token):
    response = client.get(STAFF_LIST, **bearer(make_token(resident, "staff")))
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_a_public_token_reads_my_appeal_as_anyone_does(
    client, resident, housing_question, make_token
):
    # An e-appeal is no public report: only its applicant (and its staff) sees it.
    mine = submit_appeal(
        applicant=resident, city=housing_question.city, draft=e_appeal_draft(housing_question)
    ).appeal
    url = f"/api/v1/appeals/{mine.pk}"
    assert client.get(url, **bearer(make_token(resident, "resident"))).status_code == 200
    assert client.get(url, **bearer(make_token(resident, "public"))).status_code == 404


def test_an_expired_token_is_no_credentials(client, resident, make_token):
    expired = make_token(resident, "resident", expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(ME, **bearer(expired))
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_i_list_my_tokens_without_their_secrets(client, resident, dispatcher, make_token):
    mine = make_token(resident, "resident")
    make_token(dispatcher, "resident", "staff")
    listed = client.get(TOKENS, **bearer(mine))
    assert listed.status_code == 200
    [only] = listed.json()
    assert only["scopes"] == ["resident"] and only["city"] == "polotsk"
    assert only["expires_at"] is None and only["expired"] is False
    assert "token" not in only and mine not in listed.content.decode()


def test_a_new_token_shows_its_secret_once_and_expires(client, resident, make_token):
    made = make(client, make_token(resident, "public", "resident"), lifetime_days=7)
    assert made.status_code == 201
    body = made.json()
    assert body["scopes"] == ["resident"]
    assert client.get(ME, **bearer(body["token"])).status_code == 200
    expires = ApiClient.objects.get(pk=body["id"]).expires_at
    assert timedelta(days=6) < expires - timezone.now() <= timedelta(days=7)


def test_a_token_cannot_make_a_wider_or_longer_lived_one(client, resident, make_token):
    soon = timezone.now() + timedelta(days=1)
    narrow = make_token(resident, "resident", expires_at=soon)
    wider = make(client, narrow, scopes=["resident", "staff"])
    assert wider.status_code == 400
    assert wider.json()["details"][0]["field"] == "scopes"
    longer = make(client, narrow, lifetime_days=365).json()
    assert ApiClient.objects.get(pk=longer["id"]).expires_at == soon


def test_a_token_of_one_city_makes_no_token_for_another(client, resident, other_city, make_token):
    token = make_token(resident, "resident")
    refused = make(client, token, city=other_city.slug)
    assert refused.status_code == 400
    assert refused.json()["details"][0]["field"] == "city"
    assert not ApiClient.objects.filter(city=other_city).exists()


def test_a_token_of_one_city_manages_only_that_citys_tokens(
    client, resident, other_city, make_token
):
    token = make_token(resident, "resident")
    elsewhere = issue_api_client(city=other_city, name="orsha", user=resident, scopes=["resident"])
    listed = {row["id"] for row in client.get(TOKENS, **bearer(token)).json()}
    assert elsewhere.client.pk not in listed
    refused = client.delete(f"{TOKENS}/{elsewhere.client.pk}", **bearer(token))
    assert refused.status_code == 404
    elsewhere.client.refresh_from_db()
    assert elsewhere.client.is_active


def test_bad_values_of_a_new_token_are_named(client, resident, make_token):
    token = make_token(resident, "resident")
    for body, field in (
        ({"scopes": []}, "scopes"),
        ({"scopes": ["open311"]}, "scopes"),
        ({"lifetime_days": 1000}, "lifetime_days"),
        ({"city": "atlantis"}, "city"),
    ):
        response = make(client, token, **body)
        assert response.status_code == 400, body
        assert response.json()["details"][0]["field"].startswith(field)
    assert ApiClient.objects.count() == 1


def test_i_revoke_my_token_and_it_stops_working(client, resident, make_token):
    token = make_token(resident, "resident")
    other = make_token(resident, "resident")
    doomed = ApiClient.objects.order_by("pk").first()
    assert client.delete(f"{TOKENS}/{doomed.pk}", **bearer(other)).status_code == 204
    assert client.get(ME, **bearer(token)).status_code == 401
    assert doomed.pk not in [t["id"] for t in client.get(TOKENS, **bearer(other)).json()]


def test_nobody_revokes_another_persons_token(client, resident, dispatcher, make_token):
    theirs = make_token(dispatcher, "resident")
    victim = ApiClient.objects.get()
    response = client.delete(f"{TOKENS}/{victim.pk}", **bearer(make_token(resident, "resident")))
    assert response.status_code == 404
    assert client.get(ME, **bearer(theirs)).status_code == 200


def test_managing_tokens_needs_the_resident_scope(client, resident, make_token):
    response = client.get(TOKENS, **bearer(make_token(resident, "public")))
    assert response.status_code == 403


def test_the_tokens_page_makes_lists_and_revokes(client, city, resident, dispatcher, make_token):
    make_token(dispatcher, "resident")
    theirs = ApiClient.objects.get()
    client.force_login(resident)
    made = client.post(
        "/my/tokens/",
        {"name": "Скрипт", "city": city.pk, "scopes": ["public"], "lifetime_days": "30"},
    )
    assert made.status_code == 200
    assert "no-store" in made["Cache-Control"]
    mine = ApiClient.objects.get(user=resident)
    secret = made.context["issued"].key
    assert secret in made.content.decode()
    page = client.get("/my/tokens/").content.decode()
    assert "Скрипт" in page and secret not in page
    assert client.post(f"/my/tokens/{theirs.pk}/revoke").status_code == 404
    assert client.post(f"/my/tokens/{mine.pk}/revoke").status_code == 302
    assert not ApiClient.objects.get(pk=mine.pk).is_active
    assert ApiClient.objects.get(pk=theirs.pk).is_active


def test_the_tokens_page_names_a_missing_scope(client, city, resident):
    client.force_login(resident)
    refused = client.post("/my/tokens/", {"name": "x", "city": city.pk, "lifetime_days": "30"})
    assert refused.status_code == 400
    assert refused.context["form"].errors["scopes"]
    assert not ApiClient.objects.exists()


def test_tokens_older_than_scopes_keep_what_their_use_implied(city, resident):
    migration = importlib.import_module("mycity.appeals.migrations.0018_api_token_scopes")
    open311 = issue_api_client(city=city, name="Портал").client
    personal = issue_api_client(city=city, name="Бот", user=resident).client
    ApiClient.objects.update(scopes=[])
    migration.scopes_their_use_implies(django_apps, None)
    open311.refresh_from_db()
    personal.refresh_from_db()
    assert open311.scopes == ["open311"]
    assert personal.scopes == ["public", "resident", "staff"]
    assert open311.expires_at is None and personal.expires_at is None


def test_an_administrator_issues_a_key_with_scopes_and_a_lifetime(city, capsys):
    call_command("create_api_client", "polotsk", "Портал", "--scope", "open311", "--days", "30")
    key = ApiClient.objects.get()
    assert key.scopes == ["open311"]
    assert timedelta(days=29) < key.expires_at - timezone.now() <= timedelta(days=30)
    with pytest.raises(CommandError):
        call_command("create_api_client", "polotsk", "Портал", "--days", "0")
