"""Benchmark (issue 15): requests per second of the portal page and of each app's main
page, against a minimal Flask app on the same waitress settings, in one run.

The portal (`python -m portal`, waitress, 8 threads) serves the demo organisation;
Alice is a member of the Data Backup Group with Schedule Data Backup on and has skipped
today's backup, so every request pays the reminder hook's whole decision. The reference
is bench/minimal_app.py (one route, 8 threads). The load is `wrk` on the loopback
(Debian's package `wrk`), with keep-alive connections, in interleaved rounds; each
figure is the median of the rounds, with wrk's p50 and p99 latency. Target: each page at
least 0.35x the minimal app's requests per second.

Usage: python bench/portal_page_bench.py [--seconds 5] [--rounds 3] [--connections 20]"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal import create_app, demo, startup  # noqa: E402
from portal.reminder import store  # noqa: E402
from portal.users import find_user  # noqa: E402
from portal.web import get_db  # noqa: E402
from tests.http_client import Browser  # noqa: E402
from tests.serving import free_port, serve, stop  # noqa: E402

PAGES = ["/", "/todo/", "/scheduler/", "/bulletin/"]
TARGET = 0.35


def prepare(instance: Path) -> None:
    app = create_app({"INSTANCE_PATH": str(instance), "TIMEZONE": "UTC"})
    startup.open_instance(app)
    with app.app_context():
        system = get_db("system.db")
        now = datetime.now(UTC)
        demo.load(system, get_db("schedule.db"), get_db("bulletin.db"), get_db("todo.db"), now)
        alice = find_user(system, "alice")
        store.add_members(system, [alice.id], now)
        store.save_settings(system, store.ReminderSettings(enabled=True))
        store.record_skip(system, alice.id, now.date(), now)


@contextmanager
def minimal_app():
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "minimal_app.py"), str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/", timeout=2)  # noqa: S310 - loopback
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        stop(proc)


def session_cookie(url: str) -> str:
    browser = Browser(url)
    browser.log_in("alice", demo.DEMO_PASSWORD)
    return browser.session_cookie()


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, seconds: float, connections: int, cookie: str | None = None) -> dict:
    """wrk's requests/s, p50 and p99 (ms), and its errors (non-2xx answers, socket errors)."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds:g}s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout

    def latency(percent: str) -> float:
        value, unit = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * _UNITS[unit]

    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = int(non_2xx.group(1)) if non_2xx else 0
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if socket:
        errors += sum(int(n) for n in socket.groups())
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": latency("50"),
        "p99": latency("99"),
        "errors": errors,
    }


def wrk_arguments(description: str) -> argparse.Namespace:
    """The command line of a benchmark that serves pages to wrk (this one and
    cores_bench.py); it stops here when wrk is missing."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=20)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("This benchmark needs wrk (Debian: apt-get install wrk).")
    return args


def main() -> None:
    args = wrk_arguments(__doc__.splitlines()[0])
    results: dict[str, list[dict]] = {}
    with tempfile.TemporaryDirectory(prefix="portal-page-bench-") as folder:
        instance = Path(folder) / "instance"
        prepare(instance)
        with serve(instance, env={"PORTAL_TIMEZONE": "UTC"}) as (url, _), minimal_app() as ref:
            cookie = session_cookie(url)
            targets = [("minimal Flask app", ref + "/", None)]
            targets += [(page, url + page, cookie) for page in PAGES]
            for _, target, with_cookie in targets:  # warm up
                wrk(target, 1, args.connections, with_cookie)
            load = os.getloadavg()
            for _ in range(args.rounds):  # interleaved: drift weighs on all alike
                for name, target, with_cookie in targets:
                    results.setdefault(name, []).append(
                        wrk(target, args.seconds, args.connections, with_cookie)
                    )
    report(results, args, load)


def report(results: dict[str, list[dict]], args, load) -> None:
    def median(name: str, key: str) -> float:
        return statistics.median(r[key] for r in results[name])

    reference = median("minimal Flask app", "rps")
    print(
        f"\n### Requests per second against a minimal Flask app\n\n"
        f"Machine: {platform.platform()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
        f"at the start, {datetime.now():%Y-%m-%d}. waitress, 8 threads; `wrk -t2 "
        f"-c{args.connections} -d{args.seconds:g}s` on the loopback, {args.rounds} "
        f"interleaved rounds, medians; the reminder hook on (a member who skipped today).\n"
    )
    print("| page | requests/s | ÷ minimal Flask | p50 ms | p99 ms | errors | target ≥ 0.35x |")
    print("|---|---|---|---|---|---|---|")
    for name, rounds in results.items():
        rps = median(name, "rps")
        ratio = rps / reference
        errors = sum(r["errors"] for r in rounds)
        verdict = "" if name == "minimal Flask app" else ("met" if ratio >= TARGET else "NOT met")
        print(
            f"| {name} | {rps:.0f} | {ratio:.2f} | {median(name, 'p50'):.1f} "
            f"| {median(name, 'p99'):.1f} | {errors} | {verdict} |"
        )
    print()
    for name, rounds in results.items():
        figures = ", ".join(f"{r['rps']:.0f}" for r in rounds)
        print(f"Rounds, {name} (requests/s): {figures}  ")


if __name__ == "__main__":
    main()
