"""Benchmark (issue 15): does a page cost more when there is more data behind it?

Two instances served by waitress (`python -m portal`), side by side:

- demo: the sample organisation (`--demo`), Alice with 4 to-dos, a few events, 3 posts;
- large: the same organisation, and Alice with 10,000 open to-dos, 10,000 events (ten
  years of them, about 19 a week) and a board of 10,000 posts with replies.

Alice opens each main page on both, one request after another on a keep-alive
connection, in interleaved rounds; each page's median latency with the large data is
compared with the same page on the demo data (target: at most 1.5x). Deep pages (the
to-do list and the board 5,000 items in) are compared with the first page of the demo.

Then, on the large instance (issue 23): System Settings > Data Backup > Open on the newest
copy of todo.db (10,000 items: backed up, then 100 deleted and 100 changed), by the
administrator, against Alice's To-Do page with 10,000 items (target: no more).

Usage: python bench/pages_bench.py [--requests 40] [--rounds 7]"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from portal_page_bench import session_cookie  # noqa: E402

from portal import create_app, demo, paging, startup  # noqa: E402
from portal.apps.bulletin import store as bulletin  # noqa: E402
from portal.apps.todo import store as todo  # noqa: E402
from portal.clock import to_db  # noqa: E402
from portal.passwords import hash_password, set_password  # noqa: E402
from portal.users import ensure_admin, find_user  # noqa: E402
from portal.web import data_backup_of, get_db  # noqa: E402
from tests.http_client import Browser  # noqa: E402
from tests.serving import serve  # noqa: E402

MANY = 10_000
ADMIN_PASSWORD = "bench admin password"  # noqa: S105 - the bench's own
OPEN = "/settings/data-backup/copies/todo.db/0"
# Today, 10:00 UTC: the demo's events and due dates are around it.
NOW = datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0)


def prepare(instance: Path, large: bool) -> dict[str, str]:
    """The demo organisation, and with `large` Alice's 10,000 of everything. Returns
    the deep pages' keys."""
    app = create_app({"INSTANCE_PATH": str(instance), "TIMEZONE": "UTC"})
    startup.open_instance(app)
    with app.app_context():
        system, schedule, board, todos = (
            get_db(name) for name in ("system.db", "schedule.db", "bulletin.db", "todo.db")
        )
        demo.load(system, schedule, board, todos, NOW)
        if not large:
            return {}
        alice = find_user(system, "alice").id
        fill(schedule, board, todos, alice)
        set_password(system, ensure_admin(system, NOW).id, hash_password(ADMIN_PASSWORD))
        data_backup_of(app).run_backup(None, "bench")  # the copy Open reads
        changed = [r[0] for r in todos.execute("SELECT id FROM todos ORDER BY id LIMIT 200")]
        with todos:
            todos.executemany("DELETE FROM todos WHERE id = ?", [(i,) for i in changed[:100]])
            todos.executemany(
                "UPDATE todos SET title = 'changed' WHERE id = ?", [(i,) for i in changed[100:]]
            )
        deep_todo = todo.open_items(todos, alice, MANY // 2)[-1]
        deep_post = bulletin.older_posts(board, paging.NEWEST, MANY // 2)[-1]
        return {
            "todo": todo.open_key(deep_todo),
            "post": paging.key_text(bulletin.post_key(deep_post)),
        }


def fill(schedule, board, todos, alice: int) -> None:
    today = NOW.date()
    created = to_db(NOW - timedelta(days=400))
    with todos:
        todos.executemany(
            "INSERT INTO todos (owner_id, title, due_date, memo, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (
                (
                    alice,
                    f"Follow up on order {n}",
                    (today + timedelta(days=n % 400 - 30)).isoformat() if n % 5 else None,
                    "Call first, then send the offer." if n % 3 else "",
                    created,
                )
                for n in range(MANY)
            ),
        )
    first_day = today - timedelta(days=9 * 365)
    with schedule:
        schedule.executemany(
            "INSERT INTO events (owner_id, day, start_time, end_time, title, memo,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    alice,
                    (first_day + timedelta(days=n * 3650 // MANY)).isoformat(),
                    f"{8 + n % 9:02d}:00" if n % 7 else None,
                    f"{9 + n % 9:02d}:00" if n % 7 else None,
                    f"Meeting {n}",
                    "Room 2",
                    created,
                    created,
                )
                for n in range(MANY)
            ),
        )
    with board:
        board.executemany(
            "INSERT INTO posts (author_id, title, body, created_at) VALUES (?, ?, ?, ?)",
            (
                (
                    alice,
                    f"Notice {n}",
                    "The printer on the second floor is out of toner again. " * 3,
                    to_db(NOW - timedelta(hours=MANY - n)),
                )
                for n in range(MANY)
            ),
        )
        board.execute(
            "INSERT INTO replies (post_id, author_id, body, created_at)"
            " SELECT id, author_id, 'Thanks!', created_at FROM posts WHERE id % 3 = 0"
        )


def timings(url: str, cookie: str, path: str, count: int) -> list[float]:
    """Milliseconds of `count` GETs of path, one after another on one connection."""
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    spent = []
    for _ in range(count):
        began = time.perf_counter()
        conn.request("GET", path, headers={"Cookie": cookie})
        response = conn.getresponse()
        response.read()
        spent.append((time.perf_counter() - began) * 1000)
        if response.status != 200:
            raise RuntimeError(f"GET {path} answered {response.status}")
    conn.close()
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="portal-pages-bench-") as folder:
        small_instance, large_instance = Path(folder) / "demo", Path(folder) / "large"
        prepare(small_instance, large=False)
        keys = prepare(large_instance, large=True)
        # (page, its path on the demo, its path on the large data)
        pages = [
            ("portal page", "/", "/"),
            ("To-Do", "/todo/", "/todo/"),
            ("To-Do, 5,000 items in", "/todo/", f"/todo/?after={keys['todo']}"),
            ("Scheduler, this week", "/scheduler/", "/scheduler/"),
            ("Bulletin Board", "/bulletin/", "/bulletin/"),
            ("Bulletin Board, 5,000 posts in", "/bulletin/", f"/bulletin/?before={keys['post']}"),
        ]
        env = {"PORTAL_TIMEZONE": "UTC"}
        with (
            serve(small_instance, env=env) as (small_url, _),
            serve(large_instance, env=env) as (large_url, _),
        ):
            cookies = {url: session_cookie(url) for url in (small_url, large_url)}
            admin = Browser(large_url)
            admin.log_in("admin", ADMIN_PASSWORD)
            admin.submit("/settings/elevate?next=/settings/", {"password": ADMIN_PASSWORD})
            admin_cookie = admin.session_cookie()
            spent: dict[tuple[str, str], list[float]] = {}
            for _page, small_path, large_path in pages:  # warm up
                timings(small_url, cookies[small_url], small_path, 5)
                timings(large_url, cookies[large_url], large_path, 5)
            load = os.getloadavg()
            for _ in range(args.rounds):  # interleaved: drift weighs on both alike
                for page, small_path, large_path in pages:
                    for name, url, path in (
                        ("demo", small_url, small_path),
                        ("large", large_url, large_path),
                    ):
                        spent.setdefault((page, name), []).extend(
                            timings(url, cookies[url], path, args.requests)
                        )
                for name, cookie, path in (
                    ("To-Do", cookies[large_url], "/todo/"),
                    ("Open", admin_cookie, OPEN),
                ):
                    spent.setdefault(("open a copy", name), []).extend(
                        timings(large_url, cookie, path, args.requests)
                    )
    report(pages, spent, args, load)
    report_open(spent)


def report(pages, spent, args, load) -> None:
    print(
        f"\n### Pages with demo data and with 10,000 of everything\n\n"
        f"Machine: {platform.platform()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
        f"at the start, {datetime.now():%Y-%m-%d}. waitress; one keep-alive client, "
        f"{args.rounds} interleaved rounds of {args.requests} requests a page.\n"
    )
    print("| page | demo p50 ms | large p50 ms | large p90 ms | ratio of p50 | target ≤ 1.5x |")
    print("|---|---|---|---|---|---|")
    failed = 0
    for page, _, _ in pages:
        small = statistics.median(spent[(page, "demo")])
        large_all = sorted(spent[(page, "large")])
        large = statistics.median(large_all)
        p90 = large_all[int(len(large_all) * 0.9)]
        ratio = large / small
        failed += ratio > 1.5
        verdict = "met" if ratio <= 1.5 else "NOT met"
        print(f"| {page} | {small:.2f} | {large:.2f} | {p90:.2f} | {ratio:.2f} | {verdict} |")
    print(f"\n{'Every page meets' if not failed else f'{failed} page(s) miss'} the target.")


def report_open(spent) -> None:
    todo_all, open_all = (sorted(spent[("open a copy", n)]) for n in ("To-Do", "Open"))
    todo_p50, open_p50 = statistics.median(todo_all), statistics.median(open_all)
    print("\n### Opening a copy of todo.db with 10,000 items, against the To-Do page\n")
    print("| page (large instance) | p50 ms | p90 ms |")
    print("|---|---|---|")
    for name, times in (("To-Do, 10,000 items", todo_all), ("Open todo.db", open_all)):
        print(f"| {name} | {statistics.median(times):.2f} | {times[int(len(times) * 0.9)]:.2f} |")
    ratio = open_p50 / todo_p50
    verdict = "met" if ratio <= 1 else "NOT met"
    print(f"\nOpen costs {ratio:.2f}x the To-Do page (target: at most 1x): {verdict}.")


if __name__ == "__main__":
    main()
