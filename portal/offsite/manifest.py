"""manifest.txt: what a dated off-site folder holds, one line per data file. Written
last, so a dated folder without one is incomplete and never offered for restore. A
person can read it: the fields are separated by tabs, with a header saying what they are.

"stored in" names the dated folder that holds the bytes: this one, or an earlier one
whose copy was identical (nothing is copied twice)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from portal.offsite.errors import OffsiteError

MANIFEST_NAME = "manifest.txt"
SEALED_SUFFIX = ".age"  # a sealed manifest or copy (seal.py)
# A second run on the same day writes manifest-2.txt (then -3 ...) beside the first, never
# over it: the day stays complete until its replacement is, and a share that cannot
# rename over an existing file (some SFTP servers, some NAS) is never asked to.
# A sealed manifest (seal.py) is manifest.age, manifest-2.age ...
_MANIFEST = re.compile(r"^manifest(?:-(\d{1,4}))?\.(?:txt|age)$")
# A stored copy's own name, when it is not the data file's ('todo-2.db': a second run).
_STORED = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")


def manifest_number(name: str) -> int | None:
    """1 for manifest.txt, N for manifest-N.txt, None for any other name."""
    match = _MANIFEST.match(name)
    if not match:
        return None
    return int(match[1]) if match[1] else 1


def manifest_name(number: int, sealed: bool = False) -> str:
    name = MANIFEST_NAME if number == 1 else f"manifest-{number}.txt"
    return name.removesuffix(".txt") + SEALED_SUFFIX if sealed else name


def is_sealed_name(name: str) -> bool:
    return name.endswith(SEALED_SUFFIX)


TIME_FORMAT = "%Y-%m-%d %H:%M:%S %z"
FIRST_LINE = "# manifest.txt: the Office Portal's off-site copy of {day}."
HEADER = """\
# manifest.txt: the Office Portal's off-site copy of {day}. This folder is complete:
# the manifest is written after every copy in it was written, read back and compared.
# One line per data file, fields separated by tabs: file, taken at, size in bytes,
# SHA-256, taken by, stored in (the dated folder holding the bytes: this one, or an
# earlier day whose copy was identical; under kept-copies/ once that day was pruned),
# and the stored copy's own name when it is not the file's (a second run that day).
"""
# In a sealed manifest each line has two more fields: the stored copy's name (always:
# 'todo.db.age') and the id of the key that sealed that copy. Its comment lines name the
# manifest's own number that day and the key that sealed it; its last line is the seal.
NUMBER_LINE = "# manifest: "
KEY_LINE = "# key: "


@dataclass(frozen=True)
class Item:
    """One data file's copy as the manifest of a day records it."""

    name: str
    taken_at: datetime
    size: int
    sha256: str
    taken_by: str
    stored_in: date
    file: str = ""  # the stored copy's name when it is not `name` (a second run's copy)
    key: str = ""  # the id of the key that sealed the stored copy ("": not sealed)

    @property
    def stored_name(self) -> str:
        return self.file or self.name

    @property
    def sealed(self) -> bool:
        return bool(self.key)


@dataclass(frozen=True)
class Manifest:
    day: date
    items: list[Item] = field(default_factory=list)
    owner: str = ""  # the portal instance that wrote it ("" in manifests from before 2026-12)
    bad_lines: tuple[int, ...] = ()  # lines that could not be read (the day is then damaged)
    key: str = ""  # the key that sealed it ("": a manifest from before sealing)
    number: int = 0  # its own number that day, as a sealed manifest says (0: not said)

    @property
    def sealed(self) -> bool:
        return bool(self.key)

    def item(self, name: str) -> Item | None:
        return next((item for item in self.items if item.name == name), None)


def render(manifest: Manifest, number: int = 0) -> str:
    """The manifest's text; a sealed one (manifest.key set) says its own number that day
    (the seal line is added by seal.py)."""
    lines = [HEADER.format(day=manifest.day.isoformat())]
    if manifest.owner:
        lines.append(f"# portal: {manifest.owner}\n")
    if manifest.sealed:
        lines.append(f"{NUMBER_LINE}{number}\n")
    for item in manifest.items:
        fields = [
            item.name,
            item.taken_at.strftime(TIME_FORMAT),
            str(item.size),
            item.sha256,
            item.taken_by,
            item.stored_in.isoformat(),
        ]
        if item.sealed:
            fields += [item.stored_name, item.key]
        elif item.file and item.file != item.name:
            fields.append(item.file)
        lines.append("\t".join(fields) + "\n")
    if manifest.sealed:
        lines.append(f"{KEY_LINE}{manifest.key}\n")
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
    items, bad, owner, key, own_number = [], [], "", "", 0
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("# portal: "):
            owner = line.removeprefix("# portal: ").strip()
            continue
        if line.startswith(KEY_LINE):
            key = line.removeprefix(KEY_LINE).strip()
            continue
        if line.startswith(NUMBER_LINE):
            said = line.removeprefix(NUMBER_LINE).strip()
            own_number = int(said) if said.isdigit() and len(said) < 5 else -1
            continue
        if not line.strip() or line.startswith("#"):
            continue
        item = _item(day, line)
        if item is None:
            bad.append(number)
        else:
            items.append(item)
    return Manifest(day, items, owner, tuple(bad), key, own_number)


def _item(day: date, line: str) -> Item | None:
    if len(line) > LONGEST_LINE:
        return None
    fields = line.split("\t")
    if len(fields) == 6:
        fields.append("")
    if len(fields) == 7:
        fields.append("")
    try:
        name, taken, size, sha256, who, stored_in, file, key = fields
        item = Item(
            name,
            datetime.strptime(taken, TIME_FORMAT),
            int(size),
            sha256,
            who,
            date.fromisoformat(stored_in),
            file,
            key,
        )
    except ValueError:
        return None
    if item.key and not item.file.endswith(SEALED_SUFFIX):
        return None  # a sealed copy is always a .age file
    if len(item.sha256) != 64 or item.stored_in > day or item.size < 0:
        return None
    if item.file and not _is_later_copy(item.name, item.file):
        return None  # never a path, never another file: 'todo-2.db' for todo.db
    return item


def _is_later_copy(name: str, file: str) -> bool:
    """'todo-2.db' for todo.db; sealed, 'todo.db.age' or 'todo-2.db.age'."""
    if file.endswith(SEALED_SUFFIX):
        file = file.removesuffix(SEALED_SUFFIX)
        if file == name:
            return True
    stem, dot, suffix = name.rpartition(".")
    return (
        bool(_STORED.match(file))
        and file.startswith(f"{stem}-")
        and file.endswith(f"{dot}{suffix}")
        and file[len(stem) + 1 : len(file) - len(dot + suffix)].isdigit()
    )


def later_copy_name(name: str, number: int) -> str:
    """The stored name of a later copy of `name` the same day: 'todo-2.db'."""
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}-{number}{dot}{suffix}"


def parse(day: date, text: str) -> Manifest:
    """The manifest of `day`; OffsiteError naming the first line that cannot be read (a
    manifest is all or nothing: it was written in one atomic step)."""
    manifest = read(day, text)
    if manifest.bad_lines:
        raise OffsiteError(f"The manifest of {day} cannot be read (line {manifest.bad_lines[0]}).")
    return manifest
