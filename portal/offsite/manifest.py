"""manifest.txt: what a dated off-site folder holds, one line per data file. Written
last, so a dated folder without one is incomplete and never offered for restore. A
person can read it: the fields are separated by tabs, with a header saying what they are.

"stored in" names the dated folder that holds the bytes: this one, or an earlier one
whose copy was identical (nothing is copied twice)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from portal.offsite.errors import OffsiteError

MANIFEST_NAME = "manifest.txt"
TIME_FORMAT = "%Y-%m-%d %H:%M:%S %z"
FIRST_LINE = "# manifest.txt: the Office Portal's off-site copy of {day}."
HEADER = """\
# manifest.txt: the Office Portal's off-site copy of {day}. This folder is complete:
# the manifest is written after every copy in it was written, read back and compared.
# One line per data file, fields separated by tabs: file, taken at, size in bytes,
# SHA-256, taken by, stored in (the dated folder holding the bytes: this one, or an
# earlier day whose copy was identical; under kept-copies/ once that day was pruned).
"""


@dataclass(frozen=True)
class Item:
    """One data file's copy as the manifest of a day records it."""

    name: str
    taken_at: datetime
    size: int
    sha256: str
    taken_by: str
    stored_in: date


@dataclass(frozen=True)
class Manifest:
    day: date
    items: list[Item] = field(default_factory=list)
    owner: str = ""  # the portal instance that wrote it ("" in manifests from before 2026-12)
    bad_lines: tuple[int, ...] = ()  # lines that could not be read (the day is then damaged)

    def item(self, name: str) -> Item | None:
        return next((item for item in self.items if item.name == name), None)


def render(manifest: Manifest) -> str:
    lines = [HEADER.format(day=manifest.day.isoformat())]
    if manifest.owner:
        lines.append(f"# portal: {manifest.owner}\n")
    for item in manifest.items:
        fields = [
            item.name,
            item.taken_at.strftime(TIME_FORMAT),
            str(item.size),
            item.sha256,
            item.taken_by,
            item.stored_in.isoformat(),
        ]
        lines.append("\t".join(fields) + "\n")
    return "".join(lines)


def is_manifest_of(day: date, text: str) -> bool:
    """Whether `text` starts as the portal writes a manifest of `day`."""
    return text.startswith(FIRST_LINE.format(day=day.isoformat()))


# The longest line a manifest of ours can have (a file name, a time, a size, a SHA-256, a
# login, a date): a longer line is damage and is never shown whole.
LONGEST_LINE = 1024


def read(day: date, text: str) -> Manifest:
    """The manifest of `day`, line by line: the lines that can be read become items, the
    others are listed in `bad_lines` (the day is then reported as damaged, and kept)."""
    items, bad, owner = [], [], ""
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("# portal: "):
            owner = line.removeprefix("# portal: ").strip()
            continue
        if not line.strip() or line.startswith("#"):
            continue
        item = _item(day, line)
        if item is None:
            bad.append(number)
        else:
            items.append(item)
    return Manifest(day, items, owner, tuple(bad))


def _item(day: date, line: str) -> Item | None:
    if len(line) > LONGEST_LINE:
        return None
    try:
        name, taken, size, sha256, who, stored_in = line.split("\t")
        item = Item(
            name,
            datetime.strptime(taken, TIME_FORMAT),
            int(size),
            sha256,
            who,
            date.fromisoformat(stored_in),
        )
    except ValueError:
        return None
    if len(item.sha256) != 64 or item.stored_in > day or item.size < 0:
        return None
    return item


def parse(day: date, text: str) -> Manifest:
    """The manifest of `day`; OffsiteError naming the first line that cannot be read (a
    manifest is all or nothing: it was written in one atomic step)."""
    manifest = read(day, text)
    if manifest.bad_lines:
        raise OffsiteError(f"The manifest of {day} cannot be read (line {manifest.bad_lines[0]}).")
    return manifest
