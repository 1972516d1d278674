"""Commands of the personal-data domain: consents, residents' requests and what the
officer does with them, the register of incidents.

Terms (Law 99-З): information about the processing within 5 working days (art. 11
p. 1); correction (art. 11 p. 2), withdrawal of consent (art. 10), stopping the
processing and deletion (art. 13) within 15 days. Every change of a request is a `RequestEvent`
written in the same transaction.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mycity.accounts.models import Role, RoleKind, Subscription, User
from mycity.accounts.permissions import Action, require
from mycity.appeals.actions.applicant_data import detach_applicant
from mycity.appeals.models import Appeal, EventKind
from mycity.cities.calendar import WorkingCalendar, calendar_for
from mycity.cities.models import City
from mycity.notify.models import Notification, PushSubscription
from mycity.notify.services import notify
from mycity.notify.text import in_language_of
from mycity.privacy.errors import InvalidIncident, InvalidRequest, RequestFinished
from mycity.privacy.models import (
    ConsentRecord,
    DataRequest,
    Incident,
    IncidentChange,
    PrivacyNotice,
    RequestEvent,
    RequestKind,
    RequestStatus,
)
from mycity.privacy.notice import operator_of, operator_snapshot
from mycity.reception.models import Appointment

# What the appeals' timeline calls our changes.
APPEAL_SEPARATED = EventKind.SEPARATED
APPEAL_ANONYMISED = EventKind.ANONYMISED

TOPIC = "privacy.request"
# A term in working days, or in calendar days (moved off a day off).
WORKING_DAY_TERMS = {RequestKind.COPY: 5}
CALENDAR_DAY_TERMS = {
    RequestKind.TRANSFERS: 15,
    RequestKind.CORRECTION: 15,
    RequestKind.WITHDRAWAL: 15,
    RequestKind.DELETION: 15,
}
ERASED_DOMAIN = "erased.invalid"


# --- Consent --------------------------------------------------------------------


def publish_notice(*, actor: User, city: City, version: str) -> PrivacyNotice:
    """Fix the operator's present texts as a new version of the notice."""
    require(actor, Action.HANDLE_PERSONAL_DATA, city)
    version = version.strip()
    if not version:
        raise InvalidRequest(_("Give the version a name."), field="version")
    if PrivacyNotice.objects.filter(city=city, version=version).exists():
        raise InvalidRequest(_("This version is already published."), field="version")
    return PrivacyNotice.objects.create(
        city=city,
        version=version,
        snapshot=operator_snapshot(operator_of(city)),
        published_by=actor,
    )


# --- Requests -------------------------------------------------------------------


def due_date(calendar: WorkingCalendar, kind: str, received_on: date) -> date:
    if kind in WORKING_DAY_TERMS:
        return calendar.add_working_days(received_on, WORKING_DAY_TERMS[RequestKind(kind)])
    return calendar.add_calendar_days(received_on, CALENDAR_DAY_TERMS[RequestKind(kind)])


def _event(
    request: DataRequest, *, actor: User | None, before: str, note: str = "", **data: Any
) -> RequestEvent:
    return RequestEvent.objects.create(
        request=request,
        actor=actor,
        from_status=before,
        to_status=request.status,
        note=note,
        data=data,
    )


def file_request(
    *,
    user: User,
    city: City,
    kind: str,
    details: str = "",
    corrected_name: str = "",
    now: datetime | None = None,
) -> DataRequest:
    """A resident's request to the city's operator; a withdrawal of consent takes effect
    at once (see `withdraw_consent`)."""
    if kind not in RequestKind.values:
        raise InvalidRequest(_("Choose what you ask for."), field="kind")
    details, corrected_name = details.strip(), corrected_name.strip()
    if kind == RequestKind.CORRECTION and not (details or corrected_name):
        raise InvalidRequest(_("Say what is wrong and how it should be."), field="details")
    received_at = now or timezone.now()
    calendar = calendar_for(city)
    # The term runs from the day the request was received (in the city's time), a day
    # off included; its last day moves off a day off.
    received_on = calendar.local_date(received_at)
    with transaction.atomic():
        request = DataRequest.objects.create(
            user=user,
            city=city,
            kind=kind,
            details=details,
            corrected_name=corrected_name,
            received_at=received_at,
            received_on=received_on,
            due_on=due_date(calendar, kind, received_on),
        )
        _event(request, actor=user, before="")
        if kind == RequestKind.WITHDRAWAL:
            removed: dict[str, Any] = _withdraw(user, at=received_at, city=city)
            _finish(request, actor=None, status=RequestStatus.DONE, at=received_at, **removed)
            # Art. 10 of Law 99-З: processing stops, what rested on the consent alone
            # is deleted, and the resident is told (within 15 days; here at once).
            _tell(request, _("Your consent is withdrawn"))
    return request


def _withdraw(user: User, *, at: datetime, city: City | None = None) -> dict[str, int]:
    """Stop what rests on consent alone, with one city's operator (`city`) or with all.
    Appeals go on: the Law on appeals is their ground. A browser's push subscription
    belongs to no city: any withdrawal ends it."""
    consents = ConsentRecord.objects.filter(user=user, withdrawn_at__isnull=True)
    subscriptions = Subscription.objects.filter(user=user)
    if city is not None:
        consents, subscriptions = consents.filter(city=city), subscriptions.filter(city=city)
    withdrawn = consents.update(withdrawn_at=at)
    removed, _kinds = subscriptions.delete()
    pushes, _kinds = PushSubscription.objects.filter(user=user).delete()
    # The home address served subscriptions and suggestions only, which rested on
    # consent; appeals keep their own copy under the Law on appeals.
    home = User.objects.filter(pk=user.pk)
    if city is not None:
        home = home.filter(home_city=city)
    forgotten = home.exclude(home_building=None).update(home_building=None)
    return {
        "consents": withdrawn,
        "subscriptions": removed,
        "push": pushes,
        "home_address": forgotten,
    }


def _forget_receptions(user: User, *, at: datetime) -> dict[str, int]:
    """Bookings of an erased account: future ones cancelled; those that led to no
    appeal lose the person's details; those that did stay beside their appeal."""
    mine = Appointment.objects.filter(resident=user)
    cancelled = mine.filter(starts_at__gt=at, cancelled_at__isnull=True).update(cancelled_at=at)
    blanked = mine.filter(appeal__isnull=True).update(
        applicant_name="", applicant_address="", applicant_phone="", subject="", record=""
    )
    mine.update(resident=None)
    return {"appointments_cancelled": cancelled, "appointments_blanked": blanked}


def record_copy_given(*, user: User, city: City, now: datetime | None = None) -> DataRequest:
    """The resident downloaded their data: a copy request filed and answered at once."""
    at = now or timezone.now()
    with transaction.atomic():
        request = file_request(user=user, city=city, kind=RequestKind.COPY, now=at)
        _finish(
            request,
            actor=None,
            status=RequestStatus.DONE,
            at=at,
            note=gettext("Downloaded by the resident."),
        )
    return request


def _finish(
    request: DataRequest,
    *,
    actor: User | None,
    status: str,
    at: datetime,
    note: str = "",
    reason: str = "",
    **data: Any,
) -> DataRequest:
    before = request.status
    request.status = status
    request.done_at = at
    request.handled_by = actor
    request.reason = reason
    request.save(update_fields=["status", "done_at", "handled_by", "reason"])
    _event(request, actor=actor, before=before, note=note or reason, **data)
    return request


def _locked_open(request: DataRequest) -> DataRequest:
    locked = (
        DataRequest.objects.select_for_update().select_related("user", "city").get(pk=request.pk)
    )
    if locked.status != RequestStatus.RECEIVED:
        raise RequestFinished()
    return locked


def _tell(request: DataRequest, subject: Promise) -> None:
    """Tell the resident how their request ended (on commit, through the outbox)."""
    user = request.user
    with in_language_of(user):
        notify(
            recipient=user,
            topic=TOPIC,
            subject=str(subject),
            body=gettext("Request: %(kind)s, received on %(date)s.")
            % {"kind": request.get_kind_display(), "date": request.received_on.isoformat()}
            + (f"\n{request.reason}" if request.reason else ""),
            url=reverse("web:privacy:my_data"),
            dedupe_key=f"privacy-request-{request.pk}",
        )


def complete_request(*, actor: User, request: DataRequest, note: str = "") -> DataRequest:
    """The officer did what was asked (an information letter sent, a correction made by
    hand)."""
    require(actor, Action.HANDLE_PERSONAL_DATA, request.city)
    if request.kind == RequestKind.DELETION:
        raise InvalidRequest(_("A deletion is done by applying it."), field="action")
    with transaction.atomic():
        locked = _locked_open(request)
        _finish(locked, actor=actor, status=RequestStatus.DONE, at=timezone.now(), note=note)
        _tell(locked, _("Your personal data request is done"))
    return locked


def refuse_request(*, actor: User, request: DataRequest, reason: str) -> DataRequest:
    require(actor, Action.HANDLE_PERSONAL_DATA, request.city)
    reason = reason.strip()
    if not reason:
        raise InvalidRequest(_("Give the reason of the refusal."), field="reason")
    with transaction.atomic():
        locked = _locked_open(request)
        _finish(locked, actor=actor, status=RequestStatus.REFUSED, at=timezone.now(), reason=reason)
        _tell(locked, _("Your personal data request is refused"))
    return locked


def apply_correction(
    *, actor: User, request: DataRequest, full_name: str, note: str = ""
) -> DataRequest:
    """Correct the resident's name in their account as they asked (art. 11 p. 2)."""
    require(actor, Action.HANDLE_PERSONAL_DATA, request.city)
    if request.kind != RequestKind.CORRECTION:
        raise InvalidRequest(_("This is not a request for correction."), field="action")
    full_name = full_name.strip()
    if not full_name:
        raise InvalidRequest(_("Give the correct full name."), field="full_name")
    with transaction.atomic():
        locked = _locked_open(request)
        user = locked.user
        old = user.full_name
        user.full_name = full_name
        user.save(update_fields=["full_name"])
        _finish(
            locked,
            actor=actor,
            status=RequestStatus.DONE,
            at=timezone.now(),
            note=note,
            full_name={"old": old, "new": full_name},
        )
        _tell(locked, _("Your personal data request is done"))
    return locked


def _mail_erasure_on_commit(user: User) -> None:
    """The last word to the resident, to the address about to be erased: the outbox
    would read the placeholder at delivery time, so this mail is sent directly."""
    if not user.email or user.email.endswith(ERASED_DOMAIN):
        return
    with in_language_of(user):
        subject = gettext("Your account is deleted")
        body = gettext(
            "As you asked, your account in «My city» is deleted. Your appeals are kept, "
            "detached from the account, for the term the Law on appeals requires."
        )
    address = user.email
    transaction.on_commit(lambda: send_mail(subject, body, None, [address]))


@dataclass(frozen=True)
class Erasure:
    request: DataRequest
    appeals_separated: int
    removed: dict[str, int]


def erase_account(*, actor: User, request: DataRequest) -> Erasure:
    """Stop processing a resident's data and delete it (art. 13), as far as the law lets.

    The user row stays (appeals point at it) but no longer says who it was; what
    rested on consent is deleted. Appeals are kept, as the Law on appeals requires,
    detached from the account: their applicant fields stay until the retention
    period of closed appeals ends (`retention.anonymise_closed_appeals`)."""
    require(actor, Action.HANDLE_PERSONAL_DATA, request.city)
    if request.kind != RequestKind.DELETION:
        raise InvalidRequest(_("This is not a request for deletion."), field="action")
    now = timezone.now()
    with transaction.atomic():
        locked = _locked_open(request)
        user = User.objects.select_for_update().get(pk=locked.user_id)
        _mail_erasure_on_commit(user)
        removed = _withdraw(user, at=now) | _forget_receptions(user, at=now)
        # What a correction wrote down of the old and new names goes too.
        removed["request_events_blanked"] = (
            RequestEvent.objects.filter(request__user=user).exclude(data={}).update(data={})
        )
        DataRequest.objects.filter(user=user).exclude(corrected_name="").update(corrected_name="")
        removed |= {
            "notifications": Notification.objects.filter(recipient=user).delete()[0],
            "consent_records": ConsentRecord.objects.filter(user=user).delete()[0],
            "email_addresses": EmailAddress.objects.filter(user=user).delete()[0],
            "social_accounts": SocialAccount.objects.filter(user=user).delete()[0],
            "authenticators": Authenticator.objects.filter(user=user).delete()[0],
            "resident_roles": Role.objects.filter(user=user, kind=RoleKind.RESIDENT).delete()[0],
        }
        appeals = list(Appeal.objects.select_for_update().filter(applicant=user))
        for appeal in appeals:
            detach_applicant(
                appeal=appeal,
                actor=actor,
                kind=APPEAL_SEPARATED,
                note=gettext("Detached from the applicant's deleted account."),
                data={"request": locked.pk},
            )
        user.email = f"erased-{user.pk}@{ERASED_DOMAIN}"
        user.full_name = ""
        user.home_city = None
        user.home_building = None
        user.quiet_from = user.quiet_until = None
        user.is_active = False
        user.set_unusable_password()
        user.save(
            update_fields=[
                "email",
                "full_name",
                "home_city",
                "home_building",
                "quiet_from",
                "quiet_until",
                "is_active",
                "password",
            ]
        )
        _finish(
            locked,
            actor=actor,
            status=RequestStatus.DONE,
            at=now,
            appeals_separated=len(appeals),
            removed=removed,
        )
    return Erasure(request=locked, appeals_separated=len(appeals), removed=removed)


# --- Incidents ------------------------------------------------------------------

INCIDENT_FIELDS = (
    "description",
    "found_at",
    "affected",
    "affected_count",
    "data_categories",
    "measures",
    "authority_notified_at",
    "subjects_notified_at",
)


def _check_incident(values: dict[str, Any], now: datetime) -> None:
    problems = []
    found_at = values["found_at"]
    if found_at > now:
        problems.append(
            {"field": "found_at", "message": gettext("It cannot be found later than now.")}
        )
    for name in ("authority_notified_at", "subjects_notified_at"):
        moment = values.get(name)
        if moment is None:
            continue
        if moment < found_at:
            problems.append(
                {"field": name, "message": gettext("A notification cannot precede the finding.")}
            )
        elif moment > now:
            problems.append({"field": name, "message": gettext("This moment is in the future.")})
    for name in ("description", "affected", "data_categories"):
        if not str(values.get(name) or "").strip():
            problems.append({"field": name, "message": gettext("This field is required.")})
    if problems:
        raise InvalidIncident(details=problems)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def register_incident(*, actor: User, city: City, **values: Any) -> Incident:
    require(actor, Action.HANDLE_PERSONAL_DATA, city)
    values = {name: values.get(name) for name in INCIDENT_FIELDS}
    values["affected_count"] = values["affected_count"] or 0
    values["measures"] = values["measures"] or ""
    _check_incident(values, timezone.now())
    with transaction.atomic():
        incident = Incident.objects.create(city=city, created_by=actor, **values)
        IncidentChange.objects.create(
            incident=incident,
            actor=actor,
            changes={name: [None, _plain(value)] for name, value in values.items()},
        )
    return incident


def update_incident(*, actor: User, incident: Incident, **values: Any) -> Incident:
    require(actor, Action.HANDLE_PERSONAL_DATA, incident.city)
    with transaction.atomic():
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        merged = {name: values.get(name, getattr(locked, name)) for name in INCIDENT_FIELDS}
        merged["affected_count"] = merged["affected_count"] or 0
        merged["measures"] = merged["measures"] or ""
        _check_incident(merged, timezone.now())
        changes = {
            name: [_plain(getattr(locked, name)), _plain(value)]
            for name, value in merged.items()
            if getattr(locked, name) != value
        }
        if not changes:
            return locked
        for name, value in merged.items():
            setattr(locked, name, value)
        locked.save(update_fields=[*changes, "updated_at"])
        IncidentChange.objects.create(incident=locked, actor=actor, changes=changes)
    return locked
