"""Commands of the Law on appeals beyond the answer itself: leaving an appeal without
consideration (art. 15), anonymous appeals (art. 23), repeat appeals and stopped
correspondence, withdrawal by the applicant, appeals that only thank, and the notice
when the work needs more than a month (art. 17).

Each is one move of the state machine (`appeals.workflow`) or an event in the appeal's
timeline, so the audit trail holds every one; the rules come from `appeals.policy`.
"""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from mycity.accounts.models import User
from mycity.accounts.permissions import Action, may
from mycity.appeals import deadlines, policy
from mycity.appeals.applicant_notices import give_notice
from mycity.appeals.errors import InvalidAppeal, MoveNotAllowed, NoteRequired
from mycity.appeals.models import (
    CLOSED_STATUSES,
    Appeal,
    AppealKind,
    CorrespondenceStop,
    EventKind,
    NoticeKind,
    Result,
    Status,
)
from mycity.appeals.policy import Ground
from mycity.appeals.repeats import earlier_appeals, stop_for
from mycity.appeals.services import _after_move, _move, _record, move_deadline, redirect_appeal
from mycity.appeals.workflow import Actor, Move, capacities
from mycity.cities.calendar import calendar_for

MAX_NOTE = 2000
# A guard against a mistyped year, not a rule of the law.
MAX_TERM_MONTHS = 12

_LEFT = gettext_noop(
    "Your appeal %(number)s is left without consideration on its merits: %(ground)s. %(note)s"
)


def _note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise InvalidAppeal(_("No more than %(max)s characters.") % {"max": MAX_NOTE}, field="note")
    return note


@transaction.atomic
def leave_without_consideration(
    *,
    actor: User | None,
    appeal: Appeal,
    ground: str,
    note: str = "",
    repeat_of: Appeal | None = None,
    expected_version: int | None = None,
) -> Appeal:
    """Leave the appeal without consideration on its merits on a ground of the law. The
    applicant is told within 5 working days of registration, except where the law
    sends no notice (anonymous and abusive appeals)."""
    note = _note(note)
    if not policy.ground_applies(appeal, ground):
        raise InvalidAppeal(_("This ground does not apply to this kind of appeal."), field="ground")
    if ground == Ground.ANONYMOUS and not policy.is_anonymous(appeal) and not note:
        raise NoteRequired(
            _("The applicant's name and address are given: say why they are false."),
            field="note",
        )
    if ground == Ground.REPEAT and (
        repeat_of is None or repeat_of.pk not in {a.pk for a in earlier_appeals(appeal)}
    ):
        raise InvalidAppeal(
            _("Choose the applicant's earlier appeal on this subject."), field="repeat_of"
        )
    if ground == Ground.CORRESPONDENCE_STOPPED and stop_for(appeal) is None:
        raise InvalidAppeal(
            _("Correspondence with this applicant on this subject has not been stopped."),
            field="ground",
        )
    calendar = calendar_for(appeal.city)
    due = deadlines.notice_due(calendar, appeal)
    data = {"ground": ground, "notice_due": due.isoformat()}
    if repeat_of is not None:
        data["repeat_of"] = repeat_of.number
    label = str(Ground(ground).label)
    _move(
        appeal,
        Move.LEAVE,
        actor=actor,
        note=f"{label}. {note}".strip() if note else label,
        expected_version=expected_version,
        changes={"ground": ground},
        data=data,
    )
    if policy.notice_required(ground):
        give_notice(
            appeal,
            NoticeKind.NOT_CONSIDERED,
            _LEFT,
            due_on=due,
            actor=actor,
            ground=label,
            note=note,
        )
    return appeal


@transaction.atomic
def forward_anonymous_report(
    *, actor: User, appeal: Appeal, to: str, note: str = "", expected_version: int | None = None
) -> Appeal:
    """An anonymous appeal that reports a crime being prepared, committed or done goes to
    the competent body (art. 23) within 5 working days; nobody is told."""
    if not policy.is_anonymous(appeal) and not (note or "").strip():
        raise NoteRequired(
            _("The applicant's name and address are given: say why they are false."),
            field="note",
        )
    return redirect_appeal(
        actor=actor,
        appeal=appeal,
        to=to,
        note=_note(note) or _("An anonymous report of a crime."),
        expected_version=expected_version,
    )


@transaction.atomic
def mark_repeat(
    *,
    actor: User,
    appeal: Appeal,
    earlier: Appeal,
    new_facts: bool,
    note: str = "",
    expected_version: int | None = None,
) -> Appeal:
    """Record that the appeal repeats the applicant's earlier one. Without new facts it
    is left without consideration; with them it is worked as usual."""
    note = _note(note)
    if not capacities(actor, appeal) & {Actor.DISPATCHER, Actor.EXECUTOR}:
        raise PermissionDenied("mark_repeat")
    if appeal.status in CLOSED_STATUSES or appeal.status == Status.ANSWERED:
        raise MoveNotAllowed(field="move")
    if earlier.pk not in {a.pk for a in earlier_appeals(appeal)}:
        raise InvalidAppeal(
            _("Choose the applicant's earlier appeal on this subject."), field="repeat_of"
        )
    _record(
        appeal,
        EventKind.REPEAT_MARKED,
        actor=actor,
        at=timezone.now(),
        note=note,
        data={"repeat_of": earlier.number, "new_facts": new_facts},
        visible=False,
    )
    if new_facts:
        return appeal
    return leave_without_consideration(
        actor=actor,
        appeal=appeal,
        ground=Ground.REPEAT,
        note=note,
        repeat_of=earlier,
        expected_version=expected_version,
    )


@transaction.atomic
def stop_correspondence(
    *, actor: User, appeal: Appeal, ground: str, expected_version: int | None = None
) -> CorrespondenceStop:
    """The decision, by the head of the organisation or a dispatcher, to stop
    correspondence with the applicant on this appeal's subject, when they repeat what
    was answered on the merits before. This appeal is left without consideration, and
    so will be the later ones of this person on this subject."""
    if not may(actor, Action.CONTROL_APPEALS, appeal):
        raise PermissionDenied("stop_correspondence")
    ground = _note(ground)
    if not ground:
        raise NoteRequired(_("Give the ground of the decision."), field="note")
    if appeal.kind != AppealKind.E_APPEAL:
        raise InvalidAppeal(_("This ground does not apply to this kind of appeal."), field="ground")
    answered = [a for a in earlier_appeals(appeal) if a.result in policy.ANSWERED_ON_MERITS]
    if not answered:
        raise InvalidAppeal(
            _("The applicant has no earlier appeal on this subject answered on its merits."),
            field="ground",
        )
    keys = policy.applicant_keys(appeal)
    if not keys:
        raise InvalidAppeal(_("The applicant is not known by name and address."), field="ground")
    now = timezone.now()
    stops = CorrespondenceStop.objects.bulk_create(
        CorrespondenceStop(
            city=appeal.city,
            applicant=appeal.applicant,
            applicant_key=key,
            category=appeal.category,
            appeal=appeal,
            ground=ground,
            decided_by=actor,
            decided_at=now,
        )
        for key in keys
    )
    _record(
        appeal,
        EventKind.CORRESPONDENCE_STOPPED,
        actor=actor,
        at=now,
        note=ground,
        data={"earlier": [a.number for a in answered]},
        visible=True,
    )
    leave_without_consideration(
        actor=actor,
        appeal=appeal,
        ground=Ground.CORRESPONDENCE_STOPPED,
        note=ground,
        expected_version=expected_version,
    )
    return stops[0]


def apply_correspondence_stop(appeal: Appeal) -> bool:
    """On registration: an appeal of a person with whom correspondence on its subject
    was stopped is left without consideration at once. Whether it was."""
    stop = stop_for(appeal)
    if stop is None or appeal.status in CLOSED_STATUSES:
        return False
    leave_without_consideration(
        actor=None,
        appeal=appeal,
        ground=Ground.CORRESPONDENCE_STOPPED,
        note=_("Decision of %(date)s on appeal %(number)s.")
        % {"date": stop.decided_at.date().strftime("%d.%m.%Y"), "number": stop.appeal.number},
    )
    return True


@transaction.atomic
def withdraw_appeal(
    *, actor: User, appeal: Appeal, note: str = "", expected_version: int | None = None
) -> Appeal:
    """The applicant withdraws the appeal before it is answered (in the app, or by a
    letter a dispatcher registers): the work stops; the appeal and its events stay."""
    note = _note(note)
    if Actor.APPLICANT not in capacities(actor, appeal) and not note:
        raise NoteRequired(_("Give the date and number of the applicant's letter."), field="note")
    _move(appeal, Move.WITHDRAW, actor=actor, note=note, expected_version=expected_version)
    _after_move(appeal, Move.WITHDRAW, note=note)
    return appeal


@transaction.atomic
def record_thanks(
    *, actor: User, appeal: Appeal, note: str = "", expected_version: int | None = None
) -> Appeal:
    """An appeal that only thanks is recorded and closed without an answer; the
    organisation sees it among its thanks."""
    _move(
        appeal,
        Move.THANK,
        actor=actor,
        note=_note(note),
        expected_version=expected_version,
        changes={"result": Result.THANKS},
    )
    # The applicant may disagree (reopen) if it asked for something after all.
    _after_move(appeal, Move.THANK)
    return appeal


@transaction.atomic
def prolong_term(
    *,
    actor: User,
    appeal: Appeal,
    until: date,
    reason: str,
    expected_version: int | None = None,
) -> Appeal:
    """When the work on an e-appeal needs more than a month (art. 17): the applicant is
    told within the month, with the reason and the new date."""
    acting_as = capacities(actor, appeal)
    if not acting_as & {Actor.DISPATCHER, Actor.EXECUTOR}:
        raise PermissionDenied("prolong")
    if appeal.kind != AppealKind.E_APPEAL:
        raise MoveNotAllowed(_("Only an e-appeal's term runs by the month."), field="move")
    if appeal.status not in (Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS, Status.REOPENED):
        raise MoveNotAllowed(field="move")
    reason = _note(reason)
    if not reason:
        raise NoteRequired(field="note")
    now = timezone.now()
    if now > appeal.deadline:
        raise MoveNotAllowed(
            _("The term has passed; the applicant had to be told within it."), field="move"
        )
    calendar = calendar_for(appeal.city)
    month_end = calendar.add_months(appeal.term_start, 1)
    if until < appeal.registered_on:
        raise InvalidAppeal(
            _("The new date cannot be before the appeal's registration."), field="until"
        )
    if until <= calendar.local_date(appeal.deadline):
        raise InvalidAppeal(
            _("The new date must be later than the present deadline."), field="until"
        )
    if until > calendar.add_months(appeal.term_start, MAX_TERM_MONTHS):
        raise InvalidAppeal(
            _("No later than %(months)s months from the start of the term.")
            % {"months": MAX_TERM_MONTHS},
            field="until",
        )
    if until <= month_end:
        raise InvalidAppeal(
            _("The new date must be later than one month: until %(date)s, extend the term.")
            % {"date": month_end.strftime("%d.%m.%Y")},
            field="until",
        )
    last_day = calendar.next_working_day(until)
    old_deadline = move_deadline(
        appeal,
        deadlines.end_of_day(calendar, last_day),
        actor=actor,
        reason=reason,
        expected_version=expected_version,
    )
    give_notice(
        appeal,
        NoticeKind.PROLONGED,
        gettext_noop(
            "The work on your appeal %(number)s needs more than a month: %(reason)s. "
            "The answer is due by %(date)s."
        ),
        due_on=calendar.local_date(old_deadline),
        actor=actor,
        reason=reason,
        date=last_day.strftime("%d.%m.%Y"),
    )
    return appeal
