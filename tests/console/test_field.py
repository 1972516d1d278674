"""The console in the street: the executor's shortlist of today's work, the page the
phone keeps to open it offline, and the way to each place."""

import pytest
from django.urls import reverse

from mycity.appeals.actions.moves import start_work
from mycity.console.field import SHORTLIST_SIZE, navigation
from tests.appeal_fixtures import submit_report

pytestmark = pytest.mark.django_db


def url(name, city):
    return reverse(f"console:{name}", kwargs={"slug": city.slug})


def roof(resident, leaking_roof, text="Течёт крыша над третьим подъездом"):
    return submit_report(resident, leaking_roof, description=text, extra={"entrance": 3})


def test_the_shortlist_is_the_organisations_work_the_nearest_term_first(
    client, resident, executor, leaking_roof, street_light, city
):
    waiting = roof(resident, leaking_roof)
    in_work = roof(resident, leaking_roof)
    start_work(actor=executor, appeal=in_work)
    someone_elses = submit_report(resident, street_light)
    client.force_login(executor)
    kept = client.get(url("field_shortlist", city)).json()
    assert kept["user"] == executor.pk
    numbers = [a["number"] for a in kept["appeals"]]
    assert sorted(numbers) == sorted([waiting.number, in_work.number])
    assert someone_elses.number not in numbers
    first = {a["number"]: a for a in kept["appeals"]}[waiting.number]
    assert first["can_start"] and first["can_answer"]
    assert first["navigation"]["geo"].startswith("geo:55.48")


def test_the_phone_keeps_no_contacts_of_the_applicant(
    client, resident, executor, leaking_roof, city
):
    roof(resident, leaking_roof, text="Течёт крыша, звоните +375 29 123-45-67, anna@example.org")
    client.force_login(executor)
    response = client.get(url("field_shortlist", city))
    body = response.content.decode()
    assert "123-45-67" not in body
    assert "anna@example.org" not in body
    assert resident.email not in body
    assert response.json()["appeals"][0]["text"].startswith("Течёт крыша, звоните [")


def test_the_page_kept_for_offline_use_holds_no_appeal(
    client, resident, executor, leaking_roof, city
):
    appeal = roof(resident, leaking_roof)
    client.force_login(executor)
    live = client.get(url("field", city)).content.decode()
    assert appeal.number in live
    assert "geo:" in live
    shell = client.get(url("field_shell", city)).content.decode()
    assert appeal.number not in shell
    assert "data-kept-list" in shell


def test_the_shortlist_is_at_most_a_days_work(client, resident, executor, leaking_roof, city):
    for _ in range(SHORTLIST_SIZE + 2):
        roof(resident, leaking_roof)
    client.force_login(executor)
    assert len(client.get(url("field_shortlist", city)).json()["appeals"]) == SHORTLIST_SIZE


@pytest.mark.parametrize("name", ["field", "field_shell", "field_shortlist"])
def test_a_resident_or_a_stranger_has_no_field_page(
    client, resident, executor_of_other_city, city, name
):
    client.force_login(resident)
    assert client.get(url(name, city)).status_code == 404
    client.force_login(executor_of_other_city)
    assert client.get(url(name, city)).status_code == 404


def test_the_field_page_asks_for_sign_in(client, city):
    assert client.get(url("field", city)).status_code == 302


def test_the_card_shows_the_way_and_opens_the_camera_for_the_after_photo(
    client, resident, executor, leaking_roof, city
):
    appeal = roof(resident, leaking_roof)
    client.force_login(executor)
    page = client.get(
        reverse("console:card", kwargs={"slug": city.slug, "appeal_id": appeal.pk})
    ).content.decode()
    way = navigation(appeal.lat, appeal.lon)
    assert f'href="{way["geo"]}"' in page
    assert 'capture="environment"' in page


def test_a_place_without_a_point_has_no_way():
    assert navigation(None, None) is None
    assert navigation(55.5, 28.75)["geo"] == "geo:55.500000,28.750000?z=18"
