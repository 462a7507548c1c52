"""A copy opened is proven once and read again by the pages that follow (issue 23: Open,
Show more, the confirmation, the bring-back), while it is the same copy: a copy changed,
rotated or replaced since is proven again; a copy opened anyway is never kept; a kept
proof unused for some minutes is removed (portal/backup/proven.py)."""

from __future__ import annotations

import os
import time

import pytest

from portal.apps.todo import store as todo
from portal.backup import open_copy, proven
from portal.backup.errors import UnprovenCopy
from portal.web import data_backup_of, get_db


@pytest.fixture
def engine(app, people, clock):
    with app.app_context():
        todo.add(get_db("todo.db"), people["alice"].id, "Minutes", None, "", clock())
        data_backup_of(app).run_backup(None, "admin")
    return data_backup_of(app).engine()


@pytest.fixture
def proofs(monkeypatch):
    """How many times a copy was proven (the proof itself still runs)."""
    count = []
    real = open_copy.prove

    def counting(*args, **kwargs):
        count.append(args[2].what)
        return real(*args, **kwargs)

    monkeypatch.setattr(open_copy, "prove", counting)
    return count


def _opened(engine) -> list:
    return sorted((engine.layout.root / open_copy.OPENED_FOLDER).iterdir())


def test_the_same_copy_is_proven_once_and_read_again(engine, proofs):
    with engine.open_copy("todo.db", 0, "admin") as first:
        pass
    with engine.open_copy("todo.db", 0, "admin") as second:
        assert second == first and second.exists()
    assert len(proofs) == 1 and _opened(engine) == [first]


def test_a_copy_changed_since_is_proven_again(engine, proofs):
    with engine.open_copy("todo.db", 0, "admin") as first:
        pass
    copy = engine.layout.slot("todo.db", 0)
    data = bytearray(copy.read_bytes())
    data[len(data) // 2] ^= 0xFF
    copy.write_bytes(bytes(data))
    with pytest.raises(UnprovenCopy), engine.open_copy("todo.db", 0, "admin"):
        pass
    assert len(proofs) == 2
    stat = copy.stat()  # the same bytes, the file's time set back: still not the same copy
    os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns - 10**9))
    with pytest.raises(UnprovenCopy), engine.open_copy("todo.db", 0, "admin"):
        pass
    assert first.exists()  # the earlier proof is of the bytes recorded, kept for its time


def test_a_copy_opened_anyway_is_never_kept(engine, proofs):
    (engine.layout.root / "backup.txt").unlink()
    for _ in range(2):
        with engine.open_copy("todo.db", 0, "admin", force=True) as private:
            assert private.exists()
        assert not private.exists()
    assert len(proofs) == 2


def test_a_proof_unused_for_minutes_is_removed(engine, proofs):
    with engine.open_copy("todo.db", 0, "admin") as first:
        pass
    later = time.monotonic() + proven.KEEP_SECONDS + 1
    proven.give_back(engine.layout.root / "nothing", open_copy._remove, now=later)
    assert not first.exists() and _opened(engine) == []
    with engine.open_copy("todo.db", 0, "admin"):
        pass
    assert len(proofs) == 2


def test_a_kept_proof_is_read_without_waiting_for_a_backup_and_never_after_one(engine, proofs, app):
    """The kept proof of a generation is found without the backup lock (its file's
    identity says it is the same copy); a backup that rotates the copies makes it
    another file, proven anew."""
    with engine.open_copy("todo.db", 0, "admin") as first:
        pass
    with (
        engine.locked("bob", engine.now(), 0),  # a backup holds the lock
        engine.open_copy("todo.db", 0, "admin") as again,
    ):
        assert again == first
    assert len(proofs) == 1
    engine.run(who="bob")  # the newest copy is another file now (same day: replaced)
    with engine.open_copy("todo.db", 0, "admin") as after:
        assert after != first
    assert len(proofs) == 2
