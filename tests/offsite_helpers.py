"""Helpers for the off-site tests: an engine with two data files and a second folder as
the share, and one day's backup sent off site as the portal sends it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from portal.backup import BackupEngine
from portal.data_backup.offsite import newest_local
from portal.offsite import Keep, OffsiteFolder, SendResult, send
from tests.backup_helpers import set_mark

# The portal instance the engine-level tests stand for (its id in the share's marker).
OWNER = "0123456789abcdef0123456789abcdef"


def share_at(
    root: Path, ops=None, names=(), claim: bool = True, seal=None, opened: Path | None = None
) -> OffsiteFolder:
    """The off-site folder at `root` as this test portal uses it: made if missing and
    marked as its own, as Save on the Data Backup page does (sealed when given a seal,
    opening copies into `opened`)."""
    folder = OffsiteFolder(root, ops, owner=OWNER, names=tuple(names), seal=seal, opened_dir=opened)
    if claim:
        root.mkdir(parents=True, exist_ok=True)
        folder.claim()
    return folder


def back_up_and_send(
    engine: BackupEngine, share: OffsiteFolder, change=("todo.db",), keep: Keep | None = None
) -> SendResult:
    """Change the named live files, back up all, send the newest copies for today."""
    for name in change:
        set_mark(engine.sources[name].path, f"{name} at {engine.now().isoformat()}")
    engine.run(who="alice")
    return send(share, newest_local(engine), engine.now().date(), keep)


def use_share(app, root: Path) -> Path:
    """OFFSITE_DIR set to `root`, made and marked as the portal's own (as Save on the Data
    Backup page and `backup offsite set` do)."""
    from portal.data_backup import offsite_folder
    from portal.web import instance_of

    root.mkdir(parents=True, exist_ok=True)
    app.config["OFFSITE_DIR"] = str(root)
    with app.app_context():
        offsite_folder.folder_at(str(root), instance_of(app)).claim()
    return root


def dated_folders(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.is_dir() and p.name[:2] == "20")


def expected_after_daily_runs(last: date, keep: Keep) -> set[date]:
    """What the rule keeps after a run on every day up to `last`, worked out the long way:
    the last `daily` days, the last day of each of the last `weekly` weeks (this week's is
    `last` itself) and of each of the last `monthly` months."""
    from datetime import timedelta

    kept = {last - timedelta(days=n) for n in range(keep.daily)}
    sunday = last
    for _ in range(keep.weekly):
        kept.add(sunday)
        sunday = sunday - timedelta(days=sunday.isoweekday())  # the Sunday before
    month_end = last
    for _ in range(keep.monthly):
        kept.add(month_end)
        month_end = month_end.replace(day=1) - timedelta(days=1)
    return kept
