"""`mycity check --deploy` fails on what must never reach production: any host name
accepted, the one-click demo sign-in, a cache (and so rate limits) in each process."""

import secrets

import pytest
from django.core import checks

from tests.core.test_settings import run_mycity

PRODUCTION = {
    "DEBUG": "false",
    "ALLOWED_HOSTS": "polotsk.example",
}


def deploy_check(tmp_path, **env):
    return run_mycity(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **({"SECRET_KEY": secrets.token_urlsafe(50)} | PRODUCTION | env),
    )


def test_the_deploy_check_refuses_any_host_name(tmp_path):
    result = deploy_check(tmp_path, ALLOWED_HOSTS="*")
    assert result.returncode != 0
    assert "mycity.E001" in result.stderr


def test_the_deploy_check_refuses_the_demo_sign_in(tmp_path):
    result = deploy_check(tmp_path, MYCITY_DEMO_SIGNIN="true")
    assert result.returncode != 0
    assert "mycity.E002" in result.stderr


def ids_of_deploy_errors() -> list[str]:
    return [
        message.id
        for message in checks.run_checks(include_deployment_checks=True, tags=["mycity"])
        if message.level >= checks.ERROR
    ]


def test_a_cache_in_each_process_fails_the_deploy_check(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert "mycity.E003" in ids_of_deploy_errors()


@pytest.mark.parametrize(
    "backend",
    ["django.core.cache.backends.db.DatabaseCache", "django.core.cache.backends.redis.RedisCache"],
)
def test_a_shared_cache_passes(settings, backend):
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": "mycity_cache"}}
    settings.ALLOWED_HOSTS = ["polotsk.example"]
    settings.MYCITY_DEMO_SIGNIN = False
    assert ids_of_deploy_errors() == []


def test_webhooks_to_loopback_fail_the_deploy_check(settings):
    settings.WEBHOOKS_ALLOW_LOOPBACK = True
    assert "mycity.E004" in ids_of_deploy_errors()
    settings.WEBHOOKS_ALLOW_LOOPBACK = False
    assert "mycity.E004" not in ids_of_deploy_errors()
