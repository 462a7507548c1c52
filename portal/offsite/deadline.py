"""A time limit on the share. A network share whose server stops answering blocks every
read or write on it for as long as the server is silent (minutes, hours), and nothing in
the operating system's file calls can be told to give up. So the work on the share runs
in a thread of its own while the caller waits for it with a limit: each step on the share
(confined.py's every path, each chunk of a copy or a read) says it answered; when no step
answers for the limit, the caller stops waiting and gets NoAnswer, with the backup lock
released by its own `with` block. The thread left behind is marked abandoned and stops at
its next step (if the server ever answers); every step it could still finish leaves the
share as a kill would, which the off-site copy is built to survive."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from portal.offsite.errors import OffsiteError

T = TypeVar("T")
# The watch of the work running in this thread (none outside `within`: no limit).
_here = threading.local()


class NoAnswer(OffsiteError):
    """The share did not answer a step within the time limit."""


class Watch:
    """The last time a step on the share answered, and which step is waiting."""

    def __init__(self, root: Path, limit: float):
        self.root, self.limit = root, limit
        self.last = time.monotonic()
        self.step = ""
        self.abandoned = False

    def tick(self, step: str) -> None:
        """A step starts (so the one before answered). Raises NoAnswer in a thread the
        caller no longer waits for, so that it does nothing more on the share."""
        if self.abandoned:
            raise NoAnswer(self.message())
        self.last = time.monotonic()
        self.step = step

    def silent_for(self) -> float:
        return time.monotonic() - self.last

    def message(self) -> str:
        waiting = f" (waiting for {self.step})" if self.step else ""
        return (
            f"The share does not answer: the off-site folder {self.root} gave no answer "
            f"for {self.limit:g} seconds{waiting}. The server or NAS may be off, asleep "
            "or unreachable. The local backups are not affected; the off-site copy is "
            "tried again later."
        )


def tick(step: str) -> None:
    """Each step on the share calls this as it starts (a no-op outside `within`)."""
    watch = getattr(_here, "watch", None)
    if watch is not None:
        watch.tick(step)


def within(root: Path, limit: float, work: Callable[[], T]) -> T:
    """work()'s result (or its exception), or NoAnswer when no step on the share
    answered for `limit` seconds. A limit of 0 or less runs `work` here, unwatched."""
    if limit <= 0:
        return work()
    watch = Watch(root, limit)
    outcome: dict = {}
    done = threading.Event()

    def run() -> None:
        _here.watch = watch
        try:
            outcome["value"] = work()
        except BaseException as exc:  # handed to the caller, whatever it is
            outcome["error"] = exc
        finally:
            done.set()

    worker = threading.Thread(target=run, name=f"share {root}", daemon=True)
    worker.start()
    while not done.wait(min(1.0, limit / 4)):
        if watch.silent_for() > limit:
            watch.abandoned = True
            raise NoAnswer(watch.message())
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
