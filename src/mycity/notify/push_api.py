"""The browsers a signed-in resident allowed to receive Web Push. Mounted at
/me/push-subscriptions; the app's script posts here what PushManager.subscribe()
returned."""

from typing import cast

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status
from ninja.security import django_auth

from mycity.accounts.models import User
from mycity.notify import push_services

# The browser session by default; src/mycity/api.py mounts the router so that a
# personal access token works too. Whoever it is, it is `request.auth`.
router = Router(tags=["notifications"], auth=django_auth)


class PushKeys(Schema):
    p256dh: str = Field(..., min_length=80, max_length=200)
    auth: str = Field(..., min_length=16, max_length=100)


class PushSubscriptionIn(Schema):
    endpoint: str = Field(..., min_length=10, max_length=1000)
    keys: PushKeys


class PushSubscriptionOut(Schema):
    id: int
    endpoint: str


class PushKeyOut(Schema):
    public_key: str = Field(description="The application server key (VAPID), base64url.")


@router.get(
    "/key",
    response=PushKeyOut,
    auth=None,
    summary="The key browsers subscribe to Web Push with",
)
def push_key(request: HttpRequest) -> dict:
    return {"public_key": settings.VAPID_PUBLIC_KEY}


@router.post(
    "",
    response={201: PushSubscriptionOut},
    summary="Let this browser receive my notifications by Web Push",
)
def add_push_subscription(request: HttpRequest, payload: PushSubscriptionIn) -> Status[dict]:
    row = push_services.subscribe_browser(
        user=cast(User, request.auth),  # type: ignore[attr-defined]
        endpoint=payload.endpoint,
        p256dh=payload.keys.p256dh,
        auth=payload.keys.auth,
        user_agent=request.headers.get("User-Agent", ""),
    )
    return Status(201, {"id": row.pk, "endpoint": row.endpoint})


class EndpointIn(Schema):
    endpoint: str


@router.post("/remove", response={204: None}, summary="Stop Web Push to this browser")
def remove_push_subscription(request: HttpRequest, payload: EndpointIn) -> Status[None]:
    user = cast(User, request.auth)  # type: ignore[attr-defined]
    push_services.unsubscribe_browser(user=user, endpoint=payload.endpoint)
    return Status(204, None)
