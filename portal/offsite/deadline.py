"""A time limit on the share. A network share whose server stops answering blocks every
read or write on it for as long as the server is silent (minutes, hours), and nothing in
the operating system's file calls can be told to give up. So the work on the share runs
apart while the caller waits for it with a limit: each step on the share (confined.py's
every path, each chunk of a copy or a read) says it answered; when no step answers for
the limit, the caller stops waiting and gets NoAnswer, with the backup lock released by
its own `with` block.

On POSIX the work runs in a forked child process that reports its steps and its result
through a pipe, and is killed when it falls silent. A thread would not do: a call into a
network file system (FUSE: sshfs, smbnetfs) that the server never answers cannot be
interrupted, and a process cannot end while one of its threads waits in such a call, so
`backup run` would finish its work and then never exit. A killed child that waits there
ends when the call does (or the share is unmounted), and nobody waits for it. Windows has
no fork and its network redirector gives up by itself: there the work runs in a thread,
marked abandoned so that it stops at its next step. Either way a step that still finishes
leaves the share as a kill would, which the off-site copy is built to survive."""

from __future__ import annotations

import contextlib
import os
import pickle  # nosec B403 - between this process and its own child, never from the share
import select
import signal
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
    if hasattr(os, "fork"):
        return _in_child(Watch(root, limit), work)
    return _in_thread(Watch(root, limit), work)


# The child's report: step lines, then this line and the pickled outcome up to the end.
_RESULT = b"\0result\n"
_STEP_EVERY = 0.2  # seconds between step reports (a copy's chunks come faster)
_MAX_FD = 1 << 20


class _ChildWatch(Watch):
    """In the child: each step is reported to the parent (at most every _STEP_EVERY)."""

    def __init__(self, pipe: int):
        super().__init__(Path(), 0)
        self.pipe, self.sent = pipe, 0.0

    def tick(self, step: str) -> None:
        now = time.monotonic()
        if now - self.sent >= _STEP_EVERY:
            self.sent = now
            line = step.replace("\n", " ").replace("\0", " ").encode("utf-8", "replace")
            os.write(self.pipe, line[:300] + b"\n")


def _outcome_bytes(work: Callable[[], T]) -> bytes:
    try:
        outcome = ("value", work())
    except BaseException as exc:  # handed to the parent, whatever it is
        outcome = ("error", exc)
    try:
        data = pickle.dumps(outcome)
        pickle.loads(data)  # noqa: S301  # nosec B301 - made just above: does it come back?
    except Exception:  # an exception that does not travel: its words do
        data = pickle.dumps(("error", OffsiteError(str(outcome[1]))))
    return data


def _in_child(watch: Watch, work: Callable[[], T]) -> T:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: do the work, report, and end without running anything else
        code = 1
        try:
            os.close(read)
            null = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):  # never hold the caller's output open
                os.dup2(null, fd)
            # Nor anything else of the caller's: a child left waiting on a silent share
            # must not keep the portal's listening socket (a restarted portal could not
            # take its port) nor its log files. The work opens what it needs itself.
            os.closerange(3, write)
            os.closerange(write + 1, _MAX_FD)
            _here.watch = _ChildWatch(write)
            data = _RESULT + _outcome_bytes(work)
            while data:
                data = data[os.write(write, data) :]
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    try:
        report = _listen(watch, read, pid)
    finally:
        os.close(read)
    kind, value = pickle.loads(report)  # noqa: S301  # nosec B301 - our own child's report
    if kind == "error":
        raise value
    return value


def _listen(watch: Watch, read: int, pid: int) -> bytes:
    """The child's outcome, following its step reports; NoAnswer (the child killed) when
    it reports nothing for the limit."""
    pending, result = b"", None
    poller = select.poll()  # not select(): a busy server's descriptors may pass 1024
    poller.register(read, select.POLLIN | select.POLLHUP)
    while True:
        if not poller.poll(int(1000 * min(1.0, watch.limit / 4))):
            if watch.silent_for() > watch.limit:
                _give_up(pid)
                raise NoAnswer(watch.message())
            continue
        chunk = os.read(read, 1 << 16)
        if not chunk:
            break
        if result is not None:
            result += chunk
            continue
        watch.last = time.monotonic()
        pending += chunk
        if _RESULT in pending:
            steps, result = pending.split(_RESULT, 1)
            pending = steps
        lines = pending.split(b"\n")
        pending = lines[-1] if result is None else b""
        if len(lines) > 1 and lines[-2]:
            watch.step = lines[-2].decode("utf-8", "replace")
    _reap(pid)
    if result is None:
        raise OffsiteError("The work on the off-site folder ended without a result.")
    return result


def _give_up(pid: int) -> None:
    """Kill a child that waits on a silent share; it is reaped whenever it ends."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    threading.Thread(target=_reap, args=(pid,), name="share child", daemon=True).start()


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def _in_thread(watch: Watch, work: Callable[[], T]) -> T:
    outcome: dict = {}
    done = threading.Event()
    root, limit = watch.root, watch.limit

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
