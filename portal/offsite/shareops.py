"""The file steps of the off-site copy: the engine's FileOps (the seam for fault
injection and Windows retries) and a streamed copy that hashes what it reads."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from portal.backup.fileops import FileOps

CHUNK = 1024 * 1024


class ShareOps(FileOps):
    def copy_hashed(self, source: Path, target: Path) -> str:
        """Copy `source` to a new file `target`, flushed to the disk (or the share),
        and return the SHA-256 of the bytes read: what was sent, read once."""
        digest = hashlib.sha256()
        with open(source, "rb") as src, open(target, "xb") as dst:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                dst.write(chunk)
            dst.flush()
            os.fsync(dst.fileno())
        return digest.hexdigest()

    def rmdir(self, path: Path) -> None:
        """Remove an empty folder if it is there."""
        try:
            path.rmdir()
        except FileNotFoundError:
            return

    def write_probe(self, path: Path, data: bytes) -> bytes:
        """Write a small file, flush it, read it back (the Test button)."""
        with open(path, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        return path.read_bytes()
