"""Connecting an organisation's own Open311 system through the API
(/api/v1/cities/{slug}/organisations/{organisation}/open311) and on the console page: the
city administrator or the organisation's head, with a `staff` token or a session; the
key is never shown back (docs/api.md, docs/open311.md)."""

import pytest

from mycity.accounts.models import RoleKind
from mycity.appeals.actions.api_keys import issue_api_client
from mycity.appeals.models import Open311Dispatch, Open311Link
from mycity.appeals.open311_out import LinkValues, save_open311_link
from tests.appeal_fixtures import submit_report
from tests.conftest import person

pytestmark = pytest.mark.django_db

KEY = "their-secret-key-0123456789"
ENDPOINT = "https://gorsvet.example.by/open311/v2/"
API = "/api/v1/cities/polotsk/organisations/gorsvet/open311"
PAGE = "/console/polotsk/organisations/gorsvet/open311/"


@pytest.fixture
def head_of_lighting(lighting_service):
    return person("head@gorsvet.example.org", RoleKind.HEAD, organisation=lighting_service)


def token(user, city, scopes=("staff",)) -> dict[str, str]:
    key = issue_api_client(city=city, name="phone", user=user, scopes=scopes).key
    return {"Authorization": f"Bearer {key}"}


def body(**more):
    return {
        "endpoint": ENDPOINT,
        "jurisdiction_id": "gorsvet",
        "api_key": KEY,
        "service_codes": {"street-light-out": "LIGHT-01"},
    } | more


def test_the_head_connects_their_organisation_with_a_staff_token(
    client, city, head_of_lighting, street_light
):
    response = client.put(
        API, body(), content_type="application/json", headers=token(head_of_lighting, city)
    )

    assert response.status_code == 200, response.content
    out = response.json()
    assert out == {
        "endpoint": ENDPOINT,
        "jurisdiction_id": "gorsvet",
        "api_key_hint": "…" + KEY[-4:],
        "service_codes": {"street-light-out": "LIGHT-01"},
        "is_active": True,
        "last_pull_at": None,
        "last_pull_error": "",
    }
    assert KEY not in response.content.decode()
    read = client.get(API, headers=token(head_of_lighting, city))
    assert read.json() == out


def test_the_city_administrator_connects_and_disconnects_with_a_session(
    client, city_admin, street_light, lighting_service
):
    client.force_login(city_admin)
    assert client.put(API, body(), content_type="application/json").status_code == 200
    assert client.delete(API).status_code == 204
    assert not Open311Link.objects.exists()
    assert client.delete(API).status_code == 404


def test_a_bad_connection_is_a_400_with_the_field(
    client, city_admin, street_light, lighting_service
):
    client.force_login(city_admin)
    for bad, field in (
        ({"endpoint": "http://gorsvet.example.by/"}, "endpoint"),
        ({"service_codes": {"no-such-category": "X"}}, "service_codes"),
        ({"api_key": ""}, "api_key"),
    ):
        response = client.put(API, body(**bad), content_type="application/json")
        assert response.status_code == 400, response.content
        assert [d["field"] for d in response.json()["details"]] == [field]
    assert not Open311Link.objects.exists()


@pytest.mark.parametrize(
    "who", ["executor", "dispatcher", "head_of_other", "admin_of_other_city", "resident"]
)
def test_anyone_else_gets_a_404(
    client, request, city, other_city, organisation, lighting_service, who
):
    user = {
        "executor": lambda: person("e@x.org", RoleKind.EXECUTOR, organisation=lighting_service),
        "dispatcher": lambda: request.getfixturevalue("dispatcher"),
        "head_of_other": lambda: person("h@x.org", RoleKind.HEAD, organisation=organisation),
        "admin_of_other_city": lambda: person("a@x.org", RoleKind.CITY_ADMIN, city=other_city),
        "resident": lambda: request.getfixturevalue("resident"),
    }[who]()
    client.force_login(user)
    assert client.get(API).status_code == 404
    assert client.put(API, body(), content_type="application/json").status_code == 404
    assert client.get(PAGE).status_code == 404
    assert not Open311Link.objects.exists()


def test_a_token_without_the_staff_scope_is_a_403(client, city, head_of_lighting):
    response = client.get(API, headers=token(head_of_lighting, city, scopes=("resident",)))
    assert (response.status_code, response.json()["code"]) == (403, "missing_scope")


def test_anonymous_callers_are_refused(client, city, lighting_service):
    assert client.get(API).status_code == 401


def test_the_dispatches_list_what_was_sent(
    client, city_admin, resident, street_light, lighting_service
):
    save_open311_link(
        actor=city_admin,
        organisation=lighting_service,
        values=LinkValues(
            endpoint=ENDPOINT,
            jurisdiction_id="",
            api_key=KEY,
            service_codes={"street-light-out": "L"},
        ),
    )
    report = submit_report(resident, street_light)
    client.force_login(city_admin)

    [row] = client.get(API + "/dispatches").json()
    assert (row["appeal_id"], row["number"], row["state"], row["service_code"]) == (
        report.pk,
        report.number,
        "pending",
        "L",
    )
    assert Open311Dispatch.objects.count() == 1


# --- the console page -------------------------------------------------------------------


def test_the_page_saves_the_connection_and_never_shows_the_key(
    client, city_admin, street_light, lighting_service
):
    client.force_login(city_admin)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert 'name="code:street-light-out"' in page.content.decode()

    response = client.post(
        PAGE,
        {
            "endpoint": ENDPOINT,
            "jurisdiction_id": "gorsvet",
            "api_key": KEY,
            "is_active": "on",
            "code:street-light-out": "LIGHT-01",
            "action": "save",
        },
    )
    assert response.status_code == 302
    link = Open311Link.objects.get()
    assert (link.api_key, link.service_codes) == (KEY, {"street-light-out": "LIGHT-01"})
    html = client.get(PAGE).content.decode()
    assert KEY not in html and "…" + KEY[-4:] in html


def test_a_refused_endpoint_is_shown_next_to_its_field(
    client, city_admin, street_light, lighting_service
):
    client.force_login(city_admin)
    response = client.post(
        PAGE,
        {"endpoint": "http://10.0.0.5/", "api_key": KEY, "action": "save"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400
    assert "Give the https address of their Open311 endpoint." in response.content.decode()
    assert not Open311Link.objects.exists()


def test_the_head_finds_the_page_in_the_console_menu(client, head_of_lighting, city):
    client.force_login(head_of_lighting)
    html = client.get(PAGE).content.decode()
    assert f'href="{PAGE}"' in html


def test_a_new_address_needs_the_key_again_so_the_kept_key_never_goes_elsewhere(
    client, city, head_of_lighting, street_light
):
    headers = token(head_of_lighting, city)
    assert (
        client.put(API, body(), content_type="application/json", headers=headers).status_code == 200
    )
    moved = client.put(
        API,
        body(endpoint="https://elsewhere.example.org/open311/v2/", api_key=""),
        content_type="application/json",
        headers=headers,
    )
    assert moved.status_code == 400
    assert moved.json()["details"][0]["field"] == "api_key"
    # The same address keeps the key without it being sent again.
    kept = client.put(API, body(api_key=""), content_type="application/json", headers=headers)
    assert kept.status_code == 200
