"""What can go wrong in a backup, as exceptions whose message is meant for a person."""


class BackupError(Exception):
    """A backup run that could not be completed; every earlier generation is intact."""


class BackupBusy(BackupError):
    """Another backup or restore is running right now."""


class RestoreError(BackupError):
    """A restore that was refused or failed; the live data file is unchanged."""


class UnprovenCopy(RestoreError):
    """A restore refused because the copy cannot be proven to be the one that was made
    (unrecorded, or its SHA-256 differs from its record); `force` overrides it."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


class NoCopy(RestoreError):
    """There is no copy at the generation asked for (none made yet, or rotated away)."""
