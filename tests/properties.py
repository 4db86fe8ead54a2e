"""How many examples a property test tries: moderate in the normal run, many more in a long run.

    HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest -q tests/text/test_merge_properties.py

The profiles themselves are registered in tests/conftest.py ("rkc", the default: derandomized,
so every run tries the same examples; "long": fresh random examples each run).
"""

from __future__ import annotations

import os

#: Examples per test in a long run, as a multiple of the normal count.
LONG_FACTOR = 50


def is_long_run() -> bool:
    return os.environ.get("HYPOTHESIS_PROFILE") == "long"


def examples(normal: int) -> int:
    """`normal` in the normal run, LONG_FACTOR times as many with HYPOTHESIS_PROFILE=long."""
    return normal * LONG_FACTOR if is_long_run() else normal
