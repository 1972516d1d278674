"""Closed appeals lose their applicant's data when the retention period ends; the dry
run only tells what would go."""

from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from freezegun import freeze_time

from mycity.appeals.actions.moderation import add_information, request_information
from mycity.appeals.actions.moves import redirect_appeal
from mycity.appeals.actions.submission import submit_appeal
from mycity.appeals.models import Appeal, AppealFile, EventKind, FileRole, Status
from mycity.privacy.models import Operator
from mycity.privacy.retention import anonymise_closed_appeals
from mycity.privacy.services import APPEAL_ANONYMISED
from tests.appeal_fixtures import e_appeal_draft, jpeg


def _e_appeal(resident, category, **values) -> Appeal:
    return submit_appeal(
        applicant=resident,
        city=category.city,
        draft=e_appeal_draft(category, applicant_phone="+375 29 111-22-33", **values),
        files=[jpeg(400, 300, name="scan.jpg")],
    ).appeal


@pytest.fixture(autouse=True)
def _urls_loaded() -> None:
    # The URLconf loads the API's schemas, which pydantic cannot build under a frozen
    # clock: load it before freezing.
    reverse("web:home")


@pytest.fixture
def old_closed(resident, dispatcher, housing_question) -> Appeal:
    with freeze_time("2020-03-10 10:00:00+03:00"):
        appeal = _e_appeal(resident, housing_question)
        request_information(actor=dispatcher, appeal=appeal, question="Укажите номер очереди")
        appeal.refresh_from_db()
        add_information(actor=resident, appeal=appeal, text="Мой паспорт MP1234567")
        appeal.refresh_from_db()
        redirect_appeal(actor=dispatcher, appeal=appeal, to="Полоцкий райисполком")
    appeal.refresh_from_db()
    return appeal


@pytest.fixture
def recent_closed(resident, dispatcher, housing_question) -> Appeal:
    appeal = _e_appeal(resident, housing_question)
    redirect_appeal(actor=dispatcher, appeal=appeal, to="Полоцкий райисполком")
    appeal.refresh_from_db()
    return appeal


@pytest.fixture
def old_open(resident, housing_question) -> Appeal:
    with freeze_time("2020-03-11 10:00:00+03:00"):
        return _e_appeal(resident, housing_question)


def _personal(appeal: Appeal) -> tuple:
    appeal.refresh_from_db()
    return (
        appeal.applicant_id,
        appeal.applicant_name,
        appeal.applicant_address,
        appeal.applicant_email,
        appeal.applicant_phone,
        appeal.applicant_key,
    )


def test_the_dry_run_changes_nothing(old_closed, recent_closed, old_open, city):
    before = [_personal(a) for a in (old_closed, recent_closed, old_open)]
    files = AppealFile.objects.count()
    out = StringIO()
    call_command("anonymise_appeals", "--dry-run", "--city", city.slug, stdout=out)
    assert [_personal(a) for a in (old_closed, recent_closed, old_open)] == before
    assert AppealFile.objects.count() == files
    assert not old_closed.events.filter(kind=APPEAL_ANONYMISED).exists()
    report = out.getvalue()
    assert f"{city.slug}: 1 would be anonymised" in report
    assert old_closed.number in report
    assert "2020-03-10 … 2020-03-10" in report
    assert recent_closed.number not in report


def test_the_run_anonymises_only_what_is_old_enough(
    old_closed, recent_closed, old_open, city, django_capture_on_commit_callbacks
):
    attachment = old_closed.files.get(role=FileRole.ATTACHMENT)
    name = attachment.file.name
    assert default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        [report] = anonymise_closed_appeals(city=city)
    assert (report.count, report.numbers) == (1, [old_closed.number])
    assert _personal(old_closed) == (None, "", "", "", "", "")
    old_closed.refresh_from_db()
    assert old_closed.description  # the appeal itself stays, for the figures
    assert not old_closed.files.filter(role=FileRole.ATTACHMENT).exists()
    assert not default_storage.exists(name)
    assert old_closed.events.get(kind=EventKind.INFO_ADDED).note == ""
    event = old_closed.events.get(kind=APPEAL_ANONYMISED)
    assert event.data["attachments_deleted"] == 1
    assert not event.visible_to_applicant
    # What is recent or still open keeps its applicant.
    assert _personal(recent_closed)[1] == "Иванова Анна Петровна"
    assert _personal(old_open)[1] == "Иванова Анна Петровна"
    assert old_open.status not in {Status.CLOSED, Status.REJECTED}


def test_a_second_run_does_nothing(old_closed, city):
    anonymise_closed_appeals(city=city)
    [again] = anonymise_closed_appeals(city=city)
    assert again.count == 0
    assert old_closed.events.filter(kind=APPEAL_ANONYMISED).count() == 1


def test_the_citys_retention_period_counts(old_closed, city):
    Operator.objects.create(city=city, retention_years=10)
    [report] = anonymise_closed_appeals(city=city)
    assert report.count == 0
    assert _personal(old_closed)[1] == "Иванова Анна Петровна"


def test_small_batches_take_everything(resident, dispatcher, housing_question, city):
    with freeze_time("2019-05-06 10:00:00+03:00"):
        appeals = [_e_appeal(resident, housing_question) for _ in range(3)]
        for appeal in appeals:
            redirect_appeal(actor=dispatcher, appeal=appeal, to="Полоцкий райисполком")
    out = StringIO()
    call_command("anonymise_appeals", "--batch", "1", stdout=out)
    assert "In all: 3 anonymised." in out.getvalue()
    assert all(_personal(a)[1] == "" for a in appeals)


def test_an_unknown_city_is_an_error(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("anonymise_appeals", "--city", "atlantis")
