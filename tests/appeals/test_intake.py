"""Intake: staff register what arrived by post, at a reception, by phone, in the book
of remarks or from the national system, with the organisation's yearly number and the
registration date of the Law on appeals (the next working day after a day off)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from mycity.appeals.actions.submission import AppealDraft
from mycity.appeals.errors import InvalidAppeal
from mycity.appeals.intake import register_received_appeal
from mycity.appeals.models import Appeal

pytestmark = pytest.mark.django_db
MINSK = ZoneInfo("Europe/Minsk")


def letter(category, **values) -> AppealDraft:
    fields = {
        "category_slug": category.slug,
        "description": "Прошу разъяснить порядок постановки на учёт нуждающихся в жилье.",
        "applicant_name": "Иванова Анна Петровна",
        "applicant_address": "211400, г. Полоцк, ул. Нижне-Покровская, 5, кв. 3",
    } | values
    return AppealDraft(**fields)


def register(clerk, city, department, category, received, **values):
    return register_received_appeal(
        actor=clerk,
        city=city,
        registrar=department,
        channel=values.pop("channel", "post"),
        received_at=received,
        draft=letter(category),
        **values,
    ).appeal


def test_a_letter_of_a_sunday_before_two_days_off_is_registered_on_wednesday(
    clerk, city, department, housing_question
):
    # Monday 20 April 2026 is a day off (worked on Saturday 25 April) and Tuesday
    # 21 April is Radunitsa (Радуница).
    appeal = register(
        clerk, city, department, housing_question, datetime(2026, 4, 19, 12, 0, tzinfo=MINSK)
    )
    assert appeal.registered_on == date(2026, 4, 22)
    assert appeal.channel == "post" and appeal.applicant is None
    assert appeal.registered_by == clerk and appeal.registrar == department
    # 15 days from the registration date.
    assert appeal.deadline.astimezone(MINSK).date() == date(2026, 5, 7)
    assert appeal.consent_at is None  # the Law on appeals is the ground, not a tick


def test_a_letter_of_the_transferred_working_saturday_is_registered_that_day(
    clerk, city, department, housing_question
):
    appeal = register(
        clerk, city, department, housing_question, datetime(2026, 4, 25, 10, 0, tzinfo=MINSK)
    )
    assert appeal.registered_on == date(2026, 4, 25)


def test_the_organisation_numbers_in_a_yearly_sequence_in_the_citys_format(
    clerk, city, department, housing_question
):
    city.registration_format = "{org}/{seq:04}-{yy}"
    city.save()
    numbers = [
        register(clerk, city, department, housing_question, moment).registration_number
        for moment in (
            datetime(2025, 12, 30, 10, 0, tzinfo=MINSK),
            datetime(2026, 1, 5, 10, 0, tzinfo=MINSK),
            datetime(2026, 1, 6, 10, 0, tzinfo=MINSK),
        )
    ]
    assert numbers == ["uzhkh/0001-25", "uzhkh/0001-26", "uzhkh/0002-26"]


def test_the_database_refuses_a_second_appeal_with_the_same_number(
    clerk, city, department, housing_question
):
    first = register(
        clerk, city, department, housing_question, datetime(2026, 4, 21, 9, 0, tzinfo=MINSK)
    )
    second = register(
        clerk, city, department, housing_question, datetime(2026, 4, 21, 9, 5, tzinfo=MINSK)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Appeal.objects.filter(pk=second.pk).update(registration_number=first.registration_number)


def test_registering_the_same_source_number_twice_returns_the_first(
    clerk, city, department, housing_question
):
    moment = datetime(2026, 4, 21, 9, 0, tzinfo=MINSK)
    first = register_received_appeal(
        actor=clerk,
        city=city,
        registrar=department,
        channel="national",
        received_at=moment,
        draft=letter(housing_question),
        source_number="ЕСЭО-2026-000123",
    )
    again = register_received_appeal(
        actor=clerk,
        city=city,
        registrar=department,
        channel="national",
        received_at=moment,
        draft=letter(housing_question),
        source_number="ЕСЭО-2026-000123",
    )
    assert again.replayed and again.appeal.pk == first.appeal.pk
    assert Appeal.objects.count() == 1


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"channel": "app"}, "channel"),
        ({"received_at": datetime(2030, 1, 1, tzinfo=MINSK)}, "received_at"),
    ],
)
def test_impossible_registrations_are_refused_and_nothing_is_written(
    clerk, city, department, housing_question, values, field
):
    arguments = {
        "actor": clerk,
        "city": city,
        "registrar": department,
        "channel": "post",
        "received_at": datetime(2026, 4, 21, 9, 0, tzinfo=MINSK),
        "draft": letter(housing_question),
    } | values
    with pytest.raises(InvalidAppeal) as refused:
        register_received_appeal(**arguments)
    assert field in [d["field"] for d in refused.value.as_dict()["details"]]
    assert not Appeal.objects.exists()


def test_a_letter_needs_a_name_and_a_postal_address_but_no_e_mail(
    clerk, city, department, housing_question
):
    with pytest.raises(InvalidAppeal) as refused:
        register_received_appeal(
            actor=clerk,
            city=city,
            registrar=department,
            channel="post",
            received_at=datetime(2026, 4, 21, 9, 0, tzinfo=MINSK),
            draft=letter(housing_question, applicant_address=""),
        )
    assert [d["field"] for d in refused.value.as_dict()["details"]] == ["applicant_address"]


def test_only_intake_staff_and_dispatchers_register(
    resident, editor, city, department, housing_question
):
    for actor in (resident, editor):
        with pytest.raises(PermissionDenied):
            register(actor, city, department, housing_question, datetime(2026, 4, 21, tzinfo=MINSK))
