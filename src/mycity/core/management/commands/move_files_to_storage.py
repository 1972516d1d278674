"""Copy an installation's uploaded files from the local disk into the configured storage.

Every file under the source directory (MEDIA_ROOT by default) is written to the default
storage (the bucket, once S3_BUCKET is set) under the same name, so the rows that name
it need no change. A name already in the storage with the same size is left alone: the
command can be run again after an interruption, or before and after the switch, and
copies only what is missing. Nothing is deleted from the disk; remove it once the site
runs on the bucket.
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Copy uploaded files from the local disk into the configured storage (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--from",
            dest="source",
            default=None,
            help="the local directory of uploaded files (default: MEDIA_ROOT)",
        )

    def handle(self, *args: Any, source: str | None, **options: Any) -> None:
        root = Path(source or settings.MEDIA_ROOT)
        if not root.is_dir():
            raise CommandError(f"{root} is not a directory.")
        local = FileSystemStorage(location=root)
        target = default_storage
        location = getattr(target, "base_location", None)
        if location is not None and Path(location).resolve() == root.resolve():
            raise CommandError("The storage is this same directory: set S3_BUCKET first.")
        copied = present = 0
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            name = path.relative_to(root).as_posix()
            if target.exists(name) and target.size(name) == path.stat().st_size:
                present += 1
                continue
            with local.open(name, "rb") as content:
                # Same name or nothing: the rows point at this name.
                saved = _overwrite(target, name, content)
            if saved != name:
                raise CommandError(f"{name} was stored as {saved}; stopping.")
            copied += 1
        self.stdout.write(f"copied {copied}, already there {present}")


def _overwrite(storage: Any, name: str, content: Any) -> str:
    """Write `name` even when a partial copy of it is there (an interrupted run)."""
    if storage.exists(name):
        storage.delete(name)
    return str(storage.save(name, content))
