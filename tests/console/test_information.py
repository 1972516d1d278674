"""Staff ask the applicant for more information; the applicant answers with text and files."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mycity.appeals.actions.moderation import add_information, request_information
from mycity.appeals.actions.moves import answer_appeal, start_work
from mycity.appeals.errors import MoveNotAllowed, NoteRequired
from mycity.appeals.models import AppealEvent, AppealFile, EventKind
from mycity.notify.models import Delivery, Notification
from tests.appeal_fixtures import jpeg, submit_report

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
QUESTION = "Уточните, пожалуйста, номер опоры"


def act_url(appeal):
    return reverse("console:act", kwargs={"slug": appeal.city.slug, "appeal_id": appeal.pk})


def card_url(appeal):
    return reverse("console:card", kwargs={"slug": appeal.city.slug, "appeal_id": appeal.pk})


def ask(actor, appeal, question=QUESTION):
    return request_information(actor=actor, appeal=appeal, question=question)


def test_a_dispatcher_asks_the_applicant_who_is_told_the_question(
    client, dispatcher, resident, street_light
):
    appeal = submit_report(resident, street_light)
    client.force_login(dispatcher)
    response = client.post(
        act_url(appeal),
        {"action": "request_information", "note": QUESTION, "expected_version": appeal.version},
        **HTMX,
    )
    assert response.status_code == 200, response.content
    event = AppealEvent.objects.get(appeal=appeal, kind=EventKind.INFO_REQUESTED)
    assert (event.actor, event.note, event.visible_to_applicant) == (dispatcher, QUESTION, True)
    assert Notification.objects.filter(recipient=resident, body__contains=QUESTION).exists()


def test_the_card_shows_the_open_question(client, dispatcher, resident, street_light):
    appeal = submit_report(resident, street_light)
    ask(dispatcher, appeal)
    client.force_login(dispatcher)
    page = client.get(card_url(appeal)).content.decode()
    assert "Запрошено у заявителя, ответа пока нет" in page
    assert f"<q>{QUESTION}</q>" in page


def test_the_applicant_reads_the_question_and_the_public_does_not(
    client, dispatcher, resident, street_light
):
    appeal = submit_report(resident, street_light)
    ask(dispatcher, appeal)
    client.force_login(resident)
    timeline = client.get(f"/api/v1/appeals/{appeal.pk}").json()["timeline"]
    asked = [e for e in timeline if e["kind"] == "info_requested"]
    assert [e["note"] for e in asked] == [QUESTION]
    client.logout()
    public = client.get(f"/api/v1/appeals/{appeal.pk}").content.decode()
    assert "info_requested" not in public


def test_the_assigned_executor_asks_through_the_api(client, executor, resident, leaking_roof):
    appeal = submit_report(resident, leaking_roof, extra={"entrance": 1})
    client.force_login(executor)
    response = client.post(
        f"/api/v1/appeals/{appeal.pk}/information-requests",
        {"question": QUESTION, "expected_version": appeal.version},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["timeline"][-1]["kind"] == "info_requested"


def test_an_executor_of_another_organisation_cannot_request_information(
    client, city, resident, leaking_roof
):
    from mycity.accounts.models import RoleKind
    from tests.conftest import person
    from tests.factories import OrganisationFactory

    stranger = person(
        "executor@zhes-2.example.org",
        RoleKind.EXECUTOR,
        organisation=OrganisationFactory(city=city, slug="zhes-2"),
    )
    appeal = submit_report(resident, leaking_roof, extra={"entrance": 1})
    with pytest.raises(PermissionDenied):
        ask(stranger, appeal)
    client.force_login(stranger)
    response = client.post(
        f"/api/v1/appeals/{appeal.pk}/information-requests",
        {"question": QUESTION},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not AppealEvent.objects.filter(kind=EventKind.INFO_REQUESTED).exists()


def test_a_moderator_cannot_request_information(moderator, resident, noisy_neighbours):
    appeal = submit_report(resident, noisy_neighbours)
    with pytest.raises(PermissionDenied):
        ask(moderator, appeal)


def test_a_question_needs_words(dispatcher, resident, street_light):
    appeal = submit_report(resident, street_light)
    with pytest.raises(NoteRequired):
        ask(dispatcher, appeal, question="  ")


def test_the_applicant_adds_information_with_a_photo(client, dispatcher, resident, street_light):
    appeal = submit_report(resident, street_light, files=[jpeg()])
    ask(dispatcher, appeal)
    client.force_login(resident)
    response = client.post(
        f"/api/v1/appeals/{appeal.pk}/information",
        {"text": "Опора № 12", "files": [jpeg(name="pole.jpg")]},
    )
    assert response.status_code == 200, response.content
    added = AppealEvent.objects.get(appeal=appeal, kind=EventKind.INFO_ADDED)
    assert (added.actor, added.note) == (resident, "Опора № 12")
    photo = AppealFile.objects.get(pk=added.data["files"][0])
    assert (photo.role, photo.is_public, photo.position) == ("photo", False, 1)
    assert photo.content_type == "image/jpeg"


def test_the_asker_is_notified_in_the_app_when_the_applicant_answers(
    dispatcher, resident, street_light
):
    appeal = submit_report(resident, street_light)
    ask(dispatcher, appeal)
    add_information(actor=resident, appeal=appeal, text="Опора № 12")
    notice = Notification.objects.get(recipient=dispatcher, topic="appeal.information_added")
    assert notice.in_app and notice.url == card_url(appeal)
    assert not Delivery.objects.filter(notification=notice).exists()


def test_the_applicant_cannot_add_information_when_none_was_asked(client, resident, street_light):
    appeal = submit_report(resident, street_light)
    with pytest.raises(MoveNotAllowed):
        add_information(actor=resident, appeal=appeal, text="Опора № 12")
    client.force_login(resident)
    response = client.post(f"/api/v1/appeals/{appeal.pk}/information", {"text": "Опора № 12"})
    assert response.status_code == 409
    assert not AppealEvent.objects.filter(kind=EventKind.INFO_ADDED).exists()


def test_one_reply_answers_the_open_questions(client, dispatcher, resident, street_light):
    appeal = submit_report(resident, street_light)
    ask(dispatcher, appeal)
    ask(dispatcher, appeal, question="И подъезд")
    add_information(actor=resident, appeal=appeal, text="Опора № 12, подъезд 2")
    with pytest.raises(MoveNotAllowed):
        add_information(actor=resident, appeal=appeal, text="Ещё")
    client.force_login(dispatcher)
    assert "not answered yet" not in client.get(card_url(appeal)).content.decode()


def test_only_the_applicant_adds_information(client, dispatcher, resident, street_light):
    from mycity.accounts.models import RoleKind
    from tests.conftest import person

    appeal = submit_report(resident, street_light)
    ask(dispatcher, appeal)
    neighbour = person("neighbour@example.org", RoleKind.RESIDENT, city=appeal.city)
    with pytest.raises(PermissionDenied):
        add_information(actor=neighbour, appeal=appeal, text="Это не мой")
    with pytest.raises(PermissionDenied):
        add_information(actor=dispatcher, appeal=appeal, text="Сам отвечу")


def test_a_fake_photo_in_the_reply_is_refused_and_nothing_is_stored(
    client, dispatcher, resident, street_light, settings
):
    appeal = submit_report(resident, street_light)
    ask(dispatcher, appeal)
    client.force_login(resident)
    fake = SimpleUploadedFile("pole.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")
    response = client.post(
        f"/api/v1/appeals/{appeal.pk}/information", {"text": "Опора", "files": [fake]}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "unsupported_file"
    assert not AppealEvent.objects.filter(kind=EventKind.INFO_ADDED).exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_no_question_can_be_asked_of_an_answered_appeal(executor, resident, leaking_roof):
    appeal = submit_report(resident, leaking_roof, extra={"entrance": 1})
    start_work(actor=executor, appeal=appeal)
    answer_appeal(actor=executor, appeal=appeal, text="Кровля отремонтирована")
    with pytest.raises(MoveNotAllowed):
        ask(executor, appeal)
