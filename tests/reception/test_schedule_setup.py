"""The city administrator sets the reception schedules: weekly and monthly rules,
Saturday duty receptions, exceptions and reminders, with a preview before saving. A
change never drops a booking silently: it is refused with the bookings it affects until
confirmed, and then the residents are told."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from freezegun import freeze_time

from mycity.accounts.models import RoleKind
from mycity.core.models import SetupChange
from mycity.notify.models import Notification
from mycity.reception import services
from mycity.reception.errors import InvalidReception
from mycity.reception.models import (
    ExceptionKind,
    ReceptionException,
    ReceptionRule,
    ReceptionSession,
)
from mycity.setup import receptions
from mycity.setup.receptions import BookingsAffected
from tests.conftest import person
from tests.reception.conftest import details

pytestmark = pytest.mark.django_db

MINSK = ZoneInfo("Europe/Minsk")
# Wednesday 1 April 2026, 9:00 in Minsk. Radunitsa is Tuesday 21 April; 9 May is a
# Saturday and a public holiday.
TODAY = "2026-04-01 06:00:00"


@pytest.fixture(autouse=True)
def _urls_loaded():
    # The URLconf builds the API's schemas on first use; under a frozen clock pydantic
    # would meet freezegun's datetime class.
    reverse("web:home")


def draft(**values) -> services.RuleDraft:
    return services.RuleDraft(
        **{
            "repeat": "weekly",
            "weekday": 1,  # Tuesday
            "starts_at": time(10, 0),
            "ends_at": time(13, 0),
            "place": "пл. Свободы, 1, каб. 12",
            "slot_minutes": 30,
        }
        | values
    )


def fields_of(error) -> set[str]:
    return {d["field"] for d in error.value.as_dict()["details"]}


def days(preview) -> list[date]:
    return [s.starts_at.astimezone(MINSK).date() for s in preview]


@freeze_time(TODAY)
def test_the_preview_shows_the_next_tuesdays_without_the_public_holiday(city_admin, official):
    preview = receptions.preview_rule(actor=city_admin, official=official, draft=draft())
    assert days(preview)[:4] == [
        date(2026, 4, 7),
        date(2026, 4, 14),
        date(2026, 4, 28),
        date(2026, 5, 5),
    ]
    assert preview[0].slots == 6  # 10:00–13:00 in half hours
    assert preview[0].starts_at == datetime(2026, 4, 7, 10, 0, tzinfo=MINSK)
    assert not ReceptionRule.objects.exists()
    assert not ReceptionSession.objects.exists()


@freeze_time(TODAY)
def test_the_first_saturday_of_the_month_is_a_duty_reception(city_admin, official):
    preview = receptions.preview_rule(
        actor=city_admin,
        official=official,
        draft=draft(repeat="monthly", week=1, weekday=5, starts_at=time(9), ends_at=time(12)),
    )
    assert days(preview)[:3] == [date(2026, 4, 4), date(2026, 5, 2), date(2026, 6, 6)]


@freeze_time(TODAY)
def test_a_saturday_duty_reception_skips_a_public_holiday(city_admin, official):
    preview = receptions.preview_rule(
        actor=city_admin,
        official=official,
        draft=draft(repeat="monthly", week=2, weekday=5, starts_at=time(9), ends_at=time(12)),
    )
    # The second Saturday of May 2026 is Victory Day.
    assert days(preview)[:2] == [date(2026, 4, 11), date(2026, 6, 13)]


@freeze_time(TODAY)
def test_a_rule_holds_between_its_dates(city_admin, official):
    preview = receptions.preview_rule(
        actor=city_admin,
        official=official,
        draft=draft(valid_from=date(2026, 5, 1), valid_until=date(2026, 5, 31)),
    )
    assert days(preview) == [
        date(2026, 5, 5),
        date(2026, 5, 12),
        date(2026, 5, 19),
        date(2026, 5, 26),
    ]


@freeze_time(TODAY)
def test_a_rule_ending_before_it_starts_is_refused_with_nothing_saved(city_admin, official):
    changes = SetupChange.objects.count()
    with pytest.raises(InvalidReception) as refused:
        receptions.save_rule(
            actor=city_admin,
            official=official,
            draft=draft(valid_from=date(2026, 6, 1), valid_until=date(2026, 5, 1)),
        )
    assert fields_of(refused) == {"valid_until"}
    assert not ReceptionRule.objects.exists()
    assert SetupChange.objects.count() == changes


@freeze_time(TODAY)
@pytest.mark.parametrize(
    "second",
    [
        {"starts_at": time(12, 0), "ends_at": time(14, 0)},
        {"repeat": "monthly", "week": 2},
    ],
)
def test_overlapping_rules_of_one_official_are_refused(city_admin, official, second):
    receptions.save_rule(actor=city_admin, official=official, draft=draft())
    with pytest.raises(InvalidReception) as refused:
        receptions.save_rule(actor=city_admin, official=official, draft=draft(**second))
    assert fields_of(refused) == {"starts_at"}
    assert ReceptionRule.objects.count() == 1


@freeze_time(TODAY)
def test_the_fourth_and_the_last_week_of_a_month_overlap(city_admin, official):
    monthly = {"repeat": "monthly", "weekday": 3}
    receptions.save_rule(actor=city_admin, official=official, draft=draft(**monthly, week=4))
    with pytest.raises(InvalidReception):
        receptions.save_rule(actor=city_admin, official=official, draft=draft(**monthly, week=-1))


@freeze_time(TODAY)
def test_rules_apart_in_hours_weeks_or_dates_do_not_overlap(city_admin, official):
    receptions.save_rule(actor=city_admin, official=official, draft=draft(repeat="monthly", week=1))
    receptions.save_rule(actor=city_admin, official=official, draft=draft(repeat="monthly", week=2))
    receptions.save_rule(
        actor=city_admin, official=official, draft=draft(starts_at=time(14), ends_at=time(16))
    )
    receptions.save_rule(
        actor=city_admin,
        official=official,
        draft=draft(weekday=3, valid_until=date(2026, 5, 31)),
    )
    receptions.save_rule(
        actor=city_admin,
        official=official,
        draft=draft(weekday=3, valid_from=date(2026, 6, 1)),
    )
    assert ReceptionRule.objects.count() == 5


@freeze_time(TODAY)
def test_saving_a_rule_makes_its_sessions_and_an_audit_row(city_admin, city, official):
    change = receptions.save_rule(actor=city_admin, official=official, draft=draft())
    sessions = ReceptionSession.objects.filter(rule=change.rule)
    # The Tuesdays of the eight weeks ahead, to 27 May, without Radunitsa.
    assert sessions.count() == 7
    row = SetupChange.objects.get(action="reception.rule_saved")
    assert row.city == city and row.actor == city_admin
    assert row.before == {}
    assert row.after["starts_at"] == "10:00" and row.after["weekday"] == 1


def booked(resident, rule, index=0):
    session = ReceptionSession.objects.filter(rule=rule).order_by("starts_at")[index]
    return services.book_appointment(
        actor=resident, session=session, starts_at=session.slots[0], details=details()
    )


@freeze_time(TODAY)
def test_changing_hours_that_cancel_a_booking_is_refused_with_the_booking_listed(
    city_admin, official, resident
):
    rule = receptions.save_rule(actor=city_admin, official=official, draft=draft()).rule
    booking = booked(resident, rule)
    with pytest.raises(BookingsAffected) as refused:
        receptions.save_rule(
            actor=city_admin,
            official=official,
            rule=rule,
            draft=draft(starts_at=time(14), ends_at=time(16)),
        )
    assert refused.value.status == 409
    listed = refused.value.as_dict()["details"]
    assert [d["appointment"] for d in listed] == [str(booking.pk)]
    assert "Иванова Анна Петровна" in listed[0]["message"]
    rule.refresh_from_db()
    booking.refresh_from_db()
    assert rule.starts_at == time(10) and booking.cancelled_at is None
    assert (
        not SetupChange.objects.filter(action="reception.rule_saved", before__isnull=False)
        .exclude(before={})
        .exists()
    )


@freeze_time(TODAY)
def test_a_confirmed_change_cancels_the_booking_and_tells_the_resident(
    city_admin, official, resident
):
    rule = receptions.save_rule(actor=city_admin, official=official, draft=draft()).rule
    booking = booked(resident, rule)
    change = receptions.save_rule(
        actor=city_admin,
        official=official,
        rule=rule,
        draft=draft(starts_at=time(14), ends_at=time(16)),
        confirm=True,
    )
    booking.refresh_from_db()
    assert change.cancelled == [booking]
    assert booking.cancelled_at is not None
    told = Notification.objects.get(recipient=resident, topic="reception.cancelled")
    assert "/reception/" in told.url
    # The sessions ahead follow the new hours.
    starts = {
        s.starts_at.astimezone(MINSK).time()
        for s in ReceptionSession.objects.filter(rule=rule, is_cancelled=False)
    }
    assert starts == {time(14)}
    row = SetupChange.objects.filter(action="reception.rule_saved").latest("pk")
    assert row.before["starts_at"] == "10:00"
    assert row.after["starts_at"] == "14:00"
    assert row.after["bookings_cancelled"] == [booking.pk]


@freeze_time(TODAY)
def test_longer_hours_keep_the_bookings_without_asking(city_admin, official, resident):
    rule = receptions.save_rule(actor=city_admin, official=official, draft=draft()).rule
    booking = booked(resident, rule)
    change = receptions.save_rule(
        actor=city_admin, official=official, rule=rule, draft=draft(ends_at=time(15))
    )
    booking.refresh_from_db()
    assert change.cancelled == [] and booking.cancelled_at is None
    assert booking.session.ends_at.astimezone(MINSK).time() == time(15)


@freeze_time(TODAY)
def test_stopping_a_rule_asks_before_cancelling_bookings(city_admin, official, resident):
    rule = receptions.save_rule(actor=city_admin, official=official, draft=draft()).rule
    booking = booked(resident, rule, index=2)
    with pytest.raises(BookingsAffected):
        receptions.retire_rule(actor=city_admin, rule=rule)
    rule.refresh_from_db()
    assert rule.is_active
    receptions.retire_rule(actor=city_admin, rule=rule, confirm=True)
    booking.refresh_from_db()
    assert booking.cancelled_at is not None
    # Unbooked sessions go; the booked one stays, cancelled, for the record.
    assert list(
        ReceptionSession.objects.filter(rule=rule).values_list("is_cancelled", flat=True)
    ) == [True]


@freeze_time(TODAY)
def test_a_cancelled_day_lists_its_bookings_then_cancels_them(city_admin, official, resident):
    rule = receptions.save_rule(actor=city_admin, official=official, draft=draft()).rule
    booking = booked(resident, rule)
    with pytest.raises(BookingsAffected):
        receptions.cancel_day(actor=city_admin, official=official, day=date(2026, 4, 7))
    assert not ReceptionException.objects.exists()
    receptions.cancel_day(
        actor=city_admin, official=official, day=date(2026, 4, 7), note="отпуск", confirm=True
    )
    booking.refresh_from_db()
    assert booking.cancelled_at is not None
    assert Notification.objects.filter(recipient=resident, topic="reception.cancelled").exists()
    # Generating the sessions again does not bring the day back.
    services.generate_sessions(actor=None, city=official.organisation.city, weeks=2)
    assert not ReceptionSession.objects.filter(
        official=official, starts_at=datetime(2026, 4, 7, 10, tzinfo=MINSK), is_cancelled=False
    ).exists()
    assert SetupChange.objects.filter(action="reception.day_cancelled").exists()


@freeze_time(TODAY)
def test_removing_a_cancelled_day_brings_its_reception_back(city_admin, official):
    receptions.save_rule(actor=city_admin, official=official, draft=draft())
    receptions.cancel_day(actor=city_admin, official=official, day=date(2026, 4, 14))
    exception = ReceptionException.objects.get()
    receptions.remove_exception(actor=city_admin, exception=exception)
    assert ReceptionSession.objects.filter(
        official=official, starts_at=datetime(2026, 4, 14, 10, tzinfo=MINSK), is_cancelled=False
    ).exists()


@freeze_time(TODAY)
def test_an_extra_reception_is_refused_on_a_holiday_and_over_another(city_admin, official):
    extra = receptions.ExtraReception(
        day=date(2026, 5, 9), starts_at=time(9), ends_at=time(12), place="каб. 12"
    )
    with pytest.raises(InvalidReception) as refused:
        receptions.add_extra_day(actor=city_admin, official=official, extra=extra)
    assert fields_of(refused) == {"day"}
    receptions.save_rule(actor=city_admin, official=official, draft=draft())
    over = receptions.ExtraReception(
        day=date(2026, 4, 7), starts_at=time(12), ends_at=time(14), place="каб. 12"
    )
    with pytest.raises(InvalidReception) as refused:
        receptions.add_extra_day(actor=city_admin, official=official, extra=over)
    assert fields_of(refused) == {"starts_at"}
    assert not ReceptionException.objects.exists()


@freeze_time(TODAY)
def test_an_extra_reception_is_open_for_booking(city_admin, official):
    extra = receptions.ExtraReception(
        day=date(2026, 4, 3), starts_at=time(15), ends_at=time(17), place="каб. 12"
    )
    exception = receptions.add_extra_day(actor=city_admin, official=official, extra=extra)
    assert exception.kind == ExceptionKind.EXTRA
    session = ReceptionSession.objects.get(official=official)
    assert session.starts_at == datetime(2026, 4, 3, 15, tzinfo=MINSK)
    assert session.capacity == 8


def test_the_intake_clerk_and_another_citys_administrator_may_not_set_schedules(
    city, other_city, official
):
    clerk = person("intake@example.org", RoleKind.INTAKE, city=city)
    other_admin = person("admin@orsha.example.org", RoleKind.CITY_ADMIN, city=other_city)
    for actor in (clerk, other_admin):
        with pytest.raises(PermissionDenied):
            receptions.save_rule(actor=actor, official=official, draft=draft())
        with pytest.raises(PermissionDenied):
            receptions.set_reminder(actor=actor, official=official, remind_hours=2)
    assert not ReceptionRule.objects.exists()


def test_an_official_is_added_only_to_an_organisation_of_the_city(
    city_admin, city, foreign_organisation
):
    with pytest.raises(InvalidReception) as refused:
        receptions.add_official(
            actor=city_admin,
            city=city,
            organisation=foreign_organisation,
            full_name="Орловский Олег",
            position="Председатель",
        )
    assert fields_of(refused) == {"organisation"}
    assert not SetupChange.objects.filter(action="reception.official_added").exists()


@freeze_time(TODAY)
def test_the_resident_is_reminded_as_the_schedule_says_and_once(city_admin, official, resident):
    receptions.set_reminder(actor=city_admin, official=official, remind_hours=48)
    rule = receptions.save_rule(actor=city_admin, official=official, draft=draft()).rule
    booking = booked(resident, rule)  # Tuesday 7 April, 10:00
    assert services.send_reminders() == 0  # six days ahead
    two_days_before = datetime(2026, 4, 5, 10, 0, tzinfo=MINSK)
    assert services.send_reminders(now=two_days_before + timedelta(minutes=1)) == 1
    assert services.send_reminders(now=two_days_before + timedelta(minutes=2)) == 0
    reminder = Notification.objects.get(recipient=resident, topic="reception.reminder")
    assert "пл. Свободы" in reminder.body
    booking.refresh_from_db()
    assert booking.reminded_at is not None
    assert SetupChange.objects.get(action="reception.reminder_set").after == {"remind_hours": 48}


@freeze_time(TODAY)
def test_no_reminder_when_the_official_sets_none(city_admin, official, resident):
    receptions.set_reminder(actor=city_admin, official=official, remind_hours=0)
    rule = receptions.save_rule(actor=city_admin, official=official, draft=draft()).rule
    booking = booked(resident, rule)
    assert services.send_reminders(now=booking.starts_at - timedelta(minutes=5)) == 0


def test_a_reminder_beyond_a_week_is_refused(city_admin, official):
    with pytest.raises(InvalidReception) as refused:
        receptions.set_reminder(actor=city_admin, official=official, remind_hours=500)
    assert fields_of(refused) == {"remind_hours"}
