"""The sweep of the appeals' files that no row references: what a request that died
left on the storage goes after the grace period; referenced and fresh files stay."""

import io
import os
import time
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from mycity.appeals.orphan_files import appeal_storage, sweep_orphan_files, sweep_orphan_files_task
from tests.appeal_fixtures import jpeg, submit_report

pytestmark = pytest.mark.django_db


def written(name: str, *, hours_ago: float = 0) -> str:
    """A file on the appeals' storage, as a request that died before its commit leaves it."""
    storage = appeal_storage()
    name = storage.save(name, ContentFile(b"\xff\xd8 half a photo"))
    if hours_ago:
        moment = time.time() - hours_ago * 3600
        os.utime(storage.path(name), (moment, moment))  # the local storage's clock
    return name


@pytest.fixture
def photographed(resident, street_light):
    appeal = submit_report(resident, street_light, files=[jpeg()])
    photo = appeal.files.get()
    for name in (photo.file.name, photo.thumbnail.name):
        moment = time.time() - 72 * 3600
        os.utime(appeal_storage().path(name), (moment, moment))
    return photo


def test_an_orphan_older_than_the_grace_is_deleted(photographed):
    orphan = written("appeals/2026/11/dead-request.jpg", hours_ago=30)
    sweep = sweep_orphan_files(grace=timedelta(days=1))
    assert sweep.orphans == [orphan]
    assert not appeal_storage().exists(orphan)


def test_referenced_files_and_fresh_orphans_stay(photographed):
    fresh = written("appeals/2026/12/still-uploading.jpg", hours_ago=2)
    sweep = sweep_orphan_files(grace=timedelta(days=1))
    assert sweep.orphans == []
    storage = appeal_storage()
    assert storage.exists(fresh)
    assert storage.exists(photographed.file.name)
    assert storage.exists(photographed.thumbnail.name)


def test_a_blurred_photos_kept_original_is_referenced(photographed):
    photographed.original.name = written("appeals/2026/10/original.jpg", hours_ago=48)
    photographed.save(update_fields=["original"])
    assert sweep_orphan_files().orphans == []
    assert appeal_storage().exists(photographed.original.name)


def test_a_dry_run_lists_and_deletes_nothing(photographed):
    orphan = written("appeals/2026/11/dead-request.jpg", hours_ago=30)
    call_command("sweep_orphan_files", "--dry-run", stdout=(out := io.StringIO()))
    assert orphan in out.getvalue() and "would be deleted" in out.getvalue()
    assert appeal_storage().exists(orphan)
    call_command("sweep_orphan_files", stdout=(out := io.StringIO()))
    assert "1 deleted" in out.getvalue()
    assert not appeal_storage().exists(orphan)


def test_the_nightly_task_sweeps_too(photographed):
    orphan = written("appeals/2026/11/dead-request.jpg", hours_ago=30)
    assert sweep_orphan_files_task.call() == 1
    assert not appeal_storage().exists(orphan)


def test_files_outside_the_appeals_directories_are_not_touched():
    storage = appeal_storage()
    news = storage.save("news/cover.jpg", ContentFile(b"cover"))
    moment = time.time() - 72 * 3600
    os.utime(storage.path(news), (moment, moment))
    assert sweep_orphan_files().orphans == []
    assert storage.exists(news)
