"""Interchange: the corpus format, Akoma Ntoso, Word and PDF, for export and import.

Converters take an edition snapshot and give bytes, or take bytes and give an outline of
checked units; `operations.py` stores an import as a new working draft. See
docs/interchange.md.
"""
