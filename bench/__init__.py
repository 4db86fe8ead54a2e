"""Benchmarks: `python -m bench` runs them all and prints one table of figures and ratios.

Each entry of BENCHMARKS names a module `bench.<name>` exposing `run(options) -> list[Row]`
(see bench/report.py). Add a module and list it here; `--only NAME` runs just that one.
Timings live here and never in the tests (ARCHITECTURE.md section 7).
"""

from __future__ import annotations

BENCHMARKS: list[str] = [
    "text_store",
    "parties",
    "amendments",
    "search",
    "search_languages",
    "interchange",
    "procedure",
    "serving",
    "hostile_files",
    "growth",
]
