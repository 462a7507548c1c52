"""A backup or a restore killed (SIGKILL) at random moments. After a killed backup
every earlier generation is intact, verify passes, and the next run ends in the normal
state. After a killed restore the live file is as it was or the restored copy, with a
safety copy of what it was, and the next restore goes through."""

from __future__ import annotations

import random
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from portal.backup.fileops import FileOps
from tests.backup_helpers import NAMES, full_generations, local, make_engine, slots
from tests.helpers import FakeClock
from tests.test_backup_faults import check_nothing_lost, check_only_sound_copies

ROOT = Path(__file__).resolve().parent.parent
# A child process: the engine on the site given, doing what the last argument says.
CHILD = """
import sys
from tests import windows_semantics
windows_semantics.activate_from_environment()  # the parent's mode, in the child too
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo
from portal.backup import BackupEngine, Source
root, action, names = Path(sys.argv[1]), sys.argv[2], sys.argv[3:]
when = datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
engine = BackupEngine(root / "backup", [Source(n, root / "data" / n) for n in names], lambda: when)
print("ready", flush=True)
if action == "backup":
    engine.run(who="child")
else:
    engine.restore("todo.db", 3, who="child")
print("done", flush=True)
"""


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """Every slot full, with data files of about 1 MB so that a run takes a while."""
    return full_generations(tmp_path_factory.mktemp("prepared-kill"), bulk_rows=1000)


def start_child(site: Path, action: str) -> subprocess.Popen:
    names = NAMES if action == "backup" else ("todo.db",)
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(site), action, *names],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "ready"
    return proc


def finish(proc: subprocess.Popen) -> bool:
    """Wait for a child (killed or not); whether it had finished its work."""
    proc.wait()
    done = proc.stdout.read().strip() == "done"
    proc.stdout.close()
    return done


def kill_trials(
    prepared: Path,
    tmp_path: Path,
    action: str,
    check: Callable[[Path], None],
    trials: int,
    seed: int,
) -> dict:
    """Time one undisturbed child, then kill `trials` children at random moments within
    that time (and a little after), and `check` each site afterwards."""
    rng = random.Random(seed)
    site = tmp_path / f"calibrate-{action}"
    shutil.copytree(prepared, site)
    proc = start_child(site, action)
    began = time.monotonic()
    # Until it says "done", not until it exits: the interpreter's exit is not the work.
    assert proc.stdout.readline().strip() == "done"
    duration = time.monotonic() - began
    finish(proc)
    finished = 0
    for trial in range(trials):
        site = tmp_path / f"{action}-trial{trial}"
        shutil.copytree(prepared, site)
        proc = start_child(site, action)
        time.sleep(rng.uniform(0, duration * 1.1))
        proc.kill()
        finished += finish(proc)
        try:
            check(site)
        except AssertionError as exc:
            raise AssertionError(f"{action} trial {trial}: {exc}") from exc
        shutil.rmtree(site)
    return {"trials": trials, "finished before the kill": finished, "seconds": duration}


def after_a_killed_backup(site: Path) -> None:
    engine = make_engine(site, FakeClock(local(2026, 11, 27, 10, 0)))
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


def live_mark(path: Path) -> str | None:
    """The newest marker of a live file, as the portal would read it (its WAL included)."""
    conn = sqlite3.connect(path)
    try:
        row = conn.execute("SELECT mark FROM marks ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        conn.close()
    return row[0] if row else None


def after_a_killed_restore(site: Path) -> None:
    engine = make_engine(site, FakeClock(local(2026, 11, 27, 10, 0, 5)))
    live = engine.sources["todo.db"].path
    now = live_mark(live)
    assert now in ("todo.db today", "todo.db day 4"), now
    if now == "todo.db day 4":
        assert "todo.db today" in [live_mark(c.path) for c in engine.safety_copies()]
    assert slots(engine, "todo.db") == [f"todo.db day {d}" for d in range(7, -1, -1)]
    engine.restore("todo.db", 3, who="next")
    assert live_mark(live) == "todo.db day 4"
    assert engine.verify().ok


def landed_inside(stats: dict) -> None:
    """Most kills must land inside the run for a trial to mean anything (a kill after
    the work is done proves nothing)."""
    print(stats)
    assert stats["finished before the kill"] < stats["trials"] / 2, stats


# The fast tier kills 10 runs and 10 restores: enough to catch a step that leaves a wrong
# file behind at once. The slow tier's 200 each (below) is the proof at random moments.
def test_killed_runs_lose_nothing(prepared, tmp_path):
    landed_inside(
        kill_trials(prepared, tmp_path, "backup", after_a_killed_backup, 10, seed=20261127)
    )


def test_killed_restores_leave_the_old_or_the_restored_file(prepared, tmp_path):
    landed_inside(
        kill_trials(prepared, tmp_path, "restore", after_a_killed_restore, 10, seed=20261128)
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("action", "check", "seed"),
    [("backup", after_a_killed_backup, 7), ("restore", after_a_killed_restore, 9)],
    ids=["backup", "restore"],
)
def test_200_kills(prepared, tmp_path, action, check, seed):
    landed_inside(kill_trials(prepared, tmp_path, action, check, 200, seed))
