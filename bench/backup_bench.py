"""Benchmark of the backup (not a test). In one run:

- first, what an operator waits for: the whole command `flask --app portal backup run
  todo.db` (a new process) on a todo.db of the project's schema, beside `cp`, `cp` +
  `sync` and the sqlite3 CLI's .backup of the same file, in at least 5 interleaved
  rounds, each with its median, min and max; the target (within 2.5x the CLI) is judged
  by the whole command (bench/backup_command_bench.py runs this part alone);

then, on one generated data file, where the time goes inside the engine:

- the engine's copy step beside plain `cp` of the same file and the sqlite3 CLI's .backup;
- peak memory growth of a backup run (a fresh process, against a baseline process);
- rotation time with 7 full generations;
- the longest wait of a writer committing every 10 ms during a backup;
- a restore of the newest copy (copied aside, hashed, checked, a safety copy of the live
  file made, then written into the live file) beside the same `cp` references.

Usage: python bench/backup_bench.py [--size-mb 512] [--rounds 5] [--dir /tmp/bench] [--keep]
Prints Markdown tables for docs/performance.md, the machine's load beside each."""

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
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.backup import BackupEngine, Source  # noqa: E402
from portal.backup.fileops import FileOps  # noqa: E402
from portal.backup.layout import Layout  # noqa: E402
from portal.backup.rotation import shift  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
import backup_command_bench  # noqa: E402

ZONE = ZoneInfo("UTC")


def generate(path: Path, size_mb: int) -> None:
    """A WAL data file of about size_mb: mostly blobs, plus an indexed table."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE bulk (b BLOB)")
    conn.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, title TEXT, day TEXT)")
    conn.execute("CREATE INDEX items_day ON items (day, title)")
    conn.execute("CREATE TABLE writes (seq INTEGER PRIMARY KEY)")
    rows = int(size_mb * 0.9 * 250)
    conn.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
        " INSERT INTO bulk SELECT randomblob(4000) FROM n",
        (rows,),
    )
    conn.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
        " INSERT INTO items (title, day) SELECT hex(randomblob(16)), date('2026-01-01', '+' ||"
        " (i % 365) || ' days') FROM n",
        (size_mb * 1000,),
    )
    conn.commit()
    conn.close()


def timed(action) -> float:
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


ROUNDS = 5


def settle() -> None:
    """Write out what earlier steps left dirty, so it does not weigh on the next one."""
    os.sync()
    time.sleep(0.2)


def median_of(n: int, action) -> tuple[float, float, float]:
    """Median, min and max seconds of n runs."""
    results = []
    for _ in range(n):
        settle()
        results.append(timed(action))
    return statistics.median(results), min(results), max(results)


def load_text() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


def engine_for(work: Path, live: Path, day: datetime, **kwargs) -> BackupEngine:
    return BackupEngine(work / "backup", [Source(live.name, live)], lambda: day, **kwargs)


MEMORY_CHILD = """
import os, sys, threading, time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo
sys.path.insert(0, sys.argv[1])
from portal.backup import BackupEngine, Source

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

live, backup = Path(sys.argv[2]), Path(sys.argv[3])
engine = BackupEngine(backup, [Source(live.name, live)], lambda: datetime.now(ZoneInfo("UTC")))
before, peak, done = rss(), [0], threading.Event()

def sample():
    while not done.is_set():
        peak[0] = max(peak[0], rss())
        time.sleep(0.005)

sampler = threading.Thread(target=sample)
sampler.start()
engine.run(who="bench")
done.set()
sampler.join()
print(before, max(peak[0], rss()))
"""


def memory_growth(live: Path, backup: Path) -> tuple[int, int]:
    """Resident memory of a fresh process before a backup run and at its peak during
    it, sampled every 5 ms (Linux /proc)."""
    out = subprocess.run(
        [sys.executable, "-c", MEMORY_CHILD, str(ROOT), str(live), str(backup)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    before, peak = (int(v) for v in out.split())
    return before, peak


def writer_waits(live: Path, during) -> tuple[float, int]:
    """Longest commit of a writer committing every 10 ms while `during()` runs."""
    stop, waits = threading.Event(), []

    def writer():
        conn = sqlite3.connect(live, isolation_level=None, timeout=30)
        while not stop.is_set():
            began = time.perf_counter()
            conn.execute("INSERT INTO writes DEFAULT VALUES")
            waits.append(time.perf_counter() - began)
            time.sleep(0.01)
        conn.close()

    settle()
    thread = threading.Thread(target=writer)
    thread.start()
    time.sleep(0.3)
    during()
    time.sleep(0.3)
    stop.set()
    thread.join()
    return max(waits), len(waits)


def copy_step_times(
    live: Path, target: Path, rounds: int
) -> tuple[dict[str, float], dict[str, list]]:
    """Medians of the copy step beside its references, run interleaved so that any
    drift of the machine weighs on all of them alike."""

    def cp():
        subprocess.run(["cp", str(live), str(target)], check=True)

    def cp_fsync():
        cp()
        FileOps().fsync_file(target)

    contenders = {"cp": cp, "cp+fsync": cp_fsync}
    if shutil.which("sqlite3"):
        contenders["cli"] = lambda: subprocess.run(
            ["sqlite3", str(live), f".backup '{target}'"], check=True
        )
    contenders["snapshot"] = lambda: FileOps().snapshot(live, target)
    times = {name: [] for name in contenders}
    for _round in range(rounds):
        for name, action in contenders.items():
            for leftover in target.parent.glob(target.name + "*"):
                leftover.unlink()
            settle()
            times[name].append(timed(action))
    return {name: statistics.median(values) for name, values in times.items()}, times


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=512)
    parser.add_argument("--dir", type=Path, default=None, help="work folder (default: a temp dir)")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args()
    rounds = max(5, args.rounds)  # fewer than 5 rounds say too little
    work = Path(tempfile.mkdtemp(prefix="portal-bench-", dir=args.dir))
    try:
        print("\n### The whole backup command\n")
        load = os.getloadavg()
        runs, size = backup_command_bench.command_rounds(work / "command", args.size_mb, rounds)
        backup_command_bench.report(runs, size, load)
        shutil.rmtree(work / "command", ignore_errors=True)

        live = work / "data.db"
        print(f"generating {args.size_mb} MB in {work} ...", file=sys.stderr)
        generate(live, args.size_mb)
        size = live.stat().st_size
        steps_load = load_text()
        copy, copy_rounds = copy_step_times(live, work / "ref-copy.db", rounds)

        # Full engine runs, each on a new day, so each one rotates.
        day = [datetime(2026, 11, 1, 10, 0, tzinfo=ZONE)]

        def full_run(**kwargs):
            engine_for(work, live, day[0], **kwargs).run(who="bench")
            day[0] += timedelta(days=1)

        full, full_min, full_max = median_of(rounds, lambda: full_run(thorough_check=True))
        full_quick, quick_min, quick_max = median_of(rounds, lambda: full_run(thorough_check=False))

        # Rotation with 7 full generations (and the newest): 8 real copies on disk.
        layout = Layout(work / "rotation")
        for g in range(8):
            layout.slot_dir(g).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(work / "backup" / live.name, layout.slot(live.name, g))
        ops = FileOps()
        settle()
        began = time.perf_counter()
        discarded = shift(ops, layout, live.name)
        shifted = time.perf_counter() - began
        began = time.perf_counter()
        ops.delete_copy(discarded)
        deleted = time.perf_counter() - began
        shutil.rmtree(work / "rotation")

        baseline, peak = memory_growth(live, work / "backup-mem")
        growth = (peak - baseline) / 1e6

        engine = engine_for(work, live, day[0])
        began = time.perf_counter()
        wait, writes = writer_waits(live, lambda: engine.run(who="bench"))
        window = time.perf_counter() - began
        idle_wait, idle_writes = writer_waits(live, lambda: time.sleep(max(0.1, window - 0.6)))

        restores = []
        for _ in range(3):
            settle()
            restores.append(timed(lambda: engine.restore(live.name, 0, who="bench")))
            shutil.rmtree(work / "backup" / "pre-restore")  # room for the next round
        restore = statistics.median(restores)

        cp, snap, cli = copy["cp"], copy["snapshot"], copy.get("cli")
        print(f"\n### Inside the engine, {size / 1e6:.0f} MB data file (where the time goes)\n")
        print(
            f"Machine: {platform.platform()}, Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}, {os.cpu_count()} cores, "
            f"{datetime.now():%Y-%m-%d}; {steps_load} before the copy rounds, "
            f"{load_text()} after the last step. Medians of {rounds} interleaved runs; "
            "these are steps, the targets for time are the whole command's, above.\n"
        )
        cp_sync = copy["cp+fsync"]
        print("| measure | time | ÷ `cp` | ÷ `cp`+fsync | target |")
        print("|---|---|---|---|---|")
        print(
            f"| plain `cp` (reference; the copy may still be in memory) | {cp:.2f} s | 1.00 | | |"
        )
        print(
            f"| `cp`, then fsync (reference; the copy is on disk) | {cp_sync:.2f} s | "
            f"{cp_sync / cp:.2f} | 1.00 | |"
        )
        if cli is not None:
            ratios = f"{cli / cp:.2f} | {cli / cp_sync:.2f}"
            print(f"| `sqlite3` CLI `.backup` | {cli:.2f} s | {ratios} | |")
        print(
            f"| engine copy step: snapshot, written back to disk | {snap:.2f} s | "
            f"{snap / cp:.2f} | {snap / cp_sync:.2f} | (a step) |"
        )
        print(
            f"| engine run in process, as configured (quick_check beside the SHA-256, "
            f"fsync, rotate, ledger); min {quick_min:.2f}, max {quick_max:.2f} | "
            f"{full_quick:.2f} s | {full_quick / cp:.2f} | {full_quick / cp_sync:.2f} | |"
        )
        print(
            f"| the same with the full integrity_check (BACKUP_THOROUGH_CHECK); "
            f"min {full_min:.2f}, max {full_max:.2f} | {full:.2f} s | {full / cp:.2f} | "
            f"{full / cp_sync:.2f} | |"
        )
        print(
            f"| rotation with 7 full generations (renames, folder flushes) | "
            f"{shifted * 1000:.1f} ms | | | < 50 ms: {verdict(shifted < 0.05)} |"
        )
        print(
            f"| deleting the copy that leaves generation 7 (in 32 MB steps) | "
            f"{deleted * 1000:.1f} ms | | | |"
        )
        print(
            f"| peak memory growth during a run (resident, from {baseline / 1e6:.0f} MB "
            f"before it) | {growth:.1f} MB | | | < 50 MB: {verdict(growth < 50)} |"
        )
        print(
            f"| longest commit of a writer committing every 10 ms, no backup "
            f"({idle_writes} commits) | {idle_wait * 1000:.1f} ms | | | |"
        )
        print(
            f"| longest commit of that writer during a full run ({writes} commits) | "
            f"{wait * 1000:.1f} ms | | | < 100 ms: {verdict(wait < 0.1)} |"
        )
        print(
            f"| restore of the newest copy: copy aside, SHA-256, integrity_check, safety "
            f"copy, write into the live file (median of 3) | {restore:.2f} s | "
            f"{restore / cp:.2f} | {restore / cp_sync:.2f} | |"
        )
        print()
        for name, values in copy_rounds.items():
            print(f"Copy rounds, {name} (s): " + ", ".join(f"{v:.2f}" for v in values) + "  ")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
