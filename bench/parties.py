"""Contracting Parties: the matrix page and a party's binding text.

Both pages are drawn from the text store and the register alone: anonymous readers get them
from the page cache until either changes (rkc/parties/register_version.py). The drawn figures
ask for a new day each time (`?on=`), so that every request draws its page.

Figures:

1. The matrix page (`GET /parties/?on=...`) with the corpus's 67 parties, each of which has
   accepted a handful of the 25 Specific Annex chapters (recorded with the real operations),
   drawn: every standing, chapter entry into force and count is computed from the record.
   Goal: median under 150 ms. Reference: a trivial route on the same app.
2. The text binding one party on one day (`GET /parties/<iso3>/binding?on=...`), drawn: the
   in-force edition restricted to its chapters, with a deadline on every provision. Goal:
   median under 300 ms. Reference: the whole Convention's table of contents page (`GET
   /w/rkc`, from the page cache as the public gets it).
3. The same binding text asked again, as the public gets it: at most 15x the contents page
   (issue 17).
"""

from __future__ import annotations

import itertools
import random
import re
import tempfile
from datetime import date, timedelta
from pathlib import Path

from flask.testing import FlaskClient

from bench.report import Options, Row, measure_interleaved, ratio
from bench.support import SetupError, dispose, make_app, progress, rkc_init
from rkc.audit import Actor, acting_as
from rkc.extensions import db
from rkc.parties import operations, standings

PING = "/_bench/ping"
CORPUS_CHAPTER = re.compile(r"sa-[a-z]/\w+")
MATRIX_GOAL_MS = 150.0
BINDING_GOAL_MS = 300.0
#: The binding text as the public gets it, against the contents page (issue 17).
BINDING_CACHED_GOAL = 15.0
CHAPTERS_PER_PARTY = (0, 6)


def run(options: Options | None = None) -> list[Row]:
    options = options or Options()
    with tempfile.TemporaryDirectory(prefix="rkc-bench-parties-") as tmp:
        app = make_app(Path(tmp), options.corpus)
        try:
            app.add_url_rule(PING, "bench_ping", lambda: "ok")
            progress("rkc init (corpus and its party table)")
            rkc_init(app)
            with app.app_context():
                accepted, busiest = _accept_chapters()
            client = app.test_client()
            binding = f"/parties/{busiest}/binding"
            days = (date(2024, 1, 2) + timedelta(days=n) for n in itertools.count())
            requests = options.reps(60, 6)
            progress(f"matrix, binding text, references ({requests} rounds)")
            pages = measure_interleaved(
                {
                    "ping": lambda: _get(client, PING),
                    "matrix": lambda: _get(client, f"/parties/?on={next(days)}"),
                    "toc": lambda: _get(client, "/w/rkc"),
                    "binding": lambda: _get(client, f"{binding}?on={next(days)}"),
                    "cached": lambda: _get(client, f"{binding}?on=2024-01-01"),
                },
                repeat=requests,
                warmup=options.reps(3, 1),
            )
        finally:
            dispose(app)
    ping, matrix, toc = pages["ping"], pages["matrix"], pages["toc"]
    bound, cached = pages["binding"], pages["cached"]
    return [
        Row(
            figure=f"party matrix page, 67 parties, {accepted} chapter acceptances, drawn",
            goal=f"median < {MATRIX_GOAL_MS:.0f} ms",
            measured=matrix.ms(),
            reference=f"trivial route: {ping.median * 1000:.2f} ms",
            ratio=f"matrix/trivial {ratio(matrix.median, ping.median)}",
            met=matrix.median * 1000 < MATRIX_GOAL_MS,
        ),
        Row(
            figure=f"binding text of {busiest}, drawn (a new day each time)",
            goal=f"median < {BINDING_GOAL_MS:.0f} ms",
            measured=bound.ms(),
            reference=f"Convention contents page: {toc.median * 1000:.1f} ms",
            ratio=f"binding/contents {ratio(bound.median, toc.median)}",
            met=bound.median * 1000 < BINDING_GOAL_MS,
        ),
        Row(
            figure=f"binding text of {busiest} on 2024-01-01, as the public gets it",
            goal=f"<= {BINDING_CACHED_GOAL:.0f}x contents page",
            measured=cached.ms(),
            reference=f"Convention contents page: {toc.median * 1000:.1f} ms",
            ratio=f"binding/contents {ratio(cached.median, toc.median)}",
            met=cached.median <= BINDING_CACHED_GOAL * toc.median,
        ),
    ]


def _accept_chapters() -> tuple[int, str]:
    """Each party with a known date accepts a few chapters at its deposit; returns how many
    acceptances were recorded and the code of the party with the most."""
    chance = random.Random(6)  # the same record every run
    register = standings.load_register()
    # The corpus's chapters (bench/growth.py adds copies of the Specific Annexes, accepted by
    # no party, so that the same parties accept the same chapters in a grown store).
    chapters = [c for c in register.chapters if CORPUS_CHAPTER.fullmatch(c.key)]
    if len(chapters) != 25:
        raise SetupError(f"expected 25 Specific Annex chapters, found {len(chapters)}")
    total, busiest, most = 0, "", -1
    with acting_as(Actor(None, "bench", "system")):
        for standing in register.parties:
            membership = standing.membership
            assert membership is not None
            deposit = membership.instrument.event_on
            if deposit is None or not standing.party.iso3:
                continue
            chosen = chance.sample(chapters, chance.randint(*CHAPTERS_PER_PARTY))
            for chapter in chosen:
                operations.record_acceptance(standing.party, chapter.key, notified_on=deposit)
            total += len(chosen)
            if len(chosen) > most:
                busiest, most = standing.party.iso3, len(chosen)
    db.session.commit()
    return total, busiest


def _get(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        raise SetupError(f"GET {url} answered {response.status_code}")
