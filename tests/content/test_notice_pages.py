"""Notices as residents and integrators read them: the pages, the API, the feeds."""

import json
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from mycity.appeals.actions.api_keys import issue_api_client
from mycity.content.models import Notice
from mycity.content.services import AddressLine, publish_notice, save_notice
from mycity.notify.text import absolute_url
from tests.content.conftest import draft, house

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(editor, city, street):
    line = AddressLine(street_id=street.pk, number_from=1, number_to=6)
    notice = save_notice(actor=editor, city=city, draft=draft(addresses=[line]))
    return publish_notice(actor=editor, notice=notice)


@pytest.fixture
def draft_notice(editor, city, street):
    line = AddressLine(street_id=street.pk)
    return save_notice(
        actor=editor, city=city, draft=draft(title={"ru": "Черновик"}, addresses=[line])
    )


def test_the_city_home_shows_what_is_off_and_coming(client, published, draft_notice):
    page = client.get("/polotsk/").content.decode()
    assert published.title_ru in page
    assert "Черновик" not in page


def test_a_resident_checks_whether_their_address_is_affected(client, published, street):
    page = client.get("/polotsk/notices/", {"address": f"{street.name_ru} 5"})
    assert page.status_code == 200
    text = page.content.decode()
    assert f"/polotsk/notices/{published.pk}/" in text
    assert "1" in text
    unaffected = client.get("/polotsk/notices/", {"address": f"{street.name_ru} 9"})
    assert (
        f"/polotsk/notices/{published.pk}/"
        not in unaffected.content.decode().split('id="now-on"')[0]
    )


def test_an_unknown_address_is_a_clear_error(client, published):
    response = client.get("/polotsk/notices/", {"address": "Несуществующая 999"})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode() or "errorlist" in response.content.decode()


def test_a_signed_in_resident_sees_their_home_address_checked(client, resident, published, street):
    resident.home_building = house(street, "2")
    resident.save()
    client.force_login(resident)
    page = client.get("/polotsk/notices/").content.decode()
    assert 'role="status"' in page and f"/polotsk/notices/{published.pk}/" in page


def test_a_notice_page_lists_its_addresses_and_a_draft_is_not_public(
    client, published, draft_notice
):
    page = client.get(f"/polotsk/notices/{published.pk}/")
    assert page.status_code == 200
    assert "1–6" in page.content.decode()
    assert client.get(f"/polotsk/notices/{draft_notice.pk}/").status_code == 404


def test_the_api_answers_does_it_affect_my_address(client, published, street):
    inside = house(street, "3")
    answer = client.get(f"/api/v1/cities/polotsk/notices/affecting?building={inside.pk}")
    assert answer.status_code == 200
    assert [n["id"] for n in answer.json()["notices"]] == [published.pk]
    by_words = client.get(
        "/api/v1/cities/polotsk/notices/affecting", {"address": f"{street.name_ru} 12"}
    )
    assert by_words.json()["notices"] == []
    neither = client.get("/api/v1/cities/polotsk/notices/affecting")
    assert neither.status_code == 400
    assert client.get("/api/v1/cities/polotsk/notices/affecting?building=999999").status_code == 404


def test_the_separate_operations_answer_for_a_building_or_for_words(client, published, street):
    inside = house(street, "3")
    city = "/api/v1/cities/polotsk"
    by_id = client.get(f"{city}/buildings/{inside.pk}/notices")
    assert by_id.json() == client.get(f"{city}/notices/affecting?building={inside.pk}").json()
    assert [n["id"] for n in by_id.json()["notices"]] == [published.pk]
    words = {"address": f"{street.name_ru} 3"}
    by_words = client.get(f"{city}/notices/affecting-address", words)
    assert by_words.json() == client.get(f"{city}/notices/affecting", words).json()
    assert client.get(f"{city}/notices/affecting-address").status_code == 400
    assert client.get(f"{city}/buildings/999999/notices").status_code == 404


def test_the_api_lists_published_notices_only(client, published, draft_notice):
    items = client.get("/api/v1/cities/polotsk/notices").json()
    assert [n["id"] for n in items] == [published.pk]
    detail = client.get(f"/api/v1/cities/polotsk/notices/{published.pk}").json()
    assert detail["affected_buildings"] == 7  # 1–6 and 5А
    assert client.get(f"/api/v1/cities/polotsk/notices/{draft_notice.pk}").status_code == 404


def test_an_editor_writes_and_publishes_a_notice_through_the_api(client, editor, city, street):
    token = issue_api_client(city=city, name="utility", user=editor).key
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    start = timezone.now() + timedelta(hours=3)
    body = {
        "kind": "electricity",
        "title": {"ru": "Отключение электроэнергии"},
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=4)).isoformat(),
        "addresses": [{"street_id": street.pk, "number_from": 2, "parity": "even"}],
    }
    created = client.post(
        "/api/v1/cities/polotsk/notices", json.dumps(body), content_type="application/json", **auth
    )
    assert created.status_code == 201, created.content
    notice_id = created.json()["id"]
    assert created.json()["state"] == "draft" and created.json()["affected_buildings"] == 6
    published = client.post(f"/api/v1/cities/polotsk/notices/{notice_id}/publish", **auth)
    assert published.json()["state"] == "published"


def test_bad_notices_through_the_api_get_field_errors_and_nothing_is_stored(
    client, editor, resident, city, street
):
    token = issue_api_client(city=city, name="utility", user=editor).key
    start = timezone.now()
    body = {
        "kind": "gas",
        "title": {"ru": "Газ"},
        "starts_at": start.isoformat(),
        "ends_at": (start - timedelta(hours=1)).isoformat(),
        "addresses": [{"street_id": street.pk}],
    }
    refused = client.post(
        "/api/v1/cities/polotsk/notices",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert refused.status_code == 422
    assert [d["field"] for d in refused.json()["details"]] == ["ends_at"]
    resident_token = issue_api_client(city=city, name="me", user=resident).key
    body["ends_at"] = None
    forbidden = client.post(
        "/api/v1/cities/polotsk/notices",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {resident_token}",
    )
    assert forbidden.status_code == 403
    assert not Notice.objects.exists()


def test_the_feeds_carry_the_published_notices(client, published, draft_notice):
    rss = client.get("/polotsk/notices.rss")
    assert rss["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(rss.content).find("channel")  # noqa: S314 (our own output)
    assert [item.findtext("link") for item in channel.findall("item")] == [
        absolute_url(f"/polotsk/notices/{published.pk}/")
    ]
    atom = client.get("/polotsk/notices.atom")
    atom_root = ET.fromstring(atom.content)  # noqa: S314 (our own output)
    entries = atom_root.findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 1
    assert client.get("/polotsk/notices.xml").status_code == 404


def test_the_notices_page_links_its_feeds(client, published):
    page = client.get("/polotsk/notices/").content.decode()
    for kind in ("application/rss+xml", "application/atom+xml", "application/geo+json"):
        assert f'rel="alternate" type="{kind}"' in page


def test_geojson_gives_the_affected_buildings_as_points(client, published, street):
    collection = client.get("/api/v1/cities/polotsk/notices.geojson").json()
    (feature,) = collection["features"]
    assert feature["geometry"]["type"] == "MultiPoint"
    assert len(feature["geometry"]["coordinates"]) == 7
    lon, lat = feature["geometry"]["coordinates"][0]
    assert (lat, lon) == (house(street, "1").lat, house(street, "1").lon)
