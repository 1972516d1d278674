"""Residents' requests under Law 99-З and their terms: 5 working days for the copy,
15 days for correction, withdrawal and deletion, counted on the Belarusian calendar."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied

from mycity.privacy import services
from mycity.privacy.errors import InvalidRequest, RequestFinished
from mycity.privacy.models import RequestKind, RequestStatus

MINSK = ZoneInfo("Europe/Minsk")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=MINSK)


def test_a_copy_request_of_thursday_30_april_is_due_on_8_may_past_the_may_day(resident, city):
    request = services.file_request(
        user=resident, city=city, kind=RequestKind.COPY, now=at(2026, 4, 30, 10)
    )
    # 1 May (Friday) is a holiday, 2–3 May a weekend: five working days end on 8 May.
    assert (request.received_on, request.due_on) == (date(2026, 4, 30), date(2026, 5, 8))
    assert request.status == RequestStatus.RECEIVED


def test_a_request_sent_on_a_saturday_runs_from_that_day(resident, city):
    # Sat 18 Apr 2026; Mon 20 Apr is off by transfer, Tue 21 Apr is Radunitsa. The term
    # of a request runs from the day it was received (Law 99-З), a day off included.
    copy = services.file_request(
        user=resident, city=city, kind=RequestKind.COPY, now=at(2026, 4, 18, 12)
    )
    # Five working days after Sat 18 Apr: 22, 23, 24, the working Saturday 25, and 27.
    assert (copy.received_on, copy.due_on) == (date(2026, 4, 18), date(2026, 4, 27))
    correction = services.file_request(
        user=resident,
        city=city,
        kind=RequestKind.CORRECTION,
        details="Моя фамилия пишется через «ё»",
        now=at(2026, 4, 18, 12),
    )
    # 15 days from 18 Apr end on Sunday 3 May, which moves to Monday 4 May.
    assert correction.due_on == date(2026, 5, 4)
    transfers = services.file_request(
        user=resident, city=city, kind=RequestKind.TRANSFERS, now=at(2026, 4, 18, 12)
    )
    assert transfers.due_on == date(2026, 5, 4)


def test_a_request_received_at_half_past_one_in_minsk_counts_from_that_local_day(resident, city):
    # 01:30 on Thursday 4 June 2026 in Minsk is still Wednesday 3 June in UTC.
    request = services.file_request(
        user=resident,
        city=city,
        kind=RequestKind.COPY,
        now=datetime(2026, 6, 4, 1, 30, tzinfo=ZoneInfo("Europe/Minsk")),
    )
    assert request.received_on == date(2026, 6, 4)


def test_a_fifteen_day_term_ending_on_a_saturday_moves_to_monday(resident, city):
    deletion = services.file_request(
        user=resident, city=city, kind=RequestKind.DELETION, now=at(2026, 4, 17, 9)
    )
    # 17 Apr + 15 days is Saturday 2 May: the term ends on Monday 4 May.
    assert deletion.due_on == date(2026, 5, 4)


def test_every_change_of_a_request_is_recorded(resident, city, privacy_officer):
    request = services.file_request(user=resident, city=city, kind=RequestKind.COPY)
    services.complete_request(actor=privacy_officer, request=request, note="Sent by post")
    rows = list(request.events.values_list("from_status", "to_status", "actor", "note"))
    assert rows == [
        ("", "received", resident.pk, ""),
        ("received", "done", privacy_officer.pk, "Sent by post"),
    ]


def test_the_officer_answers_a_copy_request_and_the_resident_is_told(
    resident, city, privacy_officer, django_capture_on_commit_callbacks
):
    request = services.file_request(user=resident, city=city, kind=RequestKind.COPY)
    with django_capture_on_commit_callbacks(execute=True):
        services.complete_request(actor=privacy_officer, request=request)
    request.refresh_from_db()
    assert request.status == RequestStatus.DONE
    assert request.handled_by == privacy_officer
    assert request.done_at is not None
    assert resident.notifications.filter(topic=services.TOPIC).count() == 1


def test_a_refusal_needs_a_reason_and_the_resident_reads_it(resident, city, privacy_officer):
    request = services.file_request(
        user=resident, city=city, kind=RequestKind.CORRECTION, details="Неверный адрес"
    )
    with pytest.raises(InvalidRequest) as refused:
        services.refuse_request(actor=privacy_officer, request=request, reason="  ")
    assert refused.value.field == "reason"
    services.refuse_request(
        actor=privacy_officer, request=request, reason="Адрес в обращении указан вами."
    )
    request.refresh_from_db()
    assert (request.status, request.reason) == ("refused", "Адрес в обращении указан вами.")


def test_a_request_is_answered_once(resident, city, privacy_officer):
    request = services.file_request(user=resident, city=city, kind=RequestKind.COPY)
    services.complete_request(actor=privacy_officer, request=request)
    with pytest.raises(RequestFinished):
        services.refuse_request(actor=privacy_officer, request=request, reason="Too late")


def test_the_officer_applies_a_correction_of_the_name(resident, city, privacy_officer):
    request = services.file_request(
        user=resident, city=city, kind=RequestKind.CORRECTION, corrected_name="Алёна Иванова"
    )
    services.apply_correction(actor=privacy_officer, request=request, full_name="Алёна Иванова")
    resident.refresh_from_db()
    assert resident.full_name == "Алёна Иванова"
    event = request.events.last()
    assert event.data["full_name"]["new"] == "Алёна Иванова"


def test_a_correction_must_say_what_to_correct(resident, city):
    with pytest.raises(InvalidRequest) as refused:
        services.file_request(user=resident, city=city, kind=RequestKind.CORRECTION)
    assert refused.value.field == "details"


def test_a_dispatcher_cannot_answer_a_request(resident, city, dispatcher):
    request = services.file_request(user=resident, city=city, kind=RequestKind.COPY)
    with pytest.raises(PermissionDenied):
        services.complete_request(actor=dispatcher, request=request)


def test_an_officer_of_another_city_cannot_answer_a_request(
    resident, city, privacy_officer_of_other_city
):
    request = services.file_request(user=resident, city=city, kind=RequestKind.COPY)
    with pytest.raises(PermissionDenied):
        services.complete_request(actor=privacy_officer_of_other_city, request=request)


def test_a_city_administrator_may_answer_a_request(resident, city, city_admin):
    request = services.file_request(user=resident, city=city, kind=RequestKind.COPY)
    services.complete_request(actor=city_admin, request=request)
    request.refresh_from_db()
    assert request.status == RequestStatus.DONE
