"""A real network share for the tests: OpenSSH's sftp-server behind a TCP port on the
loopback address, mounted with sshfs (FUSE) as an office's NAS would be. Options of
sftp-server stand for other servers: `-P posix-rename` for an SFTP server or NAS that
cannot rename over a file. The server's processes can be stopped (a server that no
longer answers) or killed (a lost connection). Tests using it skip where FUSE, sshfs
or sftp-server cannot be had."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.notify_helpers import free_port

SFTP_SERVER = next(
    (
        path
        for path in ("/usr/lib/openssh/sftp-server", "/usr/libexec/openssh/sftp-server")
        if os.access(path, os.X_OK)
    ),
    None,
)

# One sftp-server per connection, its standard input and output the connection (as sshd
# runs it); sshfs's `directport` connects to it without ssh.
_SERVER = """
import socket, subprocess, sys
listener = socket.socket()
listener.bind(("127.0.0.1", int(sys.argv[1])))
listener.listen()
print("ready", flush=True)
while True:
    conn, _ = listener.accept()
    subprocess.Popen(sys.argv[2:], stdin=conn.fileno(), stdout=conn.fileno())
    conn.close()
"""


def available() -> str | None:
    """Why a real share cannot be had here, or None."""
    if sys.platform != "linux":
        return "sshfs shares are tried on Linux"
    if shutil.which("sshfs") is None or SFTP_SERVER is None:
        return "needs sshfs and OpenSSH's sftp-server"
    if not os.path.exists("/dev/fuse"):
        return "needs FUSE (/dev/fuse)"
    return None


class SftpShare:
    """A served folder and where it is mounted."""

    def __init__(self, served: Path, mount: Path, denied: tuple[str, ...] = ()):
        self.served, self.mount, self.denied = served, mount, denied
        self.server: subprocess.Popen | None = None

    def start(self) -> None:
        port = free_port()
        command = [SFTP_SERVER, "-d", str(self.served)]
        if self.denied:
            command += ["-P", ",".join(self.denied)]
        self.server = subprocess.Popen(
            [sys.executable, "-c", _SERVER, str(port), *command],
            stdout=subprocess.PIPE,
            start_new_session=True,  # its sftp-servers with it, to stop them together
        )
        assert self.server.stdout.readline().strip() == b"ready"
        self.mount.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            ["sshfs", "-o", f"directport={port}", f"127.0.0.1:{self.served}", str(self.mount)],
            capture_output=True,
            timeout=30,
        )
        if done.returncode != 0:
            self.stop()
            pytest.skip(f"sshfs cannot mount here: {done.stderr.decode().strip()}")

    def _group(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.server.pid, sig)

    def pause(self) -> None:
        """The server stops answering (its processes stopped, the connection kept)."""
        for pid in self.sftp_servers():
            os.kill(pid, signal.SIGSTOP)

    def resume(self) -> None:
        for pid in self.sftp_servers():
            os.kill(pid, signal.SIGCONT)

    def sftp_servers(self) -> list[int]:
        found = subprocess.run(["pgrep", "-P", str(self.server.pid)], capture_output=True)
        return [int(pid) for pid in found.stdout.split()]

    def mounted(self) -> bool:
        """Whether the mount is there, answering or not. A FUSE mount whose sshfs lost
        its server for good answers "Transport endpoint is not connected", and
        os.path.ismount calls that not a mount (it catches the error): seen once under
        two test workers, when sshfs had not yet gone after the server ended."""
        try:
            os.stat(self.mount)
        except OSError as exc:
            return exc.errno == errno.ENOTCONN
        return os.path.ismount(self.mount)

    def cut(self) -> None:
        """The connection is lost: the server ends, sshfs with it, the mount goes away."""
        self.resume()
        for pid in self.sftp_servers():
            os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            if not self.mounted():
                return
            time.sleep(0.05)
        self.unmount()

    def unmount(self) -> None:
        if not self.mounted():
            return
        if subprocess.run(["fusermount", "-u", str(self.mount)], capture_output=True).returncode:
            subprocess.run(["fusermount", "-uz", str(self.mount)], capture_output=True)

    def stop(self) -> None:
        if self.server is None:
            return
        self.resume()
        self.unmount()
        self._group(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.server.wait(timeout=10)
        self._group(signal.SIGKILL)
        self.server.stdout.close()


@contextlib.contextmanager
def sftp_share(root: Path, denied: tuple[str, ...] = ()):
    if why := available():
        pytest.skip(why)
    served = root / "served"
    served.mkdir(parents=True, exist_ok=True)
    share = SftpShare(served, root / "mnt", denied)
    share.start()
    try:
        yield share
    finally:
        share.stop()
