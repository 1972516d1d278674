"""`mycity serve --worker` runs granian, the task worker, the outbox and the clock, and stops
them together; `mycity serve` alone is granian itself."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def demo_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG", "SECRET_KEY")}
    env["MYCITY_VAR_DIR"] = str(tmp_path / "var")
    subprocess.run(
        [sys.executable, "-m", "mycity.cli", "migrate", "-v0"], env=env, check=True, timeout=300
    )
    return env


def test_serve_answers_over_http_and_stops_with_its_worker_on_sigint(demo_env):
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mycity.cli",
            "serve",
            "--worker",
            "--port",
            str(port),
            "--workers",
            "1",
        ],
        env=demo_env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        body = b""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    body = r.read()
                    break
            except OSError:
                time.sleep(0.3)
        assert body == b'{"status": "ok"}'
        children = subprocess.run(
            ["pgrep", "-P", str(server.pid)], capture_output=True, text=True, check=False
        ).stdout.split()
        # granian, the task worker, the notification outbox, the clock and Open311 out's sync
        assert len(children) == 5
        os.killpg(server.pid, signal.SIGINT)
        assert server.wait(timeout=30) is not None
        for pid in children:  # each child led a process group; none of its members is left
            with pytest.raises(ProcessLookupError):
                os.killpg(int(pid), 0)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def test_help_lists_the_project_commands():
    result = subprocess.run(
        [sys.executable, "-m", "mycity.cli", "--help"], capture_output=True, text=True, check=True
    )
    for command in ("serve", "worker", "migrate", "demo"):
        assert command in result.stdout


def test_serve_alone_becomes_granian_so_a_supervisor_signals_the_server_itself(demo_env):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mycity.cli", "serve", "--port", str(port), "--workers", "1"],
        env=demo_env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                time.sleep(0.3)
        with open(f"/proc/{server.pid}/cmdline", "rb") as cmdline:
            assert b"granian" in cmdline.read()
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) is not None
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
