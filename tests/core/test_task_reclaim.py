"""A task whose worker is killed mid-run is picked up again by the next worker: no row
stays "running" with the database queue."""

import os
import shutil
import signal
import subprocess
import sys
import time

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


def test_a_task_killed_mid_run_is_run_again_by_the_next_worker(migrated_var, tmp_path):
    shutil.copytree(migrated_var, tmp_path / "var")
    marker = tmp_path / "ran"
    enqueued = run_mycity(
        tmp_path,
        "shell",
        "-c",
        "from tests.core.reclaimed_task import hang_the_first_time; "
        f"hang_the_first_time.enqueue({str(marker)!r})",
    )
    assert enqueued.returncode == 0, enqueued.stderr

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
