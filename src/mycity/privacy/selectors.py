"""Reads of the personal-data domain: everything held about a resident (the page and
the download are the same data), the officer's queue and the register of incidents."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from mycity.accounts.models import Subscription, User
from mycity.appeals.access import FULL_APPEAL_PREFETCH
from mycity.appeals.deadlines import end_of_day
from mycity.appeals.models import Appeal, MeToo
from mycity.appeals.selectors import seen_by_applicant
from mycity.cities.calendar import WorkingCalendar, calendar_for
from mycity.cities.models import City
from mycity.content.models import Vote
from mycity.notify.models import Notification, PushSubscription
from mycity.privacy.models import ConsentRecord, DataRequest, Incident, RequestStatus
from mycity.reception.models import Appointment

# The download's shape; see docs/personal-data.md. Bump it when the shape changes.
EXPORT_FORMAT = "mycity.personal-data/2"


@dataclass
class HeldData:
    """What the platform holds about one resident."""

    user: User
    appeals: list[Appeal]
    subscriptions: list[Subscription]
    push_subscriptions: list[PushSubscription]
    notifications: list[Notification]
    consents: list[ConsentRecord]
    votes: list[Vote]
    me_too: list[MeToo]
    requests: list[DataRequest]
    receptions: list[Appointment]


def held_about(user: User) -> HeldData:
    """Only the resident's own rows; of an appeal only what its page shows them
    (`appeals.selectors.seen_by_applicant`)."""
    appeals = (
        Appeal.objects.filter(applicant=user)
        .select_related("city", "category", "building__street", "district", "addressee")
        .prefetch_related(*FULL_APPEAL_PREFETCH)
        .defer("city__boundary")
        .order_by("submitted_at", "pk")
    )
    return HeldData(
        user=user,
        appeals=list(appeals),
        subscriptions=list(
            Subscription.objects.filter(user=user)
            .select_related("city", "building__street", "district")
            .order_by("created_at", "pk")
        ),
        push_subscriptions=list(PushSubscription.objects.filter(user=user).order_by("pk")),
        notifications=list(Notification.objects.filter(recipient=user).order_by("pk")),
        consents=list(ConsentRecord.objects.filter(user=user).select_related("city")),
        votes=list(
            Vote.objects.filter(voter=user).select_related("poll").prefetch_related("options")
        ),
        me_too=list(MeToo.objects.filter(user=user).select_related("appeal").order_by("pk")),
        requests=list(DataRequest.objects.filter(user=user).select_related("city")),
        receptions=list(
            Appointment.objects.filter(resident=user)
            .select_related("session__official__organisation", "appeal")
            .order_by("starts_at", "pk")
        ),
    )


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _appeal(appeal: Appeal) -> dict[str, Any]:
    seen = seen_by_applicant(appeal)
    return {
        "number": appeal.number,
        "city": appeal.city.slug,
        "kind": appeal.kind,
        "channel": appeal.channel,
        "category": appeal.category.name,
        "status": appeal.status,
        "submitted_at": _moment(appeal.submitted_at),
        "registered_on": _day(appeal.registered_on),
        "deadline": _moment(appeal.deadline),
        "closed_at": _moment(appeal.closed_at),
        "description": appeal.description,
        "address": appeal.address,
        "lat": appeal.lat,
        "lon": appeal.lon,
        "extra": appeal.extra,
        "applicant": {
            "type": appeal.applicant_type,
            "name": appeal.applicant_name,
            "postal_address": appeal.applicant_address,
            "email": appeal.applicant_email,
            "phone": appeal.applicant_phone,
            "legal_name": appeal.legal_name,
            "legal_reg_number": appeal.legal_reg_number,
            "signatory": appeal.signatory,
        },
        "consent_policy_version": appeal.consent_policy_version,
        "consent_at": _moment(appeal.consent_at),
        "rating": appeal.rating,
        "files": [
            {
                "role": f.role,
                "content_type": f.content_type,
                "size": f.size,
                "uploaded_at": _moment(f.created_at),
            }
            for f in seen.files
        ],
        "timeline": [
            {
                "kind": e.kind,
                "at": _moment(e.created_at),
                "from_status": e.from_status,
                "to_status": e.to_status,
                "note": note,
            }
            for e, note in seen.timeline
        ],
        "answers": [
            {"organisation": a.organisation.name, "text": a.text, "at": _moment(a.created_at)}
            for a in seen.answers
        ],
    }


def export(held: HeldData) -> dict[str, Any]:
    """The download: plain JSON types only, in the shape docs/personal-data.md describes."""
    user = held.user
    return {
        "format": EXPORT_FORMAT,
        "generated_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "language": user.language,
            "home_city": user.home_city.slug if user.home_city else None,
            "home_address": str(user.home_building) if user.home_building else None,
            "quiet_from": user.quiet_from.isoformat() if user.quiet_from else None,
            "quiet_until": user.quiet_until.isoformat() if user.quiet_until else None,
            "joined_at": _moment(user.date_joined),
            "last_login_at": _moment(user.last_login),
        },
        "appeals": [_appeal(a) for a in held.appeals],
        "receptions": [
            {
                "organisation": r.session.official.organisation.name,
                "official": r.session.official.full_name,
                "starts_at": _moment(r.starts_at),
                "full_name": r.applicant_name,
                "postal_address": r.applicant_address,
                "phone": r.applicant_phone,
                "subject": r.subject,
                "cancelled_at": _moment(r.cancelled_at),
                "outcome": r.outcome,
                "record": r.record,
                "appeal": r.appeal.number if r.appeal else None,
            }
            for r in held.receptions
        ],
        "subscriptions": [
            {
                "city": s.city.slug,
                "kind": s.kind,
                "address": str(s.building) if s.building else None,
                "district": s.district.name if s.district else None,
                "topic": s.topic,
                "channels": s.channels,
                "created_at": _moment(s.created_at),
            }
            for s in held.subscriptions
        ],
        "push_subscriptions": [
            {"endpoint": p.endpoint, "browser": p.user_agent, "created_at": _moment(p.created_at)}
            for p in held.push_subscriptions
        ],
        "notifications": [
            {
                "topic": n.topic,
                "subject": n.subject,
                "body": n.body,
                "created_at": _moment(n.created_at),
                "read_at": _moment(n.read_at),
            }
            for n in held.notifications
        ],
        "consents": [
            {
                "city": c.city.slug,
                "notice_version": c.notice_version,
                "given_at": _moment(c.given_at),
                "withdrawn_at": _moment(c.withdrawn_at),
            }
            for c in held.consents
        ],
        "votes": [
            {
                "poll": v.poll.question,
                "answers": [o.text for o in v.options.all()],
                "voted_at": _moment(v.created_at),
            }
            for v in held.votes
        ],
        "me_too": [
            {"appeal": m.appeal.number, "joined_at": _moment(m.created_at)} for m in held.me_too
        ],
        "requests": [
            {
                "city": r.city.slug,
                "kind": r.kind,
                "status": r.status,
                "details": r.details,
                "received_on": _day(r.received_on),
                "due_on": _day(r.due_on),
                "done_at": _moment(r.done_at),
                "reason": r.reason,
            }
            for r in held.requests
        ],
    }


# --- The officer's views --------------------------------------------------------


@dataclass(frozen=True)
class QueuedRequest:
    request: DataRequest
    overdue: bool


def request_queue(
    city: City, *, open_only: bool = False, today: date | None = None
) -> list[QueuedRequest]:
    """The city's requests, the open ones first by term; a request past its last day is
    overdue (today in the city's time zone)."""
    calendar = calendar_for(city)
    today = today or calendar.local_date(timezone.now())
    rows: QuerySet[DataRequest] = DataRequest.objects.filter(city=city).select_related(
        "user", "handled_by"
    )
    if open_only:
        rows = rows.filter(status=RequestStatus.RECEIVED)
    ordered = sorted(
        rows[:500],
        key=lambda r: (r.status != RequestStatus.RECEIVED, r.due_on, r.pk),
    )
    return [
        QueuedRequest(request=r, overdue=r.status == RequestStatus.RECEIVED and r.due_on < today)
        for r in ordered
    ]


# The notice to the authority: without delay, at the latest on the third working day
# after the incident was found.
AUTHORITY_NOTICE_WORKING_DAYS = 3


@dataclass(frozen=True)
class RegisteredIncident:
    incident: Incident
    authority_due: datetime
    overdue: bool  # not yet told, and the term has passed
    late: bool  # told after the term


def authority_due(incident: Incident, calendar: WorkingCalendar | None = None) -> datetime:
    calendar = calendar or calendar_for(incident.city)
    found_on = calendar.local_date(incident.found_at)
    return end_of_day(calendar, calendar.add_working_days(found_on, AUTHORITY_NOTICE_WORKING_DAYS))


def with_terms(
    incident: Incident, now: datetime | None = None, calendar: WorkingCalendar | None = None
) -> RegisteredIncident:
    now = now or timezone.now()
    due = authority_due(incident, calendar)
    told = incident.authority_notified_at
    return RegisteredIncident(
        incident=incident,
        authority_due=due,
        overdue=told is None and now > due,
        late=told is not None and told > due,
    )


def incidents_of(city: City, now: datetime | None = None) -> list[RegisteredIncident]:
    calendar = calendar_for(city)
    rows = Incident.objects.filter(city=city)[:500]
    return [with_terms(incident, now, calendar) for incident in rows]
