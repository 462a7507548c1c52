"""The share's time limit itself (portal/offsite/deadline.py): the work's result or its
error comes back whole, or in words when it cannot travel; a silent share is given up on
within the limit; a limit of 0 runs the work here."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from portal.offsite import OffsiteError, deadline
from portal.offsite.deadline import NoAnswer


class Stubborn(OSError):
    """An error whose constructor takes other arguments than it keeps (does not pickle)."""

    def __init__(self, what: str, extra: int):
        super().__init__(f"{what} ({extra})")


def test_the_result_and_the_error_come_back(tmp_path):
    assert deadline.within(tmp_path, 5, lambda: {"days": [1, 2]}) == {"days": [1, 2]}
    with pytest.raises(OffsiteError, match="no such day"):
        deadline.within(tmp_path, 5, lambda: (_ for _ in ()).throw(OffsiteError("no such day")))


def test_an_error_that_cannot_travel_comes_back_in_words(tmp_path):
    def fails():
        raise Stubborn("the share refused", 13)

    with pytest.raises(OffsiteError, match=r"the share refused \(13\)"):
        deadline.within(tmp_path, 5, fails)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork")
def test_work_that_ends_without_a_result_is_said_so(tmp_path):
    with pytest.raises(OffsiteError, match="ended without a result"):
        deadline.within(tmp_path, 5, lambda: os._exit(3))


def test_a_silent_step_is_given_up_on_within_the_limit(tmp_path):
    def silent():
        deadline.tick(f"reading {tmp_path / 'todo.db'}")
        time.sleep(30)

    started = time.monotonic()
    with pytest.raises(NoAnswer) as caught:
        deadline.within(Path(tmp_path), 0.5, silent)
    assert time.monotonic() - started < 5
    assert "The share does not answer" in str(caught.value)
    assert "todo.db" in str(caught.value)  # the step it waited for


def test_steps_that_keep_answering_are_never_cut_short(tmp_path):
    def busy():
        for n in range(12):
            deadline.tick(f"chunk {n}")
            time.sleep(0.1)
        return "done"

    assert deadline.within(tmp_path, 0.5, busy) == "done"  # 1.2 s in all, no gap of 0.5


def test_no_limit_runs_the_work_here(tmp_path):
    seen = []
    deadline.within(tmp_path, 0, lambda: seen.append(os.getpid()))
    assert seen == [os.getpid()]
