"""A backup process killed (SIGKILL) at random moments: afterwards every earlier
generation is intact, verify passes, and the next run ends in the normal state."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from portal.backup.fileops import FileOps
from tests.backup_helpers import NAMES, full_generations, local, make_engine, slots
from tests.helpers import FakeClock
from tests.test_backup_faults import check_nothing_lost, check_only_sound_copies

ROOT = Path(__file__).resolve().parent.parent
CHILD = """
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo
from portal.backup import BackupEngine, Source
root = Path(sys.argv[1])
names = sys.argv[2:]
when = datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
engine = BackupEngine(root / "backup", [Source(n, root / "data" / n) for n in names], lambda: when)
print("ready", flush=True)
engine.run(who="child")
print("done", flush=True)
"""


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """Every slot full, with data files of about 1 MB so that a run takes a while."""
    return full_generations(tmp_path_factory.mktemp("prepared-kill"), bulk_rows=1000)


def start_child(site: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(site), *NAMES],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "ready"
    return proc


def run_duration(prepared: Path, tmp_path: Path) -> float:
    site = tmp_path / "calibrate"
    shutil.copytree(prepared, site)
    proc = start_child(site)
    began = time.monotonic()
    assert proc.stdout.readline().strip() == "done"
    elapsed = time.monotonic() - began
    proc.wait()
    return elapsed


def kill_trials(prepared: Path, tmp_path: Path, trials: int, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    duration = run_duration(prepared, tmp_path)
    finished = 0
    for trial in range(trials):
        site = tmp_path / f"trial{trial}"
        shutil.copytree(prepared, site)
        proc = start_child(site)
        time.sleep(rng.uniform(0, duration * 1.1))
        proc.kill()
        proc.wait()
        finished += proc.stdout.read().strip() == "done"
        proc.stdout.close()

        engine = make_engine(site, FakeClock(local(2026, 11, 27, 10, 0)))
        context = f"trial {trial}"
        try:
            check_nothing_lost(engine)
            check_only_sound_copies(engine)
            report = engine.verify()
            assert report.ok, [str(p) for p in report.problems]
            engine.ops = FileOps()
            engine.run(who="next")
            assert engine.verify().ok
            for name in NAMES:
                expected = [f"{name} today"] + [f"{name} day {d}" for d in range(7, 0, -1)]
                assert slots(engine, name) == expected
        except AssertionError as exc:
            raise AssertionError(f"{context}: {exc}") from exc
        shutil.rmtree(site)
    return {"trials": trials, "finished before the kill": finished, "run seconds": duration}


def test_killed_runs_lose_nothing(prepared, tmp_path):
    stats = kill_trials(prepared, tmp_path, trials=20, seed=20261127)
    print(stats)


@pytest.mark.slow
def test_killed_runs_lose_nothing_200_trials(prepared, tmp_path):
    stats = kill_trials(prepared, tmp_path, trials=200, seed=7)
    print(stats)
    # Most kills must land inside the run for the test to mean anything.
    assert stats["finished before the kill"] < stats["trials"] / 2


RESTORE_CHILD = """
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo
from portal.backup import BackupEngine, Source
root = Path(sys.argv[1])
when = datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
engine = BackupEngine(root / "backup", [Source("todo.db", root / "data" / "todo.db")], lambda: when)
print("ready", flush=True)
engine.restore("todo.db", 3, who="child")
print("done", flush=True)
"""


def live_mark(path: Path) -> str | None:
    """The newest marker of a live file, as the portal would read it (its WAL included)."""
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        row = conn.execute("SELECT mark FROM marks ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        conn.close()
    return row[0] if row else None


def start_restore(site: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", RESTORE_CHILD, str(site)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "ready"
    return proc


def kill_restore_trials(prepared: Path, tmp_path: Path, trials: int, seed: int) -> dict:
    rng = random.Random(seed)
    site = tmp_path / "calibrate-restore"
    shutil.copytree(prepared, site)
    proc = start_restore(site)
    began = time.monotonic()
    assert proc.stdout.readline().strip() == "done"
    duration = time.monotonic() - began
    proc.wait()
    proc.stdout.close()
    finished = 0
    for trial in range(trials):
        site = tmp_path / f"restore-trial{trial}"
        shutil.copytree(prepared, site)
        proc = start_restore(site)
        time.sleep(rng.uniform(0, duration * 1.2))
        proc.kill()
        proc.wait()
        finished += proc.stdout.read().strip() == "done"
        proc.stdout.close()

        engine = make_engine(site, FakeClock(local(2026, 11, 27, 10, 0, 5)))
        live = engine.sources["todo.db"].path
        try:
            now = live_mark(live)
            assert now in ("todo.db today", "todo.db day 4"), now
            if now == "todo.db day 4":
                assert "todo.db today" in [live_mark(c.path) for c in engine.safety_copies()]
            assert slots(engine, "todo.db") == [f"todo.db day {d}" for d in range(7, -1, -1)]
            engine.restore("todo.db", 3, who="next")
            assert live_mark(live) == "todo.db day 4"
            assert engine.verify().ok
        except AssertionError as exc:
            raise AssertionError(f"restore trial {trial}: {exc}") from exc
        shutil.rmtree(site)
    return {"trials": trials, "finished before the kill": finished, "restore seconds": duration}


def test_killed_restores_leave_the_old_or_the_restored_file(prepared, tmp_path):
    stats = kill_restore_trials(prepared, tmp_path, trials=20, seed=20261128)
    print(stats)


@pytest.mark.slow
def test_killed_restores_200_trials(prepared, tmp_path):
    stats = kill_restore_trials(prepared, tmp_path, trials=200, seed=9)
    print(stats)
    assert stats["finished before the kill"] < stats["trials"] / 2
