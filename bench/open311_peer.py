"""A second mycity, run as a real server, acting as an executor's own Open311 system
(docs/open311.md, «Open311 out: two instances»).

    .venv/bin/python bench/open311_peer.py --port 8260

makes a throw-away instance (its own SQLite database in a temporary directory,
migrated, the demo cities and users without appeals), issues the Open311 key that
instance A files with and a `staff` token of the demo executor who answers there,
starts it with `mycity serve` (granian) and prints what A's connection needs, as
JSON. It stops on Ctrl-C. The end-to-end test (tests/appeals/test_open311_two_instances.py)
starts it the same way through `start_peer`.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BIN, bench_env, mycity

CITY = "polotsk"
EXECUTOR = "executor@polotsk.example"
CITY_ADMIN = "cityadmin@polotsk.example"

# Runs inside B: the keys, and a problem category that B routes to the demo executor's
# organisation at the point given (so what A files there reaches that executor).
_PREPARE = """
import django, json
django.setup()
from mycity.accounts.models import User
from mycity.appeals.actions.api_keys import issue_api_client
from mycity.appeals import routing, selectors
from mycity.appeals.models import AppealKind
from mycity.cities.models import City
city = City.objects.get(slug={city!r})
executor = User.objects.get(email={executor!r})
organisation = executor.roles.get(kind="executor").organisation
lat, lon = {lat!r}, {lon!r}
leaves = selectors.leaf_categories(city).filter(kind=AppealKind.PROBLEM, needs_moderation=False)
routed = [c for c in leaves.order_by("pk") if routing.route(c, lat=lat, lon=lon) == organisation]
print(json.dumps({{
    "open311_key": issue_api_client(city=city, name="Instance A").key,
    "executor_token": issue_api_client(
        city=city, name="Executor's phone", user=executor, scopes=["staff"]
    ).key,
    "admin_token": issue_api_client(
        city=city, name="City's own systems", user=User.objects.get(email={admin!r}),
        scopes=["staff"],
    ).key,
    "service_code": routed[0].slug,
    "organisation": organisation.slug,
}}))
"""


@dataclass
class Peer:
    url: str  # the server's root
    open311: str  # its Open311 base, as A's connection names it
    jurisdiction_id: str
    open311_key: str
    executor_token: str
    admin_token: str  # the city administrator's, `staff`: e.g. to register webhooks
    service_code: str
    organisation: str
    process: subprocess.Popen
    workdir: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _wait_ready(url: str, process: subprocess.Popen, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The peer exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("The peer did not answer /healthz in time")


def start_peer(
    *,
    port: int,
    lat: float,
    lon: float,
    workdir: Path | None = None,
    worker: bool = False,
    extra_env: dict[str, str] | None = None,
) -> Peer:
    """`worker`: also its task worker and outbox (`serve --worker`), for what it sends
    by itself, such as webhooks; `extra_env`: settings of its own."""
    workdir = workdir or Path(tempfile.mkdtemp(prefix="mycity-open311-peer-"))
    env = {**bench_env(workdir), **(extra_env or {})}
    env["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    env["SITE_URL"] = f"http://127.0.0.1:{port}"
    env.pop("DJANGO_SETTINGS_MODULE", None)
    mycity(env, "migrate", "--noinput", "-v0")
    mycity(env, "demo", "--no-appeals")
    prepared = subprocess.run(
        [
            str(BIN / "python"),
            "-c",
            _PREPARE.format(city=CITY, executor=EXECUTOR, admin=CITY_ADMIN, lat=lat, lon=lon),
        ],
        env={**env, "DJANGO_SETTINGS_MODULE": "mycity.settings"},
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    keys = json.loads(prepared.strip().splitlines()[-1])
    process = subprocess.Popen(
        [
            str(BIN / "mycity"),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
            *(["--worker"] if worker else []),
        ],
        env=env,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, process)
    except BaseException:
        os.killpg(process.pid, signal.SIGKILL)
        raise
    return Peer(
        url=url,
        open311=f"{url}/open311/v2/",
        jurisdiction_id=CITY,
        process=process,
        workdir=workdir,
        **keys,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8260)
    parser.add_argument("--lat", type=float, default=55.4860)
    parser.add_argument("--lon", type=float, default=28.7690)
    options = parser.parse_args()
    peer = start_peer(port=options.port, lat=options.lat, lon=options.lon)
    print(
        json.dumps(
            {
                "endpoint": peer.open311,
                "jurisdiction_id": peer.jurisdiction_id,
                "api_key": peer.open311_key,
                "service_code": peer.service_code,
                "executor_token": peer.executor_token,
                "database": str(peer.workdir),
            },
            indent=2,
        ),
        flush=True,
    )
    try:
        peer.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        peer.stop()


if __name__ == "__main__":
    main()
