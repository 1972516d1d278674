"""HTTP requests to addresses that staff typed in (an organisation's own Open311
system): refused unless the host resolves only to public internet addresses, and then
made to the very address that was checked, so a DNS answer that changes between the
check and the connection (rebinding) cannot lead the request into our own network.

Push endpoints are safe by a different rule (a list of known push services); an
address an organisation gives us can be anything, hence this guard. Only https is
used, except that a test-only setting (`OUTBOUND_ALLOW_LOOPBACK`) lets http and the
loopback addresses through, so that two instances on one machine can talk.
"""

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from django.conf import settings

MAX_BODY = 2 * 1024 * 1024
TIMEOUT_S = 10.0
USER_AGENT = "mycity-open311/1.0"


class RefusedAddress(Exception):
    """The address may not be called: not https, not public, or unresolvable."""


class TransportError(Exception):
    """The call did not complete: no connection, a timeout, a body too large."""


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str
    body: bytes


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # with the query string


def _loopback_allowed() -> bool:
    return bool(getattr(settings, "OUTBOUND_ALLOW_LOOPBACK", False))


def check_url(url: str) -> Target:
    """The parts of a URL we may call; RefusedAddress for any other."""
    parts = urlsplit(url.strip())
    schemes = ("https", "http") if _loopback_allowed() else ("https",)
    if parts.scheme not in schemes:
        raise RefusedAddress("The address must start with https://.")
    if parts.username or parts.password:
        raise RefusedAddress("The address may not carry a user name or password.")
    host = parts.hostname or ""
    if not host:
        raise RefusedAddress("The address has no host.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise RefusedAddress("The address has a bad port.") from None
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None and not _allowed_ip(literal):
        raise RefusedAddress("The address is not a public one.")
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(scheme=parts.scheme, host=host, port=port, path=path)


IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _unwrap(address: IpAddress) -> IpAddress:
    if isinstance(address, ipaddress.IPv6Address):
        # ::ffff:10.0.0.1 and 64:ff9b::10.0.0.1 reach the IPv4 address inside.
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address in ipaddress.IPv6Network("64:ff9b::/96"):
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if address.sixtofour is not None:
            return address.sixtofour
    return address


def address_allowed(address: IpAddress, *, allow_loopback: bool = False) -> bool:
    """The one rule for every address the platform calls on someone else's word (an
    organisation's own system, a webhook endpoint): a public internet address, or
    loopback where a test or the demo allows it."""
    inner = _unwrap(address)
    if allow_loopback and inner.is_loopback:
        return True
    return inner.is_global and not inner.is_multicast


def _allowed_ip(ip: IpAddress) -> bool:
    return address_allowed(ip, allow_loopback=_loopback_allowed())


def resolve(target: Target) -> str:
    """The one address to connect to: every address the host resolves to must be
    allowed (a name with one private address among public ones is refused)."""
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise RefusedAddress("The host name does not resolve.") from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]
    if not addresses or not all(_allowed_ip(ip) for ip in addresses):
        raise RefusedAddress("The host resolves to an address that is not public.")
    return str(addresses[0])


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        # The certificate is checked against the host name, not the address.
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)  # type: ignore[attr-defined]


def request(
    method: str,
    url: str,
    *,
    form: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = TIMEOUT_S,
) -> Response:
    """One request, no redirects followed (a redirect could point anywhere)."""
    target = check_url(url)
    address = resolve(target)
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(target.host, target.port, address, timeout)
    sent_headers = {"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})}
    body = None
    if form is not None:
        body = urlencode(form).encode()
        sent_headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, target.path, body=body, headers=sent_headers)
        answer = connection.getresponse()
        data = answer.read(MAX_BODY + 1)
        if len(data) > MAX_BODY:
            raise TransportError("The answer is too large.")
        return Response(
            status=answer.status,
            content_type=answer.getheader("Content-Type", "") or "",
            body=data,
        )
    except (OSError, http.client.HTTPException) as exc:
        raise TransportError(f"{type(exc).__name__}: {exc}") from exc
    finally:
        connection.close()
