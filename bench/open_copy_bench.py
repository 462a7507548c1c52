"""Benchmark (issue 23): what does opening a copy with 10,000 items cost, against the To-Do
page with 10,000 items (the target: no more)?

One instance: the demo organisation, and Alice with 10,000 open to-dos, backed up; then
100 of them deleted and 100 changed. In one process, through the app's test client (no
server between, so both sides pay the same), interleaved rounds of:

- the To-Do page, Alice logged in (its first page, read from an index);
- System Settings > Data Backup > Open on todo.db's newest copy, the administrator
  elevated (the copy proven: SHA-256 and SQLite's integrity check; every item of the copy
  compared with the live data; the page of differences drawn).

Usage: python bench/open_copy_bench.py [--requests 10] [--rounds 5]"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal import create_app, demo, startup  # noqa: E402
from portal.clock import to_db  # noqa: E402
from portal.passwords import hash_password, set_password  # noqa: E402
from portal.users import ensure_admin, find_user  # noqa: E402
from portal.web import data_backup_of, get_db  # noqa: E402
from tests.helpers import login, submit  # noqa: E402

MANY = 10_000
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
ADMIN_PASSWORD = "bench admin password"  # noqa: S105 - a bench's own


def prepare(instance: Path):
    app = create_app({"INSTANCE_PATH": str(instance), "TIMEZONE": "UTC", "TESTING": True})
    startup.open_instance(app)
    with app.app_context():
        system, schedule, board, todos = (
            get_db(name) for name in ("system.db", "schedule.db", "bulletin.db", "todo.db")
        )
        demo.load(system, schedule, board, todos, NOW)
        set_password(system, ensure_admin(system, NOW).id, hash_password(ADMIN_PASSWORD))
        alice = find_user(system, "alice").id
        todos.executemany(
            "INSERT INTO todos (owner_id, title, memo, created_at) VALUES (?, ?, '', ?)",
            [(alice, f"Item {n}", to_db(NOW)) for n in range(MANY)],
        )
        data_backup_of(app).run_backup(None, "bench")
        ids = [r[0] for r in todos.execute("SELECT id FROM todos ORDER BY id DESC LIMIT 200")]
        todos.executemany("DELETE FROM todos WHERE id = ?", [(i,) for i in ids[:100]])
        todos.executemany(
            "UPDATE todos SET title = 'changed' WHERE id = ?", [(i,) for i in ids[100:]]
        )
    return app


def timed(client, path: str, count: int) -> list[float]:
    spent = []
    for _ in range(count):
        began = time.perf_counter()
        response = client.get(path)
        spent.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="portal-open-copy-bench-") as folder:
        app = prepare(Path(folder) / "office")
        alice, admin = app.test_client(), app.test_client()
        login(alice, "alice", demo.DEMO_PASSWORD)
        login(admin, "alice", demo.DEMO_PASSWORD)
        submit(admin, "/settings/elevate?next=/settings/", data={"password": ADMIN_PASSWORD})
        pages = [
            ("To-Do, 10,000 items", alice, "/todo/"),
            ("Open todo.db, 10,000 items", admin, "/settings/data-backup/copies/todo.db/0"),
        ]
        for _name, client, path in pages:  # warm up
            timed(client, path, 2)
        load = os.getloadavg()
        spent: dict[str, list[float]] = {}
        for _ in range(args.rounds):
            for name, client, path in pages:
                spent.setdefault(name, []).extend(timed(client, path, args.requests))
    print(
        f"Machine: {platform.system()} {platform.machine()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores, load {load[0]:.2f}; "
        f"{args.rounds} rounds x {args.requests} requests"
    )
    print("| page | p50 ms | p90 ms |")
    print("|---|---|---|")
    for name, times in spent.items():
        times.sort()
        print(f"| {name} | {statistics.median(times):.1f} | {times[int(len(times) * 0.9)]:.1f} |")
    todo_p50, open_p50 = (statistics.median(spent[name]) for name, _c, _p in pages)
    print(f"Open costs {open_p50 / todo_p50:.1f}x the To-Do page (target: at most 1x).")


if __name__ == "__main__":
    main()
