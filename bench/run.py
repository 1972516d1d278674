"""Benchmark mycity as `make run` serves it: granian (WSGI), production settings.

Loads each endpoint from a second process on 127.0.0.1 with wrk and prints
requests/s, p50 and p99 latency, and each endpoint's ratio to the ceiling (a bare
Django view that touches nothing), all measured in one run on one machine. Before the
server starts, N realistic appeals of Polotsk are generated into the bench database;
then the public reports (REST, GeoJSON, Open311 when present) and a submission with a
photo are loaded too.

    python bench/run.py [--duration 10] [--quick] [--connections 32] [--threads 2]
                        [--appeals 100000] [--keep]
                        [--database-url postgres://postgres@127.0.0.1:5432/mycity_bench]
"""

import argparse
import io
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from common import (
    BBOX,
    BIN,
    CATEGORY,
    CENTRE,
    CITY,
    ROOT,
    bench_env,
    fresh_postgres,
    mycity,
    prepare_database,
    query,
    resident_token,
    run_sql,
)

STREET_PREFIX = "Покр"  # a word of «Нижне-Покровская» in the demo registry
DEFAULT_APPEALS = 100_000

ENDPOINTS = [
    ("ceiling (bare view)", "/bench/ceiling"),
    ("/healthz", "/healthz"),
    ("GET /api/v1/cities", "/api/v1/cities"),
    ("city home page", "/polotsk/"),
    ("address search", "/api/v1/cities/polotsk/addresses?q=" + urllib.parse.quote(STREET_PREFIX)),
    ("nearest building", "/api/v1/cities/polotsk/addresses?near=55.4879,28.7856"),
]
_BOX = ",".join(str(v) for v in BBOX)
_NEAR = f"{CENTRE[0]},{CENTRE[1]}"
REPORTS = f"/api/v1/cities/{CITY}/reports"
REPORT_ENDPOINTS = [
    ("reports by category", f"{REPORTS}?{query({'category': CATEGORY})}"),
    ("reports bbox+category", f"{REPORTS}?{query({'bbox': _BOX, 'category': CATEGORY})}"),
    (
        "reports 500 m+category",
        f"{REPORTS}?{query({'near': _NEAR, 'radius': 500, 'category': CATEGORY})}",
    ),
    (
        "reports GeoJSON bbox",
        f"{REPORTS}.geojson?{query({'bbox': _BOX, 'category': CATEGORY})}",
    ),
]
OPEN311 = (
    "Open311 requests",
    f"/open311/v2/requests.json?{query({'jurisdiction_id': CITY, 'service_code': CATEGORY})}",
)
# The rest of the public reads the issue names (the city home, the reports list and
# GeoJSON, Open311 requests and the cities list are rows above).
PAGE_ENDPOINTS = [
    ("map page", f"/{CITY}/map/"),
    ("news page", f"/{CITY}/news/"),
    ("notices page", f"/{CITY}/notices/"),
    ("events page", f"/{CITY}/events/"),
    ("places page", f"/{CITY}/places/"),
    ("Open311 services", f"/open311/v2/services.json?jurisdiction_id={CITY}"),
]
OPEN311_ONE = "Open311 one request"
# Rows held to the targets for a public read: ≥ 0.25 of the ceiling, p99 < 50 ms.
PUBLIC_READS = {
    "GET /api/v1/cities",
    "city home page",
    "reports by category",
    "reports GeoJSON bbox",
    OPEN311[0],
    OPEN311_ONE,
    *(name for name, _path in PAGE_ENDPOINTS),
}
PUBLIC_RATIO, PUBLIC_P99_MS = 0.25, 50
SUBMIT = ("POST appeal + photo", f"/api/v1/cities/{CITY}/appeals")
SUBMISSION_TARGET = 30  # per second on the 2-core machine (the target)
WRK_TIMEOUT_S = 30


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


def check(base: str, path: str) -> int | None:
    """Exit unless `path` answers 200; how many items a JSON list answer holds."""
    with urllib.request.urlopen(base + path, timeout=30) as response:
        if response.status != 200:
            sys.exit(f"{path} answered {response.status}")
        body = response.read()
    if "json" not in (response.headers.get("Content-Type") or ""):
        return None
    data = json.loads(body)
    if isinstance(data, dict):
        data = data.get("items", data.get("features"))
    return len(data) if isinstance(data, list) else None


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        sys.exit(f"cannot read wrk's latency {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def load(
    wrk: str,
    url: str,
    *,
    seconds: int,
    threads: int,
    connections: int,
    script: str = "",
    accept_encoding: str = "",
) -> dict:
    command = [wrk, "--latency", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s"]
    # wrk gives up on a response after 2 s by default and leaves it out of the figures.
    command += ["--timeout", f"{WRK_TIMEOUT_S}s"]
    if accept_encoding:
        command += ["-H", f"Accept-Encoding: {accept_encoding}"]
    if script:
        command += ["-s", script]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    if "50%" not in out:
        sys.exit(f"wrk printed no latency distribution for {url}:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.MULTILINE).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": rps,
        "p50_ms": p50,
        "p99_ms": p99,
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1).strip() if socket_errors else "",
    }


def phone_photo() -> bytes:
    """A 1600×1200 JPEG of 200–400 KB, like a phone's photo shrunk for upload: a gradient
    with shapes and grain, so it compresses as a photo does."""
    from PIL import Image, ImageDraw, ImageFilter

    width, height = 1600, 1200
    rng = random.Random(1)
    sky = Image.linear_gradient("L").resize((width, height))
    image = Image.merge(
        "RGB",
        (
            sky.point(lambda v: 90 + v // 3),
            sky.point(lambda v: 120 + v // 4),
            sky.point(lambda v: 200 - v // 2),
        ),
    )
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y, size = rng.randrange(width), rng.randrange(height), rng.randrange(20, 300)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.rectangle([x, y, x + size, y + size // 2], fill=colour)
    grain = Image.effect_noise((width, height), 50).filter(ImageFilter.GaussianBlur(0.8))
    image = Image.blend(image, Image.merge("RGB", (grain, grain, grain)), 0.25)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def submission_body(photo: bytes) -> tuple[bytes, str]:
    """A multipart submission of a street-light report with one photo; (body, boundary)."""
    boundary = "mycitybench" + "7" * 16
    fields = {
        "category": CATEGORY,
        "description": "Третий день не горит фонарь напротив дома, вечером очень темно.",
        "lat": str(CENTRE[0]),
        "lon": str(CENTRE[1]),
        "consent": "true",
    }
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
        f'filename="IMG_2041.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
        + photo
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), boundary


POST_SCRIPT = """-- POST the same multipart body (a report with a photo) with a resident's token.
local file = assert(io.open({body!r}, "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "multipart/form-data; boundary={boundary}"
wrk.headers["Authorization"] = "Bearer {token}"
"""


def post_script(workdir: Path, token: str) -> tuple[str, bytes, str]:
    """Write the body and the wrk script; (script path, body, content type)."""
    photo = phone_photo()
    body, boundary = submission_body(photo)
    body_path = workdir / "submission.multipart"
    body_path.write_bytes(body)
    script = workdir / "submit.lua"
    script.write_text(POST_SCRIPT.format(body=str(body_path), boundary=boundary, token=token))
    print(f"photo: 1600×1200 JPEG of {len(photo) // 1024} KB; request body {len(body) // 1024} KB")
    return str(script), body, f"multipart/form-data; boundary={boundary}"


def check_submission(base: str, body: bytes, content_type: str, token: str) -> None:
    request = urllib.request.Request(
        base + SUBMIT[1],
        data=body,
        method="POST",
        headers={"Content-Type": content_type, "Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        sys.exit(f"POST {SUBMIT[1]} answered {error.code}: {error.read()[:500]!r}")
    if status != 201:
        sys.exit(f"POST {SUBMIT[1]} answered {status}")


def settle(base: str, *, quick_ms: float = 50, deadline_s: float = 90) -> None:
    """Wait until the server has drained what wrk left queued (a slow endpoint's answers
    keep the workers busy after wrk stops), so the next row starts from an idle server."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        started = time.monotonic()
        with urllib.request.urlopen(base + "/healthz", timeout=60) as response:
            response.read()
        if (time.monotonic() - started) * 1000 < quick_ms:
            return
        time.sleep(0.5)


def answers_200(base: str, path: str) -> bool:
    try:
        with urllib.request.urlopen(base + path, timeout=10) as response:
            return response.status == 200
    except urllib.error.HTTPError:
        return False


def newest_request(base: str) -> str:
    """The Open311 address of the newest public report."""
    with urllib.request.urlopen(base + f"{REPORTS}?limit=1", timeout=30) as response:
        newest = json.loads(response.read())["items"][0]["id"]
    return f"/open311/v2/requests/{newest}.json?jurisdiction_id={CITY}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per endpoint")
    parser.add_argument("--quick", action="store_true", help="3 seconds per endpoint")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--ceiling-each",
        action="store_true",
        help="load the ceiling again before each row and divide the row by that one",
    )
    parser.add_argument(
        "--port", type=int, default=0, help="the server's port (default: a free one)"
    )
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--appeals",
        type=int,
        default=DEFAULT_APPEALS,
        help="appeals to generate before the server starts (0: none, no appeal endpoints)",
    )
    parser.add_argument(
        "--index",
        action="append",
        default=[],
        help="SQL (e.g. CREATE INDEX …) run after the appeals are generated",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="load an existing database as it is (migrated first): --database-url, or "
        "--var-dir for SQLite (e.g. one kept with --keep); no appeals are generated",
    )
    parser.add_argument("--var-dir", default="", help="with --reuse: the SQLite MYCITY_VAR_DIR")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        help="load only the rows whose name contains this (the ceiling is always loaded)",
    )
    parser.add_argument(
        "--accept-encoding",
        default="",
        help="send this Accept-Encoding with each row's requests, as browsers and HTTP "
        "libraries do (e.g. gzip); wrk sends none by default",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the bench directory (SQLite database) for bench/appeal_queries.py --reuse",
    )
    options = parser.parse_args()
    seconds = 3 if options.quick else options.duration
    wrk = ensure_wrk()

    if options.reuse and not (options.database_url or options.var_dir):
        sys.exit("--reuse needs --database-url or --var-dir")
    reused_dir = bool(options.reuse and options.var_dir)
    workdir = (
        Path(options.var_dir) if reused_dir else Path(tempfile.mkdtemp(prefix="mycity-bench-"))
    )
    port = options.port or free_port()
    env = bench_env(workdir, options.database_url)
    if options.database_url and not options.reuse:
        fresh_postgres(options.database_url)
    server = None
    try:
        if options.reuse:
            mycity(env, "migrate", "--noinput", "-v0")
            options.appeals = int(
                mycity(
                    env,
                    "shell",
                    "-c",
                    "from mycity.appeals.models import Appeal; print(Appeal.objects.count())",
                ).split()[-1]
            )
            prepared: dict[str, float | str] = {"appeals": options.appeals, "reused": "yes"}
        else:
            prepared = prepare_database(env, appeals=options.appeals)
        if options.appeals and not options.reuse:
            print(
                f"generated {options.appeals} appeals in {prepared['generation_s']} s: "
                f"{prepared['generation']}"
            )
        if options.index:
            run_sql(env, *options.index)
            print("ran: " + "; ".join(options.index))
        token = resident_token(env) if options.appeals else ""
        mycity(env, "collectstatic", "--noinput", "-v0")
        server = subprocess.Popen(
            [str(BIN / "mycity"), "serve", "--port", str(port)], env=env, start_new_session=True
        )
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base + "/healthz")
        endpoints = list(ENDPOINTS) + PAGE_ENDPOINTS
        if options.appeals:
            endpoints += REPORT_ENDPOINTS
            if answers_200(base, OPEN311[1]):
                endpoints.append(OPEN311)
                endpoints.append((OPEN311_ONE, newest_request(base)))
            else:
                print(f"({OPEN311[1].split('?')[0]} does not answer 200 here: left out)")
        items = {name: check(base, path) for name, path in endpoints}
        script = ""
        if options.appeals:
            script, body, content_type = post_script(workdir, token)
            check_submission(base, body, content_type, token)
        engine = "PostgreSQL" if options.database_url else "SQLite (WAL)"
        granian = subprocess.run(
            [str(BIN / "python"), "-m", "granian", "--version"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        print(
            f"mycity bench: {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"{granian}, {engine}, {options.appeals} appeals, wrk {options.threads} threads × "
            f"{options.connections} connections, {seconds} s per endpoint, Accept-Encoding: "
            f"{options.accept_encoding or 'none'}"
        )
        load(wrk, base + "/healthz", seconds=1, threads=1, connections=4)  # warm-up
        runs = [(name, path, "") for name, path in endpoints]
        if script:
            runs.append((SUBMIT[0], SUBMIT[1], script))
        if options.only:
            runs = runs[:1] + [r for r in runs[1:] if any(o in r[0] for o in options.only)]
        results: list[dict] = []
        for name, path, lua in runs:
            settle(base)
            if not lua:
                # A read's first answer after a change is computed once and shared; the
                # row measures what every later visitor gets (bench/public_reads.py
                # --cold measures the computation).
                answers_200(base, path)
            if options.ceiling_each and results:
                # On a machine shared with other work the load moves within minutes: the
                # ceiling loaded just before a row is the fair one to divide it by.
                beside = load(
                    wrk,
                    base + ENDPOINTS[0][1],
                    seconds=seconds,
                    threads=options.threads,
                    connections=options.connections,
                )
                settle(base)
            figures = load(
                wrk,
                base + path,
                seconds=seconds,
                threads=options.threads,
                connections=options.connections,
                script=lua,
                accept_encoding=options.accept_encoding,
            )
            row = {"endpoint": name, "path": path, "items": items.get(name), **figures}
            if options.ceiling_each:
                row["ceiling_rps"] = beside["rps"] if results else figures["rps"]
            results.append(row)
        ceiling = results[0]["rps"]
        print(
            f"{'endpoint':<24} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6} {'items':>6}"
        )
        for row in results:
            row["ratio"] = round(row["rps"] / row.get("ceiling_rps", ceiling), 3)
            flag = f"  ({row['non_2xx']} non-2xx)" if row["non_2xx"] else ""
            flag += f"  (socket errors: {row['socket_errors']})" if row["socket_errors"] else ""
            shown = "" if row["items"] is None else row["items"]
            if "ceiling_rps" in row:
                flag += f"  (ceiling beside it: {row['ceiling_rps']:.0f}/s)"
            if row["endpoint"] in PUBLIC_READS:
                met = row["ratio"] >= PUBLIC_RATIO and row["p99_ms"] < PUBLIC_P99_MS
                flag += "  public read: " + ("meets" if met else "below") + " the target"
            print(
                f"{row['endpoint']:<24} {row['rps']:>9.0f} {row['p50_ms']:>8.2f} "
                f"{row['p99_ms']:>8.2f} {row['ratio']:>6.3f} {shown:>6}{flag}"
            )
        by_name = {row["endpoint"]: row for row in results}
        summary: dict[str, float] = {}
        if OPEN311[0] in by_name and "reports by category" in by_name:
            open311, rest = by_name[OPEN311[0]], by_name["reports by category"]
            summary["open311_to_rest"] = round(open311["rps"] / rest["rps"], 3)
            line = (
                "Open311/REST ratio (same service code, newest first): "
                f"{summary['open311_to_rest']:.2f}"
            )
            if open311["items"] and rest["items"]:
                per_item = (open311["rps"] * open311["items"]) / (rest["rps"] * rest["items"])
                summary["open311_to_rest_per_item"] = round(per_item, 2)
                line += (
                    f" per request ({open311['items']} vs {rest['items']} items a response), "
                    f"{per_item:.2f} per item"
                )
            print(line)
        if SUBMIT[0] in by_name:
            submitted = by_name[SUBMIT[0]]
            summary["submissions_per_s"] = submitted["rps"]
            verdict = "meets" if submitted["rps"] >= SUBMISSION_TARGET else "below"
            print(
                f"submissions with a photo: {submitted['rps']:.1f}/s "
                f"({verdict} the target of {SUBMISSION_TARGET}/s), "
                f"ratio to the ceiling {submitted['ratio']:.4f}"
            )
        record = ROOT / "var" / "bench" / "latest.json"
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(
            json.dumps(
                {
                    "engine": engine,
                    "seconds": seconds,
                    "cores": os.cpu_count(),
                    "appeals": options.appeals,
                    "preparation": prepared,
                    "results": results,
                    "summary": summary,
                },
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
        if options.keep or reused_dir:
            print(f"kept {workdir} (MYCITY_VAR_DIR)")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
