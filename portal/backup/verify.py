"""Verify: re-check every copy of every data file (SQLite integrity check, SHA-256
against the ledger) and report each problem by file and generation."""

from __future__ import annotations

from dataclasses import dataclass, field

from portal.backup import ledger as ledger_mod
from portal.backup.layout import Layout
from portal.backup.ledger import Entry


@dataclass(frozen=True)
class Problem:
    name: str
    generation: str
    message: str

    def __str__(self) -> str:
        where = "newest copy" if self.generation == "newest" else f"generation {self.generation}"
        return f"{self.name}, {where}: {self.message}"


@dataclass
class VerifyReport:
    checked: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(layout: Layout, names: list[str], ops, zone) -> VerifyReport:
    """Check every copy on disk against SQLite and the ledger; read-only."""
    report = VerifyReport()
    recorded, note = ledger_mod.read(layout.ledger)
    if note:
        report.notes.append(note + "; the next backup rebuilds it")
    names = sorted(set(names) | {e.name for e in recorded})
    on_disk = ledger_mod.scan(layout, names, zone)
    leftovers = _leftover_copies(layout, zone)

    for copy in on_disk:
        label = ledger_mod.generation_label(copy.generation)
        entry = ledger_mod.find(recorded, copy)
        try:
            problem = ops.check(copy.path, thorough=True)
            digest = ops.sha256(copy.path)
        except OSError as exc:
            report.problems.append(Problem(copy.name, label, f"could not be read ({exc})"))
            continue
        if problem:
            report.problems.append(Problem(copy.name, label, f"integrity check failed: {problem}"))
        if entry is None:
            report.problems.append(
                Problem(copy.name, label, "not in backup.txt, so its SHA-256 cannot be checked")
            )
        elif digest != entry.sha256:
            report.problems.append(
                Problem(copy.name, label, "SHA-256 differs from backup.txt: the copy has changed")
            )
        elif not problem:
            report.checked.append(entry)

    for entry in recorded:
        if any(entry.same_copy(c.name, c.taken_at, c.size) for c in on_disk):
            continue
        if entry.generation == "new":
            report.notes.append(
                f"{entry.name}: a copy taken {entry.taken_at:%Y-%m-%d %H:%M} never reached "
                "its place (the run was interrupted); earlier copies are not affected"
            )
            continue
        if any(entry.same_copy(name, taken, size) for name, taken, size in leftovers):
            report.notes.append(
                f"{entry.name} ({entry.generation}): left by an interrupted run, on its way "
                "in or out; the next backup tidies up"
            )
            continue
        report.problems.append(
            Problem(entry.name, entry.generation, "listed in backup.txt but missing on disk")
        )
    return report


def _leftover_copies(layout: Layout, zone):
    from datetime import datetime

    found = []
    for path in layout.leftovers():
        name = layout.leftover_data_file(path)
        if name is None:
            continue
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        found.append((name, datetime.fromtimestamp(int(stat.st_mtime), zone), stat.st_size))
    return found
