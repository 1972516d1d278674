"""The register of incidents: the authority is told within 3 working days of the
finding; a notification cannot precede the finding, nothing is found in the future."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from freezegun import freeze_time

from mycity.privacy import services
from mycity.privacy.errors import InvalidIncident
from mycity.privacy.models import IncidentChange
from mycity.privacy.selectors import incidents_of, with_terms

MINSK = ZoneInfo("Europe/Minsk")


def _values(**more):
    return {
        "description": "A list of applicants was sent to the wrong address",
        "found_at": datetime(2026, 4, 17, 15, tzinfo=MINSK),
        "affected": "Applicants of March",
        "affected_count": 40,
        "data_categories": "full names, postal addresses",
        "measures": "The recipient deleted the letter",
    } | more


@freeze_time("2026-04-23 12:00:00+03:00")
def test_the_authority_notice_is_due_on_the_third_working_day(city, privacy_officer):
    incident = services.register_incident(actor=privacy_officer, city=city, **_values())
    terms = with_terms(incident)
    # Found on Friday 17 April; 20 April is off by transfer, 21 April is Radunitsa.
    assert timezone.localtime(terms.authority_due, MINSK).date().isoformat() == "2026-04-24"
    assert not terms.overdue


def test_an_incident_not_told_in_time_is_overdue(city, privacy_officer):
    with freeze_time("2026-04-20 09:00:00+03:00"):
        services.register_incident(actor=privacy_officer, city=city, **_values())
    with freeze_time("2026-04-25 09:00:00+03:00"):
        [row] = incidents_of(city)
    assert row.overdue and not row.late


@freeze_time("2026-04-30 09:00:00+03:00")
def test_an_authority_told_after_the_term_is_marked_late(city, privacy_officer):
    incident = services.register_incident(
        actor=privacy_officer,
        city=city,
        **_values(authority_notified_at=datetime(2026, 4, 28, 10, tzinfo=MINSK)),
    )
    terms = with_terms(incident)
    assert terms.late and not terms.overdue


def test_a_notification_cannot_precede_the_finding(city, privacy_officer):
    with pytest.raises(InvalidIncident) as refused:
        services.register_incident(
            actor=privacy_officer,
            city=city,
            **_values(authority_notified_at=datetime(2026, 4, 16, 10, tzinfo=MINSK)),
        )
    assert refused.value.details[0]["field"] == "authority_notified_at"


def test_an_incident_cannot_be_found_in_the_future(city, privacy_officer):
    with pytest.raises(InvalidIncident) as refused:
        services.register_incident(
            actor=privacy_officer,
            city=city,
            **_values(found_at=timezone.now() + timedelta(hours=2)),
        )
    assert refused.value.details[0]["field"] == "found_at"


def test_an_edit_records_old_and_new_values(city, privacy_officer):
    incident = services.register_incident(actor=privacy_officer, city=city, **_values())
    told = datetime(2026, 4, 22, 9, tzinfo=MINSK)
    services.update_incident(actor=privacy_officer, incident=incident, authority_notified_at=told)
    change = IncidentChange.objects.filter(incident=incident).last()
    assert change.changes == {"authority_notified_at": [None, told.isoformat()]}


def test_an_edit_is_checked_too(city, privacy_officer):
    incident = services.register_incident(actor=privacy_officer, city=city, **_values())
    with pytest.raises(InvalidIncident):
        services.update_incident(
            actor=privacy_officer,
            incident=incident,
            subjects_notified_at=datetime(2026, 4, 1, tzinfo=MINSK),
        )
    incident.refresh_from_db()
    assert incident.subjects_notified_at is None


def test_a_dispatcher_cannot_register_an_incident(city, dispatcher):
    with pytest.raises(PermissionDenied):
        services.register_incident(actor=dispatcher, city=city, **_values())
