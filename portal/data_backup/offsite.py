"""The off-site copy as this portal runs it: the folder from the settings (the Data
Backup page's value, else OFFSITE_DIR), sent after every backup that completes, tried
again by the scheduler until it succeeds, its last success and failure kept for the
pages, every try audited. It never makes a backup fail."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial

from portal import settings_store
from portal.backup import BackupEngine, BackupError
from portal.data_backup import alarms, offsite_keys, trail
from portal.data_backup.offsite_folder import (  # the folder in force, where it may be
    configured_dir,
    folder,
    protected,
)
from portal.data_health import wrong_kind
from portal.datafiles import DATA_FILES
from portal.db import open_data_file, open_unless_given
from portal.instance import Instance
from portal.offsite import Keep, LocalCopy, OffsiteError, OffsiteFolder, SendResult, send
from portal.offsite.deadline import NoAnswer
from portal.offsite.place import location_problem
from portal.offsite.verify import OffsiteReport
from portal.offsite.verify import verify as verify_folder
from portal.settings_store import get_json, put_json
from portal.unit_of_work import UnitOfWork

STATUS_KEY = settings_store.OFFSITE_STATUS  # the last success and failure, for the pages
# How long the off-site copy may fail before a notice goes out.
FAILING_NOTICE = timedelta(hours=24)
# How long the copy waits for a backup or restore that holds the backup folder's lock.
LOCK_WAIT_SECONDS = 120


@dataclass(frozen=True)
class Outcome:
    ok: bool
    message: str
    result: SendResult | None = None


def keep(instance: Instance) -> Keep:
    config = instance.config
    return Keep(
        int(config["OFFSITE_KEEP_DAILY"]),
        int(config["OFFSITE_KEEP_WEEKLY"]),
        int(config["OFFSITE_KEEP_MONTHLY"]),
    )


def newest_local(engine: BackupEngine) -> list[LocalCopy]:
    """The newest copy of each data file with its record; OffsiteError for a newest copy
    that is unrecorded (its bytes cannot be proven, so they are not sent)."""
    state = engine.state()
    copies, unrecorded = [], []
    for name in engine.sources:
        copy = state.copy_at(name, 0)
        if copy is None:
            continue
        if not copy.recorded:
            unrecorded.append(name)
            continue
        record = copy.record
        copies.append(
            LocalCopy(
                name, copy.disk.path, record.taken_at, record.size, record.sha256, record.taken_by
            )
        )
    if unrecorded:
        raise OffsiteError(
            f"The newest copy of {', '.join(unrecorded)} is unrecorded in backup.txt, so it "
            "cannot be proven and is not sent off site; the next backup makes one that is."
        )
    return copies


def send_newest(
    engine: BackupEngine, who: str, instance: Instance, records: UnitOfWork | None = None
) -> Outcome | None:
    """Send the newest copies off site (None when the off-site copy is off). Never raises
    a BackupError: the outcome says how it went, and it is recorded and audited, in the
    backup's unit of work on system.db when it is given one (`records`)."""
    given = records.conn if records is not None else None  # the run's one connection
    target = folder(instance, given)
    if target is None:
        return None
    clock, clear_of = instance.clock, protected(instance)
    try:
        # A folder saved before copies were sealed gets its key before its first sealed copy.
        target.seal = target.seal or offsite_keys.ensure(instance, target)
        with engine.locked(f"{who} (off-site copy)", engine.now(), LOCK_WAIT_SECONDS):
            # Read under the lock, as the copies are: a verify that ended meanwhile may
            # have found one damaged.
            copies, today, rule = newest_local(engine), clock.today(), keep(instance)
            skip = damaged(instance, given)

            def send_all() -> SendResult:
                if problem := location_problem(str(target.root), clear_of):
                    raise OffsiteError(problem + " Nothing was sent.")
                return send(target, copies, today, rule, skip)

            # A share that stops answering gives NoAnswer here; leaving this block
            # releases the lock, so that no other backup waits behind a silent server.
            result = target.within_limit(send_all)
    except BackupError as exc:
        return _failed(instance, who, str(exc), records)
    except Exception as exc:  # an unforeseen error on a share must not fail the backup
        instance.logger.exception("the off-site copy failed")
        return _failed(
            instance, who, f"The off-site copy to {target.root} failed ({exc}).", records
        )
    with _outcome_records(instance, records) as outcome:
        outcome.write(
            "the off-site copy's outcome",
            partial(
                _store_outcome, now=clock.now(), ok=True, message=result.summary(), day=result.day
            ),
        )
        if not result.unchanged:
            written = f" ({result.bytes_written} bytes written)" if result.sent else ""
            outcome.audit("off-site copy completed", who, result.summary() + written)
    return Outcome(True, result.summary(), result)


@contextlib.contextmanager
def _outcome_records(instance: Instance, records: UnitOfWork | None) -> Iterator[UnitOfWork]:
    """The outcome's record and its audit entry, written together: in the caller's unit
    of work, or in one of their own (the scheduler's retry)."""
    if records is not None:
        with records.together("the off-site copy's outcome"):
            yield records
        return
    with trail.records(instance) as own, own.together("the off-site copy's outcome"):
        yield own


def _failed(
    instance: Instance, who: str, message: str, records: UnitOfWork | None = None
) -> Outcome:
    """Record and audit a failed try; after 24 hours of failing, send the notice."""
    with _outcome_records(instance, records) as outcome:
        outcome.write(
            "the off-site copy's outcome",
            partial(_store_outcome, now=instance.clock.now(), ok=False, message=message),
        )
        outcome.audit("off-site copy failed", who, message)
    check_failing(instance)
    return Outcome(False, message)


def check_failing(instance: Instance) -> None:
    """The notice when the off-site copy has failed for 24 hours (once per failure spell)."""
    with open_data_file("system.db", instance) as conn:
        state = status(conn, instance)
    if state.folder and state.failing and state.failing_for(instance.clock.now()) >= FAILING_NOTICE:
        alarms.offsite_failing(instance, state.failing_since, state.last_error)


def _store_outcome(
    conn: sqlite3.Connection, *, now: datetime, ok: bool, message: str, day: date | None = None
) -> None:
    """The last try, success and failure, for the pages and the failing notice."""
    status = get_json(conn, STATUS_KEY)
    status["last_try"] = now.isoformat()
    if ok:
        status.update(last_success=now.isoformat(), last_day=day.isoformat(), last_summary=message)
        status.pop("failing_since", None)
    else:
        status.update(last_failure=now.isoformat(), last_error=message)
        status.setdefault("failing_since", now.isoformat())
    put_json(conn, STATUS_KEY, status)


@dataclass(frozen=True)
class Status:
    """What the pages say about the off-site copy."""

    folder: str
    last_success: datetime | None
    last_day: str
    last_failure: datetime | None
    last_error: str
    failing_since: datetime | None

    @property
    def failing(self) -> bool:
        return self.failing_since is not None

    def failing_for(self, now: datetime) -> timedelta | None:
        return now - self.failing_since if self.failing_since else None


def _time(value) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def status(conn: sqlite3.Connection, instance: Instance) -> Status:
    stored = get_json(conn, STATUS_KEY)
    return Status(
        configured_dir(conn, instance),
        _time(stored.get("last_success")),
        str(stored.get("last_day") or ""),
        _time(stored.get("last_failure")),
        str(stored.get("last_error") or ""),
        _time(stored.get("failing_since")),
    )


def is_behind(engine: BackupEngine, target: OffsiteFolder) -> bool:
    """Whether the newest complete off-site day lacks a newest local copy (as recorded):
    then a copy is due. Reads backup.txt, the off-site listing and one manifest."""
    try:
        local = {(c.name, c.sha256) for c in newest_local(engine)}
    except BackupError:
        return True  # an unrecorded newest copy: the try says so
    complete = target.complete_days()
    if not complete:
        return bool(local)
    newest = complete[-1].manifest
    return not local <= {(item.name, item.sha256) for item in newest.items}


def retry_if_behind(
    engine: BackupEngine, instance: Instance, who: str = "scheduler"
) -> Outcome | None:
    """The scheduler's hourly try: send when the off-site copy is behind the local one
    (a failed try, a share that was away, a folder just set)."""
    target = folder(instance)
    if target is None:
        return None
    try:
        up_to_date = target.within_limit(
            lambda: target.problem() is None and not is_behind(engine, target)
        )
    except OffsiteError:
        up_to_date = False  # the try says what is wrong, and records it
    return None if up_to_date else send_newest(engine, who, instance)


def damaged(instance: Instance, conn: sqlite3.Connection | None = None) -> frozenset:
    """The stored off-site copies the last verify found damaged: never reused."""
    with open_unless_given(conn, "system.db", instance) as conn:
        found = get_json(conn, STATUS_KEY).get("damaged", [])
    try:
        return frozenset((date.fromisoformat(day), name) for day, name in found)
    except (TypeError, ValueError):
        return frozenset()


def verify(instance: Instance) -> OffsiteReport | None:
    """Verify every kept off-site copy (None when the off-site copy is off); the copies
    found damaged are remembered, so that no later day reuses them."""
    target = folder(instance)
    if target is None:
        return None
    kinds = {spec.name: partial(wrong_kind, spec) for spec in DATA_FILES}
    try:
        report = target.within_limit(lambda: verify_folder(target, kinds))
    except NoAnswer as exc:
        return OffsiteReport(unreachable=str(exc))
    if not report.unreachable:  # what was found damaged is known only when it was read
        try:
            with open_data_file("system.db", instance) as conn:
                status = get_json(conn, STATUS_KEY)
                status["damaged"] = sorted([d.isoformat(), n] for d, n in report.damaged)
                put_json(conn, STATUS_KEY, status)
        except sqlite3.Error as exc:
            instance.logger.error("the off-site verify's findings were not recorded: %s", exc)
    return report
