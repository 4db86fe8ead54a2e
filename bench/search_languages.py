"""Search per language: French queries against English ones on the same index.

The shipped corpus is loaded in English and French by `rkc init` (one Whoosh index holding
both); 12 pairs of queries on the same subjects, one in each language, run through
`rkc.search.queries.search` exactly as the page calls it (facets, highlights, spelling), in
turns so that the machine's load weighs on both alike. Figure: the French p95 over the English
p95 (goal: within 1.2x, issue 13).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.report import Options, Row, Timing, ratio
from bench.support import SetupError, dispose, make_app, progress, rkc_init
from rkc.clock import today
from rkc.convention.models import Edition
from rkc.extensions import db
from rkc.search import search_index
from rkc.search.queries import SearchRequest, search

GOAL = 1.2

#: (English query, French query) on the same subject.
PAIRS: list[tuple[str, str]] = [
    ("customs", "douane"),
    ("goods declaration", "déclaration de marchandises"),
    ("clearance", "dedouanement"),
    ("appeal", "recours"),
    ("guarantee", "garantie"),
    ("transit OR transhipment", "transit OR transbordement"),
    ('"temporary admission"', '"admission temporaire"'),
    ("declar*", "déclar*"),
    ("kind:standard release", "kind:standard mainlevée"),
    ("chapter:10 decision", "chapter:10 décision"),
    ("risk management", "gestion des risques"),
    ("information technology", "technologie de l'information"),
]


def _published(edition: Edition) -> bool:
    return edition.is_published


def run(options: Options | None = None) -> list[Row]:
    options = options or Options()
    with tempfile.TemporaryDirectory(prefix="rkc-bench-search-lang-") as tmp:
        app = make_app(Path(tmp) / "store", options.corpus)
        progress("rkc init: the corpus in English and French, and its index")
        rkc_init(app)
        reps = options.reps(15, 2)
        samples: dict[str, list[float]] = {"en": [], "fr": []}
        per_pair: dict[str, list[float]] = {}
        with app.app_context():
            index = search_index()
            index.ensure_current(db.engine)

            def one(q: str, language: str) -> int:
                wanted = SearchRequest(q=q, language=(language,))
                return search(index, wanted, may_read=_published, today=today()).total

            found = {
                lang: sum(one(pair[i], lang) > 0 for pair in PAIRS)
                for i, lang in enumerate(samples)
            }
            if min(found.values()) < len(PAIRS) // 2:
                raise SetupError(f"too few queries find anything: {found}")
            progress(f"{len(PAIRS)} query pairs, English and French in turns ({reps} rounds)")
            for _ in range(reps):
                for english, french in PAIRS:
                    for language, q in (("en", english), ("fr", french)):
                        started = time.perf_counter()
                        one(q, language)
                        elapsed = time.perf_counter() - started
                        samples[language].append(elapsed)
                        per_pair.setdefault(q, []).append(elapsed)
        dispose(app)
    en, fr = Timing(tuple(samples["en"])), Timing(tuple(samples["fr"]))
    medians = {q: Timing(tuple(values)).median for q, values in per_pair.items()}
    worst = max(PAIRS, key=lambda pair: medians[pair[1]] / medians[pair[0]])
    return [
        Row(
            figure="search: French query p95 vs English, same index",
            goal=f"French p95 within {GOAL}x the English",
            measured=f"French {fr.ms()}",
            reference=f"English {en.ms()}",
            ratio=f"fr/en p95 {ratio(fr.p95, en.p95)}",
            met=fr.p95 <= GOAL * en.p95,
        ),
        Row(
            figure="search: the pair where French costs most (medians)",
            measured=f"{worst[1]!r} {medians[worst[1]] * 1000:.1f} ms",
            reference=f"{worst[0]!r} {medians[worst[0]] * 1000:.1f} ms",
            ratio=f"fr/en {ratio(medians[worst[1]], medians[worst[0]])}",
        ),
        Row(
            figure="search: queries that find something",
            measured=f"French {found['fr']}/{len(PAIRS)}",
            reference=f"English {found['en']}/{len(PAIRS)}",
        ),
    ]
