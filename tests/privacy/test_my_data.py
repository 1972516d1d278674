"""“My data”: the page and the JSON download hold exactly the resident's own data, and
the download is a copy request answered at once."""

import json

import pytest
from django.test import Client

from mycity.accounts.models import Subscription, SubscriptionKind
from mycity.appeals.actions.submission import submit_appeal
from mycity.appeals.transitions import record_event
from mycity.privacy import services
from mycity.privacy.consents import record_consent
from mycity.privacy.models import DataRequest, RequestKind, RequestStatus
from mycity.privacy.selectors import EXPORT_FORMAT, export, held_about
from tests.appeal_fixtures import e_appeal_draft, submit_report


@pytest.fixture
def signed_in(resident) -> Client:
    client = Client()
    client.force_login(resident)
    return client


def _download(client: Client) -> dict:
    response = client.post("/my/data/download")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    return json.loads(response.content)


def test_the_download_holds_the_residents_appeals_and_not_anothers(
    signed_in, resident, neighbour, city, street_light, housing_question
):
    own = submit_appeal(
        applicant=resident, city=city, draft=e_appeal_draft(housing_question)
    ).appeal
    submit_report(neighbour, street_light, description="Соседский фонарь")
    Subscription.objects.create(
        user=neighbour, city=city, kind=SubscriptionKind.NOTICE_KIND, topic="heat", channels=[]
    )
    data = _download(signed_in)
    assert data["format"] == EXPORT_FORMAT
    assert data["account"]["email"] == "resident@example.org"
    assert [a["number"] for a in data["appeals"]] == [own.number]
    assert data["appeals"][0]["applicant"]["name"] == "Иванова Анна Петровна"
    assert data["subscriptions"] == []
    assert "neighbour@example.org" not in json.dumps(data, ensure_ascii=False)
    assert "Соседский фонарь" not in json.dumps(data, ensure_ascii=False)


def test_the_download_leaves_out_staff_only_notes(
    signed_in, resident, city, street_light, dispatcher
):
    from mycity.appeals.models import EventKind

    appeal = submit_report(resident, street_light)
    record_event(
        appeal, EventKind.REMINDED, actor=dispatcher, note="Внутренняя заметка", visible=False
    )
    data = _download(signed_in)
    notes = [event["note"] for event in data["appeals"][0]["timeline"]]
    assert "Внутренняя заметка" not in notes


def test_the_copy_of_an_appeal_shows_exactly_what_its_page_shows(
    signed_in, resident, city, leaking_roof, executor, dispatcher
):
    from mycity.appeals.actions.moves import start_work
    from mycity.appeals.models import EventKind
    from mycity.appeals.transitions import record_event

    appeal = submit_report(resident, leaking_roof, extra={"entrance": 2})
    # A note on a move the applicant sees, written for staff: the page shows the move
    # and not the note; and an event staff alone see.
    start_work(actor=executor, appeal=appeal, note="Известный жалобщик, пишет каждую неделю")
    record_event(
        appeal, EventKind.REMINDED, actor=dispatcher, note="Внутренняя заметка", visible=False
    )

    page = signed_in.get(f"/my/appeals/{appeal.pk}/")
    copy = _download(signed_in)["appeals"][0]

    on_the_page = [
        (event.kind, event.from_status, event.to_status, note)
        for event, note in page.context["timeline"]
    ]
    in_the_copy = [
        (event["kind"], event["from_status"], event["to_status"], event["note"])
        for event in copy["timeline"]
    ]
    assert in_the_copy == on_the_page
    assert len(on_the_page) >= 2  # submitted, and taken into work
    text = json.dumps(copy, ensure_ascii=False)
    for staff_note in ("Известный жалобщик", "Внутренняя заметка"):
        assert staff_note not in page.content.decode()
        assert staff_note not in text


def test_the_download_is_a_copy_request_done_at_once(signed_in, resident, city):
    _download(signed_in)
    request = DataRequest.objects.get(user=resident)
    assert (request.kind, request.status) == (RequestKind.COPY, RequestStatus.DONE)
    assert request.events.count() == 2


def test_the_shape_has_every_documented_section(resident, city):
    data = export(held_about(resident))
    assert set(data) == {
        "format",
        "generated_at",
        "account",
        "appeals",
        "subscriptions",
        "push_subscriptions",
        "notifications",
        "consents",
        "votes",
        "me_too",
        "requests",
        "receptions",
    }


def test_the_download_needs_a_post(signed_in):
    assert signed_in.get("/my/data/download").status_code == 405


def test_my_data_needs_sign_in(client):
    response = client.get("/my/data/")
    assert response.status_code == 302


def test_the_page_lists_the_residents_data(signed_in, resident, city, street_light):
    appeal = submit_report(resident, street_light)
    record_consent(user=resident, city=city)
    page = signed_in.get("/my/data/").content.decode()
    assert appeal.number in page
    assert "resident@example.org" in page
    assert "2026-01" in page  # the consented notice's version


def test_the_page_lists_in_a_few_queries(
    signed_in, resident, city, street_light, django_assert_max_num_queries
):
    for _ in range(3):
        submit_report(resident, street_light)
    with django_assert_max_num_queries(30):
        signed_in.get("/my/data/")


def test_a_resident_files_a_deletion_request_from_the_page(signed_in, resident, city):
    response = signed_in.post("/my/data/", {"kind": "deletion", "city": city.pk, "details": ""})
    assert response.status_code == 302
    request = DataRequest.objects.get(user=resident)
    assert request.kind == RequestKind.DELETION
    assert response["Location"] == f"/my/data/requests/{request.pk}/"


def test_an_empty_correction_is_refused_at_its_field(signed_in, resident, city):
    response = signed_in.post("/my/data/", {"kind": "correction", "city": city.pk})
    assert response.status_code == 400
    assert response.context["form"].errors["details"]
    assert not DataRequest.objects.exists()


def test_a_resident_cannot_see_anothers_request(client, neighbour, resident, city):
    request = services.file_request(user=neighbour, city=city, kind=RequestKind.DELETION)
    client.force_login(resident)
    assert client.get(f"/my/data/requests/{request.pk}/").status_code == 404
    client.force_login(neighbour)
    assert client.get(f"/my/data/requests/{request.pk}/").status_code == 200


def test_the_settings_page_links_to_my_data(signed_in):
    assert 'href="/my/data/"' in signed_in.get("/settings/").content.decode()
