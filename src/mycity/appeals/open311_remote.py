"""Speaking Open311 GeoReport v2 to an organisation's own system, as its client: file
a service request (`POST requests.json`), turn a token into its id (`GET
tokens/{token}.json`), read status updates (`GET servicerequestupdates.xml`, the
extension FixMyStreet uses). Only the protocol lives here; what we do with the answers
is `open311_out`. Every call goes through the SSRF guard of `core.outbound`.

A remote answer we cannot use raises `RemoteError`; `permanent` says whether trying
again could help (a 400 or 403 will not; a 500, a timeout or garbage might).
"""

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from django.utils.dateparse import parse_datetime

from mycity.core import outbound

_MAX_TEXT = 5000


class RemoteError(Exception):
    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Filing:
    service_request_id: str
    token: str
    service_notice: str


@dataclass(frozen=True)
class RemoteUpdate:
    update_id: str
    service_request_id: str
    status: str
    updated_datetime: datetime
    description: str
    media_url: str


def url(endpoint: str, path: str, **query: str) -> str:
    base = endpoint if endpoint.endswith("/") else endpoint + "/"
    wanted = {name: value for name, value in query.items() if value}
    return base + path + (f"?{urlencode(wanted)}" if wanted else "")


def _call(method: str, address: str, **kwargs: Any) -> outbound.Response:
    try:
        return outbound.request(method, address, **kwargs)
    except outbound.RefusedAddress as exc:
        raise RemoteError(str(exc), permanent=True) from exc
    except outbound.TransportError as exc:
        raise RemoteError(str(exc)) from exc


def _refused(response: outbound.Response) -> RemoteError:
    """An error status as a RemoteError, with the spec's error description if any."""
    detail = ""
    try:
        errors = json.loads(response.body)
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            detail = str(errors[0].get("description", ""))[:300]
    except ValueError:
        pass
    message = f"HTTP {response.status}" + (f": {detail}" if detail else "")
    # A client error will be the same next time; a server's trouble may pass. 408 and
    # 429 are the client errors that say "later".
    permanent = 400 <= response.status < 500 and response.status not in (408, 429)
    return RemoteError(message, permanent=permanent)


def _json_list(response: outbound.Response) -> list[dict[str, Any]]:
    try:
        data = json.loads(response.body)
    except ValueError:
        raise RemoteError("The answer is not JSON.") from None
    if isinstance(data, dict):  # some servers answer one object, not a list
        data = [data]
    if not isinstance(data, list) or not data or not all(isinstance(d, dict) for d in data):
        raise RemoteError("The answer is not a list of service requests.")
    return data


def post_request(
    *, endpoint: str, fields: dict[str, str], idempotency_key: str, timeout: float
) -> Filing:
    """File a service request; its id, or the token to ask for the id later."""
    response = _call(
        "POST",
        url(endpoint, "requests.json"),
        form=fields,
        # Servers that honour it (mycity does) file a retry once: our defence against
        # a crash between their answer and our record of it.
        headers={"Idempotency-Key": idempotency_key},
        timeout=timeout,
    )
    if response.status != 200 and response.status != 201:
        raise _refused(response)
    first = _json_list(response)[0]
    request_id = str(first.get("service_request_id") or "").strip()
    token = str(first.get("token") or "").strip()
    if not request_id and not token:
        raise RemoteError("The answer has neither service_request_id nor token.")
    if len(request_id) > 100 or len(token) > 100:
        raise RemoteError("The answer's id is too long.")
    return Filing(
        service_request_id=request_id,
        token=token,
        service_notice=str(first.get("service_notice") or "")[:_MAX_TEXT],
    )


def request_id_of_token(*, endpoint: str, token: str, jurisdiction_id: str, timeout: float) -> str:
    """The id a token stands for; '' while their system has not made the request yet."""
    response = _call(
        "GET",
        url(endpoint, f"tokens/{quote(token, safe='')}.json", jurisdiction_id=jurisdiction_id),
        timeout=timeout,
    )
    if response.status == 404:
        return ""
    if response.status != 200:
        raise _refused(response)
    return str(_json_list(response)[0].get("service_request_id") or "").strip()[:100]


def _text(element: ET.Element, name: str) -> str:
    found = element.find(name)
    return (found.text or "").strip() if found is not None else ""


def fetch_updates(
    *,
    endpoint: str,
    api_key: str,
    jurisdiction_id: str,
    start: datetime,
    end: datetime,
    timeout: float,
) -> list[RemoteUpdate]:
    """Updates between `start` and `end`, oldest first. An update without an id, a
    request id, a status or a readable date is skipped: nothing could be done with it."""
    response = _call(
        "GET",
        url(
            endpoint,
            "servicerequestupdates.xml",
            api_key=api_key,
            jurisdiction_id=jurisdiction_id,
            start_date=start.isoformat(),
            end_date=end.isoformat(),
        ),
        headers={"Accept": "text/xml"},
        timeout=timeout,
    )
    if response.status != 200:
        raise _refused(response)
    body = response.body.upper()
    if b"<!DOCTYPE" in body or b"<!ENTITY" in body or b"\x00" in body:
        # Entities are how XML bombs work; the spec's documents never declare any. The
        # whole answer is searched (a long comment could push one past any prefix), and
        # UTF-16, whose letters the search would not see, is refused with it.
        raise RemoteError("The answer declares a DOCTYPE or is not 8-bit XML.")
    try:
        root = ET.fromstring(response.body)  # noqa: S314 (no DOCTYPE: checked above)
    except ET.ParseError:
        raise RemoteError("The answer is not XML.") from None
    if root.tag != "service_request_updates":
        raise RemoteError("The answer is not a list of service request updates.")
    updates = []
    for element in root.findall("request_update"):
        try:
            moment = parse_datetime(_text(element, "updated_datetime"))
        except ValueError:  # well-formed but impossible, e.g. month 13
            moment = None
        update = RemoteUpdate(
            update_id=_text(element, "update_id")[:100],
            service_request_id=_text(element, "service_request_id")[:100],
            status=_text(element, "status").lower()[:60],
            updated_datetime=moment,  # type: ignore[arg-type]
            description=_text(element, "description")[:_MAX_TEXT],
            media_url=_text(element, "media_url")[:500],
        )
        if update.update_id and update.service_request_id and update.status and moment:
            if moment.tzinfo is None:
                continue  # a moment without an offset is ambiguous across time zones
            updates.append(update)
    return sorted(updates, key=lambda u: (u.updated_datetime, u.update_id))


# How far before the last pull's end the next pull starts: their clock and ours differ,
# and an update written while we read may carry a moment just before our `end`.
OVERLAP = timedelta(minutes=5)
