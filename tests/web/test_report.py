"""Reporting a problem from the browser's form: with a pin or an address, signed in or
signing in at the end, with photos; "me too" for a report already made."""

import re

import pytest
from django.urls import reverse

from mycity.appeals.models import Appeal, Status
from tests.appeal_fixtures import INSIDE, OUTSIDE, jpeg, submit_report
from tests.factories import BuildingFactory, StreetFactory, UserFactory

pytestmark = pytest.mark.django_db


def report_url(city):
    return reverse("web:report", kwargs={"slug": city.slug})


def filled(**values):
    return {
        "category": "street-light-out",
        "lat": str(INSIDE[0]),
        "lon": str(INSIDE[1]),
        "address": "",
        "description": "Не горит фонарь у второго подъезда",
        "consent": "on",
        "key": "k-1",
    } | values


def test_the_form_offers_the_citys_problem_categories(client, city, street_light):
    page = client.get(report_url(city)).content.decode()
    assert 'value="street-light-out"' in page
    assert 'name="key"' in page


def test_the_categories_reported_most_lately_come_first(client, city, resident, street_light):
    from tests.factories import CategoryFactory

    pothole = CategoryFactory(city=city, slug="pothole", name_ru="Яма на дороге")
    CategoryFactory(city=city, slug="graffiti", name_ru="Надписи на стенах")
    for _ in range(2):
        submit_report(resident, pothole)
    submit_report(resident, street_light)

    form = client.get(report_url(city)).context["form"]
    often = dict(form.fields["category"].choices)["Часто сообщают"]
    assert [slug for slug, _ in often] == ["pothole", "street-light-out"]


def test_each_category_can_be_found_by_its_names_in_every_language(client, city, street_light):
    page = client.get(report_url(city)).content.decode()
    option = re.search(r'value="street-light-out" data-words="([^"]*)" data-stems="([^"]*)"', page)
    assert option is not None
    names = f"{street_light.name_ru} {street_light.name_be} {street_light.name_en}".lower()
    assert set(names.split()) <= set(option.group(1).split())
    assert option.group(2)  # the stems the browser matches longer forms by
    assert 'data-category-search aria-controls="id_category"' in page


def test_a_signed_in_resident_reports_a_problem_with_a_pin_and_a_photo(
    client, resident, city, street_light
):
    client.force_login(resident)
    response = client.post(report_url(city), filled() | {"photos": [jpeg()]})
    appeal = Appeal.objects.get(applicant=resident)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:my_appeal", kwargs={"appeal_id": appeal.pk})
    assert (appeal.lat, appeal.lon, appeal.channel) == (INSIDE[0], INSIDE[1], "app")
    assert appeal.files.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert f"{appeal.number} зарегистрировано" in page or appeal.number in page


def test_an_address_from_the_registry_places_the_report(client, resident, city, street_light):
    street = StreetFactory(city=city, name_ru="Нижне-Покровская")
    BuildingFactory(street=street, number="5", lat=55.4861, lon=28.7691)
    client.force_login(resident)
    response = client.post(report_url(city), filled(lat="", lon="", address="Нижне-Покровская 5"))
    assert response.status_code == 302
    appeal = Appeal.objects.get(applicant=resident)
    assert "Нижне-Покровская" in appeal.address


def test_an_unknown_address_is_refused_next_to_its_field(client, resident, city, street_light):
    client.force_login(resident)
    response = client.post(report_url(city), filled(lat="", lon="", address="Несуществующая 99"))
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert not Appeal.objects.exists()


def test_without_a_pin_or_an_address_nothing_is_sent(client, resident, city, street_light):
    client.force_login(resident)
    response = client.post(report_url(city), filled(lat="", lon=""))
    assert response.status_code == 400
    assert not Appeal.objects.exists()


def test_a_point_outside_the_city_is_refused(client, resident, city, street_light):
    client.force_login(resident)
    response = client.post(report_url(city), filled(lat=str(OUTSIDE[0]), lon=str(OUTSIDE[1])))
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not Appeal.objects.exists()


def test_without_consent_nothing_is_sent(client, resident, city, street_light):
    client.force_login(resident)
    values = filled()
    values.pop("consent")
    assert client.post(report_url(city), values).status_code == 400
    assert not Appeal.objects.exists()


def test_a_fake_photo_is_refused_and_nothing_is_stored(client, resident, city, street_light):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(resident)
    fake = SimpleUploadedFile("photo.jpg", b"not a picture", content_type="image/jpeg")
    response = client.post(report_url(city), filled() | {"photos": [fake]})
    assert response.status_code == 400
    assert not Appeal.objects.exists()


def test_sending_twice_files_one_report(client, resident, city, street_light):
    client.force_login(resident)
    first = client.post(report_url(city), filled(key="same"))
    second = client.post(report_url(city), filled(key="same"))
    assert first["Location"] == second["Location"]
    assert Appeal.objects.count() == 1


def test_a_new_resident_signs_in_at_the_end_and_loses_nothing_typed(
    client, resident, city, street_light
):
    response = client.post(report_url(city), filled(description="Яма у дома, глубокая"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not Appeal.objects.exists()
    client.force_login(resident)
    page = client.get(report_url(city)).content.decode()
    assert "Яма у дома, глубокая" in page
    assert f'value="{INSIDE[0]}"' in page


def test_open_reports_nearby_are_offered_before_sending(client, resident, city, street_light):
    neighbour = submit_report(UserFactory(email="n@example.org"), street_light)
    nearby = reverse("web:report_nearby", kwargs={"slug": city.slug})
    page = client.get(
        nearby, {"category": "street-light-out", "lat": INSIDE[0], "lon": INSIDE[1]}
    ).content.decode()
    assert neighbour.number in page
    far = client.get(nearby, {"category": "street-light-out", "lat": "55.50", "lon": "28.80"})
    assert neighbour.number not in far.content.decode()
    assert client.get(nearby, {"category": "x", "lat": "oops"}).status_code == 200


def test_me_too_joins_the_report_instead_of_a_new_one(client, resident, city, street_light):
    neighbour = submit_report(UserFactory(email="n@example.org"), street_light)
    client.force_login(resident)
    url = reverse("web:me_too", kwargs={"slug": city.slug, "appeal_id": neighbour.pk})
    assert client.post(url).status_code == 302
    neighbour.refresh_from_db()
    assert neighbour.me_too_count == 1
    assert not Appeal.objects.filter(applicant=resident).exists()


def test_me_too_on_a_closed_report_is_refused(client, resident, city, street_light):
    neighbour = submit_report(UserFactory(email="n@example.org"), street_light)
    Appeal.objects.filter(pk=neighbour.pk).update(status=Status.CLOSED)
    client.force_login(resident)
    url = reverse("web:me_too", kwargs={"slug": city.slug, "appeal_id": neighbour.pk})
    client.post(url)
    neighbour.refresh_from_db()
    assert neighbour.me_too_count == 0


def test_an_unknown_city_has_no_report_form(client, db):
    assert client.get("/atlantis/report/").status_code == 404


def test_categories_stand_under_their_parents(client, city, street_light, leaking_roof):
    from tests.factories import CategoryFactory

    parent = CategoryFactory(city=city, slug="roads", name_ru="Дороги")
    CategoryFactory(city=city, slug="pothole", name_ru="Яма на дороге", parent=parent)
    page = client.get(report_url(city)).content.decode()
    assert '<optgroup label="Дороги">' in page
    assert 'value="pothole"' in page and 'value="roads"' not in page
    assert 'value="street-light-out"' in page and f'value="{leaking_roof.slug}"' in page


def test_a_report_the_phone_kept_offline_waits_there_when_nobody_is_signed_in(
    client, city, street_light
):
    response = client.post(report_url(city), filled(), HTTP_X_QUEUED_REPORT="1")
    assert response.status_code == 401
    assert "report_draft" not in client.session
    assert not Appeal.objects.exists()
