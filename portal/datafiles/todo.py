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
)
