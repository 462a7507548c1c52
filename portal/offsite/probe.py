"""The Test button's probe (and `backup offsite test`): on a few bytes, what a copy
does on the share, so that a share where every copy would fail is found before the first
copy, with the step that fails named."""

from __future__ import annotations

import contextlib
import secrets
from pathlib import Path

from portal.offsite.days import PARTIAL
from portal.offsite.errors import OffsiteError
from portal.offsite.folder import OffsiteFolder
from portal.offsite.share_words import NO_FREE_SPACE_REPORTED, share_error


def test(folder: OffsiteFolder) -> list[str]:
    """The Test button: what a copy does, on a few bytes. A file is written under a
    work name and flushed, renamed to its final name, read back and compared, and
    deleted; the free space is asked for. OffsiteError naming the step that failed
    (every copy would fail there); otherwise notes on what the share cannot do that
    the portal does not need (renaming over a file) or reports oddly (0 bytes free)."""
    if problem := folder.reach_problem() or folder.claim_problem():
        raise OffsiteError(problem)
    data, token = secrets.token_bytes(64), secrets.token_hex(4)
    work = folder.root / f".portal-test.{token}{PARTIAL}"
    final = folder.root / f".portal-test.{token}.done{PARTIAL}"
    other = folder.root / f".portal-test.{token}.over{PARTIAL}"
    notes: list[str] = []
    step = "write and flush a file"
    try:
        folder.ops.write_probe(work, data)
        step = "rename a written file to its final name"
        folder.ops.replace(work, final)
        step = "read a file back"
        if folder.ops.read_probe(final) != data:
            raise OffsiteError(
                f"The off-site folder {folder.root} gave back other bytes than were "
                "written: every copy would be refused."
            )
        step = "write a second file"
        notes += _test_rename_over(folder, final, other)
        step = "delete a file"
        folder.ops.unlink(final)
        step = "ask for its free space"
        if folder.ops.free_space(folder.root) == 0:
            notes.append(NO_FREE_SPACE_REPORTED.format(root=folder.root))
    except OSError as exc:
        raise OffsiteError(
            f"The off-site folder {folder.root} failed the test: it could not {step} "
            f"({share_error(exc)}). Every off-site copy would fail the same way."
        ) from exc
    finally:
        for path in (work, final, other):
            with contextlib.suppress(OSError):
                folder.confined.unlink(path)
    return notes


def _test_rename_over(folder: OffsiteFolder, existing: Path, other: Path) -> list[str]:
    """Whether the share can rename a file over another: said, not needed."""
    folder.ops.write_probe(other, b"over")
    try:  # the bare step: a refusal here is an answer, not a file held open
        folder.ops.raw_replace(other, existing)
    except OSError as exc:
        return [
            f"The share cannot rename a file over another ({exc}); the portal's "
            "copies never need to."
        ]
    return []
