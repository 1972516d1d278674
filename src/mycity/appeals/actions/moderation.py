"""Moderation of a report's public content, and questions to the applicant."""

from collections.abc import Sequence
from functools import partial

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from mycity.accounts.models import User
from mycity.appeals import search, selectors
from mycity.appeals.access import is_handling_staff
from mycity.appeals.appeal_files import attach_files, clean_files, forget_files, write_files
from mycity.appeals.errors import (
    AppealNotFound,
    InvalidAppeal,
    MoveNotAllowed,
    NoteRequired,
    StaleAppeal,
)
from mycity.appeals.limits import MAX_ATTACHMENTS, MAX_DESCRIPTION, MAX_PHOTOS
from mycity.appeals.models import (
    CLOSED_STATUSES,
    Appeal,
    AppealEvent,
    AppealFile,
    AppealKind,
    EventKind,
    FileRole,
)
from mycity.appeals.transitions import (
    lock_appeal,
    record_event,
    require_applicant,
    tell_applicant,
    touch_appeal,
)
from mycity.appeals.uploads import blur_image
from mycity.appeals.workflow import (
    Actor,
    asks_applicant,
    capacities,
    edits_public_content,
)
from mycity.notify.channels import IN_APP
from mycity.notify.services import in_language_of, notify

MAX_REASON = 2000


MAX_QUESTION = 2000


def _require_content_moderator(actor: User, appeal: Appeal) -> None:
    """A dispatcher of the appeal's city, or a moderator while it waits in moderation."""
    acting_as = capacities(actor, appeal)
    if not acting_as & {Actor.DISPATCHER, Actor.MODERATOR}:
        raise PermissionDenied("moderate")
    if not edits_public_content(acting_as, appeal):
        raise MoveNotAllowed(field="move")


def _required_text(value: str, *, limit: int, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise NoteRequired(field=field)
    if len(value) > limit:
        raise InvalidAppeal(_("No more than %(max)s characters.") % {"max": limit}, field=field)
    return value


@transaction.atomic
def redact_description(
    *,
    actor: User,
    appeal: Appeal,
    text: str,
    reason: str,
    expected_version: int | None = None,
) -> Appeal:
    """Replace the public text of a problem report to hide personal data in it.

    A moderator while the report waits in moderation, or a dispatcher. The original
    and the new text go into the audit trail (the EDITED event's data), which neither
    the applicant nor the public reads; the reason is required."""
    _require_content_moderator(actor, appeal)
    if appeal.kind != AppealKind.PROBLEM:
        raise MoveNotAllowed(_("Only the text of a problem report can be edited."), field="text")
    reason = _required_text(reason, limit=MAX_REASON, field="note")
    text = (text or "").strip()
    if not text:
        raise InvalidAppeal(_("Describe the problem."), field="text")
    if len(text) > MAX_DESCRIPTION:
        raise InvalidAppeal(
            _("No more than %(max)s characters.") % {"max": MAX_DESCRIPTION}, field="text"
        )
    before = appeal.description
    if text == before:
        raise InvalidAppeal(_("The text is unchanged."), field="text")
    # The version check also proves `before` is the text as it is now.
    now = touch_appeal(appeal, expected_version=expected_version, description=text)
    record_event(
        appeal,
        EventKind.EDITED,
        actor=actor,
        at=now,
        note=reason,
        data={"before": before, "after": text},
        visible=False,
    )
    search.index_appeal(appeal)
    return appeal


def _photo_of(appeal: Appeal, file_id: int, *, lock: bool = False) -> AppealFile:
    photos = AppealFile.objects.filter(
        appeal_id=appeal.pk, pk=file_id, role__in=[FileRole.PHOTO, FileRole.AFTER]
    )
    if lock:
        photos = photos.select_for_update()
    photo = photos.first()
    if photo is None:
        raise AppealNotFound(_("There is no such photo."), field="file")
    return photo


@transaction.atomic
def hide_photo(*, actor: User, appeal: Appeal, file_id: int, reason: str) -> AppealFile:
    """Take a photo of a report off the public map and feeds (the staff and the
    applicant still see it): a moderator while it waits in moderation, or a dispatcher."""
    lock_appeal(appeal)
    _require_content_moderator(actor, appeal)
    reason = _required_text(reason, limit=MAX_REASON, field="note")
    photo = _photo_of(appeal, file_id, lock=True)
    if not photo.is_public:
        raise MoveNotAllowed(_("The photo is not shown to the public."), field="file")
    AppealFile.objects.filter(pk=photo.pk).update(is_public=False)
    photo.is_public = False
    record_event(
        appeal,
        EventKind.PHOTO_HIDDEN,
        actor=actor,
        at=timezone.now(),
        note=reason,
        data={"file": photo.pk, "before": {"is_public": True}, "after": {"is_public": False}},
        visible=True,
    )
    return photo


def blur_photo(*, actor: User, appeal: Appeal, file_id: int, reason: str) -> AppealFile:
    """Blur a photo all over (faces, number plates): the blurred picture becomes the one
    everybody is served, and the resident's original is kept for the handling staff only.
    A moderator while the report waits in moderation, or a dispatcher."""
    _require_content_moderator(actor, appeal)
    reason = _required_text(reason, limit=MAX_REASON, field="note")
    photo = _photo_of(appeal, file_id)
    seen = str(photo.file.name)
    # Decoding, blurring and writing are slow: before the write transaction.
    with photo.file.open("rb") as stored:
        blurred = blur_image(stored.read())
    written: list[str] = []
    try:
        (scratch,) = write_files([blurred], photo.role, written, public=photo.is_public)
        with transaction.atomic():
            lock_appeal(appeal)
            _require_content_moderator(actor, appeal)
            photo = _photo_of(appeal, file_id, lock=True)
            if photo.file.name != seen:
                raise StaleAppeal()
            # The first original stays the original when a photo is blurred again.
            original = str(photo.original.name or photo.file.name)
            replaced = [str(photo.thumbnail.name)]
            if photo.original:
                replaced.append(str(photo.file.name))
            before = {"file": str(photo.file.name), "original": str(photo.original.name)}
            photo.file, photo.thumbnail, photo.original = (
                scratch.file.name,
                scratch.thumbnail.name,
                original,
            )
            photo.content_type, photo.size = scratch.content_type, scratch.size
            photo.width, photo.height = scratch.width, scratch.height
            photo.save(
                update_fields=[
                    "file",
                    "thumbnail",
                    "original",
                    "content_type",
                    "size",
                    "width",
                    "height",
                ]
            )
            record_event(
                appeal,
                EventKind.PHOTO_BLURRED,
                actor=actor,
                at=timezone.now(),
                note=reason,
                data={
                    "file": photo.pk,
                    "before": before,
                    "after": {"file": str(photo.file.name), "original": original},
                },
                visible=True,
            )
            # The unblurred thumbnail (and a previous blur) go once this has committed.
            transaction.on_commit(partial(forget_files, [n for n in replaced if n]))
    except BaseException:
        forget_files(written)
        raise
    return photo


@transaction.atomic
def request_information(
    *, actor: User, appeal: Appeal, question: str, expected_version: int | None = None
) -> Appeal:
    """A dispatcher or the assigned executor asks the applicant for more; the applicant
    is told the question and answers with `add_information`."""
    acting_as = capacities(actor, appeal)
    if not acting_as & {Actor.DISPATCHER, Actor.EXECUTOR}:
        raise PermissionDenied("request_information")
    if appeal.applicant_id is None:
        raise MoveNotAllowed(
            _("The applicant has no account in which to answer; contact them directly."),
            field="question",
        )
    if not asks_applicant(acting_as, appeal):
        raise MoveNotAllowed(field="move")
    question = _required_text(question, limit=MAX_QUESTION, field="question")
    now = touch_appeal(appeal, expected_version=expected_version)
    record_event(appeal, EventKind.INFO_REQUESTED, actor=actor, at=now, note=question, visible=True)
    tell_applicant(
        appeal,
        gettext_noop("More information is needed for your appeal %(number)s: %(note)s"),
        note=question,
    )
    return appeal


def _open_questions(appeal: Appeal) -> list[AppealEvent]:
    """The unanswered requests for information, as the database has them now."""
    return selectors.open_questions(
        AppealEvent.objects.filter(
            appeal_id=appeal.pk, kind__in=(EventKind.INFO_REQUESTED, EventKind.INFO_ADDED)
        ).select_related("actor")
    )


def add_information(
    *, actor: User, appeal: Appeal, text: str, files: Sequence[UploadedFile] = ()
) -> Appeal:
    """The applicant answers the open requests for information, with text and files
    (checked and cleaned as at submission, never public); those who asked are told."""
    require_applicant(actor, appeal)
    text = (text or "").strip()
    if not text and not files:
        raise InvalidAppeal(_("Write the information or attach a file."), field="text")
    if len(text) > MAX_DESCRIPTION:
        raise InvalidAppeal(
            _("No more than %(max)s characters.") % {"max": MAX_DESCRIPTION}, field="text"
        )
    is_report = appeal.kind == AppealKind.PROBLEM
    limit = MAX_PHOTOS if is_report else MAX_ATTACHMENTS
    if len(files) > limit:
        raise InvalidAppeal(_("No more than %(max)s files.") % {"max": limit}, field="files")
    if not _open_questions(appeal):
        raise MoveNotAllowed(_("No information has been asked for."), field="text")
    # Decoding files is slow: before the write lock, as for submissions.
    cleaned = clean_files(appeal.kind, files)
    role = FileRole.PHOTO if is_report else FileRole.ATTACHMENT
    written: list[str] = []
    try:
        # Not checked by a moderator: never public.
        rows = write_files(cleaned, role, written, public=False)
        with transaction.atomic():
            lock_appeal(appeal)
            questions = _open_questions(appeal)
            if not questions or appeal.status in CLOSED_STATUSES:
                raise MoveNotAllowed(_("No information has been asked for."), field="text")
            after = AppealFile.objects.filter(appeal_id=appeal.pk, role=role).count()
            for row in rows:
                row.position += after
            now = touch_appeal(appeal, expected_version=None)
            attach_files(appeal, rows)
            event = record_event(
                appeal,
                EventKind.INFO_ADDED,
                actor=actor,
                at=now,
                note=text,
                data={"files": [row.pk for row in rows], "questions": [q.pk for q in questions]},
                visible=True,
            )
            _tell_askers(appeal, questions, event)
    except BaseException:
        forget_files(written)
        raise
    return appeal


def _tell_askers(appeal: Appeal, questions: list[AppealEvent], reply: AppealEvent) -> None:
    """An in-app notification to each member of staff who asked and still handles it."""
    askers = {q.actor_id: q.actor for q in questions if q.actor is not None}
    url = reverse("console:card", kwargs={"slug": appeal.city.slug, "appeal_id": appeal.pk})
    for asker in askers.values():
        if asker is None or not is_handling_staff(asker, appeal):
            continue
        with in_language_of(asker):
            subject = _("Appeal %(number)s: the applicant has added information") % {
                "number": appeal.number
            }
            body = _("The applicant has answered your question about appeal %(number)s.") % {
                "number": appeal.number
            }
        notify(
            recipient=asker,
            topic="appeal.information_added",
            subject=subject,
            body=body,
            url=url,
            data={"appeal": appeal.pk, "event": reply.pk},
            dedupe_key=f"appeal:{appeal.pk}:info:{reply.pk}",
            channels=(IN_APP,),
        )
