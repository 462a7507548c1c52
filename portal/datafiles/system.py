"""Schema of system.db: people, sessions, login throttling, settings, the audit log.
Migrations are appended, never edited: each one moves PRAGMA user_version up by one."""

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE groups (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        created_at TEXT NOT NULL
    );
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        login TEXT NOT NULL UNIQUE COLLATE NOCASE,
        name TEXT NOT NULL,
        group_id INTEGER REFERENCES groups(id) ON DELETE SET NULL,
        password_hash TEXT,
        is_admin INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
    );
    CREATE INDEX users_group ON users(group_id);
    -- One row per logged-in browser; the cookie holds only a random token whose hash
    -- is the key. Log out deletes the row, so a replayed cookie is worthless.
    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX sessions_user ON sessions(user_id);
    CREATE TABLE login_failures (
        id INTEGER PRIMARY KEY,
        login_key TEXT NOT NULL,
        at TEXT NOT NULL,
        remote_addr TEXT
    );
    CREATE INDEX login_failures_key_at ON login_failures(login_key, at);
    CREATE TABLE login_lockouts (
        login_key TEXT PRIMARY KEY,
        until TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        user_id INTEGER,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '',
        remote_addr TEXT
    );
    CREATE INDEX audit_log_at ON audit_log(at);
    """,
    # 2: the daily backup reminder (Data Backup Group, skips, days whose backup is done).
    """
    CREATE TABLE backup_group_members (
        user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        added_at TEXT NOT NULL
    );
    CREATE TABLE backup_skips (
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        day TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (user_id, day)
    ) WITHOUT ROWID;
    -- A day whose backup is done: every data file has a copy taken that day. Written
    -- by every backup run, whoever started it; read by the reminder on each page.
    CREATE TABLE backup_days (
        day TEXT PRIMARY KEY,
        completed_at TEXT NOT NULL,
        completed_by TEXT NOT NULL
    ) WITHOUT ROWID;
    """,
    # 3: System Settings elevation, per session (it ends with the session).
    """
    ALTER TABLE sessions ADD COLUMN elevated_until TEXT;
    """,
    # 4: the automatic (nightly) backup: one row per day it ran, with its outcome.
    """
    CREATE TABLE automatic_backups (
        day TEXT PRIMARY KEY,
        finished_at TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'failed')),
        message TEXT NOT NULL DEFAULT ''
    ) WITHOUT ROWID;
    """,
    # 5: people removed: their ids are never given to anyone else, and their posts keep
    # their name (an id reused gave a new account the removed person's to-dos).
    """
    CREATE TABLE removed_users (
        id INTEGER PRIMARY KEY,
        login TEXT NOT NULL,
        name TEXT NOT NULL,
        removed_at TEXT NOT NULL
    );
    """,
    # 6: every stored setting is JSON (settings_store.get_json): the reminder's
    # "on 12:00 18:00" and the automatic backup's "on 00:00" are converted.
    """
    UPDATE settings SET value = json_object(
        'enabled', json(CASE WHEN value LIKE 'on %' THEN 'true' ELSE 'false' END),
        'start', substr(value, length(value) - 10, 5),
        'end', substr(value, length(value) - 4, 5))
    WHERE key = 'backup_reminder' AND NOT json_valid(value);
    UPDATE settings SET value = json_object(
        'enabled', json(CASE WHEN value LIKE 'on %' THEN 'true' ELSE 'false' END),
        'at', substr(value, length(value) - 4, 5))
    WHERE key = 'backup_automatic' AND NOT json_valid(value);
    """,
)
