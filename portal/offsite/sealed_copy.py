"""A copy sealed on its way to the share, with both of its SHA-256s taken on the way.

The read-back of a sealed copy used to open it again (age's decryption, then the SHA-256
of what it holds): three passes over the bytes after the encryption, and the send took 6x
`cp` + `sync` (docs/performance.md). Now, while age encrypts, the bytes it reads from
the local copy and the sealed bytes it writes are hashed on another core: age holds
Python's lock while it encrypts, hashlib lets go of it for a large block, so the hashes
cost no time beside the encryption. The read-back is then one plain SHA-256 of the file
on the share, compared with the sealed bytes' one. Together they prove what the old
read-back proved: what was sealed is the recorded local copy (the plain SHA-256), and
the share holds exactly the sealed bytes (the sealed SHA-256); that those bytes open to
what was sealed is age's own guarantee, checked again by every verify and restore.

Memory stays bounded: at most _QUEUE blocks of _BLOCK bytes wait for the hasher."""

from __future__ import annotations

import hashlib
import os
import queue
import threading
from dataclasses import dataclass
from typing import BinaryIO

from portal.offsite import deadline
from portal.offsite.seal import Seal

_BLOCK = 4 * 1024 * 1024
_QUEUE = 4


@dataclass(frozen=True)
class SealedSums:
    plain: str  # SHA-256 of what was sealed: the local copy's bytes as age read them
    sealed: str  # SHA-256 of the sealed bytes written to the share


def seal_into(source: BinaryIO, out: int, seal: Seal, step: str) -> SealedSums:
    """Seal the open local file `source` into the open file `out` on the share; the
    SHA-256s of both sides. Each block written to the share is a step of `step`."""
    hasher = _Hasher()
    reader, writer = _Reader(source, hasher), _Writer(out, hasher, step)
    try:
        seal.seal_stream(reader, writer)
        writer.flush()
    except Exception:
        # age wraps the errors it meets in its own; the share's error (full, gone: said
        # in words by share_words.py) or the time limit's NoAnswer is what the caller needs.
        if error := writer.error or reader.error:
            raise error from None
        raise
    finally:
        sums = hasher.finish()
    return sums


class _Hasher:
    """The two SHA-256s, taken in a thread of their own from a bounded queue of blocks."""

    def __init__(self):
        self.sums = {"plain": hashlib.sha256(), "sealed": hashlib.sha256()}
        self.blocks: queue.Queue = queue.Queue(maxsize=_QUEUE)
        self.thread = threading.Thread(target=self._run, name="sealed copy sums", daemon=True)
        self.thread.start()

    def put(self, kind: str, block: bytes) -> None:
        self.blocks.put((kind, block))

    def _run(self) -> None:
        while (item := self.blocks.get()) is not None:
            kind, block = item
            self.sums[kind].update(block)

    def finish(self) -> SealedSums:
        self.blocks.put(None)
        self.thread.join()
        return SealedSums(self.sums["plain"].hexdigest(), self.sums["sealed"].hexdigest())


class _Reader:
    """The local copy as age reads it (in small pieces): read here a block at a time,
    each block handed to the hasher once."""

    def __init__(self, handle: BinaryIO, hasher: _Hasher):
        self.handle, self.hasher = handle, hasher
        self.block, self.pos = b"", 0
        self.error: Exception | None = None

    def _fill(self) -> bool:
        if self.pos >= len(self.block):
            try:
                self.block, self.pos = self.handle.read(_BLOCK), 0
            except Exception as exc:  # kept whole: age passes on only its own wrapping
                self.error = exc
                raise
            if self.block:
                self.hasher.put("plain", self.block)
        return bool(self.block)

    def read(self, size: int = -1) -> bytes:
        if not self._fill():
            return b""
        end = len(self.block) if size is None or size < 0 else self.pos + size
        piece = self.block[self.pos : end]
        self.pos += len(piece)
        return piece

    def readinto(self, buffer) -> int:
        piece = self.read(len(buffer))
        buffer[: len(piece)] = piece
        return len(piece)


class _Writer:
    """Where age writes the sealed bytes: gathered into blocks, each written whole to
    the share (an answer from it) and handed to the hasher."""

    def __init__(self, out: int, hasher: _Hasher, step: str):
        self.out, self.hasher, self.step = out, hasher, step
        self.pending = bytearray()
        self.error: Exception | None = None

    def write(self, data) -> int:
        self.pending += data
        if len(self.pending) >= _BLOCK:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if not self.pending:
            return
        block = bytes(self.pending)
        self.pending.clear()
        view = memoryview(block)
        try:
            while view:
                deadline.tick(self.step)  # NoAnswer in a thread the caller gave up on
                view = view[os.write(self.out, view) :]
        except Exception as exc:  # kept whole: age passes on only its own wrapping
            self.error = exc
            raise
        self.hasher.put("sealed", block)
