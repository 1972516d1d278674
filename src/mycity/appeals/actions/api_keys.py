"""Credentials of integrators: Open311 keys and personal access tokens."""

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mycity.accounts.models import User
from mycity.appeals.errors import InvalidAppeal, InvalidToken, TokenNotFound
from mycity.appeals.models import PERSONAL_SCOPES, ApiClient, ApiScope
from mycity.cities.models import City

# A person's own tokens expire: a lost phone's token stops working by itself.
LIFETIMES_DAYS = (7, 30, 90, 365)
DEFAULT_LIFETIME_DAYS = 90


@dataclass(frozen=True)
class IssuedClient:
    client: ApiClient
    # Shown once; only its hash is kept.
    key: str


@transaction.atomic
def issue_api_client(
    *,
    city: City,
    name: str,
    user: User | None = None,
    scopes: Iterable[str] | None = None,
    expires_at: datetime | None = None,
) -> IssuedClient:
    """A key for an integrator: Open311 posting (no user), or a personal access token
    acting as `user` in the REST API. Without `scopes`, a key gets what its kind
    implies (docs/api.md): Open311 intake, or all a person's scopes."""
    name = name.strip()
    if not name:
        raise InvalidAppeal(_("Name the client."), field="name")
    if scopes is None:
        scopes = PERSONAL_SCOPES if user is not None else (ApiScope.OPEN311,)
    key = secrets.token_urlsafe(32)
    client = ApiClient.objects.create(
        city=city,
        name=name[:200],
        user=user,
        key_hash=hash_api_key(key),
        scopes=sorted({str(scope) for scope in scopes}),
        expires_at=expires_at,
    )
    return IssuedClient(client=client, key=key)


def issue_personal_token(
    *,
    owner: User,
    city: City,
    name: str,
    scopes: Iterable[str],
    lifetime_days: int,
    within: ApiClient | None = None,
) -> IssuedClient:
    """A token the owner makes for themselves (on the tokens page or through the API).
    Made with another token (`within`), it gets no scope and no day beyond that one's:
    a token cannot widen itself."""
    chosen = {str(scope) for scope in scopes}
    if not chosen:
        raise InvalidToken(_("Choose at least one scope."), field="scopes")
    if not chosen <= set(PERSONAL_SCOPES):
        raise InvalidToken(
            _("Choose among: %(scopes)s.") % {"scopes": ", ".join(PERSONAL_SCOPES)},
            field="scopes",
        )
    if lifetime_days not in LIFETIMES_DAYS:
        raise InvalidToken(
            _("Choose one of: %(days)s days.") % {"days": ", ".join(map(str, LIFETIMES_DAYS))},
            field="lifetime_days",
        )
    expires_at = timezone.now() + timedelta(days=lifetime_days)
    if within is not None:
        if not chosen <= set(within.scopes):
            raise InvalidToken(
                _("A token cannot make a token with scopes it does not have itself."),
                field="scopes",
            )
        if within.expires_at is not None:
            expires_at = min(expires_at, within.expires_at)
        # A token confined to one city makes tokens of that city only.
        if within.city_id is not None and city.pk != within.city_id:
            raise InvalidToken(_("A token cannot make a token for another city."), field="city")
    return issue_api_client(city=city, name=name, user=owner, scopes=chosen, expires_at=expires_at)


@transaction.atomic
def revoke_api_token(*, owner: User, token_id: int, city_id: int | None = None) -> ApiClient:
    """The owner switches one of their tokens off for good. Someone else's token (or,
    with `city_id`, one of another city) is not found, so its existence is not
    revealed."""
    tokens = ApiClient.objects.select_for_update().filter(pk=token_id, user=owner, is_active=True)
    if city_id is not None:
        tokens = tokens.filter(city_id=city_id)
    client = tokens.first()
    if client is None:
        raise TokenNotFound()
    client.is_active = False
    client.save(update_fields=["is_active"])
    return client


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
