"""Exclusive file locks across processes and threads, waited for with a deadline.

The search index (one writer per index directory) and the derived-file cache (one build per
file) both take an `flock` beside what they write and poll for it, so that a waiting request
can give up after a bounded time, or stop waiting when what it waits for is already there.
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Callable
from typing import IO

#: Seconds between two tries while another holder keeps the lock.
POLL_SECONDS = 0.05


def lock_exclusive(
    file: int | IO[bytes], wait: float, give_up: Callable[[], bool] | None = None
) -> bool:
    """Take the exclusive lock of `file` (a descriptor or an open file), trying until `wait`
    seconds have passed. True once held; False when `give_up()` became true while waiting
    (the lock is then not held); TimeoutError when the wait ran out."""
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if give_up is not None and give_up():
                return False
            if time.monotonic() >= deadline:
                raise TimeoutError(f"lock not taken within {wait:g} s") from None
            time.sleep(POLL_SECONDS)
