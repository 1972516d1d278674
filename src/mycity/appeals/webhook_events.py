"""What an appeal's webhooks say: the events of its timeline that integrators hear of,
and the payload each audience may have.

Called where the change is written (`transitions.record_event`, and the registration),
inside its transaction: the messages commit with the change or not at all.

What a payload carries is what its audience may see already, and no more:
- the organisation handling the appeal sees the appeal as its executors do in the
  console (the text and the place), without the applicant's name and contacts, which
  its staff read in the console or through the API, where each reading is checked;
- the city's endpoint hears of every appeal, but of the text and the place only when
  the report is public on the map, with the same masking as the map; never of an
  e-appeal's text or place, which stay with those who handle it.
"""

from typing import Any

from django.conf import settings
from django.utils import translation

from mycity.appeals.models import Appeal, AppealEvent, AppealKind, EventKind, Status
from mycity.appeals.public_text import public_text
from mycity.notify.text import absolute_url
from mycity.webhooks.events import Audience, EventType
from mycity.webhooks.services import emit

# A move arriving at one of these statuses is the event.
_ARRIVALS = {
    Status.ASSIGNED: EventType.APPEAL_ASSIGNED,
    Status.ANSWERED: EventType.APPEAL_ANSWERED,
    Status.REOPENED: EventType.APPEAL_REOPENED,
}


def on_event(appeal: Appeal, event: AppealEvent) -> None:
    """Hear of an event of the appeal's timeline (see `record_event`)."""
    if event.kind == EventKind.TRANSITION:
        event_type = _ARRIVALS.get(Status(event.to_status)) if event.to_status else None
        if event_type is None:
            return
        if event_type == EventType.APPEAL_ASSIGNED and appeal.organisation_id is None:
            return
    elif event.kind == EventKind.ESCALATED:
        event_type = EventType.APPEAL_OVERDUE
    else:
        return
    _emit(appeal, event_type, f"appeal-event:{event.pk}")


def on_registered(appeal: Appeal) -> None:
    """The appeal is registered and routed (the organisation it went to hears too)."""
    _emit(appeal, EventType.APPEAL_REGISTERED, f"appeal-registered:{appeal.pk}")


def _emit(appeal: Appeal, event_type: EventType, key: str) -> None:
    emit(
        city_id=appeal.city_id,
        organisation_id=appeal.organisation_id,
        event_type=event_type,
        data_for=lambda audience: appeal_data(appeal, audience),
        dedupe_key=key,
    )


def _ref(obj: Any) -> dict[str, str] | None:
    return {"slug": obj.slug, "name": obj.name} if obj is not None else None


def appeal_data(appeal: Appeal, audience: Audience) -> dict[str, Any]:
    # Names in the site's language, whatever the language of the request that acted.
    with translation.override(settings.LANGUAGE_CODE):
        data: dict[str, Any] = {
            "id": appeal.pk,
            "number": appeal.number,
            "city": appeal.city.slug,
            "kind": appeal.kind,
            "status": appeal.status,
            "version": appeal.version,
            "category": _ref(appeal.category),
            "organisation": _ref(appeal.organisation),
            "registered_on": appeal.registered_on,
            "submitted_at": appeal.submitted_at,
            "deadline": appeal.deadline,
            "result": appeal.result or None,
            "api_url": absolute_url(f"/api/v1/appeals/{appeal.pk}"),
            "console_url": absolute_url(f"/console/{appeal.city.slug}/appeals/{appeal.pk}/"),
        }
    if audience == Audience.ORGANISATION:
        data |= {
            "description": appeal.description,
            "address": appeal.address,
            "lat": appeal.lat,
            "lon": appeal.lon,
        }
    elif appeal.kind == AppealKind.PROBLEM and appeal.is_public:
        data |= {
            "description": public_text(appeal.description),
            "address": appeal.address,
            "lat": appeal.lat,
            "lon": appeal.lon,
        }
    return data
