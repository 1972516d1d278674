"""The record of a reception: answered orally with the applicant's agreement, a
written appeal registered (once), or the applicant did not come."""

import pytest
from django.core.exceptions import PermissionDenied

from mycity.appeals.models import Appeal, Channel
from mycity.reception import services
from mycity.reception.errors import InvalidReception
from tests.reception.conftest import appointment_at

pytestmark = pytest.mark.django_db

SAID = "Просит отремонтировать кровлю над квартирой 3; течёт с осени."


@pytest.fixture
def received(past_session):
    return appointment_at(past_session)


def record(actor, appointment, **values):
    draft = {"outcome": "written", "record": SAID, "category_slug": "housing-question"} | values
    return services.record_reception(
        actor=actor, appointment=appointment, draft=services.RecordDraft(**draft)
    )


def test_a_written_appeal_is_registered_with_its_number_and_term(
    clerk, received, housing_question, department
):
    done = record(clerk, received)
    appeal = Appeal.objects.get()
    assert done.appeal == appeal and done.outcome == "written"
    assert appeal.channel == Channel.RECEPTION
    assert appeal.registration_number
    assert appeal.registrar == department
    assert appeal.source_number == f"reception:{received.pk}"
    assert appeal.applicant_name == received.applicant_name
    assert appeal.description == SAID
    assert appeal.received_at == received.starts_at
    assert appeal.deadline is not None


def test_recording_twice_registers_one_appeal(clerk, received, housing_question):
    first = record(clerk, received)
    again = record(clerk, received, record=SAID + " Уточнение.")
    assert Appeal.objects.count() == 1
    assert again.appeal_id == first.appeal_id
    assert again.record.endswith("Уточнение.")


def test_an_oral_answer_with_agreement_registers_no_appeal(clerk, received, housing_question):
    done = record(clerk, received, outcome="oral", agreed_to_oral_answer=True)
    assert (done.outcome, done.agreed_to_oral_answer, done.appeal) == ("oral", True, None)
    assert done.recorded_by == clerk and done.recorded_at is not None
    assert not Appeal.objects.exists()


def test_an_oral_answer_without_the_applicants_agreement_is_refused(clerk, received):
    with pytest.raises(InvalidReception) as refused:
        record(clerk, received, outcome="oral", agreed_to_oral_answer=False)
    assert refused.value.as_dict()["details"][0]["field"] == "agreed_to_oral_answer"
    received.refresh_from_db()
    assert received.outcome == ""


def test_the_applicant_did_not_come(clerk, received):
    done = record(clerk, received, outcome="no_show", record="")
    assert done.outcome == "no_show" and not Appeal.objects.exists()


def test_a_registered_appeal_cannot_be_turned_into_an_oral_answer(
    clerk, received, housing_question
):
    record(clerk, received)
    with pytest.raises(InvalidReception):
        record(clerk, received, outcome="oral", agreed_to_oral_answer=True)
    received.refresh_from_db()
    assert received.outcome == "written"


def test_a_written_appeal_needs_its_subject_and_the_record(clerk, received, housing_question):
    with pytest.raises(InvalidReception) as refused:
        record(clerk, received, category_slug="", record="")
    fields = {d["field"] for d in refused.value.as_dict()["details"]}
    assert fields == {"category", "record"}
    assert not Appeal.objects.exists()


def test_an_applicant_without_a_full_name_is_sent_back_and_nothing_is_written(
    clerk, past_session, housing_question
):
    appointment = appointment_at(past_session, applicant_name="Иванова")
    with pytest.raises(InvalidReception) as refused:
        record(clerk, appointment)
    assert refused.value.as_dict()["details"][0]["field"] == "applicant_name"
    appointment.refresh_from_db()
    assert (appointment.outcome, appointment.appeal) == ("", None)
    assert not Appeal.objects.exists()


def test_a_reception_that_has_not_begun_cannot_be_recorded(clerk, coming_session):
    appointment = appointment_at(coming_session)
    with pytest.raises(InvalidReception):
        record(clerk, appointment, outcome="no_show")


def test_a_clerk_of_another_city_or_a_resident_cannot_record(
    clerk_of_other_city, resident, received, housing_question
):
    for person in (clerk_of_other_city, resident):
        with pytest.raises(PermissionDenied):
            record(person, received)
    assert not Appeal.objects.exists()


def test_the_receiving_official_keeps_an_oral_record_but_does_not_register(
    official, received, housing_question
):
    from tests.factories import UserFactory

    official.user = UserFactory(email="petrov@example.org")
    official.save(update_fields=["user"])
    done = record(official.user, received, outcome="oral", agreed_to_oral_answer=True)
    assert done.outcome == "oral"
    with pytest.raises(PermissionDenied):
        record(official.user, received)
