"""The project's own deployment checks (`mycity check --deploy`), besides Django's."""

from typing import Any

from django.conf import settings
from django.core import checks

PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@checks.register("mycity", checks.Tags.security, deploy=True)
def check_allowed_hosts(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if "*" not in settings.ALLOWED_HOSTS:
        return []
    return [
        checks.Error(
            "ALLOWED_HOSTS accepts any host name ('*').",
            hint="Name the site's hosts: links in e-mails and password resets are built "
            "from the Host header.",
            id="mycity.E001",
        )
    ]


@checks.register("mycity", checks.Tags.security, deploy=True)
def check_demo_sign_in(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if not settings.MYCITY_DEMO_SIGNIN:
        return []
    return [
        checks.Error(
            "The one-click demo sign-in (/console/demo/) is on: anyone can sign in as staff.",
            hint="Unset MYCITY_DEMO_SIGNIN (it follows DEBUG when unset).",
            id="mycity.E002",
        )
    ]


@checks.register("mycity", checks.Tags.caches, checks.Tags.security, deploy=True)
def check_shared_cache(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend not in PER_PROCESS_CACHES:
        return []
    return [
        checks.Error(
            "The default cache lives in each process: rate limits are counted per worker "
            "and forgotten on restart.",
            hint="Set CACHE_URL to db:// (the default) or redis://….",
            id="mycity.E003",
        )
    ]


@checks.register("mycity", checks.Tags.security, deploy=True)
def check_webhooks_loopback(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if not getattr(settings, "WEBHOOKS_ALLOW_LOOPBACK", False):
        return []
    return [
        checks.Error(
            "Webhooks may call loopback addresses (WEBHOOKS_ALLOW_LOOPBACK): an endpoint's "
            "owner could reach services on this machine.",
            hint="Unset WEBHOOKS_ALLOW_LOOPBACK; it is for the tests and a one-machine demo.",
            id="mycity.E004",
        )
    ]
