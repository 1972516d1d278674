"""How an RQ worker runs mycity's tasks: in the worker's own process, with Django's
database connections kept from one job to the next as a web process keeps them from
one request to the next.

RQ's default worker forks a work horse for every job: with Django loaded that is a copy
of a 180 MB process, and a new PostgreSQL connection (a new server process) per job. A
submission queues two jobs, and on two cores the forks cost the cluster a third of its
submissions per second. `rq.worker.SimpleWorker` runs each job in place; a job killed
with its worker is taken back by `core.task_reclaim` as before, since the worker's name
holds the process that ran it.

What a forked horse's death used to clean up, a job in place must not leave behind: a
job interrupted inside a transaction (its timeout is an alarm that may ring anywhere)
would leave the connection unusable for every later job, so the worker then ends at
once, as if killed; the supervisor starts it again and the reclaim runs the job again."""

import logging
import os
from typing import Any

from django.db import close_old_connections, connections
from django_tasks_rq.backend import Job as TasksJob

WORKER_CLASS = "rq.worker.SimpleWorker"

logger = logging.getLogger(__name__)


class Job(TasksJob):
    def perform(self) -> Any:
        # What Django does around a request: drop a connection past CONN_MAX_AGE or one
        # a failed job left unusable, before and after the job.
        close_old_connections()
        try:
            return super().perform()
        finally:
            _end_if_a_transaction_is_left_open(self.id)
            close_old_connections()


def _end_if_a_transaction_is_left_open(job_id: str) -> None:
    if any(c.in_atomic_block for c in connections.all(initialized_only=True)):
        logger.error("Job %s left a transaction open: the worker ends to start clean", job_id)
        logging.shutdown()
        os._exit(70)  # EX_SOFTWARE
