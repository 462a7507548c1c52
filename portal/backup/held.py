"""Files held open by another program. On Windows an antivirus scanner or the search
indexer opens a freshly written file to read it, for seconds on a large copy, and
Windows then refuses to rename, replace or delete it (WinError 5 or 32). Every rename,
replace, delete and open-for-write of a backup file goes through `retry_held`: it tries
again with a growing pause for a bounded time (FILE_HELD_SECONDS, 10 by default), then
fails with a message that names the file and says why. Elsewhere only EBUSY and ETXTBSY
mean "in use": a POSIX permission error (EACCES, EPERM) is never caused by another
program holding the file, so it is said at once, as what it is (NotAllowed)."""

from __future__ import annotations

import errno
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

# Windows: access denied, sharing violation, lock violation.
HELD_WINERRORS = frozenset({5, 32, 33})
HELD_ERRNOS = frozenset({errno.EBUSY, errno.ETXTBSY})


@dataclass(frozen=True)
class Patience:
    """How long to wait for a file another program holds open, and how: the pauses
    double from `first_pause` up to `longest_pause`. The clock and the sleep are injected
    so the tests wait no real time."""

    seconds: float = 10.0
    first_pause: float = 0.05
    longest_pause: float = 1.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)
    monotonic: Callable[[], float] = field(default=time.monotonic, compare=False)


class FileHeld(OSError):
    """A file that stayed held open (or refused) for the whole of the patience."""

    def __init__(self, cause: OSError, path: Path, doing: str, seconds: float):
        super().__init__(cause.errno, cause.strerror, str(path))
        self.message = (
            f"{path} could not be {doing} for {seconds:g} seconds: another program holds it "
            "open (an antivirus scanner, the search indexer, a backup tool?), or the portal's "
            f"account may not change it ({cause.strerror or cause})"
        )

    def __str__(self) -> str:
        return self.message


class NotAllowed(OSError):
    """A step the portal's account may not make: said at once, naming the file."""

    def __init__(self, cause: OSError, path: Path, doing: str):
        super().__init__(cause.errno, cause.strerror, str(path))
        self.message = (
            f"{path} could not be {doing}: the portal's account may not change it "
            f"({cause.strerror or cause}); give it the right to, or move the file away"
        )

    def __str__(self) -> str:
        return self.message


def is_held(exc: OSError) -> bool:
    """Whether an error is what a file in use gives (on Windows, also access denied,
    which a scanner holding the file gives as well as a real refusal)."""
    if getattr(exc, "winerror", None) in HELD_WINERRORS:
        return True
    return exc.errno in HELD_ERRNOS


def retry_held(action: Callable[[], T], path: Path, doing: str, patience: Patience) -> T:
    """Run `action` (a step on `path`: 'renamed', 'deleted', 'written'); while it fails as
    a held file does, try again with a growing pause until `patience.seconds` have gone,
    then raise FileHeld naming the file. Any other error is raised at once."""
    deadline = patience.monotonic() + patience.seconds
    pause = patience.first_pause
    while True:
        try:
            return action()
        except OSError as exc:
            if isinstance(exc, FileHeld | NotAllowed):
                raise
            if not is_held(exc):
                if isinstance(exc, PermissionError):
                    raise NotAllowed(exc, path, doing) from exc
                raise
            if patience.monotonic() + pause > deadline:
                raise FileHeld(exc, path, doing, patience.seconds) from exc
            patience.sleep(pause)
            pause = min(pause * 2, patience.longest_pause)
