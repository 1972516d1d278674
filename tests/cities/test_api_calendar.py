import json

import pytest

from mycity.cities.models import CalendarDay

pytestmark = pytest.mark.django_db
URL = "/api/v1/cities/polotsk/calendar"


def test_a_year_lists_holidays_and_transfers_with_names(client, city):
    days = client.get(f"{URL}/2026").json()["days"]
    by_date = {d["date"]: d for d in days}
    assert by_date["2026-01-07"] == {
        "date": "2026-01-07",
        "is_working": False,
        "name": "Рождество Христово (православное Рождество)",
    }
    assert by_date["2026-04-20"]["is_working"] is False
    assert by_date["2026-04-25"] == {
        "date": "2026-04-25",
        "is_working": True,
        "name": "Рабочий день по переносу",
    }
    assert "2026-03-08" not in by_date  # a Sunday holiday changes nothing


def test_holiday_names_follow_the_requests_language(client, city):
    days = client.get(f"{URL}/2026", HTTP_ACCEPT_LANGUAGE="be").json()["days"]
    assert days[0] == {"date": "2026-01-01", "is_working": False, "name": "Новы год"}


def test_a_citys_own_exception_shows_with_its_note(client, city):
    CalendarDay.objects.create(city=city, date="2026-06-01", is_working=False, note="День города")
    days = client.get(f"{URL}/2026").json()["days"]
    assert {"date": "2026-06-01", "is_working": False, "name": "День города"} in days


@pytest.mark.parametrize("year", ["1999", "2101", "abc"])
def test_a_year_out_of_range_is_a_400(client, city, year):
    response = client.get(f"{URL}/{year}")
    assert response.status_code == 400
    assert response.json()["details"][0]["field"] == "year"


def put(client, day, body):
    return client.put(f"{URL}/days/{day}", data=json.dumps(body), content_type="application/json")


def test_a_city_admin_marks_a_day_off_and_removes_it(client, city, city_admin):
    client.force_login(city_admin)
    response = put(client, "2026-06-01", {"is_working": False, "note": "День города"})
    assert response.status_code == 200
    assert response.json() == {"date": "2026-06-01", "is_working": False, "note": "День города"}
    assert CalendarDay.objects.get(city=city).note == "День города"
    assert client.delete(f"{URL}/days/2026-06-01").status_code == 204
    assert not CalendarDay.objects.exists()
    assert client.delete(f"{URL}/days/2026-06-01").status_code == 404


def test_editing_the_calendar_needs_sign_in_and_the_role(client, city, dispatcher):
    assert put(client, "2026-06-01", {"is_working": False}).status_code == 401
    client.force_login(dispatcher)
    response = put(client, "2026-06-01", {"is_working": False})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert not CalendarDay.objects.exists()


@pytest.mark.parametrize(
    ("day", "body", "field"),
    [
        ("2026-02-30", {"is_working": False}, "day"),
        ("2026-06-01", {}, "is_working"),
        ("2026-06-01", {"is_working": False, "note": "x" * 201}, "note"),
    ],
)
def test_bad_calendar_input_is_a_400_naming_the_field(client, city, city_admin, day, body, field):
    client.force_login(city_admin)
    response = put(client, day, body)
    assert response.status_code == 400
    assert [d["field"] for d in response.json()["details"]] == [field]
    assert not CalendarDay.objects.exists()
