"""`mycity`: the project's one command.

mycity serve [--worker] [--host H] [--port P] [--workers N]  (--worker: tasks and outboxes too)
mycity worker            run background tasks (Tasks API, database queue)
mycity migrate           apply database migrations
mycity demo              load the demo cities and users (idempotent)
mycity <django command>  anything manage.py does
"""

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mycity.settings")


def _manage(args: list[str]) -> None:
    _django_setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["mycity", *args])


def _worker_command() -> list[str]:
    """The worker of the configured task backend: the database queue or Redis (RQ)."""
    _django_setup()
    import django
    from django.conf import settings

    django.setup()
    from mycity.core.task_reclaim import reclaim_abandoned_tasks, worker_id

    # A worker restarted after a kill takes back what its predecessor was running.
    reclaim_abandoned_tasks()
    if str(settings.TASKS["default"]["BACKEND"]).startswith("django_tasks_rq"):
        from mycity.core import rq_tasks

        # A job class of django-tasks-rq's (RQ's own calls the Task object and fails every
        # job), run in the worker's process (core.rq_tasks); named as the reclaim
        # expects, so that a job of a process of this host that is gone is taken back.
        return [
            "rqworker",
            "default",
            "--with-scheduler",
            "--worker-class",
            rq_tasks.WORKER_CLASS,
            "--job-class",
            f"{rq_tasks.__name__}.Job",
            "--name",
            worker_id(),
        ]
    # No autoreloader (on under DEBUG): its child would run the tasks under another
    # process id than the worker's name says, and outlive a killed parent.
    return ["db_worker", "--queue-name", "*", "--no-reload", "--worker-id", worker_id()]


def serve(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="mycity serve")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("WEB_WORKERS", "0")),
        help="processes (default: one per core)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=int(os.environ.get("WEB_THREADS", "4")),
        help="blocking threads per process",
    )
    parser.add_argument(
        "--worker",
        action="store_true",
        help="also run the background task worker, the notification outbox, the clock of "
        "periodic jobs and Open311 out's sync; all stop together",
    )
    options = parser.parse_args(argv)
    workers = options.workers or os.cpu_count() or 1
    _django_setup()
    server_cmd = [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--host",
        options.host,
        "--port",
        str(options.port),
        "--workers",
        str(workers),
        "--blocking-threads",
        str(options.threads),
        "--no-ws",
        "--log-level",
        "warning",
        "mycity.wsgi:application",
    ]
    if not options.worker:
        # Nothing to run beside it: become the server, so that a supervisor's signals
        # (and a kill) reach granian itself.
        os.execv(sys.executable, server_cmd)  # noqa: S606
    # Each child leads its own process group, so stopping it also stops whatever
    # it spawned (granian's worker processes, the autoreloader's child).
    children = [subprocess.Popen(server_cmd, start_new_session=True)]  # noqa: S603
    if options.worker:
        children.append(
            subprocess.Popen([sys.executable, "-m", "mycity.cli", "worker"], start_new_session=True)
        )
        # Deliveries whose task was lost (a worker killed mid-send) are resumed here.
        children.append(
            subprocess.Popen(
                [sys.executable, "-m", "mycity.cli", "deliver_notifications", "--loop"],
                start_new_session=True,
            )
        )
        # The periodic jobs (reminders, digests, closing answered appeals, the nightly
        # figures and retention), handed to the worker at their times.
        children.append(
            subprocess.Popen(
                [sys.executable, "-m", "mycity.cli", "clock", "--loop"], start_new_session=True
            )
        )
        # Appeals to organisations' own Open311 systems, and their updates pulled back.
        children.append(
            subprocess.Popen(
                [sys.executable, "-m", "mycity.cli", "sync_open311", "--loop"],
                start_new_session=True,
            )
        )

    def signal_all(signum: int) -> None:
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signum)

    def stop(signum: int, frame: object) -> None:
        signal_all(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        # When either stops (crash or signal), stop the other too.
        while all(child.poll() is None for child in children):
            with contextlib.suppress(subprocess.TimeoutExpired):
                children[0].wait(timeout=0.5)
    finally:
        signal_all(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for child in children:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
        signal_all(signal.SIGKILL)
    return children[0].returncode or 0


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(__doc__)
        return 0
    command, rest = args[0], args[1:]
    if command == "serve":
        return serve(rest)
    if command == "worker":
        _manage([*_worker_command(), *rest])
        return 0
    if command == "demo":
        _manage(["load_demo", *rest])
        return 0
    _manage(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
