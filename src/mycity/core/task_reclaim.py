"""Background tasks whose worker was killed mid-run are picked up again.

With the database queue (`django_tasks_db`) a killed worker leaves its row "running"
for ever. Each worker is named after its host and process (`worker_id`); a running row
whose worker is a process of this host that no longer exists, or whose run began more
than TASK_LEASE_SECONDS ago (a worker on another machine that went silent), goes back
to "ready" (`reclaim_abandoned_tasks`). Every worker does this as it starts and the
notification outbox does it on each poll, so a supervised worker that is restarted
after `kill -9` takes its own task again.

With Redis (RQ) a job whose worker died stays in the started registry until its
heartbeat lapses (a minute or more); `RetryingQueue` gives every job retries, so RQ's
clean-up queues it again instead of failing it. RQ workers are named like the database
queue's (`worker_id`), so the reclaim also finds a job whose worker was a process of
this host that is gone and hands it to that same clean-up at once.

Tasks therefore run at least once: they must be safe to repeat (an e-mail keeps its
Message-ID, so a repeat folds into the first in the reader's mail client).
"""

import logging
import os
import socket
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django_rq.queues import DjangoRQ
from rq import Retry

logger = logging.getLogger(__name__)

_SEPARATOR = "/"


def worker_id() -> str:
    """This process's name as a task worker: host and process id (at most 64 chars)."""
    return f"{socket.gethostname()[:40]}{_SEPARATOR}{os.getpid()}"


def _dead_here(name: str) -> bool:
    """Whether `name` is a worker of this host whose process is gone."""
    host, _, pid = name.rpartition(_SEPARATOR)
    if host != socket.gethostname()[:40] or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


def reclaim_abandoned_tasks() -> int:
    """Return the tasks of dead workers to the queue; how many were returned."""
    backend = str(settings.TASKS["default"]["BACKEND"])
    if backend.startswith("django_tasks_db"):
        return _reclaim_rows()
    if backend.startswith("django_tasks_rq"):
        return _reclaim_jobs()
    return 0


def _reclaim_rows() -> int:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    lease_ended = timezone.now() - timedelta(seconds=settings.TASK_LEASE_SECONDS)
    returned = 0
    for row_id, workers, started_at in running.values_list("id", "worker_ids", "started_at"):
        last = workers[-1] if workers else ""
        if not (_dead_here(last) or (started_at and started_at < lease_ended)):
            continue
        # Conditional on the same claim: a worker that finished meanwhile keeps its result.
        returned += running.filter(
            Q(id=row_id), Q(started_at=started_at) | Q(started_at__isnull=True)
        ).update(status=TaskResultStatus.READY, started_at=None)
    if returned:
        logger.warning("abandoned tasks returned to the queue", extra={"tasks": returned})
    return returned


def _reclaim_jobs() -> int:
    import django_rq
    from rq.executions import Execution
    from rq.registry import StartedJobRegistry

    returned = 0
    for name in settings.RQ_QUEUES:
        queue = django_rq.get_queue(name)
        registry = StartedJobRegistry(queue=queue)
        for job_id, execution_id in registry.get_job_and_execution_ids(cleanup=False):
            try:
                execution = Execution.fetch(execution_id, job_id, connection=queue.connection)
            except ValueError:  # finished meanwhile: its record is gone
                continue
            if _dead_here(execution.worker_name):
                # Expired as of now (only if still there: `xx`), so that RQ's clean-up
                # below retries it as it would once the heartbeat lapsed.
                queue.connection.zadd(registry.key, {execution.composite_key: 0}, xx=True)
        expired = registry.get_expired_job_ids()
        registry.cleanup()
        returned += len(expired)
    return returned


class RetryingQueue(DjangoRQ):
    """Every job may run again after its worker died (RQ's clean-up retries it)."""

    def create_job(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("retry", Retry(max=3))
        # Short enough that RQ notices a dead worker's job within minutes.
        kwargs.setdefault("timeout", settings.TASK_LEASE_SECONDS)
        return super().create_job(*args, **kwargs)
