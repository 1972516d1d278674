"""The city's terms and contacts, the operator of its personal-data notice and its own
working-day exceptions, changed by its administrator."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from mycity.accounts.models import RoleKind
from mycity.appeals.actions.moves import disagreement_window
from mycity.cities.calendar import calendar_for
from mycity.cities.errors import InvalidSetup
from mycity.cities.models import CalendarDay
from mycity.core.models import SetupChange
from mycity.privacy.models import Operator, PrivacyNotice
from mycity.privacy.notice import notice_of
from mycity.setup.checklist import checklist
from mycity.setup.city_terms import change_city_terms
from mycity.setup.operator_notice import change_operator
from tests.conftest import person

pytestmark = pytest.mark.django_db

OPERATOR = {
    "name_ru": "Полоцкий райисполком",
    "postal_address": "пл. Свободы, 1, Полоцк",
    "email": "pd@polotsk.example.org",
    "processors": [{"name": "Белтелеком", "purpose": "хостинг"}],
}


def fields_of(error):
    return {d["field"] for d in error.value.as_dict()["details"]}


def test_the_window_to_disagree_and_the_contacts_are_the_citys_with_an_audit_row(city_admin, city):
    change_city_terms(
        actor=city_admin,
        city=city,
        values={"disagreement_window_days": 15, "committee_phone": " +375 214 42-00-00 "},
    )
    city.refresh_from_db()
    assert disagreement_window(city) == timedelta(days=15)
    assert city.committee_phone == "+375 214 42-00-00"
    change = SetupChange.objects.get(action="city.terms_saved")
    assert change.before == {"disagreement_window_days": 10, "committee_phone": ""}
    assert change.after == {"disagreement_window_days": 15, "committee_phone": "+375 214 42-00-00"}


def test_bad_terms_are_refused_whole(city_admin, city):
    with pytest.raises(InvalidSetup) as refused:
        change_city_terms(
            actor=city_admin,
            city=city,
            values={
                "disagreement_window_days": 0,
                "retention_years": 200,
                "committee_email": "nobody",
                "committee_phone": "1",
            },
        )
    assert fields_of(refused) == {"disagreement_window_days", "retention_years", "committee_email"}
    city.refresh_from_db()
    assert city.committee_phone == ""
    assert not SetupChange.objects.filter(action="city.terms_saved").exists()
    assert not Operator.objects.exists()


def test_a_new_retention_period_is_a_new_version_of_a_published_notice(city_admin, city):
    first = change_operator(actor=city_admin, city=city, values=OPERATOR)
    change_city_terms(actor=city_admin, city=city, values={"retention_years": 3})
    assert PrivacyNotice.objects.filter(city=city).count() == 2
    assert notice_of(city).retention_years == 3
    assert notice_of(city, first.version).retention_years == 5


def test_the_operator_is_saved_and_published_as_a_new_version(city_admin, city):
    assert next(i for i in checklist(city) if i.key == "notice").done is False
    first = change_operator(actor=city_admin, city=city, values=OPERATOR)
    assert first.snapshot["processors"][0]["name"] == "Белтелеком"
    assert next(i for i in checklist(city) if i.key == "notice").done is True
    assert change_operator(actor=city_admin, city=city, values=OPERATOR) is None
    second = change_operator(actor=city_admin, city=city, values={"phone": "+375 214 1"})
    assert second.version != first.version
    assert notice_of(city, first.version).phone == ""
    assert notice_of(city).phone == "+375 214 1"
    change = SetupChange.objects.filter(action="operator.saved").last()
    assert (change.before, change.after) == ({"phone": ""}, {"phone": "+375 214 1"})


def test_an_operator_without_a_name_or_address_is_refused_and_nothing_published(city_admin, city):
    with pytest.raises(InvalidSetup) as refused:
        change_operator(
            actor=city_admin,
            city=city,
            values={"name_ru": "", "email": "x", "processors": [{"name": ""}]},
        )
    assert fields_of(refused) == {"name_ru", "postal_address", "email", "processors"}
    assert not Operator.objects.exists()
    assert not PrivacyNotice.objects.exists()


def test_another_citys_admin_sees_none_of_the_pages(client, city, other_city):
    client.force_login(person("a@orsha.example.org", RoleKind.CITY_ADMIN, city=other_city))
    for name in ("city_terms", "operator_notice", "city_calendar"):
        assert client.get(reverse(f"console:{name}", kwargs={"slug": city.slug})).status_code == 404


def test_the_notice_page_publishes_and_shows_field_errors(client, city_admin, city):
    client.force_login(city_admin)
    url = reverse("console:operator_notice", kwargs={"slug": city.slug})
    refused = client.post(url, {"name_ru": "Исполком", "postal_address": "", "email": "no"})
    assert refused.status_code == 400
    assert not PrivacyNotice.objects.exists()
    saved = client.post(
        url,
        {
            "name_ru": "Исполком",
            "postal_address": "пл. 1",
            "processors": "Белтелеком | хостинг\n",
        },
    )
    assert saved.status_code == 302
    assert Operator.objects.get(city=city).processors == [
        {"name": "Белтелеком", "purpose": "хостинг"}
    ]
    assert "Белтелеком | хостинг" in client.get(url).content.decode()


def test_a_day_off_is_set_and_removed_from_the_console(client, city_admin, city):
    client.force_login(city_admin)
    url = reverse("console:city_calendar", kwargs={"slug": city.slug})
    day = date(2026, 12, 8)  # a Tuesday
    assert client.post(url, {"day": "not a day", "is_working": "0"}).status_code == 400
    response = client.post(
        url, {"day": day.isoformat(), "is_working": "0", "note": "Городской праздник"}
    )
    assert response.status_code == 302
    assert not calendar_for(city).is_working_day(day)
    assert SetupChange.objects.get(action="calendar.day_set").after == {
        "is_working": False,
        "note": "Городской праздник",
    }
    clear = reverse(
        "console:clear_calendar_day", kwargs={"slug": city.slug, "day": day.isoformat()}
    )
    assert client.post(clear).status_code == 302
    assert not CalendarDay.objects.filter(city=city).exists()
    assert SetupChange.objects.filter(action="calendar.day_cleared").exists()
    assert client.post(clear).status_code == 404


def test_the_terms_page_saves_and_shows_field_errors(client, city_admin, city):
    client.force_login(city_admin)
    url = reverse("console:city_terms", kwargs={"slug": city.slug})
    page = {"disagreement_window_days": "100", "retention_years": "5"}
    refused = client.post(url, page)
    assert refused.status_code == 400
    assert "90" in refused.content.decode()
    page["disagreement_window_days"] = "20"
    assert client.post(url, page).status_code == 302
    assert disagreement_window(city) == timedelta(days=20)


def test_the_public_city_read_answers_the_contacts_as_soon_as_they_change(client, city_admin, city):
    url = f"/api/v1/cities/{city.slug}"
    assert client.get(url).json()["committee"]["phone"] == ""
    change_city_terms(actor=city_admin, city=city, values={"committee_phone": "+375 214 1"})
    assert client.get(url).json()["committee"] == {
        "address": "",
        "phone": "+375 214 1",
        "email": "",
        "hours": "",
    }


def test_the_calendar_api_writes_the_audit_trail(client, city_admin, city):
    client.force_login(city_admin)
    url = f"/api/v1/cities/{city.slug}/calendar/days/2026-12-08"
    assert (
        client.put(url, {"is_working": False}, content_type="application/json").status_code == 200
    )
    assert client.delete(url).status_code == 204
    assert list(
        SetupChange.objects.filter(action__startswith="calendar.").values_list("action", flat=True)
    ) == ["calendar.day_set", "calendar.day_cleared"]


def test_residents_find_the_committees_contacts_among_the_useful_ones(client, city_admin, city):
    url = reverse("content:contacts", kwargs={"slug": city.slug})
    assert "+375 214 1" not in client.get(url).content.decode()
    change_city_terms(
        actor=city_admin,
        city=city,
        values={"committee_phone": "+375 214 1", "committee_address": "пл. Свободы, 1"},
    )
    page = client.get(url).content.decode()
    assert 'href="tel:+3752141"' in page
    assert "пл. Свободы, 1" in page
