"""The files of an appeal in storage: cleaned before any transaction (decoding is slow),
written, attached to their appeal, and removed again when the transaction fails."""

import uuid
from collections.abc import Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile

from mycity.appeals.models import (
    Appeal,
    AppealFile,
    AppealKind,
)
from mycity.appeals.uploads import clean_attachment, clean_photo


def clean_files(kind: str, uploads: Sequence[UploadedFile]) -> list[Any]:
    if kind == AppealKind.PROBLEM:
        return [clean_photo(upload, field=f"files[{i}]") for i, upload in enumerate(uploads)]
    return [clean_attachment(upload, field=f"files[{i}]") for i, upload in enumerate(uploads)]


def write_files(
    cleaned: list[Any], role: str, written: list[str], *, public: bool
) -> list[AppealFile]:
    """Write cleaned files to storage (outside any transaction: storage may be slow) and
    return their rows, unsaved; `written` collects the names to remove on failure."""
    rows = []
    for position, clean in enumerate(cleaned):
        stem = uuid.uuid4().hex
        extension = getattr(clean, "extension", "jpg")
        row = AppealFile(
            role=role,
            content_type=clean.content_type,
            size=len(clean.content),
            width=clean.width,
            height=clean.height,
            position=position,
            is_public=public,
        )
        row.file.save(f"{stem}.{extension}", ContentFile(clean.content), save=False)
        written.append(str(row.file.name))
        if clean.thumbnail:
            row.thumbnail.save(f"{stem}-thumb.jpg", ContentFile(clean.thumbnail), save=False)
            written.append(str(row.thumbnail.name))
        rows.append(row)
    return rows


def attach_files(appeal: Appeal, rows: list[AppealFile]) -> None:
    for row in rows:
        row.appeal = appeal
    AppealFile.objects.bulk_create(rows)


def forget_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
