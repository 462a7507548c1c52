"""The day rule and rotation, against a simple model of the 8 slots."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from portal.backup.fileops import FileOps
from portal.backup.layout import Layout
from portal.backup.rotation import is_new_day, shift
from tests.backup_helpers import local, make_engine, set_mark, slots
from tests.helpers import FakeClock


def test_is_new_day():
    today = date(2026, 11, 27)
    assert is_new_day(date(2026, 11, 26), today)
    assert not is_new_day(today, today)
    assert not is_new_day(None, today)  # nothing to rotate yet


def fill(layout: Layout, name: str, generations) -> None:
    for g in range(8):
        layout.slot_dir(g).mkdir(parents=True, exist_ok=True)
    for g in generations:
        layout.slot(name, g).write_text(f"copy {g}")


def contents(layout: Layout, name: str) -> list[str | None]:
    return [
        layout.slot(name, g).read_text() if layout.slot(name, g).exists() else None
        for g in range(8)
    ]


def test_shift_with_all_slots_taken_discards_the_oldest(tmp_path):
    layout = Layout(tmp_path)
    fill(layout, "x.db", range(8))
    discarded = shift(FileOps(), layout, "x.db")
    assert discarded.read_text() == "copy 7"
    assert discarded.name.startswith(".x.db.") and discarded.name.endswith(".discard")
    assert contents(layout, "x.db") == [None] + [f"copy {g}" for g in range(7)]


def test_shift_fills_a_gap_instead_of_discarding(tmp_path):
    # What an interrupted rotation leaves: a hole at 4.
    layout = Layout(tmp_path)
    fill(layout, "x.db", [0, 1, 2, 3, 5, 6, 7])
    assert shift(FileOps(), layout, "x.db") is None
    assert contents(layout, "x.db") == [
        None,
        "copy 0",
        "copy 1",
        "copy 2",
        "copy 3",
        "copy 5",
        "copy 6",
        "copy 7",
    ]


def run_model(steps, root: Path):
    """Back up per `steps` ((days to move on, hour, file index)) and compare with the model."""
    clock = FakeClock(local(2026, 1, 1, 9, 0))
    engine = make_engine(root, clock)
    names = list(engine.sources)
    model = {name: [] for name in names}  # newest first: (mark, day)
    for n, (days, hour, which) in enumerate(steps):
        clock.set(local(*(clock().date() + timedelta(days=days)).timetuple()[:3], hour, 0))
        name = names[which % len(names)]
        mark = f"m{n}"
        set_mark(engine.sources[name].path, mark)
        result = engine.run([name], who="model")
        today = clock().date()
        slots_model = model[name]
        if slots_model and slots_model[0][1] == today:
            slots_model[0] = (mark, today)
            assert result.files[0].outcome == "replaced"
        else:
            slots_model.insert(0, (mark, today))
            del slots_model[8:]
        for other in names:
            expected = [m for m, _ in model[other]] + [None] * (8 - len(model[other]))
            assert slots(engine, other) == expected
        entries = {(e.name, e.generation): e for e in engine.generations()}
        for g, (_m, day) in enumerate(slots_model):
            label = "newest" if g == 0 else str(g)
            assert entries[(name, label)].taken_at.date() == day
        assert len([e for e in entries if e[0] == name]) <= 8


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from([0, 0, 1, 1, 2, 5]), st.integers(0, 23), st.integers(0, 1)),
        min_size=1,
        max_size=25,
    )
)
def test_rotation_matches_the_model(steps):
    with tempfile.TemporaryDirectory() as folder:
        run_model(steps, Path(folder))
