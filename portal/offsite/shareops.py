"""The file steps of the off-site copy: the engine's FileOps (the seam for fault
injection and Windows retries), and a copy flushed to the share."""

from __future__ import annotations

import os
from pathlib import Path

from portal.backup.fileops import FileOps


class ShareOps(FileOps):
    def copy_flushed(self, source: Path, target: Path) -> None:
        """Copy `source` to `target` (a fresh work name), flushed to the disk or the share.
        shutil.copyfile lets the kernel copy (sendfile on Linux), as fast as `cp`; the copy
        is not hashed on the way: the copy read back is what is compared with the record."""
        self.held(lambda: self.raw_copy(source, target), target, "written")
        self.fsync_file(target)

    def rmdir(self, path: Path) -> None:
        """Remove an empty folder if it is there."""
        try:
            self.held(path.rmdir, path, "deleted")
        except FileNotFoundError:
            return

    def write_probe(self, path: Path, data: bytes) -> bytes:
        """Write a small file, flush it, read it back (the Test button)."""

        def write() -> None:
            with open(path, "xb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())

        self.held(write, path, "written")
        return path.read_bytes()
