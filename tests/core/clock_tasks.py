"""Tasks for the clock's tests: each records that it ran."""

from django_tasks import task

RUNS: list[str] = []


@task()
def record_run() -> None:
    RUNS.append("ran")
