"""Lighthouse on Tend's main screens (issue 12), with mobile emulation, in Debian's Chromium.

    .venv/bin/python bench/lighthouse.py

Installs the pinned npm ``lighthouse`` and ``puppeteer-core`` into bench/lighthouse/
(``npm ci`` from the committed lock) when they are missing, starts ``tend serve`` on a
temporary SQLite database, and runs bench/lighthouse/audit.mjs: the welcome page signed out
(from cold), then home, journal, check-in, right now and trends for a worker who signed in
through the PWA's own form in the audited browser (her key stays in that profile), with
two months of daily check-ins and two journal entries; then, on the same device, her
supervisor Claire (supervisees, and preparing supervision with Jade, who has shared her
week) and the admin Priya (people, support lines, organisation figures). Categories: Performance,
Accessibility, Best Practices, each judged against 95. Reports go to
bench/lighthouse/reports/: JSON for every screen, HTML for the welcome and home pages only
(each is ~600 KB).

Lighthouse 12 has no PWA category, so installability is Chromium's own verdict
(``Page.getInstallabilityErrors`` in a persistent profile) and the manifest's errors.

Performance is simulated (Lantern) from a trace taken on this machine, so it moves with
the machine's load: the load average is printed beside the scores. Prints PASS or SHORT;
never asserts. ``TEND_CHROMIUM`` overrides the browser.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
LIGHTHOUSE = BENCH / "lighthouse"
REPORTS = LIGHTHOUSE / "reports"
TARGET = 95
CATEGORIES = ("performance", "accessibility", "best-practices")
HTML_REPORTS = ("welcome", "home")


def pinned(name: str) -> str:
    return json.loads((LIGHTHOUSE / "package.json").read_text())["dependencies"][name]


def install() -> None:
    """``npm ci`` unless the pinned versions are already in bench/lighthouse/node_modules."""
    wanted = ("lighthouse", "puppeteer-core")
    try:
        ok = all(
            json.loads((LIGHTHOUSE / "node_modules" / n / "package.json").read_text())["version"]
            == pinned(n)
            for n in wanted
        )
    except FileNotFoundError:
        ok = False
    if not ok:
        npm = shutil.which("npm")
        if npm is None:
            sys.exit("bench/lighthouse.py needs Node.js and npm (apt-get install nodejs npm)")
        subprocess.run(  # noqa: S603 - npm from PATH, fixed arguments
            [npm, "ci", "--no-audit", "--no-fund"], cwd=LIGHTHOUSE, check=True
        )


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """``tend serve`` on a free port and a throwaway SQLite database, serving a snapshot of
    pwa/ (so that an edit to the checkout mid-run cannot bring a new build, and a service
    worker update, into the audits); its set-up link is the one it prints on first start."""

    def __init__(self, tmp: Path) -> None:
        shutil.copytree(ROOT / "pwa", tmp / "pwa")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tmp / "server.log"
        env = {
            **os.environ,
            "TEND_DATA_DIR": str(tmp / "data"),
            "TEND_DATABASE_URL": f"sqlite:///{tmp / 'lighthouse.sqlite3'}",
            "TEND_PWA_DIR": str(tmp / "pwa"),
            "TEND_LOG_LEVEL": "WARNING",
        }
        with self.log.open("w") as out:
            self.process = subprocess.Popen(  # noqa: S603 - this Python, Tend's CLI
                [sys.executable, "-m", "server.cli", "serve", "--port", str(self.port)],
                env=env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/ready", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
            if self.process.poll() is not None:
                sys.exit(f"Tend exited early:\n{self.log.read_text()}")
        else:
            self.stop()
            sys.exit(f"Tend did not become ready:\n{self.log.read_text()}")
        found = re.search(r"https?://\S+/setup#\S+", self.log.read_text())
        if not found:
            self.stop()
            sys.exit(f"Tend printed no set-up link:\n{self.log.read_text()}")
        self.setup_link = found.group(0)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def audit(server: Server, tmp: Path) -> dict:
    REPORTS.mkdir(exist_ok=True)
    options = tmp / "options.json"
    options.write_text(
        json.dumps(
            {
                "url": server.url,
                "setupLink": server.setup_link,
                "chromium": os.environ.get("TEND_CHROMIUM") or "/usr/bin/chromium",
                "reports": str(REPORTS),
                "html": list(HTML_REPORTS),
            }
        )
    )
    for stale in REPORTS.glob("*.html"):
        stale.unlink()
    node = shutil.which("node") or sys.exit("bench/lighthouse.py needs Node.js")
    done = subprocess.run(  # noqa: S603 - node from PATH, our own script
        [node, "audit.mjs", str(options)],
        cwd=LIGHTHOUSE,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"the audit failed:\n{done.stderr}\n{done.stdout[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(result: dict, load: tuple[float, float]) -> None:
    print(
        f"Lighthouse {pinned('lighthouse')}, {chromium_version()}, mobile emulation, "
        f"simulated throttling; load average {load[0]:.2f} before, {load[1]:.2f} after"
    )
    print()
    print(f"{'screen':<11} {'performance':>12} {'accessibility':>14} {'best practices':>15}")
    for screen in result["audits"]:
        cells = []
        for category, width in zip(CATEGORIES, (12, 14, 15), strict=True):
            score = screen["scores"][category]
            mark = "PASS" if score >= TARGET else "SHORT"
            cells.append(f"{score:>3} {mark:<5}".rjust(width))
        broken = f"  (not measured: {screen['runtimeError']})" if screen["runtimeError"] else ""
        print(f"{screen['name']:<11} {' '.join(cells)}{broken}")
    print()
    for screen in result["audits"]:
        metrics = screen["metrics"]
        print(
            f"{screen['name']:<11} FCP {metrics['first-contentful-paint']:>7}  "
            f"LCP {metrics['largest-contentful-paint']:>7}  "
            f"TBT {metrics['total-blocking-time']:>7}  "
            f"CLS {metrics['cumulative-layout-shift']:>5}"
        )
    failed = [(s["name"], a) for s in result["audits"] for a in s["failed"]]
    print()
    print("Audits below 90 (or failed):" if failed else "No audit below 90.")
    for name, a in failed:
        print(f"  {name:<11} {a['category']:<15} {a['id']}: {a['title']} {a['value']}".rstrip())
    errored: dict[str, list[str]] = {}
    for screen in result["audits"]:
        for a in screen["errored"]:
            errored.setdefault(a["id"], []).append(screen["name"])
    if errored:
        print("Audits Lighthouse could not run (none is weighted in a score):")
    for audit_id, screens in errored.items():
        where = "every screen" if len(screens) == len(result["audits"]) else ", ".join(screens)
        print(f"  {audit_id} on {where}")
    if any("frame_sequence" in a["value"] for s in result["audits"] for a in s["errored"]):
        print(
            "  (the trace engine of this Lighthouse cannot read this Chromium's frame events; "
            "newer Lighthouse needs Node 22)"
        )
    warnings = {w for s in result["audits"] for w in s["runWarnings"]}
    for warning in sorted(warnings):
        print(f"  warning: {warning}")
    install = result["installability"]
    problems = install["installabilityErrors"] + install["manifestErrors"]
    print()
    print(
        f"  {'PASS ' if not problems else 'SHORT'} installable "
        f"(Chromium's installability errors: {install['installabilityErrors'] or 'none'}; "
        f"manifest {install['manifestUrl']} errors: {install['manifestErrors'] or 'none'})"
    )
    print(
        f"\nReports: {REPORTS.relative_to(ROOT)}/ (JSON for each screen; HTML for "
        f"{', '.join(HTML_REPORTS)})"
    )


def chromium_version() -> str:
    chromium = os.environ.get("TEND_CHROMIUM") or "/usr/bin/chromium"
    done = subprocess.run(  # noqa: S603 - the configured browser, --version
        [chromium, "--version"], capture_output=True, text=True, check=False
    )
    return done.stdout.strip().split(" built")[0] or chromium


def main() -> None:
    install()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        server = Server(tmp)
        try:
            before = os.getloadavg()[0]
            result = audit(server, tmp)
            after = os.getloadavg()[0]
        finally:
            server.stop()
    report(result, (before, after))


if __name__ == "__main__":
    main()
