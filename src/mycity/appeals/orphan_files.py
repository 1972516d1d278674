"""Files of appeals that no row references: what a request wrote before it died (a
worker killed between writing the files and committing the appeal), or a deletion that
failed after the commit. Retention removes an appeal's files through its rows, so a
file without one would outlive it; the sweep removes these too.

Only through the storage API (`listdir`, `get_modified_time`, `delete`), so it works
the same on the local disk and on S3-compatible storage. A file younger than the grace
period is left alone: a submission still writing its files has no row yet.

Run nightly by the `sweep_orphan_files_task` task or the `sweep_orphan_files` command.
"""

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.files.storage import Storage
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from mycity.appeals.models import AppealFile

logger = logging.getLogger(__name__)

# Where AppealFile's fields write (`upload_to="appeals/%Y/%m/"`).
ROOT = "appeals"
GRACE = timedelta(days=1)
# Names looked up in one query.
CHUNK = 500


@dataclass
class Sweep:
    found: int = 0  # files seen under ROOT
    orphans: list[str] = field(default_factory=list)  # unreferenced and past the grace
    failed: list[str] = field(default_factory=list)  # could not be deleted


def appeal_storage() -> Storage:
    return AppealFile._meta.get_field("file").storage


def _files_under(storage: Storage, directory: str) -> Iterator[str]:
    """Every file's name under `directory`, depth first, one directory listed at a time."""
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{directory}/{name}"
    for sub in sorted(directories):
        yield from _files_under(storage, f"{directory}/{sub}")


def _referenced(names: list[str]) -> set[str]:
    rows = AppealFile.objects.filter(
        Q(file__in=names) | Q(thumbnail__in=names) | Q(original__in=names)
    ).values_list("file", "thumbnail", "original")
    return {name for row in rows for name in row if name}


def _chunks(names: Iterator[str]) -> Iterator[list[str]]:
    chunk: list[str] = []
    for name in names:
        chunk.append(name)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def sweep_orphan_files(
    *, grace: timedelta = GRACE, dry_run: bool = False, now: datetime | None = None
) -> Sweep:
    """Delete (unless `dry_run`) the files under ROOT that no AppealFile's file,
    thumbnail or original names and that were last modified before `now - grace`."""
    storage = appeal_storage()
    cutoff = (now or timezone.now()) - grace
    sweep = Sweep()
    for names in _chunks(_files_under(storage, ROOT)):
        sweep.found += len(names)
        referenced = _referenced(names)
        for name in names:
            if name in referenced or storage.get_modified_time(name) >= cutoff:
                continue
            # Looked up again just before deleting: a row may have come since.
            if _referenced([name]):
                continue
            sweep.orphans.append(name)
            if dry_run:
                continue
            try:
                storage.delete(name)
            except OSError:
                sweep.failed.append(name)
                logger.warning("could not delete the orphan file %s", name)
    return sweep


@task()
def sweep_orphan_files_task() -> int:
    """The nightly task: delete the appeals' files that no row references."""
    sweep = sweep_orphan_files()
    return len(sweep.orphans) - len(sweep.failed)
