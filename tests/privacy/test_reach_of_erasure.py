"""Erasure, the copy and retention reach every place a person's data was written: their
reception bookings and records, the corrections they asked for, the notices they were
sent; a withdrawal of consent to one city's operator leaves the others'."""

from datetime import timedelta

import pytest

from mycity.accounts.models import Subscription
from mycity.privacy import services
from mycity.privacy.models import ConsentRecord, DataRequest, RequestEvent, RequestKind
from mycity.privacy.retention import anonymise_closed_appeals
from mycity.privacy.selectors import export, held_about
from mycity.reception.models import Appointment
from tests.reception.conftest import appointment_at, next_week_at, session_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def reception_official(city, department):
    from mycity.reception import services as reception

    return reception.add_official(
        actor=None,
        city=city,
        organisation=department,
        full_name="Петров Пётр Петрович",
        position="Заместитель председателя",
    )


def test_the_copy_holds_the_residents_reception_bookings(resident, reception_official):
    session = session_at(reception_official, next_week_at())
    appointment_at(session, resident=resident, applicant_phone="+375 29 111-22-33")
    data = export(held_about(resident))
    assert [r["phone"] for r in data["receptions"]] == ["+375 29 111-22-33"]
    assert data["format"] == "mycity.personal-data/2"


def test_erasure_cancels_coming_bookings_and_blanks_those_without_an_appeal(
    resident, privacy_officer, city, reception_official
):
    coming = appointment_at(session_at(reception_official, next_week_at()), resident=resident)
    past = appointment_at(
        session_at(reception_official, next_week_at() - timedelta(days=30)),
        resident=resident,
        record="Сказал номер паспорта MP1234567",
    )
    corrected = services.file_request(
        user=resident, city=city, kind=RequestKind.CORRECTION, corrected_name="Иванова-Новая Анна"
    )
    RequestEvent.objects.create(
        request=corrected, to_status="done", data={"full_name": {"old": "Иванова", "new": "Новая"}}
    )
    request = services.file_request(user=resident, city=city, kind=RequestKind.DELETION)
    services.erase_account(actor=privacy_officer, request=request)
    coming.refresh_from_db()
    past.refresh_from_db()
    assert coming.cancelled_at is not None and coming.resident is None
    assert (past.applicant_name, past.applicant_phone, past.record) == ("", "", "")
    kept = RequestEvent.objects.filter(request__user=resident).values_list("data", flat=True)
    assert not any("full_name" in data for data in kept)
    assert not DataRequest.objects.filter(user=resident).exclude(corrected_name="").exists()


def test_retention_blanks_receptions_without_an_appeal_once_old_enough(city, reception_official):
    old = appointment_at(
        session_at(reception_official, next_week_at() - timedelta(days=6 * 366)),
        record="Устный ответ дан",
    )
    recent = appointment_at(session_at(reception_official, next_week_at() - timedelta(days=30)))
    (dry,) = anonymise_closed_appeals(city=city, dry_run=True)
    assert dry.receptions == 1
    assert Appointment.objects.get(pk=old.pk).applicant_name  # nothing changed yet
    (done,) = anonymise_closed_appeals(city=city)
    assert done.receptions == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.applicant_name, old.record) == ("", "")
    assert recent.applicant_name == "Иванова Анна Петровна"


def test_withdrawing_consent_in_one_city_keeps_the_others(resident, city, other_city):
    for each in (city, other_city):
        ConsentRecord.objects.create(user=resident, city=each, notice_version="1")
        Subscription.objects.create(
            user=resident, city=each, kind="notice_kind", topic="water", channels=["in_app"]
        )
    services.file_request(user=resident, city=city, kind=RequestKind.WITHDRAWAL)
    assert ConsentRecord.objects.get(user=resident, city=other_city).withdrawn_at is None
    assert ConsentRecord.objects.get(user=resident, city=city).withdrawn_at is not None
    assert list(Subscription.objects.filter(user=resident).values_list("city", flat=True)) == [
        other_city.pk
    ]
