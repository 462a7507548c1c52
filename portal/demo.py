"""The sample organisation for trying the portal: 3 groups, 10 people, and a few
days of events, posts and to-dos around today."""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import date, datetime, time, timedelta

from portal import audit
from portal.apps.bulletin import store as bulletin
from portal.apps.scheduler import store as scheduler
from portal.apps.todo import store as todo
from portal.db import open_data_file
from portal.instance import Instance
from portal.passwords import hash_password
from portal.users import list_groups, list_users

# The demo is for trying the portal on one's own machine; the password is printed and
# documented so that anyone can log in. Change it before real use.
DEMO_PASSWORD = "office-demo"  # noqa: S105 - a documented demo password

PEOPLE = (
    ("alice", "Alice Brown", "Sales"),
    ("bob", "Bob Clark", "Sales"),
    ("carol", "Carol Diaz", "Sales"),
    ("dan", "Dan Evans", "Accounting"),
    ("erin", "Erin Fox", "Accounting"),
    ("frank", "Frank Green", "Accounting"),
    ("grace", "Grace Hill", "Engineering"),
    ("henry", "Henry Irwin", "Engineering"),
    ("ivy", "Ivy James", "Engineering"),
    ("jack", "Jack King", "Engineering"),
)

EVENTS = (
    (0, "09:30", "10:00", "Team stand-up", "Room 2"),
    (0, "14:00", "15:00", "Customer call", "Dial-in details in the invitation."),
    (1, None, None, "Quarter-end reporting", ""),
    (2, "11:00", "12:30", "Project review", "Bring the latest figures."),
)

POSTS = (
    (
        "Welcome to the Office Portal",
        "This is our new intranet portal. Schedules, the "
        "bulletin board and to-do lists all live here.",
        ("Looks great!", "Thanks for setting it up."),
    ),
    (
        "Office closed on Friday afternoon",
        "The office closes at 13:00 this Friday for the building's electrical inspection.",
        ("Noted.",),
    ),
    ("Lunch order", "We are ordering from the Italian place at 11:30. Add your choice below.", ()),
)

TODOS = (
    ("Send the monthly report", 1),
    ("Book the meeting room for the review", 0),
    ("Renew the software licence", -2),
    ("Tidy the shared drive", None),
)


def is_empty(system: sqlite3.Connection) -> bool:
    """True while the instance has no groups and no one but the Administrator."""
    return not list_groups(system) and len(list_users(system)) <= 1


def load(
    system: sqlite3.Connection,
    schedule: sqlite3.Connection,
    board: sqlite3.Connection,
    todos: sqlite3.Connection,
    now: datetime,
) -> list[tuple[str, str, str]]:
    """Load the sample organisation; return (login, name, group) for each person."""
    from portal.users import add_user

    password_hash = hash_password(DEMO_PASSWORD)
    people = []
    for login, name, group in PEOPLE:
        user = add_user(system, login, name, group, password_hash, now)
        people.append(user)
    today = now.date()
    for person in people:
        for offset, start, end, title, memo in EVENTS:
            scheduler.add(
                schedule,
                person.id,
                scheduler.EventData(
                    day=today + timedelta(days=offset),
                    start_time=time.fromisoformat(start) if start else None,
                    end_time=time.fromisoformat(end) if end else None,
                    title=title,
                    memo=memo,
                ),
                now,
            )
        for title, due in TODOS:
            due_date: date | None = today + timedelta(days=due) if due is not None else None
            todo.add(todos, person.id, title, due_date, "", now)
    for index, (title, body, answers) in enumerate(POSTS):
        author = people[index * 3 % len(people)]
        post_id = bulletin.add_post(board, author.id, title, body, now - timedelta(hours=index))
        for n, answer in enumerate(answers):
            replier = people[(index * 3 + n + 1) % len(people)]
            bulletin.add_reply(board, post_id, replier.id, answer, now)
    return [(p.login, p.name, p.group_name or "") for p in people]


def load_into_empty(instance: Instance, actor: str) -> list[tuple[str, str, str]] | None:
    """Load the demo into the instance if it is empty, with its audit entry; None if the
    instance has people already. `flask demo` and `python -m portal --demo`."""
    with contextlib.ExitStack() as files:
        system, schedule, board, todos = (
            files.enter_context(open_data_file(name, instance))
            for name in ("system.db", "schedule.db", "bulletin.db", "todo.db")
        )
        if not is_empty(system):
            return None
        now = instance.clock.now()
        people = load(system, schedule, board, todos, now)
        audit.record(system, now, "demo loaded", actor, detail=f"{len(people)} sample people")
        return people
