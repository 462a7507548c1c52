"""Schema of schedule.db. owner_id refers to users.id in system.db (another file, so
no foreign key); times are the portal's local wall-clock times."""

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        owner_id INTEGER NOT NULL,
        day TEXT NOT NULL,            -- YYYY-MM-DD
        start_time TEXT,              -- HH:MM, NULL for an all-day event
        end_time TEXT,                -- HH:MM or NULL
        title TEXT NOT NULL,
        memo TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX events_owner_day ON events(owner_id, day, start_time);
    """,
    # Issue 15: a person's days in the order the pages show them (all-day events first,
    # then by time), so a week is read from the index, never sorted.
    """
    CREATE INDEX events_owner_day_in_order
        ON events(owner_id, day, start_time IS NOT NULL, start_time, id);
    """,
)
