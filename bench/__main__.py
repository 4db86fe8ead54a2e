"""`python -m bench [--quick] [--only NAME] [--corpus DIR]`: run the benchmarks, print one table."""

from __future__ import annotations

import argparse
import importlib
import sys
import time
import traceback
from pathlib import Path

from bench import BENCHMARKS
from bench.report import Options, Row, render_table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Run the rkc benchmarks and print figures, goals and ratios in one table.",
    )
    parser.add_argument(
        "--quick", action="store_true", help="fewer repetitions: a smoke run, not figures"
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=BENCHMARKS,
        metavar="NAME",
        help=f"run only this benchmark (repeatable): {', '.join(BENCHMARKS)}",
    )
    parser.add_argument(
        "--corpus",
        type=Path,
        default=Options().corpus,
        help="corpus directory `rkc init` loads (default: the repository's corpus/)",
    )
    args = parser.parse_args(argv)
    options = Options(quick=args.quick, corpus=args.corpus.resolve())

    rows: list[Row] = []
    failed = False
    started = time.perf_counter()
    for name in args.only or BENCHMARKS:
        print(f"{name}:", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        try:
            module = importlib.import_module(f"bench.{name}")
            rows += module.run(options)
        except Exception as exc:
            failed = True
            traceback.print_exc()
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            rows.append(Row(f"{name}: FAILED", measured=f"{type(exc).__name__}: {first_line}"))
        print(f"  {name} took {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)

    print()
    print(render_table(rows))
    missed = [r.figure for r in rows if r.met is False]
    mode = "quick (smoke run; do not quote these figures)" if options.quick else "full"
    print(
        f"\n{mode}; corpus {options.corpus}; {time.perf_counter() - started:.0f} s in all; "
        f"goals missed: {len(missed)}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
