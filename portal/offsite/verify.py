"""Verify the off-site folder: every day folder of the portal's is complete (a manifest
read whole, recording a copy of every data file), and every copy a complete day records
is read and compared with its SHA-256, checked by SQLite and found to be a database of
its data file's kind. Each stored file is read once, however many days point to it.
Read-only; nothing on the share is followed through a link. Days are counted as
`backup offsite list` counts them (both ask OffsiteFolder.survey)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from portal.offsite.confined import NotFollowed
from portal.offsite.errors import OffsiteError
from portal.offsite.folder import OffsiteFolder
from portal.offsite.seal import SealError

KindCheck = Callable[[Path], "str | None"]


@dataclass
class OffsiteReport:
    days: list[date] = field(default_factory=list)  # complete days checked
    files: int = 0  # stored files read
    problems: list[str] = field(default_factory=list)
    incomplete: list[date] = field(default_factory=list)  # never completed: not offered
    strays: list[str] = field(default_factory=list)  # on the share, not made by the portal
    damaged: set[tuple[date, str]] = field(default_factory=set)  # (stored in, file)
    # Why the folder could not be read at all (not there, not ours, not answering):
    # nothing was checked, which is not the same as a damaged copy.
    unreachable: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems and not self.unreachable

    def summary(self) -> str:
        if self.unreachable:
            return f"Off site: not verified: {self.unreachable}"
        if self.ok and not self.days:
            return "Off site: no complete day to verify yet: nothing was checked."
        if self.ok:
            return (
                f"Off site: {len(self.days)} complete "
                f"{'day' if len(self.days) == 1 else 'days'} verified ({self.files} stored "
                f"{'file' if self.files == 1 else 'files'} read): SHA-256, integrity and "
                "kind are good."
            )
        count = len(self.problems)
        return (
            f"Off site: {count} {'problem' if count == 1 else 'problems'} found: "
            + "; ".join(self.problems)
            + "."
        )


def verify(folder: OffsiteFolder, kinds: dict[str, KindCheck] | None = None) -> OffsiteReport:
    """Check every day folder of the portal's; `kinds` says, per data file, what makes a
    database not one of its kind (as restore asks)."""
    report = OffsiteReport()
    if problem := folder.problem():
        report.unreachable = problem
        return report
    try:
        survey = folder.survey()
    except OffsiteError as exc:
        report.unreachable = str(exc)
        return report
    report.strays = survey.strays
    checked: dict = {}  # path -> problem or None
    for day in survey.days:
        if day.manifest is None and day.problem is None:
            report.incomplete.append(day.day)
            continue
        if not day.complete:
            report.problems.append(f"{day.day}: {day.problem}")
            continue
        report.days.append(day.day)
        for item in day.manifest.items:
            path = folder.path_of(item)
            if path not in checked:
                checked[path] = check_item(folder, item, (kinds or {}).get(item.name), path)
            if checked[path]:
                report.problems.append(f"{day.day} {item.name}: {checked[path]}")
                report.damaged.add((item.stored_in, item.name))
    report.files = len(checked)
    return report


def check_item(folder: OffsiteFolder, item, kind: KindCheck | None, path=None) -> str | None:
    """What is wrong with a recorded copy (read, compared with its SHA-256, checked by
    SQLite and for its kind; a sealed one opened first), or None."""
    check = _check_sealed if item.sealed else _check
    return check(folder, path or folder.path_of(item), item.sha256, item.name, kind)


def _check_sealed(folder: OffsiteFolder, path, sha256: str, name: str, kind) -> str | None:
    """A sealed copy is opened into a local work file (never kept) and checked there."""
    try:
        with folder.opened(path) as (local, digest):
            if digest != sha256:
                return "differs from the SHA-256 in its sealed manifest (replaced: forged?)"
            return _check_database(folder, local, name, kind)
    except FileNotFoundError:
        return f"missing ({path} is not there)"
    except NotFollowed:
        return f"{path} is a link or a special file, not a copy the portal made"
    except SealError as exc:
        return f"forged or altered: {exc}"
    except OSError as exc:
        return f"cannot be read ({exc})"


def _check_database(folder: OffsiteFolder, path, name: str, kind) -> str | None:
    if damage := folder.ops.check(path, thorough=True):
        return f"damaged ({damage})"
    if kind is not None and (wrong := kind(path)):
        return f"is not a copy of {name} ({wrong})"
    return None


def _check(folder: OffsiteFolder, path, sha256: str, name: str, kind) -> str | None:
    try:
        if folder.ops.sha256(path) != sha256:
            return "differs from the SHA-256 in its manifest (changed or damaged)"
    except FileNotFoundError:
        return f"missing ({path} is not there)"
    except NotFollowed:
        return f"{path} is a link or a special file, not a copy the portal made"
    except OSError as exc:
        return f"cannot be read ({exc})"
    return _check_database(folder, path, name, kind)
