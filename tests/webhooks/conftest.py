"""People and a real receiving server for the webhooks' specifications.

The receiver is an HTTPS server in a thread, on a port of this worktree's range, with
a throw-away self-signed certificate for `localhost` and 127.0.0.1 that the platform
is told to trust (WEBHOOKS_CA_FILE); loopback is allowed for the tests only
(WEBHOOKS_ALLOW_LOOPBACK)."""

import datetime as dt
import ipaddress
import json
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from mycity.accounts.models import RoleKind, User
from mycity.webhooks.services import register_endpoint
from tests.conftest import person

PORTS = range(8240, 8260)


@pytest.fixture
def head_of_lighting(lighting_service) -> User:
    return person("head@gorsvet.example.org", RoleKind.HEAD, organisation=lighting_service)


@pytest.fixture
def head_of_housing(organisation) -> User:
    return person("head@zhes.example.org", RoleKind.HEAD, organisation=organisation)


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate (and its key) for localhost and 127.0.0.1."""
    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.DNSName("localhost"),
                    x509.DNSName("hooks.test"),
                    x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                ]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Answers each POST with the next of `answers` (the last one repeats) and keeps
    what it received."""

    port: int
    scheme: str
    answers: list[tuple[int, dict[str, str], bytes]] = field(
        default_factory=lambda: [(204, {}, b"")]
    )
    received: list[Request] = field(default_factory=list)
    # Set: each request is verified with standardwebhooks first, as a receiver would; a
    # bad signature is answered 401 and noted in `refused`.
    secrets: dict[str, str] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)

    def url(self, path: str = "/hooks", host: str = "localhost") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def payloads(self) -> list[dict]:
        return [json.loads(r.body) for r in self.received]


def _serve(tls: tuple[Path, Path] | None) -> tuple[Receiver, ThreadingHTTPServer]:
    receiver = Receiver(port=0, scheme="https" if tls else "http")
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            secret = receiver.secrets.get(self.path)
            if secret is not None:
                try:
                    Webhook(secret).verify(body, dict(self.headers.items()))
                except WebhookVerificationError as exc:
                    receiver.refused.append(str(exc))
                    self.send_response(401)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
            with lock:
                receiver.received.append(
                    Request(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
                index = min(len(receiver.received), len(receiver.answers)) - 1
                status, headers, answer = receiver.answers[index]
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def do_GET(self) -> None:  # a redirect followed would arrive here
            receiver.received.append(Request(self.path, dict(self.headers.items()), b""))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = None
    for port in PORTS:
        try:
            server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
            break
        except OSError:
            continue
    if server is None:
        pytest.fail("No free port in 8240-8259 for the receiver.")
    server.daemon_threads = True
    # A client that refuses the certificate ends the handshake: expected, not news.
    server.handle_error = lambda request, address: None  # type: ignore[method-assign]
    if tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(tls[0]), str(tls[1]))
        server.socket = context.wrap_socket(server.socket, server_side=True)
    receiver.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return receiver, server


@pytest.fixture
def receiver(settings, tls_files) -> Iterator[Receiver]:
    settings.WEBHOOKS_ALLOW_LOOPBACK = True
    settings.WEBHOOKS_CA_FILE = str(tls_files[0])
    receiver, server = _serve(tls_files)
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def resolve_as(monkeypatch):
    """Make names resolve to the given addresses (in order of the lookups: a list of
    lists), as a DNS server under someone's control would."""
    calls: list[str] = []

    def install(*answers: list[str]) -> list[str]:
        real = socket.getaddrinfo
        queue = list(answers)

        def fake(host, port, *args, **kwargs):
            if host in ("localhost", "127.0.0.1") or not queue:
                return real(host, port, *args, **kwargs)
            calls.append(host)
            addresses = queue.pop(0) if len(queue) > 1 else queue[0]
            return [
                (
                    socket.AF_INET6 if ":" in a else socket.AF_INET,
                    socket.SOCK_STREAM,
                    6,
                    "",
                    (a, port),
                )
                for a in addresses
            ]

        monkeypatch.setattr(socket, "getaddrinfo", fake)
        return calls

    return install


@pytest.fixture
def endpoint(city, city_admin):
    """An endpoint of the city for new appeals, at an address nothing answers."""
    return register_endpoint(
        actor=city_admin,
        city=city,
        organisation=None,
        url="https://hooks.example.org/mycity",
        events=["appeal.registered"],
    )
