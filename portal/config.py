"""Built-in default settings: the first layer, overridden by <instance>/config.py,
then by PORTAL_* environment variables, then by create_app(test_config)."""

from portal.clock import system_clock
from portal.setting_error import SettingError

_TAKES = {
    bool: "true or false",
    int: "a number",
    float: "a number",
    str: "text",
    list: 'a list (in a PORTAL_ variable written as JSON: "[0, 1, 2]")',
}


def check_settings(config) -> None:
    """SettingError naming the first setting whose value is not of its default's type
    (PORTAL_FILE_HELD_SECONDS=abc arrives as the text 'abc'): said when the portal or a
    command starts, not as a traceback at the first backup."""
    for name in dir(Defaults):
        if not name.isupper() or name not in config:
            continue
        default, value = getattr(Defaults, name), config[name]
        kind = type(default)
        if kind not in _TAKES or default is None:
            continue
        if kind in (int, float) and isinstance(value, int | float) and not isinstance(value, bool):
            continue
        if isinstance(value, bool) is not (kind is bool) or not isinstance(value, kind):
            raise SettingError(
                f"The setting {name} (PORTAL_{name}) is {value!r:.60}: it takes "
                f"{_TAKES[kind]}, e.g. {name}={default!r}."
            )


class Defaults:
    PORTAL_NAME = "Office Portal"
    # IANA zone name such as "Europe/Berlin"; empty means the server's own zone.
    TIMEZONE = ""
    # The one clock every time rule reads: a callable returning an aware datetime.
    CLOCK = staticmethod(system_clock)

    # Empty means <instance>/data and <instance>/backup.
    DATA_DIR = ""
    BACKUP_DIR = ""
    SQLITE_BUSY_TIMEOUT_MS = 5000
    # Each new copy gets SQLite's quick_check (pages, records, sizes; not the cross-check
    # of every index against its table), the whole run at about twice the sqlite3 CLI's
    # .backup (issue 15). The full integrity_check runs where it matters: before any copy
    # is restored, in `backup verify` and the page's Verify, and in the weekly automatic
    # verify of every copy. True runs the full check in every backup too (twice the time).
    BACKUP_THOROUGH_CHECK = False
    # The afternoon reminder's page hook; off removes it entirely (the Schedule Data
    # Backup switch in System Settings is the everyday way to turn the reminder off).
    BACKUP_REMINDER_HOOK = True
    # The in-process scheduler for the automatic backup. Off for sites that use the
    # operating system's scheduler with `flask --app portal backup run --if-due`.
    SCHEDULER_ENABLED = True
    # `python -m portal` on Linux: the threads serving requests share one core (twice the
    # requests a second on a 2-core VM: portal/cores.py says why). Opt-in: measured on
    # that one machine shape only (docs/performance.md), so the default leaves the
    # operating system to place the threads.
    SERVE_ON_ONE_CORE = False
    # How often the leader checks whether the automatic backup is due.
    SCHEDULER_TICK_SECONDS = 60
    # How long a rename, delete or write of a backup file waits for another program that
    # holds the file open (on Windows an antivirus scanner or the search indexer reads a
    # fresh copy for seconds), retrying with growing pauses, before it fails saying so.
    FILE_HELD_SECONDS = 10
    # The off-site copy (issue 13): a second folder, e.g. a NAS share
    # (r"\\nas\backups\portal") or a mounted disk, that gets the newest copy of every data
    # file after each backup. Empty is off. The Data Backup page can set it too (that wins).
    OFFSITE_DIR = ""
    # Dated off-site folders kept: the newest days, then the newest of each week and month.
    OFFSITE_KEEP_DAILY = 7
    OFFSITE_KEEP_WEEKLY = 4
    OFFSITE_KEEP_MONTHLY = 12
    # A failed off-site copy is tried again by the scheduler this often.
    OFFSITE_RETRY_MINUTES = 60
    # A share that gives no answer to a step (a read, a write, a listing) for this long
    # is taken as not answering: the off-site copy is abandoned and tried again later,
    # the backup lock released, and the pages say so instead of hanging (issue 20).
    OFFSITE_ANSWER_SECONDS = 60.0

    # Mail when a backup fails or is missed (Flask-Mail's names; sent with smtplib). The
    # Schedule Data Backup page can set these too (its values win). NOTIFY_EMAILS: the
    # addresses, comma-separated; empty sends no mail.
    MAIL_SERVER = ""
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_DEFAULT_SENDER = ""
    NOTIFY_EMAILS = ""
    # A monitoring service's URL that gets a small JSON POST for each notice; empty is off.
    NOTIFY_WEBHOOK_URL = ""
    NOTIFY_TIMEOUT_SECONDS = 10
    # The weekly automatic verify of every local and off-site copy: the weekday
    # (0 Monday ... 6 Sunday) and the time, after the automatic backup.
    AUTOMATIC_VERIFY_WEEKDAY = 6
    AUTOMATIC_VERIFY_AT = "03:00"
    # The office's working days (0 Monday ... 6 Sunday): a day among them without a
    # completed backup by the end of the reminder window sends a notice.
    WORKING_WEEKDAYS = [0, 1, 2, 3, 4]

    # How many proxies (IIS, nginx) stand in front of the portal and set X-Forwarded-For;
    # 0 trusts no such header. Throttling and the audit log then see real client addresses.
    PROXY_COUNT = 0
    # The host names the portal answers to, e.g. ["portal.office.local", "localhost"];
    # a request for any other Host is refused (400). None answers any host (redirects
    # never carry one, see security.py).
    TRUSTED_HOSTS = None

    # Sessions: Flask's signed cookie only carries a token; the session row in system.db
    # is what makes a log out final (a replayed cookie finds no row).
    SESSION_COOKIE_NAME = "portal_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # set True when the portal is served over HTTPS
    SESSION_LIFETIME_HOURS = 12
    REMEMBER_COOKIE_HTTPONLY = True

    # Brute-force throttle per login name.
    LOGIN_MAX_FAILURES = 5
    LOGIN_FAILURE_WINDOW_MINUTES = 15
    LOGIN_LOCKOUT_MINUTES = 15
    # The one password that opens System Settings: at most this many wrong answers in a
    # window across every account and both doors (the login as admin, the prompt).
    ADMIN_PASSWORD_MAX_FAILURES = 10
    # The Office-style login lists groups and names; sites that prefer not to can hide them.
    LOGIN_SHOW_NAMES = True
    PASSWORD_MIN_LENGTH = 8
    # System Settings ask for the admin password again after this many minutes without
    # System Settings activity (the Administrator's own login counts as typing it).
    ADMIN_REAUTH_MINUTES = 15

    # A CSRF token that expires while someone types a long post would cost them their
    # text; the token lives as long as the session instead.
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = 1024 * 1024
