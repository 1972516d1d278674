"""The officer's console: the queue with terms, acting on a request, the incidents;
nobody else sees it."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from mycity.privacy import services
from mycity.privacy.models import DataRequest, Incident, RequestKind, RequestStatus

MINSK = ZoneInfo("Europe/Minsk")


@pytest.fixture
def officer_client(privacy_officer) -> Client:
    client = Client()
    client.force_login(privacy_officer)
    return client


def test_the_queue_highlights_an_overdue_request(officer_client, resident, city):
    late = services.file_request(
        user=resident, city=city, kind=RequestKind.COPY, now=datetime(2026, 1, 5, 9, tzinfo=MINSK)
    )
    page = officer_client.get(f"/console/{city.slug}/privacy/")
    assert page.status_code == 200
    assert page.context["queue"][0].request == late
    assert page.context["queue"][0].overdue
    assert 'class="overdue"' in page.content.decode()


def test_a_dispatcher_cannot_see_the_privacy_console(client, dispatcher, resident, city):
    request = services.file_request(user=resident, city=city, kind=RequestKind.COPY)
    client.force_login(dispatcher)
    assert client.get(f"/console/{city.slug}/privacy/").status_code == 404
    assert client.get(f"/console/{city.slug}/privacy/requests/{request.pk}/").status_code == 404
    assert client.get(f"/console/{city.slug}/privacy/incidents/").status_code == 404
    assert "/privacy/" not in client.get(f"/console/{city.slug}/intake/").content.decode()


def test_an_officer_of_another_city_cannot_open_this_citys_requests(
    client, privacy_officer_of_other_city, resident, city, other_city
):
    request = services.file_request(user=resident, city=city, kind=RequestKind.COPY)
    client.force_login(privacy_officer_of_other_city)
    assert client.get(f"/console/{city.slug}/privacy/").status_code == 404
    url = f"/console/{other_city.slug}/privacy/requests/{request.pk}/"
    assert client.get(url).status_code == 404


def test_the_console_nav_offers_personal_data_to_the_officer(officer_client, city):
    page = officer_client.get(f"/console/{city.slug}/privacy/incidents/").content.decode()
    assert f'href="/console/{city.slug}/privacy/"' in page


def test_the_officer_applies_a_deletion(officer_client, resident, city):
    request = services.file_request(user=resident, city=city, kind=RequestKind.DELETION)
    url = f"/console/{city.slug}/privacy/requests/{request.pk}/"
    assert (
        "Apply the deletion" in officer_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    response = officer_client.post(url, {"action": "erase"})
    assert response.status_code == 302
    resident.refresh_from_db()
    assert not resident.is_active
    request.refresh_from_db()
    assert request.status == RequestStatus.DONE


def test_a_refusal_without_a_reason_is_shown_at_its_field(officer_client, resident, city):
    request = services.file_request(user=resident, city=city, kind=RequestKind.COPY)
    url = f"/console/{city.slug}/privacy/requests/{request.pk}/"
    response = officer_client.post(url, {"action": "refuse", "reason": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["reason"]
    request.refresh_from_db()
    assert request.status == RequestStatus.RECEIVED


def test_acting_twice_is_a_conflict(officer_client, resident, city):
    request = services.file_request(user=resident, city=city, kind=RequestKind.COPY)
    url = f"/console/{city.slug}/privacy/requests/{request.pk}/"
    assert officer_client.post(url, {"action": "done"}).status_code == 302
    assert officer_client.post(url, {"action": "refuse", "reason": "No"}).status_code == 409
    assert DataRequest.objects.get().status == RequestStatus.DONE


def test_the_officer_registers_an_incident(officer_client, city):
    response = officer_client.post(
        f"/console/{city.slug}/privacy/incidents/new",
        {
            "description": "A laptop with a register was stolen",
            "found_at": "2026-03-06T10:00",
            "affected": "Applicants of 2025",
            "affected_count": "300",
            "data_categories": "names, addresses",
            "authority_notified_at": "2026-03-06T15:00",
        },
    )
    assert response.status_code == 302
    incident = Incident.objects.get()
    # Typed in the city's time.
    assert incident.found_at == datetime(2026, 3, 6, 10, tzinfo=MINSK)
    listing = officer_client.get(f"/console/{city.slug}/privacy/incidents/")
    assert "A laptop with a register was stolen" in listing.content.decode()


def test_an_incident_told_before_it_was_found_is_refused_at_its_field(officer_client, city):
    response = officer_client.post(
        f"/console/{city.slug}/privacy/incidents/new",
        {
            "description": "A wrong e-mail",
            "found_at": "2026-03-06T10:00",
            "affected": "One applicant",
            "data_categories": "e-mail",
            "subjects_notified_at": "2026-03-05T10:00",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["subjects_notified_at"]
    assert not Incident.objects.exists()
