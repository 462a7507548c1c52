"""Benchmark of the off-site copy (not a test), issue 13: sending the newest copy of a
512 MB data file to the off-site folder (streamed with its SHA-256, flushed, read back
and compared, renamed; the manifest written last), as a ratio to plain `cp` of the same
file to the same folder, and to `cp` followed by `sync` (cp alone leaves the bytes in the
page cache; the off-site copy flushes them). Also: the next day's send when nothing
changed (no bytes copied again). Issue 21: the same send sealed (age, seal.py), and a
restore from a sealed off-site copy beside one from an unsealed copy, in the same run.

Usage: python bench/offsite_bench.py [--size-mb 512] [--dir /tmp/bench] [--target DIR]
Prints a Markdown table for docs/performance.md."""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import pyrage  # noqa: E402
from backup_bench import generate  # noqa: E402

from portal.backup import BackupEngine, Source  # noqa: E402
from portal.backup.restore import Candidate  # noqa: E402
from portal.offsite import LocalCopy, OffsiteFolder, send  # noqa: E402
from portal.offsite.seal import Key, Seal  # noqa: E402

SEAL = Seal([Key.make(date(2026, 11, 1))])


def share_at(root: Path, seal: Seal | None = None, opened: Path | None = None) -> OffsiteFolder:
    """The share as a portal uses it: marked as its own first."""
    folder = OffsiteFolder(root, owner="bench", seal=seal, opened_dir=opened)
    folder.claim()
    return folder


def restore_from(engine: BackupEngine, folder: OffsiteFolder, day: date) -> None:
    """An off-site restore as the portal makes it (data_backup/offsite_restore.py)."""
    item = folder.day(day).manifest.item("data.db")
    path, opened = folder.path_of(item), None
    if item.sealed:
        opened, _digest = folder.open_copy(path)
        path = opened
    try:
        engine.restore_from(
            "data.db",
            lambda: Candidate(path, "the bench copy", item.sha256, item.taken_at, "manifest"),
            "the off-site copy",
            who="bench",
        )
    finally:
        if opened is not None:
            opened.unlink()


ZONE = ZoneInfo("UTC")


def timed(action, *args) -> float:
    started = time.perf_counter()
    action(*args)
    return time.perf_counter() - started


def cp(source: Path, target: Path, flush: bool = False) -> None:
    """Plain `cp`; with `flush`, then `sync` of the file (what cp leaves to the kernel)."""
    subprocess.run(["cp", str(source), str(target)], check=True)
    if flush:
        subprocess.run(["sync", str(target)], check=True)


def age_alone(source: Path, target: Path) -> None:
    """The floor of a sealed send: age's encryption of the file into the folder, flushed,
    with no read-back, no confinement, no manifest."""
    with open(source, "rb") as src, open(target, "wb", buffering=1 << 20) as dst:
        pyrage.encrypt_io(src, dst, [SEAL.current.identity.to_public()])
        dst.flush()
        os.fsync(dst.fileno())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=int, default=512)
    parser.add_argument("--dir", default=None)
    parser.add_argument("--target", default=None, help="the off-site folder (default: beside)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    work = Path(args.dir or tempfile.mkdtemp(prefix="offsite-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    live = work / "data.db"
    if not live.exists():
        generate(live, args.size_mb)
    engine = BackupEngine(
        work / "backup",
        [Source("data.db", live)],
        lambda: datetime(2026, 11, 27, 13, 0, tzinfo=ZONE),
    )
    engine.run(who="bench")
    record = engine.state().copy_at("data.db", 0).record
    copy = LocalCopy(
        "data.db",
        engine.layout.slot("data.db", 0),
        record.taken_at,
        record.size,
        record.sha256,
        record.taken_by,
    )
    share_root = Path(args.target) if args.target else work / "share"
    cp_times, cp_sync_times, send_times, sealed_times = [], [], [], []
    restore_times, sealed_restore_times, age_times = [], [], []
    for round_ in range(args.rounds):
        shutil.rmtree(share_root, ignore_errors=True)
        share_root.mkdir(parents=True)
        target = share_root / "cp-copy.db"
        # Every contender reads the copy from the page cache (a fresh copy is there):
        # read it once first, so the first one measured does not pay for the disk read.
        subprocess.run(["cat", str(copy.path)], stdout=subprocess.DEVNULL, check=True)
        subprocess.run(["sync"], check=False)
        cp_times.append(timed(cp, copy.path, target))
        target.unlink()
        subprocess.run(["sync"], check=False)
        cp_sync_times.append(timed(cp, copy.path, target, True))
        target.unlink()
        subprocess.run(["sync"], check=False)
        age_times.append(timed(age_alone, copy.path, target))
        target.unlink()
        subprocess.run(["sync"], check=False)
        day = date(2026, 11, 1 + round_)
        send_times.append(timed(send, share_at(share_root), [copy], day))
        restore_times.append(timed(restore_from, engine, share_at(share_root), day))
        subprocess.run(["sync"], check=False)
        sealed_root = share_root / "sealed"
        sealed_root.mkdir()
        sealed = share_at(sealed_root, SEAL, work)
        sealed_times.append(timed(send, sealed, [copy], day))
        sealed_restore_times.append(timed(restore_from, engine, sealed, day))
        shutil.rmtree(sealed_root)
    unchanged_day = date(2026, 11, 1 + args.rounds)
    folder = share_at(share_root)
    again = []
    started = time.perf_counter()
    again.append(send(folder, [copy], unchanged_day))
    unchanged = time.perf_counter() - started
    plain, flushed, sent, sealed_sent, restored, sealed_restored, age = (
        statistics.median(t)
        for t in (
            cp_times,
            cp_sync_times,
            send_times,
            sealed_times,
            restore_times,
            sealed_restore_times,
            age_times,
        )
    )
    size = copy.path.stat().st_size / 1e6
    print(
        f"Off-site copy, {size:.0f} MB data file, median of {args.rounds} rounds, "
        f"{platform.system()} {platform.machine()}, Python {platform.python_version()}, "
        f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())} at the end"
    )
    print()
    print("| step | seconds | ratio to `cp` | ratio to `cp` + `sync` |")
    print("|---|---|---|---|")
    print(f"| `cp` to the off-site folder | {plain:.2f} | 1.00 | {plain / flushed:.2f} |")
    print(f"| `cp` + `sync` | {flushed:.2f} | {flushed / plain:.2f} | 1.00 |")
    print(
        "| off-site send (copy, flush, read back and hash, compare, rename, manifest) | "
        f"{sent:.2f} | "
        f"{sent / plain:.2f} | {sent / flushed:.2f} |"
    )
    print(
        "| the same send, sealed (age on the way, both SHA-256s beside it; read back) | "
        f"{sealed_sent:.2f} | {sealed_sent / plain:.2f} | {sealed_sent / flushed:.2f} |"
    )
    print(
        "| age alone: the file encrypted into the folder and flushed (no read-back) | "
        f"{age:.2f} | {age / plain:.2f} | {age / flushed:.2f} |"
    )
    print(
        f"| next day, nothing changed (manifest only; bytes written: "
        f"{again[0].bytes_written}) | {unchanged:.3f} | {unchanged / plain:.3f} | "
        f"{unchanged / flushed:.3f} |"
    )
    print()
    print("| restore from the off-site copy | seconds | ratio to the unsealed restore |")
    print("|---|---|---|")
    print(f"| unsealed copy | {restored:.2f} | 1.00 |")
    print(
        f"| sealed copy (opened into a work file first) | {sealed_restored:.2f} | "
        f"{sealed_restored / restored:.2f} |"
    )
    if not args.dir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
