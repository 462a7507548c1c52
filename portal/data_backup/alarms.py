"""The alarms Data Backup raises: a backup that failed, a copy found damaged, an off-site
copy failing for a day. Each is written here in words (what happened, what is still
safe, what to do) and sent as a notice by portal/notify/, once per event and at most once
an hour per kind."""

from __future__ import annotations

from datetime import datetime

from portal.clock import format_datetime
from portal.instance import Instance
from portal.notify import notify


def _when(instance: Instance, moment: datetime | None = None) -> str:
    clock = instance.clock
    return format_datetime(moment or clock.now(), clock.zone)


def backup_failed(instance: Instance, what: str, who: str, why: str) -> str:
    now = instance.clock.now()
    detail = (
        f"The backup of {what}, started by {who} at {_when(instance, now)}, failed.\n\n"
        f"Why: {why}\n\n"
        "What is still safe: every copy made before this run is intact (a failed run "
        "never touches the earlier generations); the Data Backup page lists them.\n\n"
        "What to do: read the reason above, fix it (free disk space, a missing data file), "
        "then back up again from the Data Backup page or with "
        f"`{instance.command('backup run')}`."
    )
    facts = {"what": what, "who": who, "why": why}
    return notify(instance, "backup-failed", f"failed {now.isoformat()}", detail, facts)


def damaged_copy(instance: Instance, who: str, summary: str) -> str:
    now = instance.clock.now()
    detail = (
        f"A verification of the backup copies ({who}, {_when(instance, now)}) found a problem.\n\n"
        f"{summary}\n\n"
        "What to do: a damaged or changed copy is never restored. Make a new backup now so "
        "the newest copy is sound, and check the disk or share that holds the copies. "
        f"`{instance.command('backup verify')}` names each problem."
    )
    return notify(
        instance, "damaged-copy", f"verify {now.isoformat()}", detail, {"summary": summary}
    )


def offsite_failing(instance: Instance, since: datetime, error: str) -> str:
    detail = (
        f"The off-site copy has failed since {_when(instance, since)}.\n\n"
        f"The last error: {error}\n\n"
        "What is still safe: the local backups are complete; only the second copy away "
        "from the server is behind. It is tried again every hour and after every backup.\n\n"
        "What to do: check that the share is reachable and writable by the portal's "
        "account and has free space (the Data Backup page's Test button checks it)."
    )
    event = f"offsite since {since.isoformat()}"
    return notify(instance, "offsite-failing", event, detail, {"since": since.isoformat()})
