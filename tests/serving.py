"""Start `python -m portal` for real in a subprocess, as an operator would."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def faketime(start: str, speed: int = 1) -> list[str]:
    """A command prefix that runs the portal with its clock starting at `start`
    ('2026-11-27 14:00:00', the machine's zone), optionally `speed` times as fast."""
    return ["faketime", "-f", f"@{start}" + (f" x{speed}" if speed != 1 else "")]


@contextmanager
def serve(
    instance: Path,
    *extra: str,
    env: dict | None = None,
    prefix: list[str] = (),
    ready_status: int = 200,
):
    """Run the portal until the block ends; yield (base URL, a function returning its output).
    `prefix` wraps the command, e.g. in faketime. It is up once /login answers with
    `ready_status` (503 for a portal that serves only the page saying what is wrong)."""
    port = free_port()
    log = instance.parent / f"serve-{port}.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [
                *prefix,
                sys.executable,
                "-m",
                "portal",
                "--instance",
                str(instance),
                "--port",
                str(port),
                *extra,
            ],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            # Its own process group: a faketime wrapper forks the portal as its child,
            # and stopping only the wrapper would leave the portal serving.
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    urllib.request.urlopen(url + "/login", timeout=2)  # noqa: S310 - loopback
                    break
                except urllib.error.HTTPError as answer:
                    if answer.code == ready_status:
                        break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the portal did not start:\n" + log.read_text())
                time.sleep(0.1)
            yield url, log.read_text
        finally:
            stop(proc)


def stop(proc: subprocess.Popen) -> None:
    """Stop a served portal and everything it started, gently. Under faketime the portal
    is the wrapper's child: SIGTERM goes to the child first, so that the wrapper sees it
    end and removes its semaphore from /dev/shm (a wrapper killed itself leaves it, and
    a later wrapper with the same pid fails with `sem_open: File exists`)."""
    children = [pid for pid in _group(proc.pid) if pid != proc.pid]
    for pid in children:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    if not children:
        proc.terminate()  # the portal itself, no wrapper around it
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if proc.poll() is not None and not _group(proc.pid):
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)


def _group(pgid: int) -> list[int]:
    """The processes of a process group (Linux's /proc; elsewhere, just the leader)."""
    proc = Path("/proc")
    if not proc.is_dir():
        return [pgid]
    members = []
    for stat in proc.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # after the name: state, ppid, pgrp
            members.append(int(stat.parent.name))
    return members


def run_flask(instance: Path, *args: str, stdin: str | None = None, env: dict | None = None):
    """Run `flask --app portal ARGS` on an instance, as an operator would."""
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "portal", *args],
        cwd=ROOT,
        env={**os.environ, "PORTAL_INSTANCE_PATH": str(instance), **(env or {})},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def wait_for_automatic_run(instance: Path, day: str, seconds: float = 180, logs=None) -> None:
    """Wait until the automatic backup of `day` has ended in an instance (its row is
    written when a run ends). A fixed sleep was too short on a busy CI machine; when it
    never ends, the servers' logs (`logs()`) and the backup history say why."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        conn = sqlite3.connect(instance / "data" / "system.db", timeout=5)
        try:
            row = conn.execute("SELECT 1 FROM automatic_backups WHERE day = ?", (day,)).fetchone()
        except sqlite3.OperationalError:  # locked for a moment by the run itself
            row = None
        finally:
            conn.close()
        if row:
            return
        time.sleep(0.2)
    conn = sqlite3.connect(instance / "data" / "system.db", timeout=5)
    try:
        history = conn.execute(
            "SELECT at, action, actor, detail FROM audit_log ORDER BY id DESC LIMIT 30"
        ).fetchall()
    except sqlite3.Error as exc:
        history = [str(exc)]
    finally:
        conn.close()
    raise AssertionError(
        f"no automatic backup of {day} ended within {seconds} s; the history, newest "
        f"first: {history}; the logs: {(logs() if logs else '')[-4000:]}"
    )
