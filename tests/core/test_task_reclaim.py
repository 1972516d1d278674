"""A task whose worker is killed mid-run is picked up again by the next worker: no row
stays "running" with the database queue."""

import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import suppress
from pathlib import Path

from tests.core.test_settings import run_mycity


def _env(site) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "SECRET_KEY", "DATABASE_URL", "CACHE_URL", "TASKS_URL")
    }
    env["MYCITY_VAR_DIR"] = str(site / "var")
    return env


def _status(site) -> str:
    result = run_mycity(
        site,
        "shell",
        "-c",
        "from django_tasks_db.models import DBTaskResult; print(DBTaskResult.objects.get().status)",
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def _enqueue_the_hanging_task(site: Path, marker: Path, **env: str) -> None:
    enqueued = run_mycity(
        site,
        "shell",
        "-c",
        "from tests.core.reclaimed_task import hang_the_first_time; "
        f"hang_the_first_time.enqueue({str(marker)!r})",
        **env,
    )
    assert enqueued.returncode == 0, enqueued.stderr


def test_a_task_killed_mid_run_is_run_again_by_the_next_worker(migrated_var, tmp_path):
    shutil.copytree(migrated_var, tmp_path / "var")
    marker = tmp_path / "ran"
    _enqueue_the_hanging_task(tmp_path, marker)

    first = subprocess.Popen(
        [sys.executable, "-m", "mycity.cli", "worker", "--interval", "0.2"],
        env=_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90
        while not (tmp_path / "ran.started").exists():
            assert time.monotonic() < deadline, "the first worker never started the task"
            assert first.poll() is None, "the first worker stopped"
            time.sleep(0.2)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    assert _status(tmp_path) == "RUNNING"  # what the dead worker left

    second = subprocess.run(
        [sys.executable, "-m", "mycity.cli", "worker", "--batch", "--interval", "0.2"],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert second.returncode == 0, second.stderr
    assert marker.read_text() == "done"
    assert _status(tmp_path) == "SUCCESSFUL"


def _kill_with_its_horse(worker: subprocess.Popen) -> None:
    """SIGKILL an RQ worker and the work horse it forked, which RQ puts in a process group
    of its own (a machine's crash takes both)."""
    children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children")
    horses = [int(pid) for pid in children.read_text().split()] if children.exists() else []
    os.killpg(worker.pid, signal.SIGKILL)
    for pid in horses:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    worker.wait()


def _run_worker_until(env: dict[str, str], sign: Path, *, within_s: float, what: str) -> None:
    """Start an RQ worker in its own session, wait for `sign` to appear, then SIGKILL it
    with its work horse, as a machine's crash would."""
    worker = subprocess.Popen(
        [sys.executable, "-m", "mycity.cli", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + within_s
        while not sign.exists():
            assert time.monotonic() < deadline, f"no worker {what}"
            assert worker.poll() is None, "the worker stopped"
            time.sleep(0.2)
    finally:
        _kill_with_its_horse(worker)


def _job_status(site, redis_url: str) -> str:
    """The one job's status in RQ, and how many times it was started."""
    result = run_mycity(
        site,
        "shell",
        "-c",
        "import django_rq; from rq.registry import StartedJobRegistry; "
        "queue = django_rq.get_queue('default'); "
        "jobs = [queue.fetch_job(i) for i in queue.get_job_ids()"
        " + StartedJobRegistry(queue=queue).get_job_ids()"
        " + queue.finished_job_registry.get_job_ids()"
        " + queue.failed_job_registry.get_job_ids()]; "
        "print(sorted(job.get_status().value for job in jobs if job))",
        TASKS_URL=redis_url,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_a_job_whose_rq_worker_is_killed_is_run_again_by_the_restarted_worker(
    migrated_var, tmp_path, redis_url
):
    """With Redis (`django-tasks-rq`): the worker and its work horse die by SIGKILL
    mid-task, leaving the job "started" in RQ's registry; the restarted worker's reclaim
    sees that the job's worker is gone, queues it again, and it runs to the end (without
    waiting the minute RQ would for the heartbeat to lapse)."""
    shutil.copytree(migrated_var, tmp_path / "var")
    marker = tmp_path / "ran"
    env = {**_env(tmp_path), "TASKS_URL": redis_url}
    _enqueue_the_hanging_task(tmp_path, marker, TASKS_URL=redis_url)
    _run_worker_until(env, tmp_path / "ran.started", within_s=90, what="started the task")
    assert _job_status(tmp_path, redis_url) == "['started']"  # what the dead worker left
    # Well within the minute after which RQ itself would take the job for dead.
    _run_worker_until(env, marker, within_s=45, what="ran the killed task again")
    assert marker.read_text() == "done"
    assert _job_status(tmp_path, redis_url) == "['finished']"
