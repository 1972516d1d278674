"""Editors keep places, events, contacts and polls in the console."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mycity.content.models import Contact, Event, Place, Poll
from mycity.content.search import search

pytestmark = pytest.mark.django_db


def when(delta: timedelta) -> str:
    return (timezone.localtime() + delta).strftime("%Y-%m-%dT%H:%M")


def test_an_editor_adds_a_place_and_it_is_searchable(client, editor, city):
    client.force_login(editor)
    response = client.post(
        "/console/polotsk/city/places/new",
        {
            "name_ru": "Музей белорусского книгопечатания",
            "kind": "culture",
            "lat": "55.4867",
            "lon": "28.7612",
            "opening_hours": "[]",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    place = Place.objects.get()
    assert search(city, "книгопечатание").places == [place]


def test_an_editor_adds_a_repeating_event_and_a_bad_rule_is_refused(client, editor, city):
    client.force_login(editor)
    event = {
        "name_ru": "Экскурсия",
        "category": "excursion",
        "starts_at": when(timedelta(days=1)),
        "recurrence": "FREQ=WEEKLY;COUNT=3",
        "age_limit": "0",
        "is_published": "on",
    }
    assert client.post("/console/polotsk/city/events/new", event).status_code == 302
    assert Event.objects.get().recurrence == "FREQ=WEEKLY;COUNT=3"
    refused = client.post(
        "/console/polotsk/city/events/new", event | {"recurrence": "EVERY SATURDAY"}
    )
    assert refused.status_code == 422
    assert Event.objects.count() == 1


def test_an_editor_adds_a_contact_and_a_poll(client, editor, city):
    client.force_login(editor)
    contact = {"group": "emergency", "name_ru": "Скорая", "phone": "103", "display_order": 1}
    assert client.post("/console/polotsk/city/contacts/new", contact).status_code == 302
    assert Contact.objects.get().phone == "103"
    poll = {
        "question_ru": "Где площадка?",
        "opens_at": when(timedelta(0)),
        "closes_at": when(timedelta(days=7)),
        "results_shown": "after_voting",
        "is_published": "on",
        "answers": "У школы\nВ парке\n",
    }
    assert client.post("/console/polotsk/city/polls/new", poll).status_code == 302
    assert [o.text_ru for o in Poll.objects.get().options.all()] == ["У школы", "В парке"]
    one_answer = client.post("/console/polotsk/city/polls/new", poll | {"answers": "Только"})
    assert one_answer.status_code == 400 and Poll.objects.count() == 1


def test_others_do_not_edit_the_citys_information(client, dispatcher, city):
    client.force_login(dispatcher)
    assert client.get("/console/polotsk/city/places/").status_code == 403
    client.logout()
    assert client.get("/console/polotsk/city/places/").status_code == 302


def test_a_place_gets_a_clean_photo_and_a_fake_one_is_refused(client, editor, city):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.appeal_fixtures import jpeg

    client.force_login(editor)
    place = {
        "name_ru": "Красный мост",
        "kind": "sight",
        "lat": "55.4876",
        "lon": "28.7571",
        "opening_hours": "[]",
        "is_active": "on",
    }
    fake = SimpleUploadedFile("bridge.jpg", b"<?php evil(); ?>", content_type="image/jpeg")
    refused = client.post("/console/polotsk/city/places/new", place | {"picture": fake})
    assert refused.status_code >= 400 and not Place.objects.exists()
    saved = client.post("/console/polotsk/city/places/new", place | {"picture": jpeg()})
    assert saved.status_code == 302
    found = Place.objects.get()
    photo = client.get(f"/polotsk/places/{found.pk}/photo.jpg")
    assert photo.status_code == 200 and b"".join(photo.streaming_content)[:2] == b"\xff\xd8"
    page = client.get(f"/polotsk/places/{found.pk}/").content.decode()
    assert f"/polotsk/places/{found.pk}/photo.jpg" in page
