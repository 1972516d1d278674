"""Notices the law obliges the organisation to send the applicant, each with its due day.

An applicant with an account is told in the app (and by the channels they chose); one
who gave only an e-mail address gets an e-mail; one who wrote a letter gets a letter,
which waits in the register until a clerk has posted it. Every notice sent is an event
in the appeal's timeline.
"""

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mycity.accounts.models import User
from mycity.accounts.permissions import Action, may
from mycity.appeals import policy
from mycity.appeals.errors import MoveNotAllowed
from mycity.appeals.models import (
    Appeal,
    ApplicantNotice,
    EventKind,
    NoticeDelivery,
    Status,
)
from mycity.appeals.transitions import record_event
from mycity.notify.services import in_language_of, notify


def _delivery(appeal: Appeal) -> str | None:
    """How the applicant is told: in their account, by e-mail, by a letter to their
    postal address; None when the appeal gives no way at all (an Open311 report without
    contacts), or when it is anonymous (art. 23: nobody is told)."""
    if appeal.applicant_id:
        return NoticeDelivery.ACCOUNT
    if appeal.applicant_email.strip():
        return NoticeDelivery.EMAIL
    if appeal.applicant_address.strip() and not policy.is_anonymous(appeal):
        return NoticeDelivery.POST
    return None


def _compose(appeal: Appeal, template: str, values: dict[str, Any]) -> tuple[str, str]:
    body = _(template) % {"number": appeal.registration_number or appeal.number, **values}
    subject = _("Appeal %(number)s: %(status)s") % {
        "number": appeal.registration_number or appeal.number,
        "status": Status(appeal.status).label,
    }
    return subject, body


def give_notice(
    appeal: Appeal,
    kind: str,
    template: str,
    *,
    due_on: date,
    actor: Any = None,
    **values: Any,
) -> ApplicantNotice | None:
    """Write the notice (`template`, a `gettext_noop` text with %(number)s and `values`)
    in the applicant's language and send it, or keep it for the post; None when there
    is nobody to tell (`_delivery`)."""

    delivery = _delivery(appeal)
    if delivery is None:
        return None
    if delivery == NoticeDelivery.ACCOUNT and appeal.applicant is not None:
        with in_language_of(appeal.applicant):
            subject, body = _compose(appeal, template, values)
    else:
        # A letter or an e-mail to someone without an account: the city's language.
        with translation.override(settings.LANGUAGE_CODE):
            subject, body = _compose(appeal, template, values)
    now = timezone.now()
    sent = delivery != NoticeDelivery.POST
    notice = ApplicantNotice.objects.create(
        appeal=appeal,
        kind=kind,
        text=body,
        due_on=due_on,
        delivery=delivery,
        created_at=now,
        sent_at=now if sent else None,
        sent_by=actor if sent and getattr(actor, "pk", None) else None,
    )
    if delivery == NoticeDelivery.ACCOUNT and appeal.applicant is not None:
        notify(
            recipient=appeal.applicant,
            topic="appeal.notice",
            subject=subject,
            body=body,
            url=f"/my/appeals/{appeal.pk}/",
            data={"appeal": appeal.pk, "notice": notice.pk},
            dedupe_key=f"appeal:{appeal.pk}:notice:{notice.pk}",
        )
    elif delivery == NoticeDelivery.EMAIL:
        address = appeal.applicant_email.strip()
        transaction.on_commit(lambda: send_mail(subject, body, None, [address]))
    if sent:
        record_event(
            appeal,
            EventKind.NOTICE_SENT,
            actor=actor,
            note=body,
            data={"notice": notice.kind, "delivery": delivery},
            visible=True,
        )
    return notice


@transaction.atomic
def mark_notice_posted(*, actor: User, notice: ApplicantNotice) -> ApplicantNotice:
    """A clerk has posted the letter: the notice is sent as of now."""

    appeal = notice.appeal
    if not (may(actor, Action.REGISTER_APPEALS, appeal) or may(actor, Action.EXECUTE, appeal)):
        raise PermissionDenied("post_notice")
    updated = ApplicantNotice.objects.filter(pk=notice.pk, sent_at__isnull=True).update(
        sent_at=timezone.now(), sent_by=actor
    )
    if updated != 1:
        raise MoveNotAllowed(_("This notice has already been sent."), field="notice")
    notice.refresh_from_db()
    record_event(
        appeal,
        EventKind.NOTICE_SENT,
        actor=actor,
        note=notice.text,
        data={"notice": notice.kind, "delivery": NoticeDelivery.POST},
        visible=True,
    )
    return notice
