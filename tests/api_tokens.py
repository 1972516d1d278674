"""Personal access tokens for the tests of the API: a native app's credentials."""

from mycity.accounts.models import User
from mycity.appeals.actions.api_keys import issue_api_client
from mycity.cities.models import City


def token_for(user: User, city: City, *scopes: str) -> str:
    """A token of `user` with these scopes (by default `resident`)."""
    return issue_api_client(
        city=city, name="Mobile app", user=user, scopes=list(scopes or ["resident"])
    ).key


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
