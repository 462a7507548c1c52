"""The dead man's switch: notices for backups that did not happen. Checked by every
process that starts (the portal, any `flask` command), by `backup run --if-due`, and by
the scheduler of any living process each tick, so a notice goes out even when the
process that should have run the backup was not running. portal/notify/ keeps each
event to one notice, across processes."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from portal.clock import format_datetime
from portal.data_backup import offsite, records
from portal.db import open_data_file
from portal.instance import Instance
from portal.nightly import store
from portal.notify import notify, send_held
from portal.notify import settings as notify_settings
from portal.reminder import store as reminder_store

# The automatic backup counts as missed when it has not run an hour after its time.
GRACE = timedelta(hours=1)


def check(instance: Instance) -> list[str]:
    """Send what is due, and what was held within the hour once the hour is over; the
    kinds of notice that were sent (for the tests and the log)."""
    held = send_held(instance)
    try:
        with open_data_file("system.db", instance) as conn:
            if not notify_settings.load(conn, instance).on:
                return held
            due = _missed_automatic(instance, conn) + _no_backup_today(instance, conn)
    except sqlite3.Error as exc:
        instance.logger.error("the backup watch could not read system.db: %s", exc)
        return held
    sent = [kind for kind, event, detail in due if notify(instance, kind, event, detail) == "sent"]
    offsite.check_failing(instance)
    return held + sent


def _days(now: datetime) -> list[date]:
    """Today and yesterday: a process that was down all evening still tells in the morning."""
    return [now.date() - timedelta(days=1), now.date()]


@dataclass(frozen=True)
class Missed:
    """A day whose automatic backup had not run an hour after its time."""

    day: date
    at: time  # the set time
    deadline: datetime  # an hour after it
    ran_at: datetime | None  # when it ran after all (late), if it did

    def sentence(self, zone) -> str:
        late = f"; it ran late, at {format_datetime(self.ran_at, zone)}" if self.ran_at else ""
        return (
            f"The automatic backup of {self.day} (set for {self.at:%H:%M}) had not run by "
            f"{format_datetime(self.deadline, zone)}{late}."
        )


def missed(instance: Instance, conn: sqlite3.Connection) -> list[Missed]:
    """Today's and yesterday's automatic backups that had not run an hour after their
    time (for the notice, the Data Backup page and the administrator's portal page)."""
    clock = instance.clock
    now = clock.now()
    setting = store.get_setting(conn)
    if not setting.enabled:
        return []
    found = []
    for day in _days(now):
        deadline = datetime.combine(day, setting.at, clock.zone) + GRACE
        if setting.since is not None and deadline - GRACE < setting.since:
            continue  # it was not yet on (at this time) that day
        ran = records.run_on(conn, day)
        if (ran is None and now >= deadline) or (ran is not None and ran.finished_at > deadline):
            found.append(Missed(day, setting.at, deadline, ran.finished_at if ran else None))
    return found


def _missed_automatic(instance: Instance, conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    zone = instance.clock.zone
    return [
        (
            "automatic-missed",
            f"missed {miss.day}",
            miss.sentence(zone)
            + "\n\nWhy it may be: the portal was not running at that time (a stopped service, "
            "an IIS application pool that was idle or recycled, a server switched off).\n\n"
            "What is still safe: every earlier copy is intact.\n\nWhat to do: back up now "
            f"from the Data Backup page or with `{instance.command('backup run')}`, and "
            "keep the portal running at night, or let the operating system's scheduler "
            f"run `{instance.command('backup run --if-due')}`.",
        )
        for miss in missed(instance, conn)
    ]


def _no_backup_today(instance: Instance, conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    clock = instance.clock
    now = clock.now()
    reminder = reminder_store.get_settings(conn)
    if not reminder.enabled:
        return []
    working = set(instance.config["WORKING_WEEKDAYS"])
    since = reminder_store.on_since(conn)
    due = []
    for day in _days(now):
        end = datetime.combine(day, reminder.end, clock.zone)
        if day.weekday() not in working or now < end or (since is not None and end < since):
            continue
        if reminder_store.done_day(conn, day) is None:
            detail = (
                f"No backup was completed on {day:%A} {day} by the end of the reminder "
                f"window ({reminder.end:%H:%M}), although Schedule Data Backup is on.\n\n"
                "What is still safe: the copies of earlier days are intact.\n\n"
                "What to do: back up now from the Data Backup page, and check that the Data "
                "Backup Group has members who open the portal in the afternoon."
            )
            due.append(("no-backup-today", f"no backup {day}", detail))
    return due
