"""POST to an address that someone outside the platform chose, without letting them aim
the platform at its own network (SSRF).

- Only https (plain http only to a loopback address, and only where loopback is
  allowed: the tests and the demo).
- The name is resolved once; every address it resolves to must be a public one (not
  private, loopback, link-local, shared, reserved, multicast or unspecified, nor such an
  address inside IPv6: `core.outbound.address_allowed`, the rule Open311 out uses too),
  and the connection goes to the checked address (pinned), with the name kept for TLS
  (SNI and certificate check) and the Host header. A name that
  resolves to a public address when registered and to a private one later (DNS
  rebinding) is refused when it is sent to.
- Short timeouts, no redirects followed, and at most `MAX_RESPONSE_BYTES` of the
  answer read.
"""

import ipaddress
import logging
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3
from django.utils.translation import gettext as _

from mycity.core.outbound import IpAddress, address_allowed

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 3.0
READ_TIMEOUT_S = 10.0
MAX_RESPONSE_BYTES = 64 * 1024


class RefusedAddress(Exception):
    """The address may not be sent to; retrying will not change that for a literal
    address, but may for a name (its DNS may be fixed)."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes  # at most MAX_RESPONSE_BYTES
    duration_ms: int


def check_url(url: str, *, allow_loopback: bool = False) -> None:
    """What can be checked without resolving: the scheme, the host, a literal address.
    Raises RefusedAddress with a message for the owner."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise RefusedAddress(_("The address is not a valid URL.")) from None
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise RefusedAddress(_("The address has no host."))
    if parts.username or parts.password:
        raise RefusedAddress(_("The address may not contain a user name or password."))
    if parts.scheme != "https" and not (parts.scheme == "http" and allow_loopback):
        raise RefusedAddress(_("The address must start with https://."))
    if port == 0:
        raise RefusedAddress(_("The address has no valid port."))
    literal = _literal(host)
    if literal is not None:
        if not address_allowed(literal, allow_loopback=allow_loopback):
            raise RefusedAddress(_("The address is in a private or reserved network."))
    elif not allow_loopback and (
        host == "localhost" or host.endswith((".localhost", ".local", ".internal"))
    ):
        raise RefusedAddress(_("The address is in a private or reserved network."))


def _literal(host: str) -> IpAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def resolve(host: str, port: int, *, allow_loopback: bool = False) -> IpAddress:
    """The one address the request will go to: every address of the name must be
    allowed, or none is used (a name with one private address among public ones is
    an attempt, not an accident)."""
    literal = _literal(host)
    if literal is not None:
        found = [literal]
    else:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            logger.warning("webhook host %s does not resolve: %s", host, exc)
            raise OSError("The host name does not resolve.") from None
        found = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not found:
        raise OSError("The host name does not resolve.")
    for address in found:
        if not address_allowed(address, allow_loopback=allow_loopback):
            # The owner reads the attempt's error: saying which address the name had
            # would let them map the network behind us, one name at a time.
            logger.warning("webhook host %s resolves to refused %s", host, address)
            raise RefusedAddress("The host resolves to an address that is not public.")
    return found[0]


def post(
    url: str,
    *,
    body: bytes,
    headers: dict[str, str],
    allow_loopback: bool = False,
    ca_file: str | None = None,
    connect_timeout: float = CONNECT_TIMEOUT_S,
    read_timeout: float = READ_TIMEOUT_S,
) -> Answer:
    """POST `body` to `url` by the rules above. Raises RefusedAddress before connecting
    to a refused address, OSError/urllib3 errors when the network fails; any answer,
    redirects included, is returned (not followed)."""
    check_url(url, allow_loopback=allow_loopback)
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".")
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    address = resolve(host, port, allow_loopback=allow_loopback)
    if not https and not address.is_loopback:
        raise RefusedAddress(_("The address must start with https://."))
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    default_port = 443 if https else 80
    host_header = host if port == default_port else f"{host}:{port}"
    if isinstance(address, ipaddress.IPv6Address) and ":" in host and _literal(host):
        host_header = f"[{host}]" if port == default_port else f"[{host}]:{port}"
    timeout = urllib3.Timeout(connect=connect_timeout, read=read_timeout)
    pool: urllib3.HTTPConnectionPool
    if https:
        context = ssl.create_default_context(cafile=ca_file)
        pool = urllib3.HTTPSConnectionPool(
            str(address),
            port=port,
            timeout=timeout,
            retries=False,
            maxsize=1,
            ssl_context=context,
            # The connection goes to the pinned address; TLS still checks the name.
            server_hostname=host,
            assert_hostname=host,
        )
    else:
        pool = urllib3.HTTPConnectionPool(
            str(address), port=port, timeout=timeout, retries=False, maxsize=1
        )
    started = time.monotonic()
    try:
        response = pool.urlopen(
            "POST",
            path,
            body=body,
            headers={**headers, "Host": host_header},
            redirect=False,
            retries=False,
            preload_content=False,
            assert_same_host=False,
        )
        try:
            data = response.read(MAX_RESPONSE_BYTES, decode_content=False)
        finally:
            # Closed, not drained: what is past the cap is never read.
            response.close()
    finally:
        pool.close()
    return Answer(
        status=response.status,
        body=data or b"",
        duration_ms=int((time.monotonic() - started) * 1000),
    )
