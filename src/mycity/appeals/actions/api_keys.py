"""Credentials of integrators: Open311 keys and personal access tokens."""

import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from mycity.accounts.models import User
from mycity.appeals.errors import (
    InvalidAppeal,
)
from mycity.appeals.models import (
    ApiClient,
)
from mycity.cities.models import City


@dataclass(frozen=True)
class IssuedClient:
    client: ApiClient
    # Shown once; only its hash is kept.
    key: str


@transaction.atomic
def issue_api_client(*, city: City, name: str, user: User | None = None) -> IssuedClient:
    """A key for an integrator: Open311 posting (no user), or a personal access token
    acting as `user` in the REST API."""
    name = name.strip()
    if not name:
        raise InvalidAppeal(_("Name the client."), field="name")
    key = secrets.token_urlsafe(32)
    client = ApiClient.objects.create(
        city=city, name=name[:200], user=user, key_hash=hash_api_key(key)
    )
    return IssuedClient(client=client, key=key)


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
