"""Marking a message for the interface's catalogue where it cannot be translated yet.

Labels defined at import time (enumeration labels in the models, state names) are plain
English strings: exports, the API and the audit log use them as they are. `N_()` only marks
them, so that pybabel extracts them (`N_` is one of its default keywords); the page that shows
one translates it then (`_()` in a template, `gettext()` in Python). See docs/translating.md.
"""

from __future__ import annotations


def N_(message: str) -> str:
    """`message`, unchanged: marked for extraction, translated where it is shown."""
    return message
