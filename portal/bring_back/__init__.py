"""Bring back one thing (issue 23): open a copy, see which items were deleted or changed
since, and bring back just those, without rolling anyone else back.

- kinds.py: the items each data file keeps (to-dos, events, posts with their replies).
- differences.py: a copy's items against the live data: deleted since, changed since.
- bring.py: the chosen items put back into the live data file, in one transaction.
- service.py: the two doors, over a copy Data Backup proved and opened read-only
  (portal/backup/open_copy.py): `items` and `bring_back`, audited.

It knows no Flask: the commands (portal/cli/bring_back.py) hand it the instance and the
Data Backup service."""
