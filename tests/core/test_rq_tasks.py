"""An RQ job runs in the worker's own process: one that leaves a transaction open (its
timeout's alarm rang inside it) ends the worker, which starts again clean; one that
finishes leaves nothing behind for the next."""

import shutil

from tests.core.test_settings import run_mycity

JOB = (
    "from django.db import connection, transaction; "
    "from mycity.core.rq_tasks import _end_if_a_transaction_is_left_open; "
    "from mycity.accounts.models import User; "
    "{inside}"
    "_end_if_a_transaction_is_left_open('job-1'); "
    "print('worker goes on', User.objects.count())"
)


def run_job(migrated_var, tmp_path, inside: str):
    """A worker's process after a job that did `inside`."""
    shutil.copytree(migrated_var, tmp_path / "var")
    return run_mycity(tmp_path, "shell", "-c", JOB.format(inside=inside))


def test_a_job_that_leaves_a_transaction_open_ends_the_worker(migrated_var, tmp_path):
    inside = "transaction.atomic().__enter__(); User.objects.count(); "
    result = run_job(migrated_var, tmp_path, inside)
    assert result.returncode == 70, result.stderr
    assert "worker goes on" not in result.stdout
    assert "left a transaction open" in result.stderr


def test_a_job_that_closes_its_transactions_leaves_the_worker_going(migrated_var, tmp_path):
    inside = "exec('with transaction.atomic(): User.objects.count()'); "
    result = run_job(migrated_var, tmp_path, inside)
    assert result.returncode == 0, result.stderr
    assert "worker goes on 1" in result.stdout
