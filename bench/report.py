"""What a benchmark returns and how `python -m bench` prints it.

A benchmark module exposes `run(options) -> list[Row]`. A row is one figure: what was measured
against what goal, next to a reference measured in the same run, and the ratio between the two
(or the ratio the goal is about). Timings are printed, never asserted.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Options:
    """Command-line options every benchmark sees."""

    #: Fewer repetitions: a smoke run that the benchmarks still work, not figures to quote.
    quick: bool = False
    #: The corpus `rkc init` loads.
    corpus: Path = ROOT / "corpus"

    def reps(self, full: int, quick: int) -> int:
        return quick if self.quick else full


@dataclass(frozen=True)
class Row:
    """One line of the table."""

    figure: str
    goal: str = ""
    measured: str = ""
    reference: str = ""
    ratio: str = ""
    #: True or False when the row has a goal it met or missed; None for information only.
    met: bool | None = None


@dataclass(frozen=True)
class Timing:
    """Wall-clock samples of one operation, in seconds."""

    samples: tuple[float, ...]

    @property
    def median(self) -> float:
        ordered = sorted(self.samples)
        mid = len(ordered) // 2
        if len(ordered) % 2:
            return ordered[mid]
        return (ordered[mid - 1] + ordered[mid]) / 2

    @property
    def p95(self) -> float:
        """Nearest-rank 95th percentile."""
        ordered = sorted(self.samples)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    def ms(self) -> str:
        return f"median {self.median * 1000:.1f} ms, p95 {self.p95 * 1000:.1f} ms (n={len(self)})"

    def s(self) -> str:
        if len(self) == 1:
            return f"{self.median:.2f} s (n=1)"
        return f"median {self.median:.2f} s, max {max(self.samples):.2f} s (n={len(self)})"

    def __len__(self) -> int:
        return len(self.samples)


def measure(fn: Callable[[], object], *, repeat: int, warmup: int = 0) -> Timing:
    """Call `fn` `warmup` times untimed, then `repeat` times under time.perf_counter."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return Timing(tuple(samples))


def measure_interleaved(
    fns: dict[str, Callable[[], object]], *, repeat: int, warmup: int = 0
) -> dict[str, Timing]:
    """Like `measure` for several operations, taking turns, so that a change in the machine's
    load during the run (other processes on a small box) weighs on all of them alike."""
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            started = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - started)
    return {name: Timing(tuple(values)) for name, values in samples.items()}


def ratio(measured: float, reference: float) -> str:
    return f"{measured / reference:.2f}" if reference > 0 else "n/a"


def verdict(met: bool | None) -> str:
    return {True: "met", False: "MISSED", None: ""}[met]


COLUMNS = ("figure", "goal", "measured", "reference", "ratio")


def render_table(rows: Sequence[Row]) -> str:
    """The rows as one Markdown table (readable in a terminal, pasteable into an issue)."""
    cells = [list(COLUMNS)]
    for row in rows:
        goal = f"{row.goal} [{verdict(row.met)}]" if row.met is not None else row.goal
        cells.append([row.figure, goal, row.measured, row.reference, row.ratio])
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]

    def line(values: Sequence[str]) -> str:
        return "| " + " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)) + " |"

    out = [line(cells[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(values) for values in cells[1:]]
    return "\n".join(out)
