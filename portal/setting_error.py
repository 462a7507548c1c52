"""A setting the portal cannot use (a PORTAL_* variable, <instance>/config.py): said in
one line naming the setting and what it takes, never a traceback."""


class SettingError(RuntimeError):
    """A setting of the wrong type or value."""
