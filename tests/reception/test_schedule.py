"""The schedule: sessions are generated from the rules on the city's working days."""

from datetime import date, time

import pytest
from django.core.exceptions import PermissionDenied
from freezegun import freeze_time

from mycity.cities.calendar import calendar_for
from mycity.reception import services
from mycity.reception.errors import InvalidReception
from mycity.reception.models import Official, ReceptionRule, ReceptionSession
from mycity.reception.schedule import reception_days
from tests.reception.conftest import MINSK, monday_rule

pytestmark = pytest.mark.django_db


def days_of(rule, city, first, last):
    return reception_days(rule, calendar_for(city), first=first, last=last)


def test_a_monday_rule_skips_the_transferred_day_off_of_20_april_2026(city, official):
    rule = monday_rule(official)
    assert days_of(rule, city, date(2026, 4, 6), date(2026, 5, 3)) == [
        date(2026, 4, 6),
        date(2026, 4, 13),
        date(2026, 4, 27),
    ]


def test_a_tuesday_rule_skips_radunitsa(city, official):
    rule = monday_rule(official, weekday=1)
    assert date(2026, 4, 21) not in days_of(rule, city, date(2026, 4, 13), date(2026, 4, 30))


def test_a_wednesday_rule_skips_orthodox_christmas_on_7_january_2026(city, official):
    rule = monday_rule(official, weekday=2)
    assert days_of(rule, city, date(2026, 1, 1), date(2026, 1, 21)) == [
        date(2026, 1, 14),
        date(2026, 1, 21),
    ]


def test_a_monthly_rule_falls_on_the_nth_and_on_the_last_weekday(city, official):
    second_thursday = monday_rule(official, repeat="monthly", week=2, weekday=3)
    last_friday = monday_rule(official, repeat="monthly", week=-1, weekday=4)
    first, last = date(2026, 5, 1), date(2026, 6, 30)
    assert days_of(second_thursday, city, first, last) == [date(2026, 5, 14), date(2026, 6, 11)]
    assert days_of(last_friday, city, first, last) == [date(2026, 5, 29), date(2026, 6, 26)]


@freeze_time("2026-04-01 06:00:00")
def test_generating_makes_dated_sessions_in_the_city_time_and_skips_the_day_off(
    clerk, city, official
):
    monday_rule(official)
    made = services.generate_sessions(actor=clerk, city=city, weeks=4, first=date(2026, 4, 6))
    sessions = list(ReceptionSession.objects.order_by("starts_at"))
    assert made == 3
    assert [s.starts_at.astimezone(MINSK).date() for s in sessions] == [
        date(2026, 4, 6),
        date(2026, 4, 13),
        date(2026, 4, 27),
    ]
    first = sessions[0]
    assert first.starts_at.astimezone(MINSK).time() == time(10, 0)
    assert (first.capacity, first.place) == (4, "ул. Ленина, 11, каб. 25")


@freeze_time("2026-04-01 06:00:00")
def test_generating_twice_creates_no_duplicates(clerk, city, official):
    monday_rule(official)
    assert services.generate_sessions(actor=clerk, city=city, weeks=4) > 0
    count = ReceptionSession.objects.count()
    assert services.generate_sessions(actor=clerk, city=city, weeks=4) == 0
    assert ReceptionSession.objects.count() == count


@freeze_time("2026-04-01 06:00:00")
def test_a_retired_rule_or_official_gets_no_new_sessions(clerk, city, official):
    rule = monday_rule(official)
    services.retire_rule(actor=clerk, rule=rule)
    assert services.generate_sessions(actor=clerk, city=city, weeks=4) == 0
    monday_rule(official)
    services.retire_official(actor=clerk, official=official)
    assert services.generate_sessions(actor=clerk, city=city, weeks=4) == 0


def test_a_rule_with_the_end_before_the_start_or_on_a_sunday_is_refused(official):
    with pytest.raises(InvalidReception) as refused:
        monday_rule(official, weekday=6, starts_at=time(12, 0), ends_at=time(11, 0))
    fields = {d["field"] for d in refused.value.as_dict()["details"]}
    assert fields == {"weekday", "ends_at"}
    assert not ReceptionRule.objects.exists()


def test_a_monthly_rule_needs_its_week(official):
    with pytest.raises(InvalidReception) as refused:
        monday_rule(official, repeat="monthly", week=None)
    assert refused.value.as_dict()["details"][0]["field"] == "week"


def test_an_official_of_an_organisation_of_another_city_is_refused(
    clerk, city, foreign_organisation
):
    with pytest.raises(InvalidReception) as refused:
        services.add_official(
            actor=clerk,
            city=city,
            organisation=foreign_organisation,
            full_name="Орлов Олег Олегович",
            position="Заместитель",
        )
    assert refused.value.as_dict()["details"][0]["field"] == "organisation"
    assert not Official.objects.filter(full_name="Орлов Олег Олегович").exists()


def test_a_clerk_of_another_city_or_a_resident_cannot_keep_the_schedule(
    clerk_of_other_city, resident, city, department, official
):
    for person in (clerk_of_other_city, resident):
        with pytest.raises(PermissionDenied):
            services.add_official(
                actor=person,
                city=city,
                organisation=department,
                full_name="Орлов Олег Олегович",
                position="Заместитель",
            )
        with pytest.raises(PermissionDenied):
            services.generate_sessions(actor=person, city=city)
