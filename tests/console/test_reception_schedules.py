"""The reception schedules in the city administrator's console and API: a preview before
saving, field errors, the affected bookings listed for confirmation, and only the
administrator's own city."""

from datetime import time

import pytest
from django.urls import reverse
from freezegun import freeze_time

from mycity.accounts.models import RoleKind
from mycity.appeals.actions.api_keys import issue_api_client
from mycity.reception import services
from mycity.reception.models import Appointment, ReceptionRule, ReceptionSession
from mycity.setup import receptions
from tests.conftest import person
from tests.factories import OrganisationFactory
from tests.reception.conftest import details

pytestmark = pytest.mark.django_db

TODAY = "2026-04-01 06:00:00"
RULE = {
    "repeat": "weekly",
    "weekday": "1",
    "week": "",
    "starts_at": "10:00",
    "ends_at": "13:00",
    "slot_minutes": "30",
    "place": "пл. Свободы, 1, каб. 12",
    "valid_from": "",
    "valid_until": "",
}


@pytest.fixture(autouse=True)
def _urls_loaded():
    reverse("web:home")


@pytest.fixture
def official(city, department, city_admin):
    return receptions.add_official(
        actor=city_admin,
        city=city,
        organisation=department,
        full_name="Петров Пётр Петрович",
        position="Заместитель председателя",
    )


@pytest.fixture
def foreign_admin(other_city):
    return person("admin@orsha.example.org", RoleKind.CITY_ADMIN, city=other_city)


@pytest.fixture
def foreign_official(other_city, foreign_admin):
    organisation = OrganisationFactory(city=other_city, slug="orsha-ispolkom", kind="department")
    return receptions.add_official(
        actor=foreign_admin,
        city=other_city,
        organisation=organisation,
        full_name="Орловский Олег",
        position="Председатель",
    )


def url(name, **kwargs):
    return reverse(f"console:{name}", kwargs={"slug": "polotsk", **kwargs})


def test_the_administrator_sees_the_schedules_page(client, city_admin, official):
    client.force_login(city_admin)
    response = client.get(url("receptions"))
    assert response.status_code == 200
    assert "Петров Пётр Петрович" in response.content.decode()


def test_the_page_is_not_found_for_the_intake_clerk(client, city):
    client.force_login(person("intake@example.org", RoleKind.INTAKE, city=city))
    assert client.get(url("receptions")).status_code == 404


@freeze_time(TODAY)
def test_preview_shows_the_next_receptions_and_saves_nothing(client, city_admin, official):
    client.force_login(city_admin)
    response = client.post(
        url("reception_new_rule"), {**RULE, "official": official.pk, "preview": "1"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="preview"' in page
    assert "07.04.2026" in page and "21.04.2026" not in page  # Radunitsa
    assert not ReceptionRule.objects.exists()


@freeze_time(TODAY)
def test_a_rule_ending_before_it_starts_is_a_field_error(client, city_admin, official):
    client.force_login(city_admin)
    response = client.post(
        url("reception_new_rule"),
        {**RULE, "official": official.pk, "valid_from": "2026-06-01", "valid_until": "2026-05-01"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["valid_until"]
    assert not ReceptionRule.objects.exists()


@freeze_time(TODAY)
def test_an_official_of_another_city_is_no_choice(
    client, city_admin, foreign_admin, foreign_official
):
    client.force_login(city_admin)
    response = client.post(url("reception_new_rule"), {**RULE, "official": foreign_official.pk})
    assert response.status_code == 400
    assert "official" in response.context["form"].errors
    assert not ReceptionRule.objects.exists()
    rule = receptions.save_rule(
        actor=foreign_admin,
        official=foreign_official,
        draft=services.RuleDraft(
            repeat="weekly",
            weekday=1,
            starts_at=time(10),
            ends_at=time(13),
            place="каб. 1",
        ),
    ).rule
    assert client.get(url("reception_rule", rule_id=rule.pk)).status_code == 404
    assert client.post(url("reception_retire_rule", rule_id=rule.pk)).status_code == 404


@freeze_time(TODAY)
def test_saving_over_a_booking_lists_it_and_confirming_cancels_it(
    client, city_admin, official, resident
):
    client.force_login(city_admin)
    response = client.post(url("reception_new_rule"), {**RULE, "official": official.pk})
    assert response.status_code == 302
    rule = ReceptionRule.objects.get()
    session = ReceptionSession.objects.filter(rule=rule).order_by("starts_at").first()
    booking = services.book_appointment(
        actor=resident, session=session, starts_at=session.slots[0], details=details()
    )
    later = {**RULE, "official": official.pk, "starts_at": "14:00", "ends_at": "16:00"}
    response = client.post(url("reception_rule", rule_id=rule.pk), later)
    assert response.status_code == 409
    assert "Иванова Анна Петровна" in response.content.decode()
    booking.refresh_from_db()
    assert booking.cancelled_at is None
    response = client.post(url("reception_rule", rule_id=rule.pk), {**later, "confirm": "on"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.cancelled_at is not None


@freeze_time(TODAY)
def test_a_cancelled_day_with_a_booking_asks_first(client, city_admin, official, resident):
    client.force_login(city_admin)
    client.post(url("reception_new_rule"), {**RULE, "official": official.pk})
    session = ReceptionSession.objects.order_by("starts_at").first()
    services.book_appointment(
        actor=resident, session=session, starts_at=session.slots[1], details=details()
    )
    form = {"official": official.pk, "kind": "cancelled", "day": "2026-04-07", "note": "отпуск"}
    response = client.post(url("reception_exception"), form)
    assert response.status_code == 409
    assert 'id="affected"' in response.content.decode()
    response = client.post(url("reception_exception"), {**form, "confirm": "on"})
    assert response.status_code == 302
    assert Appointment.objects.get().cancelled_at is not None


def test_an_extra_reception_needs_its_hours(client, city_admin, official):
    client.force_login(city_admin)
    response = client.post(
        url("reception_exception"), {"official": official.pk, "kind": "extra", "day": "2030-04-02"}
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"starts_at", "ends_at", "place"}


def test_the_reminder_is_set_from_the_page(client, city_admin, official):
    client.force_login(city_admin)
    response = client.post(
        url("reception_reminder", official_id=official.pk), {"remind_hours": "3"}
    )
    assert response.status_code == 302
    official.refresh_from_db()
    assert official.remind_hours == 3


# The API


API = "/api/v1/cities/polotsk/reception"
API_RULE = {
    "repeat": "weekly",
    "weekday": 1,
    "starts_at": "10:00",
    "ends_at": "13:00",
    "slot_minutes": 30,
    "place": "пл. Свободы, 1, каб. 12",
}


@freeze_time(TODAY)
def test_the_api_previews_adds_and_changes_a_rule(client, city_admin, official, resident):
    client.force_login(city_admin)
    preview = client.post(
        f"{API}/officials/{official.pk}/rules/preview", API_RULE, content_type="application/json"
    )
    assert preview.status_code == 200
    assert preview.json()[0]["starts_at"].startswith("2026-04-07T10:00")
    added = client.post(
        f"{API}/officials/{official.pk}/rules", API_RULE, content_type="application/json"
    )
    assert added.status_code == 201
    rule_id = added.json()["id"]
    session = ReceptionSession.objects.filter(rule_id=rule_id).order_by("starts_at").first()
    booking = services.book_appointment(
        actor=resident, session=session, starts_at=session.slots[0], details=details()
    )
    later = {**API_RULE, "starts_at": "14:00", "ends_at": "16:00"}
    refused = client.put(f"{API}/rules/{rule_id}", later, content_type="application/json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "bookings_affected"
    assert refused.json()["details"][0]["field"] == "confirm"
    done = client.put(
        f"{API}/rules/{rule_id}", {**later, "confirm": True}, content_type="application/json"
    )
    assert done.status_code == 200
    assert done.json()["cancelled_bookings"] == [booking.pk]
    listed = client.get(f"{API}/officials").json()
    assert listed[0]["rules"][0]["starts_at"] == "14:00"


@freeze_time(TODAY)
def test_the_api_refuses_overlapping_rules_with_a_field(client, city_admin, official):
    client.force_login(city_admin)
    client.post(f"{API}/officials/{official.pk}/rules", API_RULE, content_type="application/json")
    overlapping = {**API_RULE, "starts_at": "12:00", "ends_at": "15:00"}
    response = client.post(
        f"{API}/officials/{official.pk}/rules", overlapping, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["details"][0]["field"] == "starts_at"
    assert ReceptionRule.objects.count() == 1


def test_the_api_hides_another_citys_official_and_schedules(
    client, city_admin, other_city, foreign_official
):
    client.force_login(city_admin)
    response = client.post(
        f"{API}/officials/{foreign_official.pk}/rules", API_RULE, content_type="application/json"
    )
    assert response.status_code == 404
    assert client.get("/api/v1/cities/orsha/reception/officials").status_code == 404
    assert not ReceptionRule.objects.exists()


def test_the_api_adds_an_official_only_to_an_organisation_of_the_city(client, city_admin):
    client.force_login(city_admin)
    response = client.post(
        f"{API}/officials",
        {"organisation": "orsha-ispolkom", "full_name": "Орловский", "position": "Председатель"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["details"][0]["field"] == "organisation"


def test_a_dispatcher_gets_no_schedules_from_the_api(client, dispatcher, official):
    client.force_login(dispatcher)
    assert client.get(f"{API}/officials").status_code == 404


def test_the_api_takes_a_token_with_the_staff_scope_only(client, city, city_admin, official):
    def token(*scopes):
        issued = issue_api_client(city=city, name="app", user=city_admin, scopes=scopes)
        return {"HTTP_AUTHORIZATION": f"Bearer {issued.key}"}

    assert client.get(f"{API}/officials", **token("staff")).status_code == 200
    refused = client.get(f"{API}/officials", **token("resident"))
    assert refused.status_code == 403
    assert refused.json()["code"] == "missing_scope"
