"""The whole cluster on one machine: `make cluster` (up), `make cluster-stop` (down).

PostgreSQL and Redis are the machine's (the URLs below); this starts, each supervised on
its own by supervisord (restarted alone when it dies): SeaweedFS (master, volume, filer,
S3), two granian web nodes, two task workers (RQ), the notification outbox, the clock of
periodic jobs, and nginx in front of the web nodes. It migrates, loads the demo and prints
the address.

    python deploy/cluster.py up|down|status|env

Everything it writes is under var/cluster/ (configuration, logs, SeaweedFS's data, the
e-mails it "sends"). Settings, from the environment:
    CLUSTER_DATABASE_URL  postgres://postgres@127.0.0.1:5432/mycity_cluster
    CLUSTER_REDIS_URL     redis://127.0.0.1:6379/4
    CLUSTER_PORT          8190 (nginx), web nodes on CLUSTER_WEB_PORTS (8161,8162)
    CLUSTER_S3_BASE_PORT  9300 (SeaweedFS takes this and the next eight)
    CLUSTER_WEB_PROCESSES 1 granian process per web node
    CLUSTER_WEB_THREADS   4 blocking threads per granian process (bench/README.md: fewer
                          gave more submissions/s on two cores, less GIL contention)
"""

import getpass
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DIR = Path(os.environ.get("CLUSTER_DIR", ROOT / "var" / "cluster"))
DATABASE_URL = os.environ.get(
    "CLUSTER_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mycity_cluster"
)
REDIS_URL = os.environ.get("CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/4")
PORT = int(os.environ.get("CLUSTER_PORT", "8190"))
WEB_PORTS = [int(p) for p in os.environ.get("CLUSTER_WEB_PORTS", "8161,8162").split(",")]
S3_BASE_PORT = int(os.environ.get("CLUSTER_S3_BASE_PORT", "9300"))
WEB_PROCESSES = int(os.environ.get("CLUSTER_WEB_PROCESSES", "1"))
WORKERS = 2
SUPERVISOR_PORT = PORT + 1
BUCKET = "mycity"


def secret() -> str:
    """One secret key and one S3 key pair per cluster directory, made on first start."""
    path = DIR / "secrets.json"
    if not path.exists():
        path.write_text(
            json.dumps(
                {
                    "secret_key": secrets.token_urlsafe(50),
                    "s3_access_key": "mycity",
                    "s3_secret_key": secrets.token_urlsafe(24),
                }
            )
        )
        path.chmod(0o600)
    return path.read_text()


def app_env() -> dict[str, str]:
    """The environment of every mycity process of the cluster: production settings."""
    keys = json.loads(secret())
    return {
        "SECRET_KEY": keys["secret_key"],
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on this machine; a real deployment terminates TLS in nginx.
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{PORT},http://localhost:{PORT}",
        "SITE_URL": f"http://127.0.0.1:{PORT}",
        "TRUSTED_PROXY_COUNT": "1",
        "DATABASE_URL": DATABASE_URL,
        "CACHE_URL": REDIS_URL,
        "TASKS_URL": REDIS_URL,
        # The outbox below polls every second and sends a batch per poll: no RQ job
        # per notification (each cost a worker ~8 ms of the queue's bookkeeping).
        "NOTIFY_DELIVERY": "outbox",
        "S3_BUCKET": BUCKET,
        "S3_ENDPOINT_URL": f"http://127.0.0.1:{S3_BASE_PORT + 6}",
        "S3_ACCESS_KEY_ID": keys["s3_access_key"],
        "S3_SECRET_ACCESS_KEY": keys["s3_secret_key"],
        "MYCITY_VAR_DIR": str(DIR / "var"),
        "STATIC_ROOT": str(DIR / "static"),
        # The demo's mail stays on this machine, one file per connection.
        "EMAIL_DELIVERY_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(DIR / "mail"),
        "MYCITY_DEMO_SIGNIN": os.environ.get("MYCITY_DEMO_SIGNIN", "true"),
        "MYCITY_BENCH_ENDPOINTS": "true",
        # The benchmarks raise it: one resident posts every submission of their load.
        "APPEAL_SUBMISSIONS_PER_HOUR": os.environ.get("APPEAL_SUBMISSIONS_PER_HOUR", "30"),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
        "WEB_THREADS": os.environ.get("CLUSTER_WEB_THREADS", "4"),
        "PYTHONUNBUFFERED": "1",
    }


def supervisor_conf() -> str:
    env = app_env()
    environment = ",".join(f'{k}="{v}"' for k, v in env.items())
    python = BIN / "python"
    programs: list[tuple[str, str, bool]] = [
        (
            "seaweedfs",
            f"{ROOT}/deploy/seaweedfs.sh {DIR}/seaweedfs {S3_BASE_PORT}",
            True,
        ),
    ]
    for number, port in enumerate(WEB_PORTS, start=1):
        programs.append(
            (
                f"web{number}",
                f"{python} -m mycity.cli serve --host 127.0.0.1 --port {port} "
                f"--workers {WEB_PROCESSES}",
                False,
            )
        )
    for number in range(1, WORKERS + 1):
        programs.append((f"worker{number}", f"{python} -m mycity.cli worker", False))
    programs.append(
        (
            "outbox",
            f"{python} -m mycity.cli deliver_notifications --loop --interval 1",
            False,
        )
    )
    # The clock of periodic jobs: one is enough (a second would be safe).
    programs.append(("clock", f"{python} -m mycity.cli clock --loop", False))
    programs.append(
        ("nginx", f"/usr/sbin/nginx -c {DIR}/nginx.conf", False),
    )
    lines = [
        "[unix_http_server]",
        f"file={DIR}/supervisor.sock",
        "[supervisord]",
        f"logfile={DIR}/logs/supervisord.log",
        f"pidfile={DIR}/supervisord.pid",
        f"directory={ROOT}",
        "[rpcinterface:supervisor]",
        "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
        "[supervisorctl]",
        f"serverurl=unix://{DIR}/supervisor.sock",
    ]
    for name, command, autostart in programs:
        lines += [
            f"[program:{name}]",
            f"command={command}",
            f"environment={environment}",
            f"autostart={'true' if autostart else 'false'}",
            # Each program is restarted on its own when it dies; the others go on.
            "autorestart=true",
            "startsecs=1",
            "startretries=100",
            "stopasgroup=true",
            "killasgroup=true",
            "stopwaitsecs=15",
            f"stdout_logfile={DIR}/logs/{name}.log",
            "redirect_stderr=true",
        ]
    return "\n".join(lines) + "\n"


def nginx_conf() -> str:
    template = (ROOT / "deploy" / "nginx.conf").read_text()
    user = getpass.getuser()
    return (
        template.replace("@USER@", f"{user} {user}" if user == "root" else user)
        .replace("@DIR@", str(DIR))
        .replace("@PORT@", str(PORT))
        .replace("@STATIC@", str(DIR / "static"))
        .replace("@UPSTREAMS@", "\n".join(f"    server 127.0.0.1:{p};" for p in WEB_PORTS))
        .replace("@MIME@", "/etc/nginx/mime.types")
        .replace("@PARAMS@", str(ROOT / "deploy" / "nginx-proxy.conf"))
        .replace("@MICROCACHE@", str(ROOT / "deploy" / "nginx-microcache.conf"))
    )


def supervisorctl(*args: str) -> str:
    return subprocess.run(  # noqa: S603 (our own programs)
        [str(BIN / "supervisorctl"), "-c", str(DIR / "supervisord.conf"), *args],
        capture_output=True,
        text=True,
        check=False,
    ).stdout


def mycity(*args: str) -> None:
    subprocess.run([str(BIN / "mycity"), *args], env={**os.environ, **app_env()}, check=True)  # noqa: S603


def create_database() -> None:
    import psycopg

    name = urllib.parse.urlparse(DATABASE_URL).path.lstrip("/")
    admin = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def create_bucket() -> None:
    import boto3
    from botocore.config import Config

    env = app_env()
    client = boto3.client(
        "s3",
        endpoint_url=env["S3_ENDPOINT_URL"],
        aws_access_key_id=env["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=env["S3_SECRET_ACCESS_KEY"],
        region_name="us-east-1",
        config=Config(signature_version="s3v4", retries={"max_attempts": 1}),
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            names = [b["Name"] for b in client.list_buckets()["Buckets"]]
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)
    if BUCKET not in names:
        client.create_bucket(Bucket=BUCKET)


def wait_ready(url: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 (local)
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            sys.exit(f"{url} is not ready; see {DIR}/logs/")
        time.sleep(0.5)


def up() -> None:
    if not Path("/usr/sbin/nginx").exists():
        sys.exit("nginx is needed: apt-get install nginx-light (make cluster does it as root)")
    for sub in ("logs", "mail", "var", "static", "cache", "seaweedfs"):
        (DIR / sub).mkdir(parents=True, exist_ok=True)
    (DIR / "supervisord.conf").write_text(supervisor_conf())
    (DIR / "nginx.conf").write_text(nginx_conf())
    if not (DIR / "supervisor.sock").exists() or "RUNNING" not in supervisorctl("status"):
        subprocess.run([str(BIN / "supervisord"), "-c", str(DIR / "supervisord.conf")], check=True)  # noqa: S603
    else:
        supervisorctl("reread")
        supervisorctl("update")
    create_database()
    create_bucket()
    mycity("migrate", "--noinput", "-v0")
    mycity("demo", "--if-empty")
    mycity("collectstatic", "--noinput", "-v0")
    print(supervisorctl("start", "all"), end="")
    for port in WEB_PORTS:
        wait_ready(f"http://127.0.0.1:{port}/readyz")
    wait_ready(f"http://127.0.0.1:{PORT}/readyz")
    print(supervisorctl("status"), end="")
    print(
        f"\n  mycity's cluster serves the demo at http://127.0.0.1:{PORT}/"
        f"\n  processes: {BIN}/supervisorctl -c {DIR}/supervisord.conf status"
        f"\n  logs: {DIR}/logs/   stop: make cluster-stop\n"
    )


def down() -> None:
    if (DIR / "supervisor.sock").exists():
        print(supervisorctl("shutdown"), end="")
        pid_file = DIR / "supervisord.pid"
        deadline = time.monotonic() + 30
        while pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.3)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "up"
    if command == "up":
        up()
    elif command == "down":
        down()
    elif command == "status":
        print(supervisorctl("status"), end="")
    elif command == "env":
        for key, value in app_env().items():
            print(f"export {key}={value!r}")
    elif command == "clean":
        down()
        shutil.rmtree(DIR, ignore_errors=True)
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
