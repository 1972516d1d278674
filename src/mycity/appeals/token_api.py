"""A person's own access tokens through the API, mounted at /me/tokens: list them,
make one (its secret is in the answer once), revoke one. The same services as the
tokens page (web/token_views.py)."""

from datetime import datetime
from typing import Any, Literal, cast

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from mycity.accounts.models import User
from mycity.appeals import selectors
from mycity.appeals.actions.api_keys import (
    issue_personal_token,
    revoke_api_token,
)
from mycity.appeals.api import RESIDENT
from mycity.appeals.errors import InvalidToken
from mycity.appeals.models import ApiClient
from mycity.cities.errors import CityNotFound
from mycity.cities.selectors import city_by_slug

# Managing tokens is acting as oneself: the session, or a token with the `resident` scope.
router = Router(tags=["tokens"], auth=RESIDENT)

PersonalScope = Literal["public", "resident", "staff"]


class TokenOut(Schema):
    id: int
    name: str
    city: str = Field(description="The city the token acts in (its slug).")
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None = Field(description="Null: it never expires.")
    expired: bool


class IssuedTokenOut(TokenOut):
    token: str = Field(description="The secret, shown only in this answer; keep it safe.")


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=200, description="Where it is used.")
    city: str = Field(..., min_length=1, max_length=50, pattern=r"^[-a-zA-Z0-9_]+$")
    scopes: list[PersonalScope] = Field(..., min_length=1, max_length=3)
    lifetime_days: Literal[7, 30, 90, 365] = Field(90, description="Days until it expires.")


def token_out(client: ApiClient) -> dict[str, Any]:
    return {
        "id": client.pk,
        "name": client.name,
        "city": client.city.slug,
        "scopes": client.scopes,
        "created_at": client.created_at,
        "expires_at": client.expires_at,
        "expired": client.expires_at is not None and client.expires_at <= timezone.now(),
    }


@router.get("", response=list[TokenOut], summary="My access tokens (not revoked)")
def my_tokens(request: HttpRequest) -> list[dict[str, Any]]:
    owner = cast(User, request.auth)  # type: ignore[attr-defined]
    return [
        token_out(client) for client in selectors.tokens_of(owner, city_id=_confined_city(request))
    ]


def _confined_city(request: HttpRequest) -> int | None:
    """The city a token used for this request is confined to; a browser session
    manages the person's tokens of every city."""
    client = getattr(request, "api_client", None)
    return client.city_id if client is not None else None


@router.post(
    "",
    response={201: IssuedTokenOut},
    summary="Make an access token for myself; its secret is in this answer only",
    description="Made with a token, the new one has no scope and no day beyond that token's.",
)
def make_token(request: HttpRequest, payload: TokenIn) -> Status[dict[str, Any]]:
    owner = cast(User, request.auth)  # type: ignore[attr-defined]
    try:
        city = city_by_slug(payload.city)
    except CityNotFound as error:
        raise InvalidToken(_("There is no such city."), field="city") from error
    issued = issue_personal_token(
        owner=owner,
        city=city,
        name=payload.name,
        scopes=payload.scopes,
        lifetime_days=payload.lifetime_days,
        within=getattr(request, "api_client", None),
    )
    return Status(201, token_out(issued.client) | {"token": issued.key})


@router.delete(
    "/{token_id}",
    response={204: None},
    summary="Revoke one of my tokens; it stops working at once",
)
def revoke_token(request: HttpRequest, token_id: int) -> Status[None]:
    owner = cast(User, request.auth)  # type: ignore[attr-defined]
    revoke_api_token(owner=owner, token_id=token_id, city_id=_confined_city(request))
    return Status(204, None)
