"""nginx's micro-cache in front of the web nodes (deploy/nginx.conf, as `make cluster`
writes it) keeps anonymous public reads for a second, and nothing personal: never a
request with a session cookie or credentials, never an answer marked private or one
that sets a cookie. Real nginx (Debian's), a small upstream standing in for a node."""

import importlib.util
import itertools
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

NGINX = "/usr/sbin/nginx"
ROOT = Path(__file__).resolve().parents[2]

if not Path(NGINX).exists():
    if os.environ.get("CI"):
        pytest.fail("CI must run the micro-cache tests: nginx is not installed.")
    pytest.skip("nginx is not installed (apt-get install nginx-light)", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Node(BaseHTTPRequestHandler):
    """Every answer is new: the body counts the requests that reached the node."""

    served = itertools.count(1)

    def do_GET(self) -> None:
        body = str(next(self.served)).encode()
        if self.path.startswith("/encoding"):
            # What the node heard of the client's encodings.
            body += b" " + self.headers.get("Accept-Encoding", "").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        # As the app's public reads say it.
        self.send_header("Vary", "Accept-Language, Cookie")
        if self.path.startswith("/private"):
            self.send_header("Cache-Control", "private, no-store")
        if self.path.startswith("/cookie"):
            self.send_header("Set-Cookie", "csrftoken=abc; Path=/")
        if self.path.startswith("/public-for-a-minute"):
            self.send_header("Cache-Control", "public, max-age=60")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def nginx(tmp_path_factory):
    directory = tmp_path_factory.mktemp("nginx")
    for sub in ("logs", "cache", "static"):
        (directory / sub).mkdir()
    node = ThreadingHTTPServer(("127.0.0.1", 0), Node)
    threading.Thread(target=node.serve_forever, daemon=True).start()
    port = free_port()
    os.environ.update(
        CLUSTER_DIR=str(directory),
        CLUSTER_PORT=str(port),
        CLUSTER_WEB_PORTS=str(node.server_address[1]),
    )
    try:
        spec = importlib.util.spec_from_file_location("cluster_conf", ROOT / "deploy/cluster.py")
        assert spec and spec.loader
        cluster = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(cluster)
    finally:
        for name in ("CLUSTER_DIR", "CLUSTER_PORT", "CLUSTER_WEB_PORTS"):
            del os.environ[name]
    (directory / "nginx.conf").write_text(cluster.nginx_conf())
    server = subprocess.Popen(
        [NGINX, "-c", str(directory / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            assert time.monotonic() < deadline, "nginx did not start"
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=10)
    node.shutdown()
    shutil.rmtree(directory, ignore_errors=True)


def get(url: str, **headers: str) -> tuple[str, str]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (local)
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 (local)
        return answer.read().decode(), answer.headers.get("X-Cache", "")


def renewed(url: str, old: str) -> bool:
    """Whether a new answer comes soon: the first request after the second is answered
    with the old copy while nginx fetches the new one in the background."""
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        if get(url)[0] != old:
            return True
        time.sleep(0.05)
    return False


def test_an_anonymous_public_read_is_answered_from_the_cache_for_a_second(nginx):
    first, _ = get(f"{nginx}/polotsk/")
    again, status = get(f"{nginx}/polotsk/")
    assert (again, status) == (first, "HIT")
    time.sleep(1.2)
    assert renewed(f"{nginx}/polotsk/", first)


def test_the_apps_longer_max_age_is_cut_to_a_second(nginx):
    first, _ = get(f"{nginx}/public-for-a-minute")
    time.sleep(1.2)
    assert renewed(f"{nginx}/public-for-a-minute", first)


@pytest.mark.parametrize(
    ("path", "cookie"),
    [
        ("/news/", "mycity_language=ru; sessionid=abc"),  # signed in
        ("/notices/", "messages=abc"),  # a message for this visitor alone
    ],
)
def test_a_request_with_a_personal_cookie_is_never_answered_from_the_cache(nginx, path, cookie):
    anonymous, _ = get(nginx + path)
    personal, status = get(nginx + path, Cookie=cookie)
    assert personal != anonymous and status == "BYPASS"
    # …nor stored: the anonymous visitor still gets the anonymous answer.
    assert get(nginx + path)[0] == anonymous


def test_a_request_with_credentials_is_never_answered_from_the_cache(nginx):
    anonymous, _ = get(f"{nginx}/open311/v2/requests.json")
    with_token, status = get(f"{nginx}/open311/v2/requests.json", Authorization="Bearer x")
    assert with_token != anonymous and status == "BYPASS"


def test_an_answer_marked_private_is_never_stored(nginx):
    first, _ = get(f"{nginx}/private-page")
    assert get(f"{nginx}/private-page")[0] != first


def test_an_answer_that_sets_a_cookie_is_never_stored(nginx):
    first, _ = get(f"{nginx}/cookie-page")
    assert get(f"{nginx}/cookie-page")[0] != first


def test_personal_paths_never_go_through_the_cache(nginx):
    first, status = get(f"{nginx}/my/appeals/")
    again, _ = get(f"{nginx}/my/appeals/")
    assert again != first and status == ""


def test_anonymous_visitors_share_an_entry_whatever_their_csrf_cookies(nginx):
    # The answer's Vary: Cookie would give each visitor's CSRF token its own entry.
    first, _ = get(f"{nginx}/places/", Cookie="csrftoken=one")
    again, status = get(f"{nginx}/places/", Cookie="csrftoken=two")
    assert (again, status) == (first, "HIT")


def test_clients_that_accept_gzip_share_their_own_entry_and_the_node_hears_only_gzip(nginx):
    plain, _ = get(f"{nginx}/encoding/")
    chrome, _ = get(f"{nginx}/encoding/", **{"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert chrome != plain and chrome.endswith(" gzip") and not plain.endswith("gzip")
    curl, status = get(f"{nginx}/encoding/", **{"Accept-Encoding": "gzip"})
    assert (curl, status) == (chrome, "HIT")
    assert get(f"{nginx}/encoding/")[0] == plain
