"""Benchmarks of the cluster that `make cluster` runs (deploy/cluster.py): everything
through nginx on 127.0.0.1, PostgreSQL, Redis and SeaweedFS behind it.

    python bench/cluster.py submissions [--duration 20] [--connections 16]
    python bench/cluster.py reads       [--duration 20] [--connections 64]
    python bench/cluster.py faults      [--duration 40] [--residents 8]
    python bench/cluster.py all

It (re)starts the cluster with the per-resident submission limit raised, since one
resident posts every submission of the load. wrk (Debian) loads from this separate
process; the faults run is a Python load generator, also a separate process.

submissions  POST /api/v1/cities/polotsk/appeals with a 1600×1200 JPEG, through nginx,
             stored in PostgreSQL and SeaweedFS; the target is 30/s.
reads        the mixed public-read load: home 30 %, reports list and GeoJSON 30 %, map
             10 %, news and notices 20 %, Open311 10 %; requests/s and p99, the share
             nginx answered from its micro-cache, and the bare view's ceiling through
             nginx for the ratio. Then a new report's freshness: the time from its 201 to
             its first appearance in the public list, read anonymously through nginx.
faults       residents submit with idempotency keys while one web node, one task worker
             and the outbox are killed with SIGKILL (supervisord restarts each alone);
             what got no answer is sent again with the same key. Counted: appeals stored
             against distinct keys, e-mail notifications delivered (at least once, a
             repeat with the same Message-ID), and the site's answers to a probe of
             /healthz every 100 ms throughout. Meanwhile residents ask for sign-in
             codes (allauth's form, through nginx) and each code's e-mail is looked
             for in the mailbox: a sign-in e-mail is never lost to a killed worker.
"""

import argparse
import email
import email.policy
import http.client
import http.cookiejar
import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BIN, CATEGORY, CENTRE, CITY, ROOT, percentile, resident_token

_spec = importlib.util.spec_from_file_location("cluster", ROOT / "deploy" / "cluster.py")
assert _spec and _spec.loader
cluster = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cluster)

HOST, PORT = "127.0.0.1", cluster.PORT
BASE = f"http://{HOST}:{PORT}"
SUBMIT_PATH = f"/api/v1/cities/{CITY}/appeals"
REPORTS = f"/api/v1/cities/{CITY}/reports"

MIX = [  # (weight in %, path)
    (30, f"/{CITY}/"),
    (15, REPORTS),
    (15, f"{REPORTS}.geojson"),
    (10, f"/{CITY}/map/"),
    (10, f"/{CITY}/news/"),
    (10, f"/{CITY}/notices/"),
    (10, f"/open311/v2/requests.json?jurisdiction_id={CITY}"),
]

MIX_SCRIPT = """-- The mixed public-read load: each request picks a path by its weight.
local paths = {paths}
local weights = {weights}
local cumulative, total = {{}}, 0
for i, w in ipairs(weights) do total = total + w; cumulative[i] = total end
math.randomseed(os.time() + math.floor(os.clock() * 1000000))
request = function()
  local r = math.random() * total
  for i, c in ipairs(cumulative) do
    if r <= c then return wrk.format("GET", paths[i]) end
  end
  return wrk.format("GET", paths[#paths])
end
-- How nginx answered each request of the load (its X-Cache: HIT, MISS, UPDATING…),
-- counted per thread and summed at the end.
local threads = {{}}
setup = function(thread) table.insert(threads, thread) end
statuses = {{}}
response = function(status, headers, body)
  local key = status .. " " .. (headers["X-Cache"] or "-")
  statuses[key] = (statuses[key] or 0) + 1
end
done = function(summary, latency, requests)
  local total = {{}}
  for _, thread in ipairs(threads) do
    for key, n in pairs(thread:get("statuses")) do total[key] = (total[key] or 0) + n end
  end
  for key, n in pairs(total) do io.write(string.format("XCACHE %s %d\\n", key, n)) end
end
"""


def lua_list(items: list) -> str:
    return "{" + ", ".join(json.dumps(i) for i in items) + "}"


def ensure_cluster() -> dict[str, str]:
    """Start (or update) the cluster with the limit raised; its environment."""
    os.environ["APPEAL_SUBMISSIONS_PER_HOUR"] = "100000000"
    subprocess.run([str(BIN / "python"), str(ROOT / "deploy" / "cluster.py"), "up"], check=True)
    return {**os.environ, **cluster.app_env()}


def wrk(*args: str) -> str:
    return subprocess.run(
        ["wrk", *args], check=True, stdout=subprocess.PIPE, text=True, timeout=600
    ).stdout


def parse_wrk(out: str) -> dict[str, float]:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    units = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    found = {}
    for name in ("50%", "99%"):
        match = re.search(rf"{name}\s+([\d.]+)(us|ms|s)", out)
        found[name] = float(match.group(1)) * units[match.group(2)] if match else float("nan")
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    total = re.search(r"(\d+) requests in", out)
    return {
        "rps": rps,
        "requests": int(total.group(1)) if total else 0,
        "p50": found["50%"],
        "p99": found["99%"],
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
    }


# --- submissions ------------------------------------------------------------------------


def cpu_by_program() -> Counter:
    """CPU seconds used so far by each part of the cluster, from /proc: a supervised
    program's whole process tree under its name, the rest by command (postgres, weed,
    redis-server). Taken before and after a load, it says where a submission's CPU went."""
    tick = os.sysconf("SC_CLK_TCK")
    parent, cpu, command = {}, {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            raw = stat.read_text()
        except OSError:
            continue  # ended while being read
        pid = int(stat.parent.name)
        name, rest = raw[raw.index("(") + 1 : raw.rindex(")")], raw[raw.rindex(")") + 2 :].split()
        parent[pid], command[pid] = int(rest[1]), name
        cpu[pid] = (int(rest[11]) + int(rest[12])) / tick  # utime + stime
    programs = {}
    for line in cluster.supervisorctl("status").splitlines():
        fields = line.split()
        if "pid" in fields:
            programs[int(fields[fields.index("pid") + 1].rstrip(","))] = fields[0]
    totals: Counter = Counter()
    for pid, seconds in cpu.items():
        ancestor, owner = pid, None
        while ancestor > 1 and owner is None:
            owner = programs.get(ancestor)
            ancestor = parent.get(ancestor, 0)
        if owner is None and command[pid] in {"postgres", "weed", "redis-server"}:
            owner = command[pid]
        if owner:
            totals[owner.rstrip("0123456789")] += seconds
    return totals


def bench_submissions(env: dict[str, str], duration: int, connections: int) -> dict:
    import run  # the single-node harness: its photo, body and wrk script

    token = resident_token(env)
    with tempfile.TemporaryDirectory() as workdir:
        script, body, content_type = run.post_script(Path(workdir), token)
        check = urllib.request.Request(
            BASE + SUBMIT_PATH,
            data=body,
            method="POST",
            headers={"Content-Type": content_type, "Authorization": f"Bearer {token}"},
        )
        with urllib.request.urlopen(check, timeout=60) as answer:
            assert answer.status == 201, answer.status
        cpu_before = cpu_by_program()
        out = wrk(
            "-t2",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            "--timeout",
            "30s",
            "-s",
            script,
            BASE + SUBMIT_PATH,
        )
    cpu = cpu_by_program()
    cpu.subtract(cpu_before)
    figures = parse_wrk(out)
    print("\n## Submissions with a 1600×1200 photo (PostgreSQL + SeaweedFS, through nginx)")
    print("| connections | submissions/s | p50 ms | p99 ms | non-2xx | target |")
    print("|---|---|---|---|---|---|")
    verdict = "meets" if figures["rps"] >= 30 else "below"
    print(
        f"| {connections} | {figures['rps']:.1f} | {figures['p50']:.0f} | {figures['p99']:.0f} "
        f"| {figures['non_2xx']} | ≥ 30/s: {verdict} |"
    )
    done = max(1, int(figures["requests"]))
    figures["cpu_ms"] = {part: round(s * 1000 / done, 1) for part, s in cpu.items()}
    print(f"\nCPU per submission by part of the cluster ({done} submissions), ms:")
    print("| " + " | ".join(cpu) + " | all |")
    print("|" + "---:|" * (len(cpu) + 1))
    print(
        "| "
        + " | ".join(f"{s * 1000 / done:.1f}" for s in cpu.values())
        + f" | {sum(cpu.values()) * 1000 / done:.1f} |"
    )
    return figures


# --- mixed public reads and freshness ----------------------------------------------------


def bench_reads(
    env: dict[str, str], duration: int, connections: int, accept_encoding: str = ""
) -> dict:
    for _, path in MIX:
        with urllib.request.urlopen(BASE + path, timeout=30) as answer:
            assert answer.status == 200, (path, answer.status)
    with tempfile.TemporaryDirectory() as workdir:
        script = Path(workdir) / "mix.lua"
        script.write_text(
            MIX_SCRIPT.format(
                paths=lua_list([p for _, p in MIX]), weights=lua_list([w for w, _ in MIX])
            )
        )
        ceiling_run = ["-t2", f"-c{connections}", f"-d{max(5, duration // 2)}s", "--latency"]
        # The bare view answered by the nodes (credentials bypass the micro-cache), and
        # answered by nginx from the micro-cache: the two ceilings of the mix.
        ceiling = parse_wrk(
            wrk(*ceiling_run, "-H", "Authorization: Bearer none", BASE + "/bench/ceiling")
        )
        cached = parse_wrk(wrk(*ceiling_run, BASE + "/bench/ceiling"))
        # wrk.format() adds the -H headers to each request of the script.
        encoding = ["-H", f"Accept-Encoding: {accept_encoding}"] if accept_encoding else []
        out = wrk(
            "-t2",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            "--timeout",
            "10s",
            *encoding,
            "-s",
            str(script),
            BASE + "/",
        )
    mixed = parse_wrk(out)
    answered = Counter(
        {m.group(1): int(m.group(2)) for m in re.finditer(r"^XCACHE (.+) (\d+)$", out, re.M)}
    )
    total = sum(answered.values()) or 1
    mix_cache = ", ".join(f"{k} {100 * v / total:.1f} %" for k, v in answered.most_common())
    hits = cache_share(env, duration)
    # When some path is not kept (an answer that sets a cookie, or is private), the
    # same weights over only the paths nginx keeps: what the mix would be with all kept.
    kept = [(w, p) for w, p in MIX if hits[p].startswith("HIT")]
    kept_mix = None
    if kept and len(kept) < len(MIX):
        with tempfile.TemporaryDirectory() as workdir:
            script = Path(workdir) / "kept.lua"
            script.write_text(
                MIX_SCRIPT.format(
                    paths=lua_list([p for _, p in kept]), weights=lua_list([w for w, _ in kept])
                )
            )
            kept_mix = parse_wrk(
                wrk(
                    "-t2",
                    f"-c{connections}",
                    f"-d{max(5, duration // 2)}s",
                    "--latency",
                    "-s",
                    str(script),
                    BASE + "/",
                )
            )
    print("\n## Mixed public reads through nginx (two web nodes)")
    print("| load | requests/s | p50 ms | p99 ms | non-2xx | ratio to the ceiling |")
    print("|---|---|---|---|---|---|")
    print(
        f"| bare view through nginx to the nodes (ceiling) | {ceiling['rps']:.0f} "
        f"| {ceiling['p50']:.1f} | {ceiling['p99']:.1f} | {ceiling['non_2xx']} | 1.00 |"
    )
    print(
        f"| bare view from nginx's micro-cache | {cached['rps']:.0f} | {cached['p50']:.1f} "
        f"| {cached['p99']:.1f} | {cached['non_2xx']} | {cached['rps'] / ceiling['rps']:.2f} |"
    )
    print(
        f"| mix (home 30, reports+GeoJSON 30, map 10, news+notices 20, Open311 10)"
        f"{', Accept-Encoding: ' + accept_encoding if accept_encoding else ''} "
        f"| {mixed['rps']:.0f} | {mixed['p50']:.1f} | {mixed['p99']:.1f} | {mixed['non_2xx']} "
        f"| {mixed['rps'] / ceiling['rps']:.2f} |"
    )
    if kept_mix:
        print(
            f"| the mix's paths nginx keeps ({', '.join(p for _, p in kept)}) "
            f"| {kept_mix['rps']:.0f} | {kept_mix['p50']:.1f} | {kept_mix['p99']:.1f} "
            f"| {kept_mix['non_2xx']} | {kept_mix['rps'] / ceiling['rps']:.2f} |"
        )
    print(f"\nhow nginx answered the mix (status, X-Cache): {mix_cache}")
    print(f"micro-cache, per path (a sample of 200 anonymous GETs each): {hits}")
    verdict = "meets" if mixed["rps"] >= 3000 and mixed["p99"] < 50 else "below"
    print(f"target ≥ 3,000 requests/s with p99 < 50 ms: {verdict}")
    fresh = freshness(env)
    return {
        "ceiling": ceiling,
        "cached_ceiling": cached,
        "mixed": mixed,
        "kept_mix": kept_mix,
        "cache": hits,
        "mix_cache": dict(answered),
        "freshness": fresh,
    }


def cache_share(env: dict[str, str], duration: int) -> dict[str, str]:
    """How each path of the mix is answered by nginx: HIT, MISS, BYPASS (X-Cache)."""
    shares = {}
    for _, path in MIX:
        seen: Counter[str] = Counter()
        for _ in range(200):
            with urllib.request.urlopen(BASE + path, timeout=30) as answer:
                answer.read()
                seen[answer.headers.get("X-Cache", "-")] += 1
        shares[path] = ", ".join(f"{k} {v / 2:.0f} %" for k, v in seen.most_common())
    return shares


def freshness(env: dict[str, str], samples: int = 5) -> list[float]:
    """Seconds from a new report's 201 to its first appearance in the public list."""
    token = resident_token(env)
    waits = []
    for n in range(samples):
        body = json.dumps(
            {
                "category": CATEGORY,
                "description": f"Фонарь не горит, проверка свежести {n}",
                "lat": CENTRE[0],
                "lon": CENTRE[1],
                "consent": True,
            }
        ).encode()
        boundary = "fresh" + uuid.uuid4().hex
        form = (
            b"".join(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"'
                f"\r\n\r\n{v}\r\n".encode()
                for k, v in json.loads(body).items()
            )
            + f"--{boundary}--\r\n".encode()
        )
        request = urllib.request.Request(
            BASE + SUBMIT_PATH,
            data=form,
            method="POST",
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Authorization": f"Bearer {token}",
            },
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            created = json.loads(answer.read())
        submitted = time.monotonic()
        appeal_id = created.get("id") or created.get("appeal", {}).get("id")
        while True:
            with urllib.request.urlopen(BASE + REPORTS, timeout=30) as answer:
                ids = [item["id"] for item in json.loads(answer.read())["items"]]
            if appeal_id in ids:
                waits.append(time.monotonic() - submitted)
                break
            if time.monotonic() - submitted > 30:
                waits.append(float("inf"))
                break
            time.sleep(0.02)
        time.sleep(1.2)
    print("\n## Freshness: a new report in the public list (anonymous, through nginx)")
    print("| samples | median s | worst s | target |")
    print("|---|---|---|---|")
    worst = max(waits)
    print(
        f"| {len(waits)} | {percentile(waits, 0.5):.2f} | {worst:.2f} "
        f"| within 1 s: {'meets' if worst <= 1 else 'below'} |"
    )
    return waits


# --- faults under load ----------------------------------------------------------------


class Resident(threading.Thread):
    """Submits reports one after another, each with its own idempotency key, and sends
    again with the same key whatever got no answer."""

    def __init__(self, token: str, stop: threading.Event, body: bytes, boundary: str):
        super().__init__(daemon=True)
        self.token, self.stop, self.body, self.boundary = token, stop, body, boundary
        self.keys: list[str] = []
        self.resent = 0
        self.answers: Counter[int] = Counter()

    def run(self) -> None:
        while not self.stop.is_set():
            key = uuid.uuid4().hex
            self.keys.append(key)
            while not self._send(key):
                self.resent += 1
                time.sleep(0.2)

    def _send(self, key: str) -> bool:
        connection = http.client.HTTPConnection(HOST, PORT, timeout=30)
        try:
            connection.request(
                "POST",
                SUBMIT_PATH,
                body=self.body,
                headers={
                    "Content-Type": f"multipart/form-data; boundary={self.boundary}",
                    "Authorization": f"Bearer {self.token}",
                    "Idempotency-Key": key,
                },
            )
            status = connection.getresponse().status
        except (OSError, http.client.HTTPException):
            self.answers[0] += 1
            return False
        finally:
            connection.close()
        self.answers[status] += 1
        return status in (200, 201)


class Probe(threading.Thread):
    """GET /healthz through nginx every 100 ms."""

    def __init__(self, stop: threading.Event):
        super().__init__(daemon=True)
        self.stop = stop
        self.answers: Counter[str] = Counter()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                with urllib.request.urlopen(BASE + "/healthz", timeout=5) as answer:
                    self.answers[str(answer.status)] += 1
            except urllib.error.HTTPError as refused:
                self.answers[str(refused.code)] += 1
            except OSError as failed:
                self.answers[type(failed).__name__] += 1
            time.sleep(0.1)


class SignIn(threading.Thread):
    """Asks for a sign-in code by e-mail through allauth's form every few seconds, for
    residents made for this run (the limits allow 3 a minute per address and 20 per
    client address), and remembers which were accepted."""

    EVERY_S = 3.5

    def __init__(self, stop: threading.Event, addresses: list[str]):
        super().__init__(daemon=True)
        self.stop, self.addresses = stop, addresses
        self.asked: Counter[str] = Counter()
        self.answers: Counter[str] = Counter()

    def run(self) -> None:
        turn = 0
        while not self.stop.is_set():
            address = self.addresses[turn % len(self.addresses)]
            turn += 1
            started = time.monotonic()
            outcome = self._ask(address)
            self.answers[outcome] += 1
            if outcome == "302":
                self.asked[address] += 1
            self.stop.wait(max(0.0, self.EVERY_S - (time.monotonic() - started)))

    def _ask(self, address: str) -> str:
        jar = http.cookiejar.CookieJar()

        class _NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: object, **kwargs: object) -> None:
                return None

        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())
        try:
            with opener.open(BASE + "/accounts/login/code/", timeout=30) as page:
                form = page.read().decode()
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
            if token is None:
                return "no form"
            body = urllib.parse.urlencode(
                {"csrfmiddlewaretoken": token.group(1), "email": address}
            ).encode()
            request = urllib.request.Request(
                BASE + "/accounts/login/code/", data=body, method="POST"
            )
            with opener.open(request, timeout=30) as answer:
                return str(answer.status)
        except urllib.error.HTTPError as refused:
            return str(refused.code)
        except OSError as failed:
            return type(failed).__name__


SHELL_RESIDENTS = """
import sys
from allauth.account.models import EmailAddress
from mycity.accounts.models import User
for address in sys.argv[1:]:
    user = User.objects.create_user(email=address)
    EmailAddress.objects.create(user=user, email=address, verified=True, primary=True)
print("MADE", len(sys.argv) - 1)
"""


def mail_recipients() -> Counter[str]:
    """How many e-mails the file backend wrote to each address."""
    seen: Counter[str] = Counter()
    for path in (cluster.DIR / "mail").glob("*.log"):
        for raw in re.split(rb"\n-{79}\n", path.read_bytes()):
            if not raw.strip():
                continue
            message = email.message_from_bytes(raw.strip() + b"\n", policy=email.policy.default)
            for address in str(message["To"] or "").split(","):
                seen[address.strip()] += 1
    return seen


def program_pid(name: str) -> int:
    out = cluster.supervisorctl("pid", name).strip()
    return int(out)


def kill_program(name: str) -> None:
    """SIGKILL a program's whole process group, as a crash of its machine would."""
    pid = program_pid(name)
    os.killpg(os.getpgid(pid), signal.SIGKILL)


SHELL_COUNT = """
import json, sys
from mycity.appeals.models import SubmissionKey
from mycity.notify.models import Delivery
from mycity.notify.channels import message_id
keys = set(json.load(open(sys.argv[1])))
rows = list(SubmissionKey.objects.filter(key__in=keys).values_list("key", "appeal_id"))
appeals = {a for _, a in rows}
since = int(sys.argv[2])
deliveries = Delivery.objects.filter(pk__gt=since, channel="email")
print("COUNT " + json.dumps({
    "keys_stored": len({k for k, _ in rows}),
    "appeals": len(appeals),
    "deliveries": deliveries.count(),
    "sent": deliveries.filter(state="sent").count(),
    "states": dict(Counter(deliveries.values_list("state", flat=True))),
    "message_ids": [message_id(d) for d in deliveries],
}))
"""


def app_shell(env: dict[str, str], code: str, *args: str) -> str:
    out = subprocess.run(
        [
            str(BIN / "python"),
            "-c",
            "import django; django.setup()\nfrom collections import Counter\n" + code,
            *args,
        ],
        env={**env, "DJANGO_SETTINGS_MODULE": "mycity.settings"},
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    return out


def mail_message_ids() -> Counter[str]:
    """Message-IDs of every e-mail the file backend wrote (one file per connection)."""
    seen: Counter[str] = Counter()
    for path in (cluster.DIR / "mail").glob("*.log"):
        for raw in re.split(rb"\n-{79}\n", path.read_bytes()):
            if not raw.strip():
                continue
            message = email.message_from_bytes(raw.strip() + b"\n", policy=email.policy.default)
            if message["Message-ID"]:
                seen[str(message["Message-ID"]).strip()] += 1
    return seen


def bench_faults(env: dict[str, str], duration: int, residents: int) -> dict:
    token = resident_token(env)
    last_delivery = int(
        app_shell(
            env,
            "from mycity.notify.models import Delivery\n"
            "last = Delivery.objects.order_by('-pk').values_list('pk', flat=True).first()\n"
            "print('LAST', last or 0)",
        ).split("LAST")[-1]
    )
    boundary = "faults" + uuid.uuid4().hex
    fields = {
        "category": CATEGORY,
        "description": "Не горит фонарь во дворе, проверка отказов",
        "lat": CENTRE[0],
        "lon": CENTRE[1],
        "consent": "true",
    }
    body = (
        b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in fields.items()
        )
        + f"--{boundary}--\r\n".encode()
    )
    run_tag = uuid.uuid4().hex[:8]
    addresses = [f"signin-{run_tag}-{n}@example.org" for n in range(8)]
    app_shell(env, SHELL_RESIDENTS, *addresses)
    stop = threading.Event()
    load = [Resident(token, stop, body, boundary) for _ in range(residents)]
    probe = Probe(stop)
    signing_in = SignIn(stop, addresses)
    for thread in [*load, probe, signing_in]:
        thread.start()
    plan = [(0.2, "web1"), (0.4, "worker1"), (0.6, "outbox")]
    started = time.monotonic()
    killed = []
    for share, name in plan:
        time.sleep(max(0.0, started + share * duration - time.monotonic()))
        kill_program(name)
        killed.append(f"{name} at {time.monotonic() - started:.0f} s")
    time.sleep(max(0.0, started + duration - time.monotonic()))
    stop.set()
    for thread in load:
        thread.join(timeout=120)
    probe.join(timeout=10)
    signing_in.join(timeout=60)
    keys = [k for r in load for k in r.keys]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as listing:
        json.dump(keys, listing)
    # The outbox (restarted) delivers what is due; wait for every delivery to settle.
    deadline = time.monotonic() + 180
    while True:
        counted = json.loads(
            app_shell(env, SHELL_COUNT, listing.name, str(last_delivery)).split("COUNT ")[-1]
        )
        if counted["sent"] == counted["deliveries"] or time.monotonic() > deadline:
            break
        time.sleep(2)
    os.unlink(listing.name)
    # The sign-in e-mails: each accepted request's mail, delivered by a task worker.
    wanted = sum(signing_in.asked.values())
    deadline = time.monotonic() + 120
    while True:
        received = mail_recipients()
        got = sum(min(received[a], n) for a, n in signing_in.asked.items())
        if got >= wanted or time.monotonic() > deadline:
            break
        time.sleep(2)
    mail = mail_message_ids()
    expected = counted["message_ids"]
    delivered = [m for m in expected if mail[m] >= 1]
    repeats = sum(mail[m] - 1 for m in expected if mail[m] > 1)
    answers: Counter[int] = sum((r.answers for r in load), Counter())
    statuses = program_statuses()
    print("\n## Faults under load (SIGKILL: " + ", ".join(killed) + ")")
    print("| measure | count |")
    print("|---|---|")
    rows = [
        ("residents sending, seconds", f"{residents}, {duration}"),
        ("distinct idempotency keys sent", len(keys)),
        ("re-sent with the same key (no answer)", sum(r.resent for r in load)),
        ("answers by status (0 = no answer)", dict(sorted(answers.items()))),
        ("keys with a stored appeal", counted["keys_stored"]),
        ("appeals stored for those keys", counted["appeals"]),
        ("lost (keys without an appeal)", len(set(keys)) - counted["keys_stored"]),
        ("doubled (appeals beyond one per key)", counted["appeals"] - counted["keys_stored"]),
        ("e-mail deliveries created", counted["deliveries"]),
        ("deliveries by state", counted["states"]),
        ("e-mails whose Message-ID reached the mailbox", len(delivered)),
        ("repeats (same Message-ID again)", repeats),
        ("/healthz probes through nginx", dict(probe.answers)),
        ("sign-in code requests by answer (302 = accepted)", dict(signing_in.answers)),
        ("sign-in e-mails delivered / accepted requests", f"{got} / {wanted}"),
        ("sign-in e-mails lost", wanted - got),
        ("processes after the run", statuses),
    ]
    for name, value in rows:
        print(f"| {name} | {value} |")
    return {name: value for name, value in rows}


def program_statuses() -> str:
    out = cluster.supervisorctl("status")
    return ", ".join(
        f"{line.split()[0]} {line.split()[1]}" for line in out.splitlines() if line.strip()
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["submissions", "reads", "faults", "all"])
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=0)
    parser.add_argument("--residents", type=int, default=8)
    parser.add_argument(
        "--accept-encoding",
        default="",
        help="reads: the mix's requests send this Accept-Encoding, as browsers do (e.g. gzip)",
    )
    options = parser.parse_args()
    env = ensure_cluster()
    # The machine is shared: say how busy it was, since every figure depends on it.
    print(f"load average before the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    results = {}
    if options.what in ("submissions", "all"):
        results["submissions"] = bench_submissions(env, options.duration, options.connections or 16)
    if options.what in ("reads", "all"):
        results["reads"] = bench_reads(
            env, options.duration, options.connections or 64, options.accept_encoding
        )
    if options.what in ("faults", "all"):
        results["faults"] = bench_faults(env, max(options.duration, 30), options.residents)
    print(f"load average after the run: {os.getloadavg()[0]:.1f}")
    out = ROOT / "var" / "bench" / "cluster.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, default=str, indent=1, ensure_ascii=False))
    print(f"\nfigures written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
