"""Issue 20, item 2: the share is never followed outside itself.

The rule: the portal deletes, truncates, renames or writes only regular files it made
itself, in real folders directly under the off-site folder that it made itself
(recognised by what it wrote there, never by a name); it follows no link on the share,
for reading or writing; anything else is left untouched and reported. Nothing on the
share can change anything outside the off-site folder.

Each `plant_*` puts one hostile thing at one place on the share, as someone who can write
to the share could: links to a folder outside, to the instance's data/ and backup/1, to
another day; linked files inside days the portal made; a real folder named like a day
holding someone's own files. Then days of backups, sends, pruning and verifies run over
it, and everything outside the off-site folder must be exactly as it was, every link
still there, every day the rule keeps complete and good."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from portal.offsite import Keep
from portal.offsite.verify import verify
from tests.backup_helpers import NAMES, local, make_engine, mark_of
from tests.helpers import FakeClock
from tests.offsite_helpers import back_up_and_send, share_at

pytestmark = pytest.mark.skipif(os.name != "posix", reason="symbolic links as on a NAS")

KEEP = Keep(daily=2, weekly=0, monthly=0)  # prunes every day after the second


def tree(root: Path) -> dict[str, str]:
    """Every entry under `root` without following links: a file's SHA-256, a link's target."""
    found = {}
    for folder, dirs, files in os.walk(root, followlinks=False):
        for name in dirs + files:
            path = Path(folder) / name
            rel = str(path.relative_to(root))
            if path.is_symlink():
                found[rel] = "link -> " + os.readlink(path)
            elif path.is_file():
                found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                found[rel] = "folder"
    return found


class Site:
    def __init__(self, tmp_path: Path):
        self.clock = FakeClock(local(2026, 11, 1, 13, 0))
        self.engine = make_engine(tmp_path / "site", self.clock)
        self.share = share_at(tmp_path / "nas", names=NAMES)
        self.outside = tmp_path / "outside"
        self.outside.mkdir()
        for name in (*NAMES, "manifest.txt", ".office-portal-day", "notes.txt"):
            (self.outside / name).write_bytes(b"somebody's own bytes: " + name.encode() * 500)
        (self.outside / "2026-11-01").mkdir()
        (self.outside / "2026-11-01" / "todo.db").write_bytes(b"another of somebody's files")
        self.planted: list[Path] = []
        self.destroyed = False  # a plant replaced something the portal had made

    @property
    def root(self) -> Path:
        return self.share.root

    def day(self) -> None:
        self.clock.advance(days=1)
        back_up_and_send(self.engine, self.share, keep=KEEP)

    def own_days(self) -> list[Path]:
        return sorted(p for p in self.root.iterdir() if p.name[:2] == "20" and not p.is_symlink())

    def link(self, at: Path, target: Path) -> None:
        if at.is_symlink() or at.is_file():
            at.unlink()
            self.destroyed = True
        elif at.is_dir():
            shutil.rmtree(at)
            self.destroyed = True
        at.parent.mkdir(parents=True, exist_ok=True)
        at.symlink_to(target)
        self.planted.append(at)

    def copy_of_ours(self, folder: Path) -> None:
        """What the attacker copies into a folder outside: the portal's own manifest and
        marker, so that through a link it looks like one of the portal's days."""
        newest = self.own_days()[-1]
        for name in ("manifest.txt", ".office-portal-day"):
            shutil.copyfile(newest / name, folder / name)


def plant_day_linked_outside(site: Site) -> None:
    site.copy_of_ours(site.outside)
    site.link(site.root / "2026-10-20", site.outside)


def plant_linked_file_in_a_day(site: Site) -> None:
    oldest = site.own_days()[0]
    site.link(oldest / "todo.db", site.outside / "todo.db")


def plant_linked_manifest_and_marker(site: Site) -> None:
    oldest = site.own_days()[0]
    site.link(oldest / "manifest.txt", site.outside / "manifest.txt")
    site.link(oldest / ".office-portal-day", site.outside / ".office-portal-day")


def plant_kept_copies_linked_outside(site: Site) -> None:
    site.copy_of_ours(site.outside / "2026-11-01")
    site.link(site.root / "kept-copies", site.outside)


def plant_kept_day_linked_outside(site: Site) -> None:
    site.copy_of_ours(site.outside / "2026-11-01")
    (site.root / "kept-copies").mkdir(exist_ok=True)
    site.link(site.root / "kept-copies" / "2026-10-21", site.outside / "2026-11-01")


def plant_day_linked_to_another_day(site: Site) -> None:
    site.link(site.root / "2026-10-22", site.own_days()[-1])


def plant_day_linked_to_the_live_data(site: Site) -> None:
    site.link(site.root / "2026-10-23", site.engine.sources["todo.db"].path.parent)


def plant_links_to_a_local_generation(site: Site) -> None:
    generation = site.engine.layout.root / "1"
    site.link(site.root / "2026-10-24", generation)
    (site.root / "kept-copies").mkdir(exist_ok=True)
    site.link(site.root / "kept-copies" / "2026-10-24", generation)


def plant_a_folder_named_like_a_day(site: Site) -> None:
    folder = site.root / "2026-10-15"
    folder.mkdir()
    for name in ("todo.db", "minutes.docx"):
        (folder / name).write_bytes(b"the office's own " + name.encode())
    site.planted.append(folder)


def plant_a_linked_work_file_in_today(site: Site) -> None:
    today = site.root / (site.clock.value.date().isoformat())
    site.link(today / ".todo.db.0123abcd.partial", site.outside / "todo.db")


def plant_today_linked_outside(site: Site) -> None:
    tomorrow = site.clock.value.date().fromordinal(site.clock.value.date().toordinal() + 1)
    site.link(site.root / tomorrow.isoformat(), site.outside)


PLANTS: list[Callable[[Site], None]] = [
    plant_day_linked_outside,
    plant_linked_file_in_a_day,
    plant_linked_manifest_and_marker,
    plant_kept_copies_linked_outside,
    plant_kept_day_linked_outside,
    plant_day_linked_to_another_day,
    plant_day_linked_to_the_live_data,
    plant_links_to_a_local_generation,
    plant_a_folder_named_like_a_day,
    plant_a_linked_work_file_in_today,
    plant_today_linked_outside,
]


def _outside_state(site: Site) -> dict:
    """Everything outside the off-site folder that a followed link could reach."""
    live = {name: mark_of(source.path) for name, source in site.engine.sources.items()}
    return {"outside": tree(site.outside), "live": live}


def _run_days_over(site: Site, plants: list[Callable[[Site], None]], days: int, rng=None) -> None:
    """Plant each thing (at a random day, with `rng`), run `days` days, checking after
    each that nothing outside the share changed, no planted thing was touched, and every
    day the portal made and the rule keeps is complete and good."""
    schedule = {plant: (rng.randrange(days) if rng else 0) for plant in plants}
    site.day()
    site.day()
    for n in range(days):
        for plant, when in schedule.items():
            if when == n:
                plant(site)
        before = _outside_state(site)
        planted = {str(p): tree(p.parent).get(p.name) for p in site.planted}
        generations = tree(site.engine.layout.root)
        stopped = False
        try:
            site.day()
        except Exception as exc:  # a send may stop at a planted thing; it must say why
            assert "did not make; it was left as it is" in str(exc), exc
            stopped = True
        after = _outside_state(site)
        assert after["outside"] == before["outside"], "a file outside the share changed"
        # The live data files are still databases (mark_of reads them); only the backup's
        # own change (a new mark in todo.db) is in them.
        assert after["live"]["system.db"] == before["live"]["system.db"]
        assert after["live"]["todo.db"].startswith("todo.db at ")
        assert {str(p): tree(p.parent).get(p.name) for p in site.planted} == planted
        assert site.engine.verify().ok
        # No local generation lost a file through a link (rotation only moves them on).
        assert len(tree(site.engine.layout.root)) >= len(generations)
        report = verify(site.share)
        # Where a plant replaced a copy the portal had made, the days that used it are
        # reported, not healed behind anyone's back; otherwise every kept day is good.
        assert report.ok or site.destroyed, report.problems
        _newest_day_is_good(site, today=not stopped)
    survey = site.share.survey()
    reported = [stray.split(" (")[0] for stray in survey.strays]
    for planted in site.planted:  # each reported, itself or as part of a folder reported
        rel = str(planted.relative_to(site.root))
        assert any(rel == r or rel.startswith(r + "/") for r in reported), (rel, reported)


def _newest_day_is_good(site: Site, today: bool) -> None:
    """The newest complete day is today's (unless something planted under today's name
    stopped the send, saying so), and holds every data file, each copy a regular file
    with the recorded bytes: whatever was planted, the newest copy can be restored."""
    if not today:
        return  # the days before may have lost copies to a plant; verify names those
    newest = site.share.complete_days()[-1]
    assert newest.day == site.clock.value.date()
    for item in newest.manifest.items:
        path = site.share.path_of(item)
        assert site.share.is_copy(path), path
        assert site.share.ops.sha256(path) == item.sha256


@pytest.mark.parametrize("plant", PLANTS, ids=[p.__name__.removeprefix("plant_") for p in PLANTS])
def test_a_hostile_entry_on_the_share_is_never_followed_nor_touched(tmp_path, plant):
    _run_days_over(Site(tmp_path), [plant], days=4)


def test_every_hostile_entry_at_once_over_a_week(tmp_path):
    _run_days_over(Site(tmp_path), PLANTS, days=7)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(200))
def test_hostile_entries_planted_at_random_moments(tmp_path, seed):
    rng = random.Random(seed)
    plants = rng.sample(PLANTS, rng.randint(1, len(PLANTS)))
    _run_days_over(Site(tmp_path), plants, days=rng.randint(3, 9), rng=rng)
