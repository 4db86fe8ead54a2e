"""Backup and restore of the whole database: `rkc export --all FILE`, `rkc import FILE`.

- `archive.py`: the file format (a zip of one JSON-lines file per table and a manifest) and
  the canonical encoding of a row, which is what the per-table hashes are computed over;
- `operations.py`: writing an archive from a database, and restoring one into an empty
  database in one transaction, checked table by table against the manifest's hashes;
- `cli.py`: the two commands' glue.

See docs/backup.md for the format and the guarantees.
"""
