"""A model of the ledger (hypothesis, stateful): random sequences of backups, copies
edited on disk, backup.txt deleted or its lines damaged, and the clock stepped forward
and back. At every step:
- verify reports as changed exactly the copies whose bytes differ from what was made
  while their record survives; as unrecorded exactly those whose record was lost; and
  as verified only copies that are as they were made;
- every slot holds what the rule says: rotation only on a day later than every day a
  copy was taken (as remembered; a lost ledger remembers the days of the copies on
  disk), so no generation leaves before its time."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from portal.backup.layout import GENERATIONS, generation_label
from tests.backup_helpers import local, make_engine, mark_of, set_mark
from tests.helpers import FakeClock

NAME = "todo.db"


@dataclass(frozen=True)
class Slot:
    mark: str
    day: object  # the date it was taken
    recorded: bool = True
    edited: bool = False


class LedgerModel(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.slots: list[Slot | None] = [None] * (GENERATIONS + 1)
        self.latest_day = None
        self.ledger_damaged = False
        self.forgotten = False  # backup.txt deleted, no backup since
        self.count = 0

    @initialize()
    def start(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.clock = FakeClock(local(2026, 11, 20, 10, 0))
        self.engine = make_engine(Path(self.tmp.name), self.clock)
        self.engine.sources = {NAME: self.engine.sources[NAME]}

    def teardown(self):
        if hasattr(self, "tmp"):
            self.tmp.cleanup()

    # -- what happens ------------------------------------------------------------------

    @rule()
    def backup(self):
        self.count += 1
        mark = f"m{self.count:04d}"
        set_mark(self.engine.sources[NAME].path, mark)
        if self.forgotten:
            self.latest_day = max(self._disk_days(), default=None)
            self.forgotten = False
        self.engine.run(who="model")
        today = self.clock().date()
        new = Slot(mark, today)
        if self.slots[0] is not None and self.latest_day is not None and today > self.latest_day:
            self.slots = [new, *self.slots[:GENERATIONS]]
        else:
            self.slots[0] = new
        self.latest_day = max(today, self.latest_day or today)
        self.ledger_damaged = False  # the run wrote it anew

    @rule(hours=st.integers(-40, 40))
    def step_clock(self, hours):
        self.clock.advance(hours=hours)

    @rule(generation=st.integers(0, GENERATIONS), touch=st.booleans())
    def edit_copy(self, generation, touch):
        slot = self.slots[generation]
        if slot is None or slot.mark.startswith("M"):
            return
        path = self.engine.layout.slot(NAME, generation)
        data = path.read_bytes()
        at = data.index(slot.mark.encode())
        stamp = path.stat().st_mtime
        path.write_bytes(data[:at] + b"M" + data[at + 1 :])
        # Edited in place (the file time kept), or touched an hour earlier.
        os.utime(path, (stamp - 3600 * touch, stamp - 3600 * touch))
        self.slots[generation] = replace(slot, mark="M" + slot.mark[1:], edited=True)

    @rule()
    def delete_ledger(self):
        self.engine.layout.ledger.unlink(missing_ok=True)
        self.slots = [s and replace(s, recorded=False) for s in self.slots]
        self.forgotten = True
        self.ledger_damaged = False  # no file, no damaged lines

    def _disk_days(self):
        """The days the copies on disk tell by their file times: all a lost ledger leaves."""
        zone, layout = self.clock().tzinfo, self.engine.layout
        return [
            datetime.fromtimestamp(int(layout.slot(NAME, g).stat().st_mtime), zone).date()
            for g, s in enumerate(self.slots)
            if s is not None
        ]

    @rule(generation=st.integers(0, GENERATIONS))
    def damage_a_line(self, generation):
        slot = self.slots[generation]
        ledger = self.engine.layout.ledger
        if slot is None or not slot.recorded or not ledger.exists():
            return
        label = generation_label(generation)
        lines = ledger.read_text().splitlines()
        lines = [
            line.replace("\t", "\t#", 4) if line.startswith(f"{NAME}\t{label}\t") else line
            for line in lines
        ]
        ledger.write_text("\n".join(lines) + "\n")
        self.slots[generation] = replace(slot, recorded=False)
        self.ledger_damaged = True

    # -- what must hold -------------------------------------------------------------

    @invariant()
    def slots_hold_what_the_rule_says(self):
        if not hasattr(self, "engine"):
            return
        layout = self.engine.layout
        found = [
            mark_of(layout.slot(NAME, g)) if layout.slot(NAME, g).exists() else None
            for g in range(GENERATIONS + 1)
        ]
        assert found == [s.mark if s else None for s in self.slots]

    @invariant()
    def verify_reports_exactly_what_differs(self):
        if not hasattr(self, "engine"):
            return
        report = self.engine.verify()
        labels = {
            kind: {generation_label(g) for g, s in enumerate(self.slots) if s and test(s)}
            for kind, test in {
                "changed": lambda s: s.edited and s.recorded,
                "unrecorded": lambda s: not s.recorded,
                "verified": lambda s: s.recorded and not s.edited,
            }.items()
        }
        changed = {p.generation for p in report.problems if "SHA-256 differs" in p.message}
        assert changed == labels["changed"]
        assert {p.generation for p in report.problems} == labels["changed"]
        assert {p.generation for p in report.unrecorded} == labels["unrecorded"]
        assert {e.generation for e in report.checked} == labels["verified"]
        assert bool(report.ledger_problems) == self.ledger_damaged


LedgerModel.TestCase.settings = settings(
    max_examples=int(os.environ.get("LEDGER_MODEL_EXAMPLES", "25")),
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestLedgerModel = LedgerModel.TestCase


@pytest.mark.slow
def test_the_ledger_model_longer():
    """More and longer sequences under -m slow."""
    run_state_machine_as_test(
        LedgerModel,
        settings=settings(
            max_examples=200,
            stateful_step_count=50,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
