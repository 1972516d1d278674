"""Benchmark mycity as `make run` serves it: granian (WSGI), production settings.

Loads each endpoint from a second process on 127.0.0.1 with wrk and prints
requests/s, p50 and p99 latency, and each endpoint's ratio to the ceiling (a bare
Django view that touches nothing), all measured in one run on one machine.

    python bench/run.py [--duration 10] [--quick] [--connections 32] [--threads 2]
                        [--database-url postgres://postgres@127.0.0.1:5432/mycity_bench]
"""

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
STREET_PREFIX = "Покр"  # a word of «Нижне-Покровская» in the demo registry

ENDPOINTS = [
    ("ceiling (bare view)", "/bench/ceiling"),
    ("/healthz", "/healthz"),
    ("GET /api/v1/cities", "/api/v1/cities"),
    ("city home page", "/polotsk/"),
    ("address search", "/api/v1/cities/polotsk/addresses?q=" + urllib.parse.quote(STREET_PREFIX)),
    ("nearest building", "/api/v1/cities/polotsk/addresses?near=55.4879,28.7856"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0:
        install = ["apt-get", "install", "-y", "-qq", "wrk"]
        if subprocess.run(install, capture_output=True, check=False).returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], capture_output=True, check=False)
            subprocess.run(install, capture_output=True, check=False)
    found = shutil.which("wrk")
    if not found:
        sys.exit("wrk is needed: apt-get install wrk")
    return found


def fresh_postgres(url: str) -> None:
    import psycopg

    name = urllib.parse.urlparse(url).path.lstrip("/")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def mycity(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(BIN / "mycity"), *args], env=env, check=True, stdout=subprocess.DEVNULL)


def wait_until_up(url: str, deadline_s: float = 60) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"the server did not answer at {url}")


def check(base: str, path: str) -> None:
    with urllib.request.urlopen(base + path, timeout=10) as response:
        if response.status != 200:
            sys.exit(f"{path} answered {response.status}")


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        sys.exit(f"cannot read wrk's latency {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def load(wrk: str, url: str, *, seconds: int, threads: int, connections: int) -> dict:
    out = subprocess.run(
        [wrk, "--latency", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "50%" not in out:
        sys.exit(f"wrk printed no latency distribution for {url}:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.MULTILINE).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "p50_ms": p50,
        "p99_ms": p99,
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per endpoint")
    parser.add_argument("--quick", action="store_true", help="3 seconds per endpoint")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--database-url", default="")
    options = parser.parse_args()
    seconds = 3 if options.quick else options.duration
    wrk = ensure_wrk()

    workdir = Path(tempfile.mkdtemp(prefix="mycity-bench-"))
    port = free_port()
    env = {
        **os.environ,
        "MYCITY_VAR_DIR": str(workdir),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "MYCITY_BENCH_ENDPOINTS": "true",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DATABASE_URL", None)
    if options.database_url:
        fresh_postgres(options.database_url)
        env["DATABASE_URL"] = options.database_url
    server = None
    try:
        mycity(env, "migrate", "--noinput", "-v0")
        mycity(env, "demo", "--no-users")
        mycity(env, "collectstatic", "--noinput", "-v0")
        server = subprocess.Popen(
            [str(BIN / "mycity"), "serve", "--port", str(port)], env=env, start_new_session=True
        )
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base + "/healthz")
        for _name, path in ENDPOINTS:
            check(base, path)
        engine = "PostgreSQL" if options.database_url else "SQLite (WAL)"
        granian = subprocess.run(
            [str(BIN / "python"), "-m", "granian", "--version"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        print(
            f"mycity bench: {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"{granian}, {engine}, wrk {options.threads} threads × {options.connections} "
            f"connections, {seconds} s per endpoint"
        )
        load(wrk, base + "/healthz", seconds=1, threads=1, connections=4)  # warm-up
        results = []
        for name, path in ENDPOINTS:
            figures = load(
                wrk,
                base + path,
                seconds=seconds,
                threads=options.threads,
                connections=options.connections,
            )
            results.append({"endpoint": name, "path": path, **figures})
        ceiling = results[0]["rps"]
        print(f"{'endpoint':<22} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6}")
        for row in results:
            row["ratio"] = round(row["rps"] / ceiling, 3)
            flag = f"  ({row['non_2xx']} non-2xx)" if row["non_2xx"] else ""
            print(
                f"{row['endpoint']:<22} {row['rps']:>9.0f} {row['p50_ms']:>8.2f} "
                f"{row['p99_ms']:>8.2f} {row['ratio']:>6.2f}{flag}"
            )
        record = ROOT / "var" / "bench" / "latest.json"
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(
            json.dumps(
                {"engine": engine, "seconds": seconds, "cores": os.cpu_count(), "results": results},
                indent=1,
            )
        )
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
