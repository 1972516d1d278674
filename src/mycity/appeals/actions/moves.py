"""The lifecycle's moves by staff and applicants: accept, route, take into work, answer,
close, reject a problem report, redirect, merge, rate, disagree, extend the term."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import task

from mycity.accounts.models import User
from mycity.appeals import alerts, deadlines, open311_out, routing, staff_notices
from mycity.appeals.appeal_files import attach_files, forget_files, write_files
from mycity.appeals.applicant_notices import give_notice
from mycity.appeals.errors import (
    DisagreementWindowClosed,
    InvalidAppeal,
    MoveNotAllowed,
    NoteRequired,
    StaleAppeal,
)
from mycity.appeals.limits import MAX_ATTACHMENTS, MAX_E_APPEAL_TEXT
from mycity.appeals.markup import clean_answer
from mycity.appeals.models import (
    CLOSED_STATUSES,
    Answer,
    Appeal,
    AppealKind,
    AppealPolicy,
    EventKind,
    FileRole,
    MeToo,
    NoticeKind,
    Result,
    Status,
)
from mycity.appeals.transitions import (
    ANSWER_RESULTS,
    announce_move,
    move_deadline,
    record_event,
    require_applicant,
    tell_applicant,
    transition,
)
from mycity.appeals.uploads import clean_attachment, clean_photo
from mycity.appeals.workflow import (
    Actor,
    Move,
    capacities,
)
from mycity.cities.calendar import calendar_for
from mycity.cities.models import City, Organisation

_ROUTE = object()  # accept_and_route works the organisation out itself


def accept_and_route(
    appeal: Appeal, *, actor: Any, move: Move = Move.ACCEPT, organisation: Any = _ROUTE
) -> None:
    public = appeal.kind == AppealKind.PROBLEM and appeal.category.is_public
    transition(appeal, move, actor=actor, changes={"is_public": public})
    if public:
        alerts.on_new_report(appeal)
    if organisation is _ROUTE:
        if appeal.kind == AppealKind.E_APPEAL:
            addressee = appeal.addressee
            organisation = addressee if addressee is not None and addressee.is_active else None
        else:
            organisation = routing.route(
                appeal.category, lat=appeal.lat, lon=appeal.lon, building_id=appeal.building_id
            )
    if organisation is not None:
        transition(
            appeal,
            Move.ASSIGN,
            actor=None,
            changes={"organisation": organisation},
            data={"organisation": organisation.slug, "routed": True},
        )
        staff_notices.notify_assignment(appeal)
        open311_out.forward_assigned(appeal)


@transaction.atomic
def accept_appeal(
    *, actor: User, appeal: Appeal, note: str = "", expected_version: int | None = None
) -> Appeal:
    """Accept a submitted appeal (or pass it through moderation) and route it."""
    move = Move.APPROVE if appeal.status == Status.MODERATION else Move.ACCEPT
    if expected_version is not None and expected_version != appeal.version:
        raise StaleAppeal()
    accept_and_route(appeal, actor=actor, move=move)
    return appeal


@transaction.atomic
def assign_appeal(
    *,
    actor: User,
    appeal: Appeal,
    organisation: Organisation,
    note: str = "",
    expected_version: int | None = None,
) -> Appeal:
    if organisation.city_id != appeal.city_id or not organisation.is_active:
        raise InvalidAppeal(_("There is no such organisation in this city."), field="organisation")
    transition(
        appeal,
        Move.ASSIGN,
        actor=actor,
        note=note,
        expected_version=expected_version,
        changes={"organisation": organisation},
        data={"organisation": organisation.slug},
    )
    staff_notices.notify_assignment(appeal, actor=actor)
    open311_out.forward_assigned(appeal)
    return appeal


def _make_move(
    move: Move, *, actor: User, appeal: Appeal, note: str, expected_version: int | None
) -> Appeal:
    transition(appeal, move, actor=actor, note=note, expected_version=expected_version)
    announce_move(appeal, move, note=note)
    return appeal


@transaction.atomic
def start_work(
    *, actor: User, appeal: Appeal, note: str = "", expected_version: int | None = None
) -> Appeal:
    """The executor takes the appeal into work."""
    return _make_move(
        Move.START, actor=actor, appeal=appeal, note=note, expected_version=expected_version
    )


@transaction.atomic
def return_appeal(
    *, actor: User, appeal: Appeal, note: str = "", expected_version: int | None = None
) -> Appeal:
    """The executor hands the appeal back to the dispatcher (not theirs), with a reason;
    it leaves the organisation's queue and sight."""
    transition(
        appeal,
        Move.RETURN,
        actor=actor,
        note=note,
        expected_version=expected_version,
        changes={"organisation": None},
    )
    return appeal


@transaction.atomic
def reject_appeal(
    *, actor: User, appeal: Appeal, note: str = "", expected_version: int | None = None
) -> Appeal:
    """Turn the appeal away, with the reason the applicant is told."""
    return _make_move(
        Move.REJECT, actor=actor, appeal=appeal, note=note, expected_version=expected_version
    )


@transaction.atomic
def close_appeal(
    *, actor: User, appeal: Appeal, note: str = "", expected_version: int | None = None
) -> Appeal:
    """Close an answered appeal."""
    return _make_move(
        Move.CLOSE, actor=actor, appeal=appeal, note=note, expected_version=expected_version
    )


_REDIRECTED = gettext_noop("Your appeal %(number)s has been sent to the competent body: %(note)s")


@transaction.atomic
def redirect_appeal(
    *,
    actor: User,
    appeal: Appeal,
    to: str,
    note: str = "",
    expected_version: int | None = None,
    tell_applicant: bool = True,
) -> Appeal:
    """Send the appeal to the competent body (300-З, art. 10: within 5 working days of
    registration), and tell the applicant within the same term by the channel they
    have: in the app, by e-mail, or a letter to post. An anonymous report of a crime
    goes without a notice (art. 23)."""
    to = (to or "").strip()
    if not to:
        raise NoteRequired(_("Name the body the appeal is sent to."), field="redirected_to")
    text = f"{to}. {note}".strip() if note.strip() else to
    transition(
        appeal,
        Move.REDIRECT,
        actor=actor,
        note=text,
        expected_version=expected_version,
        changes={"redirected_to": to[:300]},
    )
    if tell_applicant:
        give_notice(
            appeal,
            NoticeKind.REDIRECTED,
            _REDIRECTED,
            due_on=deadlines.notice_due(calendar_for(appeal.city), appeal),
            actor=actor,
            note=text,
        )
    return appeal


@transaction.atomic
def merge_appeal(
    *,
    actor: User,
    appeal: Appeal,
    into: Appeal,
    note: str = "",
    expected_version: int | None = None,
) -> Appeal:
    """Mark `appeal` a duplicate of `into`; its applicant follows the original."""
    if into.pk == appeal.pk or into.city_id != appeal.city_id:
        raise InvalidAppeal(_("Choose another appeal of this city."), field="duplicate_of")
    # Lock the original too, in a fixed order, so crossed merges cannot make a cycle.
    locked = Appeal.objects.select_for_update().filter(pk__in=[appeal.pk, into.pk]).order_by("pk")
    into_now = {row.pk: row for row in locked}[into.pk]
    if (
        into_now.kind != AppealKind.PROBLEM
        or appeal.kind != AppealKind.PROBLEM
        or into_now.status in CLOSED_STATUSES
        or into_now.duplicate_of_id is not None
    ):
        raise InvalidAppeal(_("Choose an open problem report of this city."), field="duplicate_of")
    transition(
        appeal,
        Move.MERGE,
        actor=actor,
        note=note,
        expected_version=expected_version,
        changes={"duplicate_of": into},
        data={"duplicate_of": into.pk, "number": into.number},
    )
    if appeal.applicant_id and appeal.applicant_id != into.applicant_id:
        _row, created = MeToo.objects.get_or_create(appeal=into, user_id=appeal.applicant_id)
        if created:
            Appeal.objects.filter(pk=into.pk).update(me_too_count=F("me_too_count") + 1)
    record_event(
        into,
        EventKind.MERGED,
        actor=actor,
        at=timezone.now(),
        data={"duplicate": appeal.pk, "number": appeal.number},
        visible=False,
    )
    announce_move(appeal, Move.MERGE, note=note, original=into.number)
    return appeal


def answer_appeal(
    *,
    actor: User,
    appeal: Appeal,
    text: str,
    files: Sequence[UploadedFile] = (),
    after_photos: Sequence[UploadedFile] = (),
    expected_version: int | None = None,
    result: str = Result.EXPLAINED,
) -> Answer:
    """The executor's answer, with attachments (letters, documents) and photos of the
    place after the work; the applicant may then rate it or disagree. The text may carry
    safe markup (see markup.py). `result`: whether the request was satisfied, explained
    or refused. The after-photos of a public report are public, as its own photos are;
    the attachments never (a letter names the applicant)."""
    if result not in ANSWER_RESULTS:
        raise InvalidAppeal(_("Choose the result of the answer."), field="result")
    text = clean_answer(text or "")
    if not text:
        raise InvalidAppeal(_("Write the answer."), field="text")
    if len(text) > MAX_E_APPEAL_TEXT:
        raise InvalidAppeal(
            _("No more than %(max)s characters.") % {"max": MAX_E_APPEAL_TEXT}, field="text"
        )
    if len(files) + len(after_photos) > MAX_ATTACHMENTS:
        raise InvalidAppeal(
            _("No more than %(max)s files.") % {"max": MAX_ATTACHMENTS}, field="files"
        )
    if appeal.organisation is None:
        raise MoveNotAllowed(field="move")
    # Decoding files is slow: before the write lock, as for submissions.
    cleaned = [clean_attachment(upload, field=f"files[{i}]") for i, upload in enumerate(files)]
    after = [
        clean_photo(upload, field=f"after_photos[{i}]") for i, upload in enumerate(after_photos)
    ]
    written: list[str] = []
    try:
        # An official answer letter names the applicant: never public.
        rows = write_files(cleaned, FileRole.ANSWER, written, public=False)
        rows += write_files(
            after,
            FileRole.AFTER,
            written,
            public=appeal.kind == AppealKind.PROBLEM and appeal.is_public,
        )
        with transaction.atomic():
            event = transition(
                appeal,
                Move.ANSWER,
                actor=actor,
                expected_version=expected_version,
                changes={"result": result},
            )
            answer = Answer.objects.create(
                appeal=appeal,
                organisation=appeal.organisation,
                author=actor,
                text=text,
                created_at=event.created_at,
            )
            attach_files(appeal, rows)
            announce_move(appeal, Move.ANSWER)
    except BaseException:
        forget_files(written)
        raise
    return answer


def disagreement_window(city: City) -> timedelta:
    policy = AppealPolicy.objects.filter(city=city).first()
    return timedelta(days=policy.disagreement_window_days if policy else 10)


@transaction.atomic
def rate_answer(*, actor: User, appeal: Appeal, rating: int, comment: str = "") -> Appeal:
    """The applicant rates the answer from 1 to 5; rating an answer closes the appeal."""
    require_applicant(actor, appeal)
    if appeal.status not in (Status.ANSWERED, Status.CLOSED) or appeal.answered_at is None:
        raise MoveNotAllowed(_("There is no answer to rate yet."), field="rating")
    if not 1 <= rating <= 5:
        raise InvalidAppeal(_("Rate from 1 to 5."), field="rating")
    Appeal.objects.filter(pk=appeal.pk).update(rating=rating, updated_at=timezone.now())
    appeal.rating = rating
    record_event(
        appeal,
        EventKind.RATED,
        actor=actor,
        at=timezone.now(),
        note=(comment or "").strip()[:2000],
        data={"rating": rating},
        visible=True,
    )
    if appeal.status == Status.ANSWERED:
        transition(appeal, Move.CLOSE, actor=actor)
    return appeal


@transaction.atomic
def disagree_with_answer(*, actor: User, appeal: Appeal, reason: str) -> Appeal:
    """The applicant disagrees within the city's window: the appeal goes back to the
    dispatcher with the reason."""
    require_applicant(actor, appeal)
    if appeal.answered_at is None or appeal.status not in (Status.ANSWERED, Status.CLOSED):
        raise MoveNotAllowed(_("There is no answer to disagree with."), field="reason")
    now = timezone.now()
    if now > appeal.answered_at + disagreement_window(appeal.city):
        raise DisagreementWindowClosed(field="reason")
    # A disagreement is considered anew, with a term of its own.
    term = deadlines.initial_term(calendar_for(appeal.city), appeal.category, now)
    transition(
        appeal,
        Move.REOPEN,
        actor=actor,
        note=reason,
        changes={"term_start": term.registered_on, "deadline": term.deadline, "extended": False},
    )
    announce_move(appeal, Move.REOPEN)
    staff_notices.notify_reopened(appeal)
    return appeal


@transaction.atomic
def extend_term(
    *,
    actor: User,
    appeal: Appeal,
    reason: str,
    working_days: int | None = None,
    expected_version: int | None = None,
) -> Appeal:
    """Lengthen the term with a reason; the applicant is told the new date.

    E-appeals: to one month from the start of the term, once (art. 17). Problem
    reports: by `working_days`."""
    acting_as = capacities(actor, appeal)
    if not acting_as & {Actor.DISPATCHER, Actor.EXECUTOR}:
        raise PermissionDenied("extend")
    if appeal.status not in (Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS, Status.REOPENED):
        raise MoveNotAllowed(field="move")
    reason = (reason or "").strip()
    if not reason:
        raise NoteRequired(field="note")
    if timezone.now() > appeal.deadline:
        raise MoveNotAllowed(_("The term has passed; it can no longer be extended."), field="move")
    if appeal.kind == AppealKind.E_APPEAL:
        if appeal.extended:
            raise MoveNotAllowed(_("The term has already been extended."), field="move")
    elif not working_days or not 1 <= working_days <= 30:
        raise InvalidAppeal(_("Give from 1 to 30 working days."), field="working_days")
    calendar = calendar_for(appeal.city)
    new_deadline = deadlines.extended_deadline(calendar, appeal, working_days=working_days)
    move_deadline(
        appeal, new_deadline, actor=actor, reason=reason, expected_version=expected_version
    )
    tell_applicant(
        appeal,
        gettext_noop(
            "The term of your appeal %(number)s has been extended to %(deadline)s: %(note)s"
        ),
        note=reason,
    )
    return appeal


@transaction.atomic
def join_report(*, actor: User, appeal: Appeal) -> bool:
    """ "Me too": a resident joins an open public report instead of filing a new one.
    Whether this was the first time."""
    if not appeal.is_public or appeal.status in (
        Status.CLOSED,
        Status.REJECTED,
        Status.REDIRECTED,
        Status.DUPLICATE,
    ):
        raise MoveNotAllowed(_("Only open public reports can be joined."), field="appeal")
    if appeal.applicant_id == actor.pk:
        return False
    _row, created = MeToo.objects.get_or_create(appeal=appeal, user=actor)
    if created:
        Appeal.objects.filter(pk=appeal.pk).update(me_too_count=F("me_too_count") + 1)
        appeal.me_too_count += 1
        record_event(appeal, EventKind.ME_TOO, actor=actor, at=timezone.now(), visible=False)
    return created


@transaction.atomic
def close_answered_appeals(*, now: datetime | None = None, limit: int = 500) -> int:
    """Close answered appeals whose window to disagree has passed; how many."""
    now = now or timezone.now()
    closed = 0
    candidates = (
        Appeal.objects.filter(status=Status.ANSWERED, answered_at__lte=now - timedelta(days=1))
        .select_related("city", "category", "applicant")
        .defer("city__boundary")
        .order_by("answered_at")[:limit]
    )
    windows: dict[int, timedelta] = {}
    for appeal in candidates:
        window = windows.setdefault(appeal.city_id, disagreement_window(appeal.city))
        if appeal.answered_at and appeal.answered_at + window < now:
            try:
                with transaction.atomic():
                    transition(appeal, Move.CLOSE, actor=None)
                    announce_move(appeal, Move.CLOSE)
            except StaleAppeal:
                continue
            closed += 1
    return closed


@task()
def close_answered_appeals_task() -> int:
    """The clock's half-hourly task: close what `close_answered_appeals` finds due."""
    return close_answered_appeals()
