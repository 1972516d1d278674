from datetime import timedelta

import pytest
from django.core.management import call_command

from mycity.accounts.models import Role, User
from mycity.appeals.models import Appeal, AppealEvent, Status
from mycity.cities.models import Building, City, Organisation, Street
from mycity.cities.selectors import point_in_city
from mycity.demo.loader import DEMO_PASSWORD, load_demo

PILOT_CITIES = {
    "polotsk",
    "orsha",
    "baranovichi",
    "pinsk",
    "novopolotsk",
    "mozyr",
    "lida",
    "borisov",
    "soligorsk",
    "molodechno",
    "bobruisk",
}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        report = load_demo()
    yield report
    with django_db_blocker.unblock():
        # Appeals protect their city, applicants and originals from deletion.
        Appeal.objects.update(duplicate_of=None)
        Appeal.objects.all().delete()
        City.objects.all().delete()
        Role.objects.all().delete()
        from mycity.accounts.models import User

        User.objects.all().delete()


@pytest.mark.django_db
def test_the_demo_has_the_eleven_pilot_cities_with_reference_populations(demo):
    assert set(City.objects.values_list("slug", flat=True)) == PILOT_CITIES
    polotsk = City.objects.get(slug="polotsk")
    assert (polotsk.name_ru, polotsk.name_be, polotsk.name_en) == ("Полоцк", "Полацк", "Polotsk")
    assert 70_000 < polotsk.population < 90_000
    assert City.objects.get(slug="bobruisk").population > 200_000
    for city in City.objects.all():
        assert point_in_city(city, lat=city.centre_lat, lon=city.centre_lon), city.slug
        assert city.organisations.filter(kind="department").exists(), city.slug
        assert city.organisations.filter(kind="executor").exists(), city.slug


@pytest.mark.django_db
def test_polotsk_has_hundreds_of_buildings_inside_the_city_each_in_a_district(demo):
    polotsk = City.objects.get(slug="polotsk")
    buildings = Building.objects.filter(city=polotsk)
    assert Street.objects.filter(city=polotsk).count() >= 40
    assert buildings.count() >= 300
    assert not buildings.filter(district__isnull=True).exists()
    assert all(point_in_city(polotsk, lat=b.lat, lon=b.lon) for b in buildings)


@pytest.mark.django_db
def test_polotsk_housing_maintenance_areas_cover_every_building(demo):
    from mycity.core.geo import area_contains

    polotsk = City.objects.get(slug="polotsk")
    sites = [o for o in Organisation.objects.filter(city=polotsk, slug__startswith="zheu-")]
    assert len(sites) == 4
    for building in Building.objects.filter(city=polotsk):
        assert any(
            area_contains(s.service_area, lat=building.lat, lon=building.lon) for s in sites
        ), building


@pytest.mark.django_db
def test_loading_the_demo_again_creates_nothing_twice(demo):
    counts = (
        City.objects.count(),
        Organisation.objects.count(),
        Street.objects.count(),
        Building.objects.count(),
        Role.objects.count(),
    )
    load_demo()
    assert counts == (
        City.objects.count(),
        Organisation.objects.count(),
        Street.objects.count(),
        Building.objects.count(),
        Role.objects.count(),
    )


@pytest.mark.django_db
def test_polotsk_has_a_year_of_appeals_each_starting_with_its_submission(demo):
    appeals = Appeal.objects.filter(city__slug="polotsk")
    assert demo.appeals + demo.letters == appeals.count() >= 2000
    first_events = AppealEvent.objects.filter(from_status="", to_status=Status.SUBMITTED)
    assert not appeals.exclude(pk__in=first_events.values("appeal_id")).exists()
    assert appeals.filter(status=Status.CLOSED).count() > appeals.count() / 2


@pytest.mark.django_db
def test_loading_the_demo_again_adds_no_appeals(demo):
    counts = (Appeal.objects.count(), AppealEvent.objects.count())
    again = load_demo()
    assert again.appeals == 0
    assert counts == (Appeal.objects.count(), AppealEvent.objects.count())


@pytest.mark.django_db
def test_the_demo_resident_has_appeals_in_various_states(demo):
    statuses = set(
        Appeal.objects.filter(applicant__email="resident@polotsk.example").values_list(
            "status", flat=True
        )
    )
    assert {Status.ANSWERED, Status.CLOSED} <= statuses
    assert len(statuses) >= 4


@pytest.mark.django_db
def test_every_demo_user_signs_in_with_the_printed_password(demo, client):
    emails = set(Role.objects.values_list("user__email", flat=True))
    assert {
        "resident@polotsk.example",
        "dispatcher@polotsk.example",
        "executor@polotsk.example",
        "moderator@polotsk.example",
        "editor@polotsk.example",
        "cityadmin@polotsk.example",
        "platform@polotsk.example",
    } <= emails
    for email in emails:
        assert client.login(username=email, password=DEMO_PASSWORD), email
        client.logout()


@pytest.mark.django_db
def test_the_command_loads_only_into_an_empty_database_with_if_empty(demo, capsys):
    call_command("load_demo", "--if-empty")
    out = capsys.readouterr().out
    assert "nothing loaded" in out
    assert "dispatcher@polotsk.example" in out


@pytest.mark.django_db
def test_polotsk_has_outage_notices_and_the_demo_resident_is_told_of_those_at_home(demo):
    from mycity.content.announcements import tell_subscribers
    from mycity.content.models import Notice
    from mycity.content.selectors import notices_affecting
    from mycity.notify.models import Notification

    assert demo.notices == 5
    assert Notice.objects.filter(state="published").count() == 5
    resident = User.objects.get(email="resident@polotsk.example")
    # Hot water on Нижне-Покровская 1–12, and the whole street closed for the City Day.
    at_home = notices_affecting(resident.home_building)
    assert len(at_home) == 2
    for notice in at_home:  # what the worker of `make run` does with the queued task
        tell_subscribers(notice)
    assert Notification.objects.filter(recipient=resident, topic="notice").count() == 2
    assert load_demo().notices == 0


@pytest.mark.django_db
def test_polotsk_has_a_week_of_news(demo):
    from mycity.content.news import visible_news

    assert demo.news == 5
    assert visible_news(City.objects.get(slug="polotsk")).count() == 5


@pytest.mark.django_db
def test_polotsk_is_a_living_city_with_places_events_contacts_and_polls(demo):
    from django.utils import timezone

    from mycity.content.events import events_between
    from mycity.content.polls import polls_of

    polotsk = City.objects.get(slug="polotsk")
    assert demo.places >= 60 and demo.contacts >= 10 and demo.polls == 2
    now = timezone.now()
    assert len(events_between(polotsk, now - timedelta(days=1), now + timedelta(days=31))) >= 30
    assert polls_of(polotsk).count() == 2


@pytest.mark.django_db
def test_polotsk_has_a_register_of_letters_the_law_was_applied_to(demo):
    from mycity.appeals.models import Appeal, ApplicantNotice
    from mycity.control.models import Control

    letters = Appeal.objects.filter(source_number__startswith="demo-")
    assert letters.count() == 6
    assert all(letter.registration_number for letter in letters)
    assert set(letters.values_list("result", flat=True)) >= {"thanks", "not_considered"}
    # The letter about a boundary dispute waits to be posted; the anonymous one owes none.
    assert ApplicantNotice.objects.filter(appeal__in=letters, sent_at__isnull=True).count() == 1
    assert Control.objects.filter(appeal__in=letters).count() == 1
    assert load_demo().letters == 0


@pytest.mark.django_db
def test_every_pilot_city_has_a_year_of_daily_figures_for_the_republic_view(demo):
    from mycity.analytics.models import AggregatedDay, DailyFigures

    assert demo.pilot_appeals > 0
    for city in City.objects.filter(is_active=True):
        assert Appeal.objects.filter(city=city).exists(), city.slug
        assert AggregatedDay.objects.filter(city=city).count() == 365, city.slug
        assert DailyFigures.objects.filter(city=city).exists(), city.slug


@pytest.mark.django_db
def test_the_analytics_observers_sign_in_in_one_click(demo, client, settings):
    from mycity.analytics.models import Observer

    settings.MYCITY_DEMO_SIGNIN = True
    kinds = set(Observer.objects.values_list("user__email", "kind"))
    assert kinds == {
        ("mayor@polotsk.example", "mayor"),
        ("oblast@polotsk.example", "oblast"),
        ("ministry@polotsk.example", "ministry"),
    }
    response = client.post("/console/demo/", {"as": "ministry"})
    assert response.url == "/console/analytics/"
    assert client.get("/console/analytics/").url == "/console/analytics/cities/"
    assert client.get("/console/analytics/cities/").status_code == 200
