"""A scripted Open311 server on a real socket, for the specifications of Open311 out:
it answers what a test tells it (a filing, a 500, garbage, a slow answer, a list of
updates) and records every request it got. The happy path is also shown end to end
against a second real mycity (test_open311_two_instances.py); this one exists for the
answers a healthy mycity never gives."""

import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

# The test ports of this work (8260–8279); 8260 is the second mycity's.
PORTS = range(8262, 8280)


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    delay_s: float = 0.0


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    form: dict[str, list[str]]


@dataclass
class RemoteServer:
    port: int = 0
    answers: dict[str, list[Answer]] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/open311/v2/"

    def script(self, path: str, *answers: Answer) -> None:
        """Answer requests to `path` (e.g. "requests.json") with these, in turn; the
        last one is repeated."""
        self.answers[path] = list(answers)

    def next_answer(self, path: str) -> Answer:
        queue = self.answers.get(path)
        if not queue:
            return Answer(404, b'[{"code":404,"description":"no such path"}]')
        return queue.pop(0) if len(queue) > 1 else queue[0]

    def requests_to(self, path: str) -> list[Received]:
        return [r for r in self.received if r.path.endswith(path)]


def _handler(server: RemoteServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _answer(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            server.received.append(
                Received(
                    method=self.command,
                    path=parts.path,
                    query=parse_qs(parts.query),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    form=parse_qs(body),
                )
            )
            name = parts.path.removeprefix("/open311/v2/")
            answer = server.next_answer(name)
            if answer.delay_s:
                time.sleep(answer.delay_s)
            try:
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting: what a timeout test wants

        do_GET = do_POST = _answer

    return Handler


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("No free port among 8262–8279")


def start_remote() -> tuple[RemoteServer, ThreadingHTTPServer]:
    remote = RemoteServer()
    for _attempt in range(5):
        remote.port = free_port()
        try:
            httpd = ThreadingHTTPServer(("127.0.0.1", remote.port), _handler(remote))
            break
        except OSError:
            continue
    else:
        raise RuntimeError("Could not bind a port among 8262–8279")
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return remote, httpd
