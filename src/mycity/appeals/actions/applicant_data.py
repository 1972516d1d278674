"""The applicant's data on an appeal, when the law on personal data (99-З) ends it: the
appeal is detached from a deleted account, or loses its applicant at the end of the
retention period. The appeal itself stays, for the register and the figures.

These are the appeal's own verbs, so the privacy app asks for them instead of writing
appeal rows: each bumps the version (a card opened before goes stale) and writes its
event in the same transaction.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from mycity.appeals.applicant import PERSONAL_FIELDS
from mycity.appeals.models import (
    Appeal,
    AppealEvent,
    AppealFile,
    ApplicantNotice,
    CorrespondenceStop,
    EventKind,
    FileRole,
)
from mycity.appeals.transitions import lock_appeal, record_event, touch_appeal


@transaction.atomic
def detach_applicant(
    *, appeal: Appeal, actor: Any, kind: str, note: str, data: dict[str, Any]
) -> Appeal:
    """The applicant's account is erased: the appeal stays in the register, without it."""
    lock_appeal(appeal)
    touch_appeal(appeal, expected_version=None, applicant=None)
    record_event(appeal, kind, actor=actor, note=note, data=data, visible=False)
    return appeal


@dataclass
class Anonymised:
    files: list[str] = field(default_factory=list)
    attachments_deleted: int = 0
    notes_blanked: int = 0
    correspondence_stops_deleted: int = 0
    account_detached: bool = False


def anonymise_applicant(*, appeal: Appeal, kind: str, data: dict[str, Any]) -> Anonymised:
    """Blank everything on the appeal that names its applicant: the personal fields, the
    extra fields, the attachments and answer letters (which name them), the originals
    of blurred photos (which show what the blur hid), the notices' texts, what they
    added when asked, and a decision to stop correspondence with them. Call inside a
    transaction that holds the appeal's lock; delete `files` once it has committed."""
    done = Anonymised(account_detached=appeal.applicant_id is not None)
    attachments = list(
        AppealFile.objects.filter(appeal=appeal, role__in=[FileRole.ATTACHMENT, FileRole.ANSWER])
    )
    for row in attachments:
        done.files.extend(str(f.name) for f in (row.file, row.thumbnail, row.original) if f)
    done.attachments_deleted = len(attachments)
    AppealFile.objects.filter(pk__in=[row.pk for row in attachments]).delete()
    for photo in AppealFile.objects.filter(appeal=appeal, role=FileRole.PHOTO).exclude(original=""):
        done.files.append(str(photo.original.name))
        AppealFile.objects.filter(pk=photo.pk).update(original="")
    ApplicantNotice.objects.filter(appeal=appeal).update(text="")
    done.notes_blanked = AppealEvent.objects.filter(
        appeal=appeal, kind=EventKind.INFO_ADDED
    ).update(note="")
    # A decision to stop correspondence names the person; it ends with the appeal's
    # retention.
    done.correspondence_stops_deleted, _kinds = CorrespondenceStop.objects.filter(
        appeal=appeal
    ).delete()
    touch_appeal(
        appeal,
        expected_version=None,
        applicant=None,
        extra={},
        **dict.fromkeys(PERSONAL_FIELDS, ""),
    )
    record_event(
        appeal,
        kind,
        actor=None,
        data={
            **data,
            "attachments_deleted": done.attachments_deleted,
            "notes_blanked": done.notes_blanked,
            "account_detached": done.account_detached,
            "correspondence_stops_deleted": done.correspondence_stops_deleted,
        },
        visible=False,
    )
    return done
