"""Benchmark of the reminder's page hook (not a test): requests per second of the
portal page for a member of the Data Backup Group, served by waitress, with the hook
on beside the same request with the hook off (BACKUP_REMINDER_HOOK=false), in one run.

With the hook on, the member has skipped today's backup, so every request pays the
hook's whole decision (its one query) and is then served as usual.

Usage: python bench/reminder_bench.py [--seconds 3] [--rounds 9] [--threads 4]"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal import create_app, startup  # noqa: E402
from portal.passwords import hash_password  # noqa: E402
from portal.reminder import store  # noqa: E402
from portal.users import add_user  # noqa: E402
from portal.web import get_db  # noqa: E402
from tests.http_client import Browser  # noqa: E402
from tests.serving import serve  # noqa: E402

PASSWORD = "bench password"


def prepare(instance: Path) -> None:
    app = create_app({"INSTANCE_PATH": str(instance), "TIMEZONE": "UTC"})
    startup.open_instance(app)
    with app.app_context():
        conn = get_db("system.db")
        now = datetime.now(UTC)
        member = add_user(conn, "member", "Member", "Office", hash_password(PASSWORD), now)
        store.add_members(conn, [member.id], now)
        store.save_settings(conn, store.ReminderSettings(enabled=True))
        store.record_skip(conn, member.id, now.date(), now)


def session_cookie(url: str) -> str:
    browser = Browser(url)
    browser.log_in("member", PASSWORD)
    return browser.session_cookie()


def load(url: str, cookie: str, seconds: float, threads: int) -> float:
    """Requests per second of GET / over keep-alive connections."""
    host, port = url.removeprefix("http://").split(":")
    counts = [0] * threads
    stop = time.monotonic() + seconds

    def client(index: int) -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        while time.monotonic() < stop:
            conn.request("GET", "/", headers={"Cookie": cookie})
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"GET / answered {response.status}")
            counts[index] += 1
        conn.close()

    workers = [threading.Thread(target=client, args=(i,)) for i in range(threads)]
    began = time.monotonic()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return sum(counts) / (time.monotonic() - began)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="portal-reminder-bench-") as folder:
        instance = Path(folder) / "instance"
        prepare(instance)
        env = {"PORTAL_TIMEZONE": "UTC"}
        hook_off = {**env, "PORTAL_BACKUP_REMINDER_HOOK": "false"}
        # A second server with the hook on measures the noise floor (an A/A comparison).
        with (
            serve(instance, env=hook_off) as (off_url, _),
            serve(instance, env=env) as (on_url, _),
            serve(instance, env=env) as (again_url, _),
        ):
            urls = {"off": off_url, "on": on_url, "on again": again_url}
            cookies = {name: session_cookie(url) for name, url in urls.items()}
            for name in urls:  # warm up
                load(urls[name], cookies[name], 1, args.threads)
            rates = {name: [] for name in urls}
            for _ in range(args.rounds):
                for name in urls:  # interleaved: drift weighs on all alike
                    rates[name].append(load(urls[name], cookies[name], args.seconds, args.threads))
    off, on, again = (statistics.median(rates[n]) for n in ("off", "on", "on again"))
    cost = (1 - on / off) * 100
    print(
        f"\n### Reminder hook, portal page for a member\n\n"
        f"Machine: {platform.platform()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores, load average "
        f"{' '.join(f'{v:.2f}' for v in os.getloadavg())} at the end, "
        f"{datetime.now():%Y-%m-%d}. waitress (8 threads), "
        f"{args.threads} keep-alive clients, {args.rounds} interleaved rounds of "
        f"{args.seconds:g} s, medians.\n"
    )
    print("| portal page `/` | requests/s | ratio | target |")
    print("|---|---|---|---|")
    print(f"| hook off (reference) | {off:.0f} | 1.00 | |")
    print(
        f"| hook on | {on:.0f} | {on / off:.3f} | cost under 5%: "
        f"{'met' if cost < 5 else 'NOT met'} ({cost:.1f}%) |"
    )
    print(f"| hook on, a second server (noise floor: on ÷ on) | {again:.0f} | {again / on:.3f} | |")
    print()
    for name, values in rates.items():
        print(f"Rounds, {name} (requests/s): " + ", ".join(f"{r:.0f}" for r in values) + "  ")


if __name__ == "__main__":
    main()
