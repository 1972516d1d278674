"""Liveness and readiness probes for load balancers and orchestrators."""

from collections.abc import Callable

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from mycity.core import replica


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The process answers; nothing else is touched."""
    return JsonResponse({"status": "ok"})


@require_safe
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """The database, the cache and the file storage answer, and every migration has
    been applied: a node that cannot reach one of them takes no traffic. A configured
    replica is reported but does not decide: without it the public reads go to the
    primary, so every node would leave the balancer for nothing."""
    checks: dict[str, str] = {}
    try:
        _select_one(DEFAULT_DB_ALIAS)
        checks["database"] = "ok"
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        checks["migrations"] = "ok" if not pending else f"{len(pending)} unapplied"
    except Exception as exc:  # any failure means "not ready", with the reason
        checks.setdefault("database", f"error: {exc.__class__.__name__}")
    checks["cache"] = _answers(lambda: cache.get("mycity:readyz"))
    # A name that is never written: the storage answers "no" without creating anything.
    checks["storage"] = _answers(lambda: default_storage.exists("readyz/probe"))
    ready = all(value == "ok" for value in checks.values()) and "migrations" in checks
    if replica.enabled():
        checks[replica.REPLICA] = _answers(lambda: _select_one(replica.REPLICA))
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )


def _select_one(alias: str) -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")


def _answers(probe: Callable[[], object]) -> str:
    try:
        probe()
    except Exception as exc:  # any failure means "not ready", with the reason
        return f"error: {exc.__class__.__name__}"
    return "ok"


def bench_ceiling(request: HttpRequest) -> HttpResponse:
    """The cheapest thing Django can answer: the benchmarks' 100 %."""
    return HttpResponse(b"ok", content_type="text/plain")
