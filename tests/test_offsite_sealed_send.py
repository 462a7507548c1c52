"""Issue 21, item 5: a sealed copy is hashed on its way to the share (sealed_copy.py)
instead of being opened again on the read-back. The checks must stay as strong: a local
copy that changed since it was recorded is never sent, a share that gives back other
bytes keeps nothing, and what is kept opens to exactly the recorded local copy."""

from __future__ import annotations

import hashlib
import io
import os
import random
from datetime import date

import pytest

from portal.data_backup.offsite import newest_local
from portal.offsite import OffsiteError, sealed_copy, send
from portal.offsite.seal import Key, Seal
from portal.offsite.shareops import ShareOps
from portal.offsite.verify import verify
from tests.backup_helpers import local, make_engine
from tests.helpers import FakeClock
from tests.offsite_helpers import share_at

SEAL = Seal([Key.make(date(2026, 11, 1))])
DAY = date(2026, 11, 27)


@pytest.fixture
def site(tmp_path):
    engine = make_engine(tmp_path / "site", FakeClock(local(2026, 11, 27, 13, 5)))
    engine.run(who="alice")
    (tmp_path / "opened").mkdir()
    return engine, tmp_path / "nas", tmp_path / "opened"


def _sealed_share(root, opened, ops=None):
    return share_at(root, ops, seal=SEAL, opened=opened)


def test_a_sealed_send_keeps_copies_that_open_to_the_recorded_bytes(site):
    engine, root, opened = site
    share = _sealed_share(root, opened)
    send(share, newest_local(engine), DAY)
    assert verify(share).ok
    for copy in newest_local(engine):
        item = share.day(DAY).manifest.item(copy.name)
        with share.opened(share.path_of(item)) as (path, digest):
            assert digest == copy.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_changed_local_copy_is_never_sealed_and_sent(site):
    engine, root, opened = site
    copies = newest_local(engine)
    damaged = engine.layout.slot("todo.db", 0)
    data = bytearray(damaged.read_bytes())
    data[200] ^= 0xFF
    damaged.write_bytes(bytes(data))
    share = _sealed_share(root, opened)
    with pytest.raises(OffsiteError, match="The local copy of todo.db does not match"):
        send(share, copies, DAY)
    assert share.complete_days() == []


@pytest.mark.parametrize("where", ["start", "middle", "end", "appended", "cut"])
def test_a_share_that_gives_back_other_sealed_bytes_keeps_nothing(site, where):
    class Garbling(ShareOps):
        def copy_flushed(self, source, target, seal=None):
            sums = super().copy_flushed(source, target, seal)
            size = os.path.getsize(target)
            with open(target, "r+b") as handle:
                if where == "appended":
                    handle.seek(size)
                    handle.write(b"\0")
                elif where == "cut":
                    handle.truncate(size - 1)
                else:
                    handle.seek({"start": 0, "middle": size // 2, "end": size - 1}[where])
                    byte = handle.read(1)
                    handle.seek(-1, os.SEEK_CUR)
                    handle.write(bytes([byte[0] ^ 0x01]))
            return sums

    engine, root, opened = site
    share = _sealed_share(root, opened, Garbling())
    with pytest.raises(OffsiteError, match="read back from the off-site folder differs"):
        send(share, newest_local(engine), DAY)
    assert share.complete_days() == []
    assert [p.name for p in (root / "2026-11-27").iterdir()] == [".office-portal-day"]


def test_the_sums_are_those_of_the_bytes_read_and_written_at_any_size(tmp_path):
    """The rule, at sizes around the block and age's chunk sizes: the plain sum is the
    source's, the sealed sum is the written file's, and the file opens to the source."""
    rng = random.Random(21)
    block = sealed_copy._BLOCK
    for size in (0, 1, 65535, 65536, 65537, block - 1, block, block + 1, 3 * block + 17):
        data = rng.randbytes(size)
        target = tmp_path / f"copy-{size}.age"
        out = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            sums = sealed_copy.seal_into(io.BytesIO(data), out, SEAL, "writing a copy")
        finally:
            os.close(out)
        sealed = target.read_bytes()
        assert sums.plain == hashlib.sha256(data).hexdigest()
        assert sums.sealed == hashlib.sha256(sealed).hexdigest()
        opened = io.BytesIO()
        SEAL.open_stream(io.BytesIO(sealed), opened)
        assert opened.getvalue() == data


def test_a_failing_write_stops_the_sealed_copy_and_its_helper(tmp_path):
    """A share that fails mid-copy: its own error reaches the caller (not age's wrapping
    of it: the words "full" or "cannot be reached" come from it), no thread is left."""
    import threading

    data = random.Random(5).randbytes(3 * sealed_copy._BLOCK)
    read, write = os.pipe()
    os.close(read)  # every write now fails (EPIPE), as a share gone mid-copy
    try:
        with pytest.raises(BrokenPipeError):
            sealed_copy.seal_into(io.BytesIO(data), write, SEAL, "writing a copy")
    finally:
        os.close(write)
    assert not [t for t in threading.enumerate() if t.name == "sealed copy sums"]


def test_a_share_that_stops_answering_stops_the_sealed_copy_with_no_answer(monkeypatch):
    """Where the work runs in a thread (Windows), the time limit stops it at its next step
    with NoAnswer; age must not turn that into an error of its own."""
    import types

    from portal.offsite.deadline import NoAnswer

    def silent(step):
        raise NoAnswer(f"The share does not answer (waiting for {step}).")

    monkeypatch.setattr(sealed_copy, "deadline", types.SimpleNamespace(tick=silent))
    read, write = os.pipe()
    try:
        with pytest.raises(NoAnswer, match="waiting for writing a copy"):
            sealed_copy.seal_into(
                io.BytesIO(b"x" * sealed_copy._BLOCK), write, SEAL, "writing a copy"
            )
    finally:
        os.close(read)
        os.close(write)
