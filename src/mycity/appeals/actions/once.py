"""A staff move made at most once per idempotency key.

An executor's phone keeps what it prepared offline (taking work, an answer with its
after-photo) and sends it when the connection returns; a response lost on the way makes
it send again. Under the same key the second request changes nothing and gets the
appeal back, as a resubmitted report does (`actions.submission`). The move itself is
one of the verbs: this only decides whether to make it.
"""

import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from mycity.accounts.models import User
from mycity.appeals.errors import IdempotencyKeyReused, MoveNotAllowed, StaleAppeal
from mycity.appeals.models import Appeal, MoveKey


def move_fingerprint(
    appeal: Appeal, request: dict[str, Any], files: Sequence[UploadedFile | None] = ()
) -> str:
    """A digest of the move asked for: the appeal, every field and every file's bytes
    (a None between files marks where one list of them ends and the next begins)."""
    digest = hashlib.sha256(
        json.dumps({"appeal": appeal.pk, **request}, sort_keys=True, default=str).encode()
    )
    for upload in files:
        if upload is None:
            digest.update(b"\0next\0")
            continue
        digest.update(b"\0file\0")
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
    return digest.hexdigest()


def _made_before(actor: User, key: str, fingerprint: str) -> bool:
    row = MoveKey.objects.filter(owner=actor, key=key).first()
    if row is None:
        return False
    if row.fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            _("This key was already used for another action; send a new key."), field="key"
        )
    return True


def make_once(
    *,
    actor: User,
    appeal: Appeal,
    key: str | None,
    fingerprint: str,
    make: Callable[[], Any],
) -> bool:
    """Make the move (`make`, a call of a verb) unless this actor made it under `key`
    before; whether it had been made. Without a key, the move is simply made."""
    if not key:
        make()
        return False
    if _made_before(actor, key, fingerprint):
        return True
    try:
        with transaction.atomic():
            make()
            MoveKey.objects.create(owner=actor, key=key, appeal=appeal, fingerprint=fingerprint)
    except (IntegrityError, StaleAppeal, MoveNotAllowed):
        # A concurrent retry under the same key won the race: its move is this one.
        if _made_before(actor, key, fingerprint):
            return True
        raise
    return False
