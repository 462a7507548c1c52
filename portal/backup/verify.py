"""Verify: re-check every copy of every data file (SQLite integrity check, SHA-256
against the record made with it) and report each problem by file and generation.
A copy without a record is named as unrecorded: it is never counted as verified."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC

from portal.backup.layout import Layout, copy_label, taken_at
from portal.backup.ledger import Entry
from portal.backup.state import ledger_notes
from portal.clock import written


@dataclass(frozen=True)
class Problem:
    name: str
    generation: str
    message: str

    def __str__(self) -> str:
        where = copy_label(self.generation)
        return f"{self.name}, {where}: {self.message}"


@dataclass
class VerifyReport:
    checked: list[Entry] = field(default_factory=list)  # verified: as recorded, and sound
    problems: list[Problem] = field(default_factory=list)
    unrecorded: list[Problem] = field(default_factory=list)
    ledger_problems: list[str] = field(default_factory=list)
    live_problems: list[str] = field(default_factory=list)  # the live data files themselves
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Nothing differs from its record, nothing is damaged or missing. Unrecorded
        copies do not make a report fail, but they are not verified either."""
        return not self.problems and not self.ledger_problems and not self.live_problems

    def summary(self, problems: bool = True) -> str:
        """The result in one sentence or two, for the page and the command line:
        'All 4 recorded copies were verified: ...', '1 problem found: ...'. With
        `problems` False, the problems are counted but not listed (the command line
        prints them on lines of their own)."""
        unrecorded = len(self.unrecorded)
        after = (
            f" {unrecorded} unrecorded {'copy' if unrecorded == 1 else 'copies'} could not be "
            "verified."
            if unrecorded
            else ""
        )
        if self.ok:
            checked = len(self.checked)
            if checked == 0:
                return "No recorded copy to verify: nothing was checked." + after
            good = ": integrity and SHA-256 are good."
            if checked == 1:
                return "The 1 recorded copy was verified" + good + after
            return f"All {checked} recorded copies were verified" + good + after
        found = [*self.live_problems, *self.ledger_problems, *map(str, self.problems)]
        head = f"{len(found)} {'problem' if len(found) == 1 else 'problems'} found"
        return (f"{head}: " + "; ".join(found) if problems else head) + "." + after


UNRECORDED_MESSAGE = (
    "unrecorded: backup.txt has no record of this copy, so it cannot be verified "
    "(restoring it needs --force)"
)


def verify(state, layout: Layout, ops) -> VerifyReport:
    """Check every copy on disk against SQLite and its record; read-only."""
    report = VerifyReport(ledger_problems=list(state.ledger.damage))
    report.notes.extend(ledger_notes(state))

    for copy in state.copies:
        disk, record, label = copy.disk, copy.record, copy.label
        try:
            problem = ops.check(disk.path, thorough=True)
            digest = ops.sha256(disk.path)
        except OSError as exc:
            report.problems.append(Problem(disk.name, label, f"could not be read ({exc})"))
            continue
        if problem:
            report.problems.append(Problem(disk.name, label, f"integrity check failed: {problem}"))
        if not copy.recorded:
            report.unrecorded.append(Problem(disk.name, label, UNRECORDED_MESSAGE))
        elif digest != record.sha256:
            sizes = (
                f" (recorded {record.size} bytes, now {disk.size})"
                if record.size != disk.size
                else ""
            )
            report.problems.append(
                Problem(
                    disk.name,
                    label,
                    "SHA-256 differs from the one recorded in backup.txt when it was made: "
                    f"the copy has changed{sizes}",
                )
            )
        elif record.size != disk.size:
            report.problems.append(
                Problem(
                    disk.name,
                    label,
                    f"backup.txt gives its size as {record.size} bytes, the copy has "
                    f"{disk.size}; its SHA-256 is as recorded, so the line was changed",
                )
            )
        elif not problem:
            report.checked.append(record)

    leftovers = _leftover_times(layout)
    for entry in state.unmatched:
        if entry.generation == "new":
            report.notes.append(
                f"{entry.name}: a copy taken {written(entry.taken_at)} never reached "
                "its place (the run was interrupted); earlier copies are not affected"
            )
        elif (entry.name, int(entry.taken_at.timestamp())) in leftovers:
            report.notes.append(
                f"{entry.name} ({entry.generation}): left by an interrupted run, on its way "
                "in or out; the next backup tidies up"
            )
        else:
            report.problems.append(
                Problem(entry.name, entry.generation, "listed in backup.txt but missing on disk")
            )
    return report


def _leftover_times(layout: Layout) -> set[tuple[str, int]]:
    """(data file, time stamp) of each copy an interrupted run left on its way in or out."""
    found = set()
    for path in layout.leftovers():
        name = layout.leftover_data_file(path)
        try:
            stamp = taken_at(path.stat(), UTC)
        except FileNotFoundError:
            continue
        if name is not None:
            found.add((name, int(stamp.timestamp())))
    return found
