"""Benchmark of the whole `flask --app portal backup run todo.db` command (issue 15), not
one step of it: what an operator waits for. On a todo.db of the project's own schema
filled with realistic rows (default 512 MB), interleaved rounds of

- the command, started as an operator starts it (a new Python process: start-up, the
  instance opened, the copy, its check, its SHA-256, the flush, the rotation, the ledger);
- `cp` of the live file, `cp` + `sync`, and the `sqlite3` CLI's `.backup` of it;

each reported as the median of the rounds with min and max, and the command's ratio to
each reference. The machine's load average is printed beside the figures.

Usage: python bench/backup_command_bench.py [--size-mb 512] [--rounds 5] [--dir DIR]"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def fill(todo: Path, size_mb: int) -> None:
    """To-dos of 200 people: short titles, memos of a few hundred characters, dates."""
    conn = sqlite3.connect(todo)
    rows = size_mb * 1024 * 1024 // 700
    conn.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
        " INSERT INTO todos (owner_id, title, due_date, memo, done_at, created_at)"
        " SELECT 1 + i % 200, 'Call the customer about order ' || i,"
        " date('2026-01-01', '+' || (i % 365) || ' days'),"
        " substr(replace(hex(randomblob(300)), 'A', ' '), 1, 560),"
        " CASE WHEN i % 3 = 0 THEN '2026-11-01T10:00:00+00:00' END,"
        " '2026-01-01T09:00:00+00:00' FROM n",
        (rows,),
    )
    conn.commit()
    conn.close()


def timed(command: list[str], env: dict | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, env=env, cwd=ROOT, capture_output=True)
    return time.perf_counter() - started


TARGET = 2.5  # the whole command within 2.5 times the sqlite3 CLI's .backup (issue 15)


def command_rounds(work: Path, size_mb: int, rounds: int) -> tuple[dict[str, list[float]], int]:
    """Interleaved rounds of the command and its references; the seconds of each, and the
    size of the data file."""
    instance = work / "instance"
    env = {**os.environ, "PORTAL_INSTANCE_PATH": str(instance)}
    flask = [sys.executable, "-m", "flask", "--app", "portal"]
    todo = instance / "data" / "todo.db"
    if not todo.exists():
        subprocess.run([*flask, "init"], check=True, env=env, cwd=ROOT, capture_output=True)
        fill(todo, size_mb)
    target = work / "reference.db"
    runs: dict[str, list[float]] = {"command": [], "cp": [], "cp + sync": [], "sqlite3 .backup": []}
    for _ in range(rounds):
        for name, command in (
            ("command", [*flask, "backup", "run", "todo.db"]),
            ("cp", ["cp", str(todo), str(target)]),
            ("cp + sync", ["sh", "-c", f"cp '{todo}' '{target}' && sync '{target}'"]),
            ("sqlite3 .backup", ["sqlite3", str(todo), f".backup '{target}'"]),
        ):
            subprocess.run(["sync"], check=True)
            runs[name].append(timed(command, env))
            target.unlink(missing_ok=True)
    return runs, todo.stat().st_size


def report(runs: dict[str, list[float]], size: int, load: tuple[float, float, float]) -> None:
    """The table, and whether the whole command meets its target."""
    rounds = len(runs["command"])
    print(
        f"`backup run todo.db` of a {size / 1e6:.0f} MB todo.db, {rounds} interleaved rounds,"
        f" {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    print()
    print("| what | median s | min s | max s | the command's ratio to it |")
    print("|---|---|---|---|---|")
    command = statistics.median(runs["command"])
    for name, times in runs.items():
        median = statistics.median(times)
        print(
            f"| {name} | {median:.2f} | {min(times):.2f} | {max(times):.2f} | "
            f"{command / median:.2f} |"
        )
    ratio = command / statistics.median(runs["sqlite3 .backup"])
    verdict = "met" if ratio <= TARGET else "NOT met"
    print(
        f"\nThe whole command within {TARGET} times the `sqlite3` CLI's `.backup`: "
        f"**{verdict}** ({ratio:.2f} times; by the whole command, not by one step of it)."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=512)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    work = args.dir or Path(tempfile.mkdtemp(prefix="backup-command-bench-"))
    load = os.getloadavg()
    runs, size = command_rounds(work, args.size_mb, args.rounds)
    report(runs, size, load)
    if not args.dir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
