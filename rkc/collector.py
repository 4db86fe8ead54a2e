"""Python's cycle collector in a process that serves requests.

A page that shows thousands of things (a chapter's compilation of amendments, a party's
binding text on a large store) makes tens of thousands of short-lived objects. With the
default first threshold (700 allocations), that starts many collections per request, and each
older-generation pass walks every object the process holds: the application, its templates,
its caches. On the growth bench's store of 10,000 amendments that was a third of the
compilation page, and it grew faster than the page itself.

`tune_for_serving` is called once a serving process has loaded the application (each gunicorn
worker, `wsgi.py`, and the bench, which measures what is served):

- `gc.freeze()` moves everything loaded so far into a generation the collector never walks
  (and, in a forked worker, leaves those pages shared with the parent);
- the first threshold is raised to `FIRST_THRESHOLD`, so collections come ten times less
  often; garbage without cycles is freed at once by reference counting all the same.
"""

from __future__ import annotations

import gc

#: Allocations (minus deallocations) between two collections of the youngest generation.
FIRST_THRESHOLD = 10_000


def tune_for_serving() -> None:
    """Freeze what is loaded and collect the youngest generation less often."""
    gc.collect()
    gc.freeze()
    _first, second, third = gc.get_threshold()
    gc.set_threshold(max(FIRST_THRESHOLD, _first), second, third)
