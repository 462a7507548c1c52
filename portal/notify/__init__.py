"""Notices when a backup goes wrong: mail (smtplib) and an optional webhook, each event
sent at most once and never more than one notice of a kind per hour, across processes;
what comes within the hour is held and told with the next one, never dropped.

- settings.py: where mail goes and how (the configuration, or the Schedule Data Backup
  page's values), and the webhook.
- transport.py: sending one mail (smtplib) or one webhook POST (urllib).
- notices.py: the kinds, the once-per-event rule in system.db, `notify()`, `send_held()`.
"""

from portal.notify.notices import KINDS, notify, send_held, send_test

__all__ = ["KINDS", "notify", "send_held", "send_test"]
