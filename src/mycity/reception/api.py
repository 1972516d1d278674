"""The personal reception through the API: the schedule and free times (open to all),
a resident's bookings (a session or a `resident` token). The same selectors and
services as the pages (reception/views.py)."""

from datetime import datetime
from typing import Annotated, cast

from django.http import HttpRequest
from ninja import Field, Path, Router, Schema
from ninja.responses import Status

from mycity.accounts.models import User
from mycity.appeals.api import RESIDENT
from mycity.cities.selectors import city_by_slug
from mycity.core.api_contract import errors
from mycity.core.api_formats import MAX_ID, IsoDateTime
from mycity.reception import selectors, services
from mycity.reception.access import own_appointment, session_in
from mycity.reception.models import Appointment, ReceptionSession

router = Router(tags=["personal reception"])

Id = Annotated[int, Path(ge=1, le=MAX_ID)]
# A value the person must give: something besides spaces.
GIVEN = r"\S"


class SessionOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    place: str
    slot_minutes: int
    free: int = Field(description="How many times are still free.")


class OfficialOut(Schema):
    id: int
    full_name: str
    position: str
    sessions: list[SessionOut]


class OrganisationScheduleOut(Schema):
    name: str
    address: str
    officials: list[OfficialOut]


class FreeSlotsOut(Schema):
    session: SessionOut
    official: str
    slots: list[datetime] = Field(description="The free times: book one as `starts_at`.")


class AppointmentOut(Schema):
    id: int
    session_id: int
    starts_at: datetime
    official: str
    position: str
    organisation: str
    place: str
    applicant_name: str
    applicant_address: str
    applicant_phone: str
    subject: str


class BookingIn(Schema):
    starts_at: IsoDateTime = Field(description="One of the session's free `slots`.")
    applicant_name: str = Field(min_length=1, max_length=200, pattern=GIVEN)
    applicant_address: str = Field(min_length=1, max_length=300, pattern=GIVEN)
    applicant_phone: str = Field(min_length=1, max_length=30, pattern=GIVEN)
    subject: str = Field(min_length=1, max_length=300, pattern=GIVEN)


def _session_out(session: ReceptionSession, free: int) -> dict:
    return {
        "id": session.pk,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "place": session.place,
        "slot_minutes": session.slot_minutes,
        "free": free,
    }


def _appointment_out(appointment: Appointment) -> dict:
    official = appointment.session.official
    return {
        "id": appointment.pk,
        "session_id": appointment.session_id,
        "starts_at": appointment.starts_at,
        "official": official.full_name,
        "position": official.position,
        "organisation": official.organisation.name,
        "place": appointment.session.place,
        "applicant_name": appointment.applicant_name,
        "applicant_address": appointment.applicant_address,
        "applicant_phone": appointment.applicant_phone,
        "subject": appointment.subject,
    }


@router.get(
    "/{slug}/reception",
    response=list[OrganisationScheduleOut],
    summary="The coming personal receptions, by organisation and official",
)
def reception_schedule(request: HttpRequest, slug: str) -> list[dict]:
    return [
        {
            "name": organisation.name,
            "address": organisation.address,
            "officials": [
                {
                    "id": row.official.pk,
                    "full_name": row.official.full_name,
                    "position": row.official.position,
                    "sessions": [_session_out(s.session, s.free) for s in row.sessions],
                }
                for row in organisation.officials
            ],
        }
        for organisation in selectors.upcoming_schedule(city_by_slug(slug))
    ]


@router.get(
    "/{slug}/reception/sessions/{session_id}/slots",
    response=FreeSlotsOut,
    summary="The free times of one reception",
)
def reception_free_slots(request: HttpRequest, slug: str, session_id: Id) -> dict:
    session = session_in(city_by_slug(slug), session_id)
    slots = selectors.free_slots(session)
    return {
        "session": _session_out(session, len(slots)),
        "official": session.official.full_name,
        "slots": slots,
    }


@router.post(
    "/{slug}/reception/sessions/{session_id}/appointments",
    response={201: AppointmentOut},
    auth=RESIDENT,
    summary="Book a time at a reception (one per person per reception)",
    description="409 `slot_taken`: someone has just taken the time; 409 `already_booked`: "
    "the person has an appointment at this reception. 400 `invalid_reception` names the "
    "field: a time that is not one of the session's, has passed, or a cancelled reception.",
    openapi_extra=errors(409),
)
def book_reception(request: HttpRequest, slug: str, session_id: Id, payload: BookingIn) -> Status:
    session = session_in(city_by_slug(slug), session_id)
    appointment = services.book_appointment(
        actor=cast(User, request.auth),  # type: ignore[attr-defined]
        session=session,
        starts_at=payload.starts_at,
        details=services.ApplicantDetails(
            applicant_name=payload.applicant_name,
            applicant_address=payload.applicant_address,
            applicant_phone=payload.applicant_phone,
            subject=payload.subject,
        ),
    )
    appointment.session = session
    return Status(201, _appointment_out(appointment))


@router.get(
    "/{slug}/reception/appointments",
    response=list[AppointmentOut],
    auth=RESIDENT,
    summary="My coming appointments at the city's receptions",
)
def my_reception_appointments(request: HttpRequest, slug: str) -> list[dict]:
    user = cast(User, request.auth)  # type: ignore[attr-defined]
    return [_appointment_out(a) for a in selectors.bookings_of(user, city_by_slug(slug))]


@router.post(
    "/{slug}/reception/appointments/{appointment_id}/cancel",
    response={204: None},
    auth=RESIDENT,
    summary="Cancel my appointment (before its time)",
    description="Another person's appointment is a 404. Cancelling a cancelled one "
    "changes nothing (204); one that has taken place is a 400 `invalid_reception`.",
)
def cancel_reception_appointment(request: HttpRequest, slug: str, appointment_id: Id) -> Status:
    user = cast(User, request.auth)  # type: ignore[attr-defined]
    appointment = own_appointment(user, city_by_slug(slug), appointment_id)
    services.cancel_appointment(actor=user, appointment=appointment)
    return Status(204, None)
