"""Commands of the Law on appeals beyond the answer itself: leaving an appeal without
consideration (art. 15), anonymous appeals (art. 23), repeat appeals and stopped
correspondence (art. 21), withdrawal by the applicant (art. 16), appeals that only
thank, and the notice when the work needs more than a month (art. 17).

Leaving an appeal, stopping correspondence and answering by a publication are
decisions of the head of the organisation or an official the head authorised
(`Action.DECIDE_ON_APPEALS`); a decision the system applies by itself names the decision
it rests on.

Each is one move of the state machine (`appeals.workflow`) or an event in the appeal's
timeline, so the audit trail holds every one; the rules come from `appeals.policy`.
"""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from mycity.accounts.models import User
from mycity.appeals import deadlines, policy
from mycity.appeals.actions.moves import redirect_appeal
from mycity.appeals.applicant_notices import give_notice
from mycity.appeals.collective import publication_url
from mycity.appeals.errors import InvalidAppeal, MoveNotAllowed, NoteRequired
from mycity.appeals.models import (
    CLOSED_STATUSES,
    Appeal,
    AppealKind,
    CollectiveAnswer,
    CorrespondenceStop,
    EventKind,
    NoticeKind,
    Result,
    Status,
)
from mycity.appeals.policy import Ground
from mycity.appeals.repeats import repeat_candidates, stop_for
from mycity.appeals.transitions import announce_move, move_deadline, record_event, transition
from mycity.appeals.workflow import RULES, Actor, Move, capacities
from mycity.cities.calendar import calendar_for
from mycity.notify.text import absolute_url

MAX_NOTE = 2000
# A guard against a mistyped year, not a rule of the law.
MAX_TERM_MONTHS = 12

_LEFT = gettext_noop(
    "Your appeal %(number)s is left without consideration on its merits: %(ground)s. %(note)s"
)
_LEFT_APPLY_TO = gettext_noop(
    "Your appeal %(number)s is left without consideration on its merits: %(ground)s. "
    "You may apply to: %(where)s. %(note)s"
)
_LEFT_PUBLISHED = gettext_noop(
    "Your appeal %(number)s is left without consideration on its merits: the answer to "
    "your question is published as «%(title)s»: %(url)s. %(note)s"
)
_LEFT_AND_STOPPED = gettext_noop(
    "Your appeal %(number)s is left without consideration on its merits: %(ground)s. "
    "Correspondence with you on this question is stopped (art. 21 of the Law on "
    "appeals): later appeals on it will be left without consideration and without a "
    "notice. %(note)s"
)
_STOPPED = gettext_noop(
    "Correspondence with you on the question of your appeal %(number)s is stopped (art. "
    "21 of the Law on appeals): later appeals on it will be left without consideration "
    "and without a notice. %(note)s"
)


def _note(note: str, *, field: str = "note") -> str:
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise InvalidAppeal(_("No more than %(max)s characters.") % {"max": MAX_NOTE}, field=field)
    return note


def _require_decider(actor: User | None, appeal: Appeal, what: str) -> None:
    if actor is not None and Actor.DECIDER not in capacities(actor, appeal):
        raise PermissionDenied(what)


def _check_repeat(appeal: Appeal, earlier: Appeal | None) -> Appeal:
    if earlier is None or earlier.pk not in {a.pk for a in repeat_candidates(appeal)}:
        raise InvalidAppeal(
            _(
                "Choose the applicant's earlier appeal on this question to this "
                "organisation that was answered on its merits."
            ),
            field="repeat_of",
        )
    return earlier


@transaction.atomic
def leave_without_consideration(
    *,
    actor: User | None,
    appeal: Appeal,
    ground: str,
    note: str = "",
    where_to_apply: str = "",
    repeat_of: Appeal | None = None,
    publication: CollectiveAnswer | None = None,
    decision: dict[str, Any] | None = None,
    expected_version: int | None = None,
    stops_correspondence: bool = False,
) -> Appeal:
    """Leave the appeal without consideration on its merits on a ground of art. 15. The
    applicant is told within 5 working days of registration, except where the law sends
    no notice (anonymous appeals, later appeals after correspondence was stopped,
    threats). `actor` None is the system applying `decision`, made before."""
    note = _note(note)
    where_to_apply = _note(where_to_apply, field="where_to_apply")
    if actor is None and not decision:
        raise ValueError("an automatic decision names the decision it rests on")
    _require_decider(actor, appeal, "leave")
    if appeal.status not in RULES[Move.LEAVE].sources:
        raise MoveNotAllowed(field="move")
    if not policy.ground_applies(appeal, ground):
        raise InvalidAppeal(_("This ground does not apply to this kind of appeal."), field="ground")
    if ground == Ground.ANONYMOUS and not policy.is_anonymous(appeal) and not note:
        raise NoteRequired(
            _("The applicant's name and postal address are given: say why they are false."),
            field="note",
        )
    if policy.needs_where_to_apply(ground) and not where_to_apply:
        raise NoteRequired(
            _("Say where the applicant may apply with this question."), field="where_to_apply"
        )
    if ground == Ground.REPEAT:
        repeat_of = _check_repeat(appeal, repeat_of)
    if ground == Ground.CORRESPONDENCE_STOPPED and stop_for(appeal) is None:
        raise InvalidAppeal(
            _("Correspondence with this applicant on this subject has not been stopped."),
            field="ground",
        )
    if ground == Ground.ANSWER_PUBLISHED and (
        publication is None
        or publication.category_id != appeal.category_id
        or publication.organisation_id not in policy.organisations_of(appeal)
    ):
        raise InvalidAppeal(
            _("Choose the organisation's publication that answers this question."),
            field="publication",
        )
    calendar = calendar_for(appeal.city)
    due = deadlines.notice_due(calendar, appeal)
    data: dict[str, Any] = {"ground": ground, "article": policy.GROUNDS[Ground(ground)].article}
    if policy.notice_required(ground):
        data["notice_due"] = due.isoformat()
    if where_to_apply:
        data["where_to_apply"] = where_to_apply
    if repeat_of is not None:
        data["repeat_of"] = repeat_of.number
    if publication is not None:
        data["publication"] = publication.pk
    if decision:
        data["decision"] = decision
    label = str(Ground(ground).label)
    shown = " ".join(part for part in (label + ".", where_to_apply, note) if part)
    transition(
        appeal,
        Move.LEAVE,
        actor=actor,
        note=shown,
        expected_version=expected_version,
        changes={"ground": ground},
        data=data,
    )
    if not policy.notice_required(ground):
        return appeal
    values: dict[str, Any] = {"ground": label, "note": note}
    template = _LEFT
    if stops_correspondence:
        template = _LEFT_AND_STOPPED
    elif where_to_apply:
        template, values["where"] = _LEFT_APPLY_TO, where_to_apply
    elif publication is not None:
        template = _LEFT_PUBLISHED
        values |= {"title": publication.title, "url": absolute_url(publication_url(publication))}
    give_notice(appeal, NoticeKind.NOT_CONSIDERED, template, due_on=due, actor=actor, **values)
    return appeal


@transaction.atomic
def forward_anonymous_report(
    *, actor: User, appeal: Appeal, to: str, note: str = "", expected_version: int | None = None
) -> Appeal:
    """An anonymous appeal that reports a crime being prepared, committed or done goes to
    the competent body (art. 23) within 5 working days; nobody is told."""
    if not policy.is_anonymous(appeal) and not (note or "").strip():
        raise NoteRequired(
            _("The applicant's name and postal address are given: say why they are false."),
            field="note",
        )
    return redirect_appeal(
        actor=actor,
        appeal=appeal,
        to=to,
        note=_note(note) or _("An anonymous report of a crime."),
        expected_version=expected_version,
        tell_applicant=False,
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
    """Record that the appeal repeats the applicant's earlier one, answered on its
    merits by this organisation. With new facts it is worked as usual; without them it
    is left without consideration, which the head (or an authorised official) decides."""
    note = _note(note)
    acting_as = capacities(actor, appeal)
    if not acting_as & {Actor.DISPATCHER, Actor.EXECUTOR, Actor.DECIDER}:
        raise PermissionDenied("mark_repeat")
    if not new_facts:
        _require_decider(actor, appeal, "leave")
    if appeal.status in CLOSED_STATUSES or appeal.status == Status.ANSWERED:
        raise MoveNotAllowed(field="move")
    earlier = _check_repeat(appeal, earlier)
    record_event(
        appeal,
        EventKind.REPEAT_MARKED,
        actor=actor,
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
    *,
    actor: User,
    appeal: Appeal,
    ground: str,
    earlier: Appeal | None = None,
    expected_version: int | None = None,
) -> CorrespondenceStop:
    """The decision of the head of the organisation, or an official the head authorised,
    to stop correspondence with the applicant on this question (art. 21). It follows
    leaving a repeat appeal without consideration: an open appeal is left as a repeat of
    `earlier` now, and the notice about it says that correspondence is stopped; one
    already left as a repeat gets a notice of the stop. Later appeals of this person on
    this question are left without consideration and without a notice."""
    if Actor.DECIDER not in capacities(actor, appeal):
        raise PermissionDenied("stop_correspondence")
    ground = _note(ground)
    if not ground:
        raise NoteRequired(_("Give the ground of the decision."), field="note")
    if appeal.kind != AppealKind.E_APPEAL:
        raise InvalidAppeal(_("This ground does not apply to this kind of appeal."), field="ground")
    left_as_repeat = appeal.status == Status.NOT_CONSIDERED and appeal.ground == Ground.REPEAT
    if not left_as_repeat:
        earlier = _check_repeat(appeal, earlier)
    if stop_for(appeal) is not None:
        raise InvalidAppeal(
            _("Correspondence with this applicant on this subject is already stopped."),
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
    record_event(
        appeal,
        EventKind.CORRESPONDENCE_STOPPED,
        actor=actor,
        at=now,
        note=ground,
        data={"repeat_of": earlier.number if earlier else None, "article": "art. 21"},
        visible=True,
    )
    if left_as_repeat:
        calendar = calendar_for(appeal.city)
        give_notice(
            appeal,
            NoticeKind.CORRESPONDENCE_STOPPED,
            _STOPPED,
            due_on=calendar.add_working_days(
                calendar.local_date(now), deadlines.NOTICE_TERM_WORKING_DAYS
            ),
            actor=actor,
            note=ground,
        )
    else:
        leave_without_consideration(
            actor=actor,
            appeal=appeal,
            ground=Ground.REPEAT,
            note=ground,
            repeat_of=earlier,
            expected_version=expected_version,
            stops_correspondence=True,
        )
    return stops[0]


def apply_correspondence_stop(appeal: Appeal, stop: CorrespondenceStop) -> bool:
    """On registration: an appeal of a person with whom correspondence on its question
    was stopped (`stop`, from `repeats.stop_for`) is left without consideration at once,
    without a notice (art. 21); the event names the decision. Whether it was."""
    if appeal.status in CLOSED_STATUSES:
        return False
    decided_on = calendar_for(appeal.city).local_date(stop.decided_at)
    leave_without_consideration(
        actor=None,
        appeal=appeal,
        ground=Ground.CORRESPONDENCE_STOPPED,
        note=_("Decision of %(date)s on appeal %(number)s.")
        % {"date": decided_on.strftime("%d.%m.%Y"), "number": stop.appeal.number},
        decision={
            "correspondence_stop": stop.pk,
            "appeal": stop.appeal.number,
            "decided_by": stop.decided_by_id,
            "decided_on": decided_on.isoformat(),
        },
    )
    return True


@transaction.atomic
def withdraw_appeal(
    *, actor: User, appeal: Appeal, note: str = "", expected_version: int | None = None
) -> Appeal:
    """The applicant withdraws the appeal before it is answered (art. 16: in the app, or
    by a letter a dispatcher registers): the work stops; the appeal and its events
    stay."""
    note = _note(note)
    if Actor.APPLICANT not in capacities(actor, appeal) and not note:
        raise NoteRequired(_("Give the date and number of the applicant's letter."), field="note")
    # Recorded without a notice to the applicant (art. 16): they withdrew it.
    transition(appeal, Move.WITHDRAW, actor=actor, note=note, expected_version=expected_version)
    return appeal


@transaction.atomic
def record_thanks(
    *, actor: User, appeal: Appeal, note: str = "", expected_version: int | None = None
) -> Appeal:
    """An appeal that only thanks is recorded and closed without an answer; the
    organisation sees it among its thanks."""
    transition(
        appeal,
        Move.THANK,
        actor=actor,
        note=_note(note),
        expected_version=expected_version,
        changes={"result": Result.THANKS},
    )
    # The applicant may disagree (reopen) if it asked for something after all.
    announce_move(appeal, Move.THANK)
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
