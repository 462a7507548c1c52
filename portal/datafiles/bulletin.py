"""Schema of bulletin.db. author_id refers to users.id in system.db."""

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE posts (
        id INTEGER PRIMARY KEY,
        author_id INTEGER NOT NULL,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX posts_created ON posts(created_at);
    CREATE TABLE replies (
        id INTEGER PRIMARY KEY,
        post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
        author_id INTEGER NOT NULL,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX replies_post ON replies(post_id, created_at);
    """,
    # 2: posts can be edited by their author or the administrator, and show it.
    """
    ALTER TABLE posts ADD COLUMN edited_at TEXT;   -- NULL until the first edit
    ALTER TABLE posts ADD COLUMN edited_by INTEGER; -- users.id in system.db
    -- One more with every edit: an edit form saves only over the revision it started from.
    ALTER TABLE posts ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
    """,
)
