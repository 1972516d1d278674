"""Registering what arrived by post, at a personal reception, on the direct phone line,
in the book of remarks and suggestions, or from the national unified system.

The registration date is the day of arrival, or the next working day when it arrived
on a non-working day (the calendar service); the term runs from it. The registering
organisation gives the appeal its number in its yearly sequence, in the city's format,
in the same transaction. The source's own number (a letter's outgoing number, the
national system's id) makes a second registration of the same thing return the first.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from mycity.accounts.models import User
from mycity.accounts.permissions import Action, require
from mycity.appeals.actions.submission import AppealDraft, StaffIntake, Submission, submit_appeal
from mycity.appeals.errors import InvalidAppeal
from mycity.appeals.models import STAFF_CHANNELS
from mycity.cities.models import City, Organisation

# A clock a few minutes apart is no reason to refuse a letter.
FUTURE_SLACK = timedelta(minutes=5)


def register_received_appeal(
    *,
    actor: User,
    city: City,
    registrar: Organisation,
    channel: str,
    received_at: datetime,
    draft: AppealDraft,
    files: Sequence[UploadedFile] = (),
    source_number: str = "",
    anonymous: bool = False,
    applicant: User | None = None,
) -> Submission:
    """`anonymous`: the letter gives no name or no address to answer to; it is
    registered all the same and then left or forwarded (art. 23). `applicant`: the
    resident's account, when they have one (a reception they booked in the app)."""
    require(actor, Action.REGISTER_APPEALS, city)
    problems = []
    if channel not in STAFF_CHANNELS:
        problems.append({"field": "channel", "message": _("Choose how the appeal arrived.")})
    if received_at > timezone.now() + FUTURE_SLACK:
        problems.append(
            {"field": "received_at", "message": _("The appeal cannot arrive in the future.")}
        )
    if registrar.city_id != city.pk or not registrar.is_active:
        problems.append(
            {"field": "registrar", "message": _("Choose an organisation of this city.")}
        )
    source_number = source_number.strip()
    if len(source_number) > 60:
        problems.append({"field": "source_number", "message": _("At most 60 characters.")})
    if problems:
        raise InvalidAppeal(details=problems)
    return submit_appeal(
        applicant=applicant,
        city=city,
        draft=draft,
        files=files,
        channel=channel,
        idempotency_key=source_number or None,
        key_owner=f"source:{city.pk}:{channel}",
        intake=StaffIntake(
            registrar=registrar,
            clerk=actor,
            received_at=received_at,
            source_number=source_number,
            anonymous=anonymous,
        ),
    )
