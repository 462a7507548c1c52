"""What can go wrong with the off-site folder, in words meant for a person."""

from portal.backup.errors import BackupError


class OffsiteError(BackupError):
    """The off-site folder could not be used, or a copy there is not what was recorded.
    The local backup is never affected."""
