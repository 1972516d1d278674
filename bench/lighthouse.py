"""Lighthouse scores of the citizen app's main pages, as `make run` serves them.

`make lighthouse` runs this: a throw-away database with the demo city and a few
thousand generated appeals, production settings, granian; then Lighthouse (npm, from
bench/lighthouse's own lock file) with Debian's Chromium on the mobile profile
(simulated slow 4G and a mid-range phone) for the home page, the report form and the
map. Map tiles are switched off (there is no internet here, and the issue counts the
page without them). The scores are printed, and each page's report is kept as JSON.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from common import BIN, CITY, ROOT, bench_env, mycity, prepare_database
from run import free_port, wait_until_up

LIGHTHOUSE = ROOT / "bench" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = {
    "home": f"/{CITY}/",
    "report form": f"/{CITY}/report/",
    "map": f"/{CITY}/map/",
}
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")


def audit(url: str, output: Path) -> dict:
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={output}",
            f"--only-categories={','.join(CATEGORIES)}",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage",
        ],
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        check=True,
    )
    return json.loads(output.read_text())


def transferred_kb(report: dict) -> float:
    items = report["audits"]["network-requests"]["details"]["items"]
    return sum(item.get("transferSize", 0) for item in items) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appeals", type=int, default=3000)
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "lighthouse")
    options = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is missing: make lighthouse installs it")
    options.out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="mycity-lighthouse-") as workdir:
        env = bench_env(Path(workdir)) | {"MAP_TILES_URL": ""}
        prepare_database(env, appeals=options.appeals)
        mycity(env, "collectstatic", "--noinput", "-v0")
        server = subprocess.Popen(
            [str(BIN / "mycity"), "serve", "--port", str(port)],
            env=env,
            start_new_session=True,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_up(base + "/healthz")
            rows = []
            for name, path in PAGES.items():
                report = audit(base + path, options.out / f"{name.replace(' ', '-')}.json")
                scores = [round(report["categories"][c]["score"] * 100) for c in CATEGORIES]
                rows.append((name, path, scores, transferred_kb(report)))
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=15)
    browser = report["environment"]["hostUserAgent"].split(" ")[-2]
    print(f"\nLighthouse {report['lighthouseVersion']}, mobile profile, {browser}")
    print(f"| page | {' | '.join(CATEGORIES)} | transferred KB |")
    print("|---|" + "---:|" * (len(CATEGORIES) + 1))
    for name, path, scores, kb in rows:
        print(f"| {name} `{path}` | {' | '.join(map(str, scores))} | {kb:.1f} |")
    print(f"\nreports: {options.out}")


if __name__ == "__main__":
    main()
