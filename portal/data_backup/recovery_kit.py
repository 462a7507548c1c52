"""The recovery kit: what an administrator keeps away from the server so that the portal
can be rebuilt from its sealed off-site copies when the server is lost. It names the
portal, holds every off-site key a kept day needs, and the exact commands of the rebuild.
The same text is the page meant to be printed or saved, `backup offsite kit`'s output,
and what `backup offsite rebuild --kit FILE` reads back. When it was last shown, and with
which keys, is kept in system.db: the Data Backup page warns until the current key's kit
has been shown."""

from __future__ import annotations

import re
import socket
import subprocess  # nosec B404 - git, to name where this portal came from
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from portal import settings_store
from portal.clock import format_datetime
from portal.data_backup import offsite_folder, offsite_keys
from portal.db import open_data_file
from portal.instance import Instance, portal_id
from portal.offsite import OffsiteError
from portal.offsite.seal import Key, SealError
from portal.settings_store import get_json, put_json

SHOWN_KEY = settings_store.OFFSITE_KIT  # {"at": ISO time, "keys": [key ids shown]}
KIT_FILE = "recovery-kit.txt"  # the name the kit's commands expect it saved under
_PORTAL_ID = re.compile(r"^Portal id:\s*([0-9a-f]{32})\s*$", re.MULTILINE)
_SECRET = re.compile(r"AGE-SECRET-KEY-1[0-9A-Z]{58}")
_MADE = re.compile(r"made (\d{4}-\d{2}-\d{2})")
ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Kit:
    portal: str  # the portal as a person knows it: its server and instance folder
    portal_id: str
    made: datetime
    folder: str  # the off-site folder
    keys: tuple[Key, ...]  # every key a kept day needs, the current one last
    text: str


def make(instance: Instance) -> Kit:
    """The kit as of now. OffsiteError when there is no off-site key yet."""
    seal = offsite_keys.load(instance)
    if seal is None:
        raise OffsiteError(
            "There is no off-site key yet: it is made when the off-site folder is first "
            "saved (the Data Backup page, or `backup offsite set`)."
        )
    target = offsite_folder.folder(instance)
    needed = _needed_keys(target, seal)
    keys = tuple(key for key in seal.keys if key.id in needed or key is seal.current)
    now = instance.clock.now()
    where = str(target.root) if target is not None else "(none is set now)"
    name = f"{socket.gethostname()}: {instance.path}"
    ident = portal_id(instance)
    text = _render(name, ident, format_datetime(now, now.tzinfo), where, keys)
    return Kit(name, ident, now, where, keys, text)


def _needed_keys(target, seal) -> set[str]:
    """The ids of the keys a kept day's manifest or copies were sealed with; every key
    when the share cannot be read now (better one key too many than one too few)."""
    if target is None:
        return {key.id for key in seal.keys}
    try:
        survey = target.within_limit(target.checked_survey)
    except OffsiteError:
        return {key.id for key in seal.keys}
    needed = set()
    for day in survey.days:
        if day.forged:
            continue
        if day.manifest is None:
            continue
        needed.add(day.manifest.key)
        needed.update(item.key for item in day.manifest.items)
    return needed


def _render(name: str, ident: str, made: str, where: str, keys: tuple[Key, ...]) -> str:
    key_lines = "\n".join(
        f"  {key.secret}\n      made {key.made.isoformat()}, id {key.id}"
        + (" (seals new copies)" if index == len(keys) - 1 else "")
        for index, key in enumerate(keys)
    )
    return f"""\
OFFICE PORTAL: OFF-SITE RECOVERY KIT

Keep this on paper or a USB stick, away from the server. With it and the off-site
folder, the portal can be rebuilt on a new server; without it, nobody can open the
off-site copies, not even you. Whoever holds it can read every copy: keep it locked up.

Portal:          {name}
Portal id:       {ident}
Kit made:        {made}
Off-site folder: {where}

Off-site keys (every key a kept day needs; the last one seals new copies):
{key_lines}

To rebuild the portal on a new server from the off-site folder (connect the share
first; save this kit as {KIT_FILE}):
  1. git clone {_repository()} office-portal && cd office-portal
  2. python3 -m venv .venv && . .venv/bin/activate && pip install -r requirements.txt
  3. flask --instance portal backup offsite rebuild {where} --kit {KIT_FILE}
     (the newest complete day; add --date YYYY-MM-DD for an earlier one)
On Windows, step 2 is:
     py -m venv .venv && .venv\\Scripts\\activate && pip install -r requirements.txt
Then start the portal (python -m portal, or IIS: docs/deploy-iis.md). Every person,
password, event, post and to-do of that day is back; the old administrator password works.
A single copy also opens without the portal: age -d -i key.txt todo.db.age > todo.db
(key.txt holding one of the keys above; https://age-encryption.org).
"""


def _repository() -> str:
    """Where this portal's code came from (its git remote), for step 1."""
    try:
        found = subprocess.run(  # nosec B603 B607 - a fixed git command, no shell
            ["git", "-C", str(ROOT), "remote", "get-url", "origin"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return "<the portal's repository>"
    url = found.stdout.strip()
    return url if found.returncode == 0 and url else "<the portal's repository>"


def parse(text: str, today: date) -> tuple[str | None, list[Key]]:
    """The portal id and the keys of a kit (or of any text holding age secret keys; a key
    whose day is not given counts as made `today`). SealError when it holds no key."""
    ident = _PORTAL_ID.search(text)
    keys = []
    for match in _SECRET.finditer(text):
        made = _MADE.search(text, match.end(), match.end() + 80)
        when = date.fromisoformat(made[1]) if made else today
        keys.append(Key.parse(match[0], when))
    if not keys:
        raise SealError("The kit holds no off-site key (AGE-SECRET-KEY-1...).")
    return (ident[1] if ident else None), keys


def mark_shown(instance: Instance, kit: Kit) -> None:
    with open_data_file("system.db", instance) as conn:
        put_json(
            conn,
            SHOWN_KEY,
            {"at": kit.made.isoformat(), "keys": [key.id for key in kit.keys]},
        )


def warning(instance: Instance) -> str | None:
    """What the Data Backup page says until the kit of the current key was shown."""
    seal = offsite_keys.load(instance)
    if seal is None:
        return None
    with open_data_file("system.db", instance) as conn:
        shown = get_json(conn, SHOWN_KEY)
    if seal.current.id in (shown.get("keys") or []):
        return None
    if shown.get("at"):
        return (
            "A new off-site key was made since the recovery kit was last shown: show it "
            "again and keep it, or the newest off-site copies cannot be opened if this "
            "server is lost."
        )
    return (
        "The recovery kit was never shown. Without it, the off-site copies cannot be "
        "opened if this server is lost: show it, and keep it away from the server."
    )


def shown_at(instance: Instance) -> str:
    with open_data_file("system.db", instance) as conn:
        return str(get_json(conn, SHOWN_KEY).get("at") or "")
