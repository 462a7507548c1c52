"""Benchmark (issue 15): the portal under load while backups run back to back.

One instance (the demo organisation, and a todo.db of about 512 MB of the project's
schema), served by waitress (`python -m portal`). In interleaved rounds of the same
length:

- quiet: 50 keep-alive clients (`wrk -c50`, loopback only) open the portal page as a
  member of the Data Backup Group, while a writer commits a to-do every 10 ms;
- backups: the same load and the same writer while `flask --app portal backup run
  todo.db` runs back to back, each a new process as an operator or a scheduled task
  starts it.

Reported: requests per second, p50 and p99 of each (medians of the rounds), the errors
(non-2xx answers, socket errors) and the writer's longest commit. Targets: 0 errors,
p99 during backups within 1.3x of quiet, no commit of the writer over 100 ms.

Usage: python bench/load_bench.py [--size-mb 512] [--seconds 20] [--rounds 3]"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import backup_command_bench  # noqa: E402
import portal_page_bench  # noqa: E402

from tests.serving import serve  # noqa: E402

CLIENTS = 50


class Writer:
    """Commits a to-do every 10 ms into the live todo.db, as the portal's requests do,
    and keeps the longest commit."""

    def __init__(self, todo: Path):
        self.todo, self.waits, self._stop = todo, [], threading.Event()
        self._thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        conn = sqlite3.connect(self.todo, isolation_level=None, timeout=30)
        conn.execute("PRAGMA busy_timeout = 30000")
        while not self._stop.is_set():
            began = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                "INSERT INTO todos (owner_id, title, created_at)"
                " VALUES (9999, 'written during the bench', '2026-11-28T10:00:00.000000Z')"
            )
            conn.execute("COMMIT")
            self.waits.append(time.perf_counter() - began)
            time.sleep(0.01)
        conn.close()

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


class BackToBack:
    """`backup run todo.db` again and again until stopped; counts the runs and failures."""

    def __init__(self, instance: Path):
        self.env = {**os.environ, "PORTAL_INSTANCE_PATH": str(instance)}
        self.runs, self.failures, self._stop = 0, [], threading.Event()
        self._thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        while not self._stop.is_set():
            done = subprocess.run(
                [sys.executable, "-m", "flask", "--app", "portal", "backup", "run", "todo.db"],
                cwd=ROOT,
                env=self.env,
                capture_output=True,
                text=True,
            )
            self.runs += 1
            if done.returncode:
                self.failures.append(done.stderr[-500:])

    def __enter__(self):
        self._thread.start()
        time.sleep(1)  # the first run has begun its copy
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=512)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("This benchmark needs wrk (Debian: apt-get install wrk).")
    work = Path(tempfile.mkdtemp(prefix="portal-load-bench-"))
    try:
        instance = work / "instance"
        portal_page_bench.prepare(instance)
        todo = instance / "data" / "todo.db"
        backup_command_bench.fill(todo, args.size_mb)
        size = todo.stat().st_size
        results: dict[str, list[dict]] = {"quiet": [], "backups": []}
        writes: dict[str, list[float]] = {"quiet": [], "backups": []}
        backups = {"runs": 0, "failures": []}
        with serve(instance, env={"PORTAL_TIMEZONE": "UTC"}) as (url, _):
            cookie = portal_page_bench.session_cookie(url)
            portal_page_bench.wrk(url + "/", 2, CLIENTS, cookie)  # warm up
            load = os.getloadavg()
            for _ in range(args.rounds):
                for name in ("quiet", "backups"):
                    with Writer(todo) as writer:
                        if name == "backups":
                            with BackToBack(instance) as runner:
                                figures = portal_page_bench.wrk(
                                    url + "/", args.seconds, CLIENTS, cookie
                                )
                            backups["runs"] += runner.runs
                            backups["failures"] += runner.failures
                        else:
                            figures = portal_page_bench.wrk(
                                url + "/", args.seconds, CLIENTS, cookie
                            )
                    results[name].append(figures)
                    writes[name].extend(writer.waits)
        report(results, writes, backups, size, args, load)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(results, writes, backups, size, args, load) -> None:
    def median(name: str, key: str) -> float:
        return statistics.median(r[key] for r in results[name])

    print(
        f"\n### The portal page under load during back-to-back backups\n\n"
        f"Machine: {platform.platform()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
        f"at the start, {datetime.now():%Y-%m-%d}. A {size / 1e6:.0f} MB todo.db; "
        f"`wrk -t2 -c{CLIENTS} -d{args.seconds}s` on `/` (a member, the reminder hook on), "
        f"{args.rounds} interleaved rounds of each, medians; {backups['runs']} backups ran "
        f"({len(backups['failures'])} failed).\n"
    )
    print("| while | requests/s | p50 ms | p99 ms | errors | writer's longest commit |")
    print("|---|---|---|---|---|---|")
    for name in ("quiet", "backups"):
        errors = sum(r["errors"] for r in results[name])
        print(
            f"| {name} | {median(name, 'rps'):.0f} | {median(name, 'p50'):.1f} | "
            f"{median(name, 'p99'):.1f} | {errors} | {max(writes[name]) * 1000:.1f} ms "
            f"({len(writes[name])} commits) |"
        )
    ratio = median("backups", "p99") / median("quiet", "p99")
    errors = sum(r["errors"] for rounds in results.values() for r in rounds)
    longest = max(writes["backups"]) * 1000
    print()
    print(f"- 0 errors: {'met' if errors == 0 else f'NOT met ({errors})'}")
    print(
        f"- p99 during backups within 1.3x of quiet: {'met' if ratio <= 1.3 else 'NOT met'}"
        f" ({ratio:.2f}x)"
    )
    print(
        f"- the writer never waits over 100 ms: {'met' if longest <= 100 else 'NOT met'}"
        f" (longest {longest:.1f} ms)"
    )
    print()
    for name, rounds in results.items():
        figures = ", ".join(f"{r['rps']:.0f} ({r['p99']:.0f})" for r in rounds)
        print(f"Rounds, {name}, requests/s (p99 ms): {figures}  ")
    for failure in backups["failures"][:3]:
        print(f"\nA backup failed: {failure}")


if __name__ == "__main__":
    main()
