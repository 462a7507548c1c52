"""Schema of todo.db. owner_id refers to users.id in system.db."""

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE todos (
        id INTEGER PRIMARY KEY,
        owner_id INTEGER NOT NULL,
        title TEXT NOT NULL,
        due_date TEXT,                -- YYYY-MM-DD or NULL
        memo TEXT NOT NULL DEFAULT '',
        done_at TEXT,                 -- when completed, NULL while open
        created_at TEXT NOT NULL
    );
    CREATE INDEX todos_owner_open ON todos(owner_id, done_at, due_date);
    """,
    # Issue 15: a person's open items in the order the list shows them (soonest due
    # first, undated last), so a page of them is read from an index, never sorted.
    """
    CREATE INDEX todos_open_in_order ON todos(owner_id, coalesce(due_date, '9999-12-31'), id)
        WHERE done_at IS NULL;
    CREATE INDEX todos_done_in_order ON todos(owner_id, done_at) WHERE done_at IS NOT NULL;
    """,
)
