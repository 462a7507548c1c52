"""Verify the off-site folder: every copy that a complete day's manifest records is
read and compared with its SHA-256, and checked by SQLite. Each stored file is read once,
however many days point to it. Read-only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from portal.offsite.folder import OffsiteFolder


@dataclass
class OffsiteReport:
    days: list[date] = field(default_factory=list)  # complete days checked
    files: int = 0  # stored files read
    problems: list[str] = field(default_factory=list)
    incomplete: list[date] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.ok:
            return (
                f"Off site: {len(self.days)} complete "
                f"{'day' if len(self.days) == 1 else 'days'} verified ({self.files} stored "
                f"{'file' if self.files == 1 else 'files'} read): SHA-256 and integrity are good."
            )
        count = len(self.problems)
        return (
            f"Off site: {count} {'problem' if count == 1 else 'problems'} found: "
            + "; ".join(self.problems)
            + "."
        )


def verify(folder: OffsiteFolder) -> OffsiteReport:
    report = OffsiteReport()
    if problem := folder.problem():
        report.problems.append(problem)
        return report
    checked: dict = {}  # path -> problem or None
    for day in folder.days():
        if not day.complete:
            if day.problem:
                report.problems.append(f"{day.day}: {day.problem}")
            else:
                report.incomplete.append(day.day)
            continue
        report.days.append(day.day)
        for item in day.manifest.items:
            path = folder.path_of(item)
            if path not in checked:
                checked[path] = _check(folder, path, item.sha256)
            if checked[path]:
                report.problems.append(f"{day.day} {item.name}: {checked[path]}")
    report.files = len(checked)
    return report


def _check(folder: OffsiteFolder, path, sha256: str) -> str | None:
    try:
        if folder.ops.sha256(path) != sha256:
            return "differs from the SHA-256 in its manifest (changed or damaged)"
    except FileNotFoundError:
        return f"missing ({path} is not there)"
    except OSError as exc:
        return f"cannot be read ({exc})"
    if damage := folder.ops.check(path, thorough=True):
        return f"damaged ({damage})"
    return None
