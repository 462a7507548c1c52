"""One unit of work on system.db for one service call: one connection for its audit
entries and records (a Data Backup run's, today's record and the verification's result;
a notice's outcome), and writes that belong together in one transaction. A system.db that
cannot be opened or written (a full disk, a missing or damaged file) costs the record,
which the log names, never the step it records (the backup, the restore, the mail sent).

It is how a service writes the audit log (audit.record underneath); pages and commands
write theirs with portal.web.log_event."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

from portal import audit
from portal.clock import Clock
from portal.db import connect, data_path, transaction  # a savepoint inside `together`
from portal.instance import Instance


class UnitOfWork:
    @classmethod
    def of(cls, instance: Instance) -> UnitOfWork:
        """A unit of work on `instance`'s system.db (open it with `with`)."""
        path = data_path("system.db", instance.data_dir)
        return cls(path, instance.busy_timeout_ms, instance.clock, instance.logger)

    def __init__(self, path: Path, busy_timeout_ms: int, clock: Clock, logger: logging.Logger):
        self.path, self.busy_timeout_ms = path, busy_timeout_ms
        self.clock, self.logger = clock, logger
        self.conn: sqlite3.Connection | None = None
        self.problem = ""

    def __enter__(self) -> UnitOfWork:
        try:
            self.conn = connect(self.path, self.busy_timeout_ms)
        except sqlite3.Error as exc:
            self.problem = str(exc)
        return self

    def __exit__(self, *exc_info) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def write(self, what: str, step: Callable[[sqlite3.Connection], object]) -> None:
        """Carry out one write step in its own transaction (or as part of the one that
        `together` holds); a failure is logged with `what` was not written."""
        if self.conn is None:
            self.logger.error("%s not written: system.db: %s", what, self.problem)
            return
        try:
            with transaction(self.conn):
                step(self.conn)
        except sqlite3.Error as exc:
            self.logger.error("%s not written: %s", what, exc)

    def audit(self, action: str, actor: str, detail: str, user_id: int | None = None) -> None:
        """An audit entry, at the clock's time."""
        now = self.clock.now()
        self.write(
            f"audit entry {action!r} ({detail})",
            lambda conn: audit.record(conn, now, action, actor, user_id=user_id, detail=detail),
        )

    @contextlib.contextmanager
    def together(self, what: str) -> Iterator[None]:
        """The writes in the block commit as one, or none of them does. A system.db that
        cannot begin or commit it (a full disk) is logged, as for one write; the block's
        writes then try one by one."""
        if self.conn is None:
            yield
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            self.logger.error("%s not written together: %s", what, exc)
            yield
            return
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self.logger.error("%s not written: %s", what, exc)
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")
