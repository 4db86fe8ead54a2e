"""The load run: delegates, the Secretariat and the public at once, against `rkc serve`.

    python -m bench.load --db sqlite --seconds 60
    python -m bench.load --db postgres --seconds 60     # RKC_TEST_DATABASE_URL or --postgres-url
    python -m bench.load --db postgres --servers 2      # one server, then two on one database

A scratch database (a SQLite file in a temporary directory, or a new PostgreSQL database that
is dropped afterwards) is loaded by `rkc init`; accounts are made for 20 delegates (two per
party, so that delegates of one party race each other) and 2 Secretariat officers; `rkc serve`
(gunicorn, 4 workers) serves it on 127.0.0.1. Then, for the given seconds, each simulated
person works in a thread of its own through the real HTML forms:

- **delegates** propose modifications to provisions of the working draft (a small set of
  provisions, so that proposals collide), table them, revise them, comment on amendments and
  take (or change) their party's position on other parties' amendments;
- **the Secretariat** opens the discussion of tabled amendments, records them agreed (or not
  agreed), and merges agreed ones from the merge queue in batches of one to three (both
  officers race for the same queue);
- **readers** (anonymous) read chapters and provisions of the text in force, the contents,
  search through the page and the API, and repeat earlier reads as conditional GETs.

Every write the server acknowledges (a 302 to what was written) is remembered with a marker
put into it. Afterwards one search makes the index catch up, the server is stopped, and
bench/invariants.py checks: no 5xx, no lost update, every merge traceable and whole, the search
index equal to the database. The table gives p50 and p95 per action; the exit status is 1 if
an invariant is violated.

With `--servers N` (N > 1) the run has three phases on the same database, each `--seconds`
long: one server, then N servers (the first one still running, N - 1 more started), then the
first one alone again. Each server is an `rkc serve` with its own search index and derived-file
directory; the people are spread over them in turns (so the two delegates of a party work on
different servers). Every server's index is then checked against the database, and the
requests per second of the N-server phase are reported against the mean of the 1-server
phases as a ratio (docs/deployment.md).

tests/test_load_smoke.py and tests/test_servers.py run short, bounded versions of the same (a
few people, a fixed number of actions each, no pauses) in the normal test suite.
"""

from __future__ import annotations

import argparse
import html
import os
import random
import re
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from bench import invariants
from bench import server as rkc_server
from bench.client import Answer, Browser
from bench.invariants import Ack, Outcome
from bench.report import Options, Row, Timing, render_table
from bench.support import SetupError, dispose, progress, rkc_init
from rkc import create_app
from rkc.amendments import queries as amendment_queries
from rkc.audit import Actor, acting_as
from rkc.auth import operations as auth_ops
from rkc.clock import today
from rkc.convention import queries as text_queries
from rkc.extensions import db
from rkc.parties.models import Party
from rkc.search import documents
from rkc.search.index import SearchIndex

PASSWORD = "kyoto under load 1999"  # noqa: S105 (scratch accounts)
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
#: Chapters whose provisions the delegates amend (few, so that amendments collide).
AMENDED_CHAPTERS = ("ga/3", "ga/7")
#: How many provisions of those chapters are in play.
PROVISIONS_IN_PLAY = 24
SEARCHES = (
    "appeal", "customs", "goods declaration", "guarantee", "transit", "release",
    "examination", "origin", "warehouse", '"customs office"', "rulings", "information",
)  # fmt: skip
MARKER = re.compile(r"ldm\d+x\d+")
TEXTAREA = re.compile(r'<textarea[^>]*name="text"[^>]*>(.*?)</textarea>', re.S)
AMENDMENT_URL = re.compile(r"^/amendments/(\d+)(?:#comment-(\d+))?")
CHECKBOX = re.compile(r'<input type="checkbox" name="amendment" value="(\d+)"\s*(disabled)?\s*>')
EXPECTED = re.compile(r'<input type="hidden" name="(expected-\d+)" value="(\d+)">')
#: The translation form (rkc/amendments/language_views.py): the version's status and number.
TRANSLATION_STATUS = re.compile(r'class="badge translation-(\w+)" id="translation-status"')
VERSION_SEQ = re.compile(r'name="expected_seq"[^>]*value="(\d+)"')


def _hidden(html_text: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html_text)
    return found.group(1) if found else ""


def _textarea(html_text: str) -> str | None:
    found = TEXTAREA.search(html_text)
    if found is None:
        return None
    value = html.unescape(found.group(1))
    return value[2:] if value.startswith("\r\n") else value.removeprefix("\n")


# --------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class Plan:
    """Who works, for how long and how hard."""

    seconds: float = 60.0
    delegates: int = 20
    secretariat: int = 2
    readers: int = 50
    workers: int = 4
    #: Scale of the pauses between one person's actions (0: none, as fast as answers come).
    think: float = 1.0
    #: At most this many actions per person (0: no limit but the time).
    actions: int = 0
    seed: int = 9


@dataclass(frozen=True)
class Member:
    username: str
    party_id: int | None
    party_name: str


@dataclass(frozen=True)
class Cast:
    """The people and the places they work on."""

    delegates: tuple[Member, ...]
    secretariat: tuple[Member, ...]
    draft_slug: str
    draft_param: str
    provisions: tuple[str, ...]
    chapters: tuple[str, ...]
    readable: tuple[str, ...]


def prepare(app: Flask, plan: Plan) -> Cast:
    """Accounts for the delegates (two per party) and the Secretariat, and what they work on.

    The database must hold the corpus (`rkc init`) with a working draft of the Convention.
    """
    with app.app_context(), acting_as(Actor(None, "load-setup", "system")):
        parties = list(db.session.scalars(select(Party).order_by(Party.iso3)))
        needed = max(2, (plan.delegates + 1) // 2)
        if len(parties) < needed:
            raise SetupError(f"the load needs {needed} parties; the database has {len(parties)}")
        delegates = []
        for n in range(plan.delegates):
            party = parties[n // 2] if plan.delegates > 2 else parties[n]
            user = auth_ops.create_user(
                username=f"load-d{n:02d}",
                display_name=f"Load delegate {n}",
                password=PASSWORD,
                role="delegate",
                party=party,
            )
            delegates.append(Member(user.username, party.id, party.name))
        officers = []
        for n in range(plan.secretariat):
            user = auth_ops.create_user(
                username=f"load-s{n}",
                display_name=f"Load officer {n}",
                password=PASSWORD,
                role="secretariat",
                organisation="WCO Secretariat",
            )
            officers.append(Member(user.username, None, ""))
        db.session.commit()

        work = text_queries.work_by_key("rkc")
        if work is None:
            raise SetupError("the database holds no Convention (run rkc init)")
        drafts = amendment_queries.working_drafts(work)
        if not drafts:
            raise SetupError("the Convention has no working draft to amend")
        draft = drafts[0]
        provisions: list[str] = []
        for chapter_key in AMENDED_CHAPTERS:
            node = text_queries.node_by_key(chapter_key)
            entry = text_queries.entry_of(draft, node) if node is not None else None
            if entry is None:
                continue
            provisions += [
                i.key
                for i in text_queries.subtree(draft, entry)
                if i.is_provision and i.text and i.kind != "note"
            ]
        if not provisions:
            raise SetupError(f"no provisions to amend in {', '.join(AMENDED_CHAPTERS)}")
        rng = random.Random(plan.seed)
        in_play = sorted(rng.sample(provisions, min(PROVISIONS_IN_PLAY, len(provisions))))
        published = text_queries.in_force_on(work, today())
        chapters: list[str] = []
        readable: list[str] = []
        if published is not None:
            for item in text_queries.table_of_contents(published):
                if item.kind == "chapter":
                    chapters.append(item.key)
            annex = text_queries.node_by_key("ga")
            entry = text_queries.entry_of(published, annex) if annex is not None else None
            if entry is not None:
                readable = [i.key for i in text_queries.subtree(published, entry) if i.is_provision]
        cast = Cast(
            delegates=tuple(delegates),
            secretariat=tuple(officers),
            draft_slug=draft.slug,
            draft_param=amendment_queries.draft_param(draft),
            provisions=tuple(in_play),
            chapters=tuple(chapters) or ("ga",),
            readable=tuple(readable[:200]) or tuple(in_play),
        )
        db.session.remove()
    return cast


# --------------------------------------------------------------------------- shared state


@dataclass
class Known:
    """What the client believes about one amendment (the server decides; this only steers)."""

    id: int
    party_id: int
    key: str
    status: str = "draft"


@dataclass
class World:
    """Everything the simulated people share: amendments they know of, and the record."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    amendments: dict[int, Known] = field(default_factory=dict)
    acks: list[Ack] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    samples: dict[str, list[float]] = field(default_factory=dict)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    delegates_at_work: int = 0

    def note(self, action: str, answer: Answer, path: str) -> Answer:
        if answer.status in (200, 201, 204, 302, 303, 304):
            kind = "ok"
        elif answer.status in (400, 409):
            kind = "declined"
        elif answer.status >= 500 or answer.status == 0:
            kind = "error"
        else:
            kind = "other"
        with self.lock:
            self.outcomes.append(Outcome(action, answer.status, path, answer.error))
            self.samples.setdefault(action, []).append(answer.seconds)
            counts = self.counts.setdefault(action, {})
            counts[kind] = counts.get(kind, 0) + 1
        return answer

    def ack(self, ack: Ack) -> None:
        with self.lock:
            self.acks.append(ack)

    def pick(self, rng: random.Random, test: Callable[[Known], bool]) -> Known | None:
        with self.lock:
            found = [k for k in self.amendments.values() if test(k)]
        return rng.choice(found) if found else None

    def set_status(self, ids: list[int] | tuple[int, ...], status: str) -> None:
        with self.lock:
            for i in ids:
                if i in self.amendments:
                    self.amendments[i].status = status


PENDING = ("draft", "tabled", "under_discussion")
OPEN = ("tabled", "under_discussion")


class Person:
    """One simulated person: a browser, a random stream, a deadline and an action budget."""

    def __init__(self, world: World, url: str, plan: Plan, number: int, deadline: float, kind: str):
        self.world = world
        # Each person connects from an address of their own (the login throttle counts per
        # address, as it would count people on their own machines).
        self.browser = Browser(url, source=f"127.1.{number // 200 % 256}.{number % 200 + 1}")
        self.plan = plan
        self.rng = random.Random(plan.seed * 1000 + number)
        self.number = number
        self.deadline = deadline
        self.kind = kind
        self.done = 0
        self.markers = 0

    def busy(self) -> bool:
        within = time.monotonic() < self.deadline
        return within and (self.plan.actions == 0 or self.done < self.plan.actions)

    def pause(self, low: float, high: float) -> None:
        if self.plan.think > 0:
            time.sleep(self.rng.uniform(low, high) * self.plan.think)

    def marker(self) -> str:
        self.markers += 1
        return f"ldm{self.number:03d}x{self.markers:04d}"

    def get(self, action: str, path: str, headers: dict[str, str] | None = None) -> Answer:
        return self.world.note(action, self.browser.get(path, headers=headers), path)

    def post(self, action: str, path: str, form: dict[str, str | list[str]]) -> Answer:
        return self.world.note(action, self.browser.post(path, form), path)

    def log_in(self, username: str) -> bool:
        answer = self.browser.log_in(username, PASSWORD)
        self.world.note("log in", answer, "/login")
        return answer.status == 302 and bool(self.browser.csrf)


# --------------------------------------------------------------------------- delegates


class Delegate(Person):
    def __init__(self, *args, member: Member, cast: Cast, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.member = member
        self.cast = cast

    def own(self, k: Known) -> bool:
        return k.party_id == self.member.party_id

    def run(self) -> None:
        try:
            if not self.log_in(self.member.username):
                return
            while self.busy():
                self.act()
                self.done += 1
                self.pause(0.3, 1.2)
        finally:
            with self.world.lock:
                self.world.delegates_at_work -= 1

    def act(self) -> None:
        world, rng = self.world, self.rng
        mine = world.pick(rng, lambda k: self.own(k) and k.status in PENDING)
        draft = world.pick(rng, lambda k: self.own(k) and k.status == "draft")
        if mine is None or rng.random() < 0.15:
            return self.propose()
        if draft is not None and rng.random() < 0.6:
            return self.table(draft)
        choice = rng.choices(("revise", "comment", "position", "read", "propose"), (2, 3, 3, 1, 1))[
            0
        ]
        if choice == "revise":
            return self.revise(mine)
        if choice == "comment":
            target = world.pick(rng, lambda k: k.status in OPEN or self.own(k))
            return self.comment(target or mine)
        if choice == "position":
            target = world.pick(rng, lambda k: k.status in OPEN and not self.own(k))
            if target is not None:
                return self.position(target)
            return self.comment(mine)
        if choice == "read":
            self.get("amendment page", f"/amendments/{mine.id}")
            return None
        return self.propose()

    def propose(self) -> None:
        key = self.rng.choice(self.cast.provisions)
        path = f"/amendments/propose/{key}?edition={self.cast.draft_slug}"
        page = self.get("proposal form", path)
        current = _textarea(page.text)
        base = _hidden(page.text, "base_revision_id")
        if page.status != 200 or current is None or not base:
            return
        marker = self.marker()
        answer = self.post(
            "propose",
            path,
            {
                "change": "modify",
                "base_revision_id": base,
                "text": _with_marker(current, marker, self.rng),
                "title": "",
                "justification": f"Simplifies the procedure ({marker}).",
                "concept": "load run",
                "action": "save",
            },
        )
        found = AMENDMENT_URL.match(answer.location) if answer.status == 302 else None
        if found:
            amendment_id = int(found.group(1))
            self.world.ack(Ack("amendment", amendment_id, marker))
            with self.world.lock:
                self.world.amendments[amendment_id] = Known(
                    amendment_id, self.member.party_id or 0, key
                )

    def table(self, target: Known) -> None:
        answer = self.post(
            "table",
            f"/amendments/{target.id}/status",
            {"to": "tabled", "reason": "", "superseded_by": ""},
        )
        if answer.status == 302:
            self.world.ack(Ack("status", target.id, status="tabled"))
            self.world.set_status([target.id], "tabled")

    def revise(self, target: Known) -> None:
        path = f"/amendments/{target.id}/revise"
        page = self.get("revision form", path)
        proposed = _textarea(page.text)
        if page.status != 200 or proposed is None:
            return
        marker = self.marker()
        new = MARKER.sub(marker, proposed, count=1)
        if new == proposed:
            new = _with_marker(proposed, marker, self.rng)
        answer = self.post(
            "revise",
            path,
            {
                "change": "modify",
                "base_revision_id": _hidden(page.text, "base_revision_id"),
                "expected_seq": _hidden(page.text, "expected_seq"),
                "text": new,
                "title": "",
                "justification": f"Revised ({marker}).",
                "concept": "load run",
                "action": "save",
            },
        )
        if answer.status == 302:
            self.world.ack(Ack("version", target.id, marker))

    def comment(self, target: Known) -> None:
        marker = self.marker()
        answer = self.post(
            "comment",
            f"/amendments/{target.id}/comments",
            {"body": f"Our delegation notes {marker} for the record.", "reply_to": ""},
        )
        found = AMENDMENT_URL.match(answer.location) if answer.status == 302 else None
        if found and found.group(2):
            self.world.ack(Ack("comment", target.id, marker, comment_id=int(found.group(2))))

    def position(self, target: Known) -> None:
        marker = self.marker()
        form: dict[str, str | list[str]] = {
            "stance": self.rng.choice(("support", "no_objection", "reservation", "objection")),
            "statement": f"Position {marker}.",
        }
        answer = self.post("position", f"/amendments/{target.id}/position", form)
        if answer.status == 400:  # the party has one already: change it
            answer = self.post("position", f"/amendments/{target.id}/position/change", form)
        if answer.status == 302:
            self.world.ack(Ack("position", target.id, marker, party_id=self.member.party_id or 0))


def _with_marker(text_: str, marker: str, rng: random.Random) -> str:
    """The text with one new word: the marker, put at a word boundary of the first line."""
    first_line = text_.split("\n", 1)[0]
    spaces = [i for i, c in enumerate(first_line) if c == " "]
    if not spaces:
        return f"{text_} {marker}"
    at = rng.choice(spaces)
    return f"{text_[:at]} {marker}{text_[at:]}"


# --------------------------------------------------------------------------- the Secretariat


#: How many times (0.2 s apart) an officer with nothing to do looks again once the delegates
#: are gone, before leaving: long enough for the other officer to translate or check.
OFFICER_IDLE_ROUNDS = 25


class Officer(Person):
    def __init__(self, *args, member: Member, cast: Cast, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.member = member
        self.cast = cast

    def run(self) -> None:
        if not self.log_in(self.member.username):
            return
        idle_rounds = 0
        while self.busy():
            if self.act():
                self.done += 1
                idle_rounds = 0
                self.pause(0.3, 1.2)
                continue
            with self.world.lock:
                idle = self.world.delegates_at_work == 0
            if idle:
                # Nobody is left to give the Secretariat work; what was agreed may still wait
                # for the other officer's translation or check, so look again a few times.
                idle_rounds += 1
                if idle_rounds > OFFICER_IDLE_ROUNDS:
                    return
            self.get("merge queue", f"/merge/{self.cast.draft_param}")
            time.sleep(0.2)

    def busy(self) -> bool:
        """Past its quota of actions (`plan.actions`), an officer stays on, within the time,
        while agreed amendments wait: a short run ends with the merges its agreements led to
        instead of stopping between a translation and its check."""
        if super().busy():
            return True
        if time.monotonic() >= self.deadline:
            return False
        with self.world.lock:
            return any(k.status == "agreed" for k in self.world.amendments.values())

    def act(self) -> bool:
        world, rng = self.world, self.rng
        if self.plan.actions and self.done >= self.plan.actions:
            # Past the quota: only finish what was agreed (translate, check, merge).
            return self.translate_some() or self.merge()
        agreed = world.pick(rng, lambda k: k.status == "agreed")
        if agreed is not None and rng.random() < 0.5:
            return self.translate_some() or self.merge()
        discussed = world.pick(rng, lambda k: k.status == "under_discussion")
        if discussed is not None and rng.random() < 0.7:
            outcome = "agreed" if rng.random() < 0.85 else "not_agreed"
            return self.transition(discussed, outcome)
        tabled = world.pick(rng, lambda k: k.status == "tabled")
        if tabled is not None:
            return self.transition(tabled, "under_discussion")
        if agreed is not None:
            return self.merge()
        if discussed is not None:
            return self.transition(discussed, "agreed")
        return False

    def transition(self, target: Known, to: str) -> bool:
        answer = self.post(
            "agree" if to in ("agreed", "not_agreed") else "open discussion",
            f"/amendments/{target.id}/status",
            {"to": to, "reason": "", "superseded_by": ""},
        )
        if answer.status == 302:
            self.world.ack(Ack("status", target.id, status=to))
            self.world.set_status([target.id], to)
        elif answer.status in (400, 409):
            # Someone else moved it on (or it was revised into a conflict): look again later.
            self.world.set_status([target.id], "unknown")
        return True

    def translate_some(self) -> bool:
        """Supply or check the French of one of (up to three of) the agreed amendments: a
        translation waits for the other officer's check, so both look at more than one."""
        with self.world.lock:
            agreed = [k for k in self.world.amendments.values() if k.status == "agreed"]
        self.rng.shuffle(agreed)
        return any(self.translate(known) for known in agreed[:3])

    def translate(self, target: Known) -> bool:
        """A merge needs the amendment's French checked too (docs/amendments.md): supply it
        when it is to translate, or check the other officer's translation (the page offers the
        check only to a member who did not translate it). False: nothing to do here."""
        path = f"/amendments/{target.id}/languages/fr"
        page = self.get("translation form", path)
        status, seq = TRANSLATION_STATUS.search(page.text), VERSION_SEQ.search(page.text)
        if page.status != 200 or status is None or seq is None:
            return False
        if status.group(1) == "to_translate":
            found = TEXTAREA.search(page.text)
            current = html.unescape(found.group(1)).strip() if found else ""
            form = {"expected_seq": seq.group(1), "text": f"{current} (version française)"}
            return self.post("translate", path, form).status == 302
        if f"{path}/check" in page.text:
            form = {"expected_seq": seq.group(1)}
            return self.post("check translation", f"{path}/check", form).status == 302
        return False

    def merge(self) -> bool:
        path = f"/merge/{self.cast.draft_param}"
        page = self.get("merge queue", path)
        if page.status != 200:
            return False
        offered = CHECKBOX.findall(page.text)
        ready = [int(i) for i, disabled in offered if not disabled]
        if not ready:
            waiting = {int(i) for i, _disabled in offered}  # a translation or a conflict
            with self.world.lock:
                for known in self.world.amendments.values():
                    if known.status == "agreed" and known.id not in waiting:
                        known.status = "unknown"  # merged by the other officer
            return False
        chosen = self.rng.sample(ready, min(len(ready), self.rng.randint(1, 3)))
        form: dict[str, str | list[str]] = {"amendment": [str(i) for i in chosen], "chapter": ""}
        form.update(dict(EXPECTED.findall(page.text)))
        answer = self.post("merge", path, form)
        if answer.status == 302:
            self.world.ack(Ack("merge", amendment_ids=tuple(chosen)))
            self.world.set_status(chosen, "merged")
        return True


# --------------------------------------------------------------------------- readers


class Reader(Person):
    def __init__(self, *args, cast: Cast, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.cast = cast
        self.seen: dict[str, str] = {}

    def run(self) -> None:
        while self.busy():
            self.act()
            self.done += 1
            self.pause(0.5, 2.0)

    def act(self) -> None:
        rng = self.rng
        choice = rng.choices(
            ("chapter", "provision", "search page", "search api", "contents", "again"),
            (3, 3, 2, 1, 1, 2),
        )[0]
        if choice == "again":
            if self.seen:
                path = rng.choice(sorted(self.seen))
                self.get("conditional GET", path, headers={"If-None-Match": self.seen[path]})
                return
            choice = "chapter"
        if choice == "search page" or choice == "search api":
            query = rng.choice(SEARCHES).replace(" ", "+").replace('"', "%22")
            base = "/search" if choice == "search page" else "/api/v1/search"
            self.get(choice, f"{base}?q={query}")
            return
        if choice == "contents":
            path = "/w/rkc"
        elif choice == "provision":
            path = f"/n/{rng.choice(self.cast.readable)}"
        else:
            path = f"/n/{rng.choice(self.cast.chapters)}"
        answer = self.get("read " + ("contents" if choice == "contents" else choice), path)
        if answer.status == 200 and answer.headers.get("etag"):
            self.seen[path] = answer.headers["etag"]


# --------------------------------------------------------------------------- running it


def run(
    urls: str | Sequence[str],
    cast: Cast,
    plan: Plan,
    world: World | None = None,
    first_number: int = 0,
) -> World:
    """Everybody at once until the time is up (or each has done `plan.actions`).

    With several server addresses the people are spread over them in turns. A second run on
    the same `world` (a second phase) gives `first_number` past the first run's people, so that
    nobody's markers repeat an earlier one's.
    """
    urls = [urls] if isinstance(urls, str) else list(urls)
    if world is None:
        world = World()
    world.delegates_at_work = len(cast.delegates)
    deadline = time.monotonic() + plan.seconds
    people: list[Person] = []
    number = first_number

    def url() -> str:
        return urls[(number - first_number) % len(urls)]

    for member in cast.delegates:
        people.append(
            Delegate(world, url(), plan, number, deadline, "delegate", member=member, cast=cast)
        )
        number += 1
    for member in cast.secretariat:
        people.append(
            Officer(world, url(), plan, number, deadline, "secretariat", member=member, cast=cast)
        )
        number += 1
    for _ in range(plan.readers):
        people.append(Reader(world, url(), plan, number, deadline, "reader", cast=cast))
        number += 1
    threads = [
        threading.Thread(target=p.run, name=f"{p.kind}-{p.number}", daemon=True)  # type: ignore[attr-defined]
        for p in people
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(1.0, deadline - time.monotonic()) + 120)
    return world


def settle(url: str) -> Answer:
    """One search, so that the index applies what the change log still holds."""
    return Browser(url).get("/search?q=customs")


def warm(url: str) -> None:
    """Before a timed phase: a new server builds its search index on its first search (from
    the database), and its workers import and open what the first pages need."""
    settle(url)
    for path in ("/w/rkc", "/n/ga/3", "/login"):
        Browser(url).get(path)


def action_rows(world: World) -> list[Row]:
    rows = []
    for action in sorted(world.samples):
        timing = Timing(tuple(world.samples[action]))
        counts = world.counts.get(action, {})
        rows.append(
            Row(
                figure=action,
                goal="(information)",
                measured=f"p50 {timing.median * 1000:.0f} ms, p95 {timing.p95 * 1000:.0f} ms "
                f"(n={len(timing)})",
                reference=", ".join(f"{counts[k]} {k}" for k in sorted(counts)),
            )
        )
    return rows


def invariant_rows(report: invariants.Report) -> list[Row]:
    rows = []
    for name, checked in report.checked.items():
        failing = [p.message for p in report.problems if p.invariant == name]
        rows.append(
            Row(
                figure=f"invariant: {name}",
                goal="holds",
                measured="holds" if not failing else f"VIOLATED: {failing[0]}",
                reference=f"{checked} checked",
                met=not failing,
            )
        )
    return rows


# --------------------------------------------------------------------------- scratch stores


@contextmanager
def scratch_store(kind: str, tmp: Path, postgres_url: str = "") -> Iterator[str]:
    """The URL of a new, empty database: a SQLite file in `tmp`, or a PostgreSQL database made
    on the server of `postgres_url` (dropped at the end)."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp / 'load.sqlite3'}"
        return
    admin = create_engine(
        make_url(postgres_url).set(database="postgres"),
        isolation_level="AUTOCOMMIT",
        poolclass=NullPool,  # a fresh connection each time: the server may restart meanwhile
    )
    name = f"rkc_load_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def check(database_url: str, index_dirs: Path | Sequence[Path], world: World) -> invariants.Report:
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        return check_servers(engine, index_dirs, acks=world.acks, outcomes=world.outcomes)
    finally:
        engine.dispose()


def check_servers(
    engine: Engine,
    index_dirs: Path | Sequence[Path],
    *,
    acks: Sequence[invariants.Ack],
    outcomes: Sequence[invariants.Outcome] | None,
) -> invariants.Report:
    """Every invariant, the index one for each server's own index (named per server when
    there are several)."""
    dirs = [index_dirs] if isinstance(index_dirs, Path) else list(index_dirs)
    if len(dirs) == 1:
        return invariants.check_all(engine, dirs[0], acks=acks, outcomes=outcomes)
    report = invariants.check_all(engine, None, acks=acks, outcomes=outcomes)
    with engine.connect() as conn:
        indexed = len(documents.indexed_revision_ids(conn))
        for number, directory in enumerate(dirs):
            name = f"index of server {number} equals database"
            report.checked[name] = indexed
            found = invariants.index_matches(conn, SearchIndex(directory))
            report.problems += [invariants.Problem(name, p.message) for p in found]
    return report


# --------------------------------------------------------------------------- several servers


@dataclass(frozen=True)
class Phase:
    """One stretch of the load on a number of servers: how many answers in how long."""

    servers: int
    answered: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.answered / self.seconds if self.seconds > 0 else 0.0


def server_dirs(tmp: Path, number: int) -> tuple[Path, Path]:
    """Server `number`'s own search index and derived-file directory."""
    return tmp / f"server-{number}" / "index", tmp / f"server-{number}" / "derived"


def start_servers(
    database_url: str, tmp: Path, numbers: range, workers: int, **extra: str
) -> list[rkc_server.Server]:
    """`rkc serve` for each number, on one database, each with its own index and derived
    files (RKC_INDEX_DIR, RKC_DERIVED_DIR) and the shared secret key; all or none started."""
    started: list[rkc_server.Server] = []
    try:
        for number in numbers:
            index_dir, derived_dir = server_dirs(tmp, number)
            env = rkc_server.server_environment(
                database_url, index_dir, RKC_DERIVED_DIR=str(derived_dir), **extra
            )
            log = tmp / f"server-{number}" / "serve.log"
            started.append(rkc_server.start(env, log, workers=workers))
    except BaseException:
        for server in started:
            server.stop()
        raise
    return started


def timed_run(
    urls: Sequence[str], cast: Cast, plan: Plan, world: World, first_number: int = 0
) -> Phase:
    """`run` on these servers, counting the answers it got (any status) per second."""
    before = len(world.outcomes)
    started = time.perf_counter()
    run(urls, cast, plan, world, first_number)
    seconds = time.perf_counter() - started
    with world.lock:
        answered = sum(1 for o in world.outcomes[before:] if o.status)
    return Phase(len(urls), answered, seconds)


def phase_rows(phases: Sequence[Phase]) -> list[Row]:
    rows = [
        Row(
            figure=f"throughput, {p.servers} server{'s' if p.servers > 1 else ''}",
            goal="(information)",
            measured=f"{p.per_second:.1f} answers/s ({p.answered} in {p.seconds:.0f} s)",
        )
        for p in phases
    ]
    single = [p.per_second for p in phases if p.servers == 1]
    several = [p for p in phases if p.servers > 1]
    reference = sum(single) / len(single) if single else 0.0
    if several and reference > 0:
        rows.append(
            Row(
                figure=f"throughput, {several[0].servers} servers / 1 server",
                goal="(information)",
                measured=f"{several[0].per_second:.1f} answers/s",
                reference=f"1 server, mean of the phases before and after: {reference:.1f}",
                ratio=f"{several[0].per_second / reference:.2f}",
            )
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load",
        description="Delegates, the Secretariat and readers at once against rkc serve; then "
        "check the invariants.",
    )
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default="",
        help="a server where the user may create databases (default: RKC_TEST_DATABASE_URL, "
        f"else {DEFAULT_PG})",
    )
    defaults = Plan()
    parser.add_argument("--seconds", type=float, default=defaults.seconds)
    parser.add_argument("--delegates", type=int, default=defaults.delegates)
    parser.add_argument("--secretariat", type=int, default=defaults.secretariat)
    parser.add_argument("--readers", type=int, default=defaults.readers)
    parser.add_argument("--workers", type=int, default=defaults.workers)
    parser.add_argument(
        "--servers",
        type=int,
        default=1,
        help="more than 1: one server, this many servers, one server again, on the same "
        "database (each phase --seconds long)",
    )
    parser.add_argument(
        "--think", type=float, default=defaults.think, help="pause scale (0: no pauses)"
    )
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--corpus", type=Path, default=Options().corpus)
    args = parser.parse_args(argv)
    plan = Plan(
        seconds=args.seconds,
        delegates=args.delegates,
        secretariat=args.secretariat,
        readers=args.readers,
        workers=args.workers,
        think=args.think,
        seed=args.seed,
    )
    postgres_url = args.postgres_url or _env_pg() or DEFAULT_PG
    started = time.perf_counter()
    with (
        tempfile.TemporaryDirectory(prefix="rkc-load-") as tmp_name,
        scratch_store(args.db, Path(tmp_name), postgres_url) as database_url,
    ):
        tmp = Path(tmp_name)
        progress(f"rkc init on {make_url(database_url).get_backend_name()}")
        app = app_on(database_url, tmp, args.corpus)
        try:
            rkc_init(app)
            cast = prepare(app, plan)
        finally:
            dispose(app)
        progress(f"rkc serve with {plan.workers} workers on 127.0.0.1")
        servers = start_servers(database_url, tmp, range(1), plan.workers)
        world = World()
        phases: list[Phase] = []
        people = len(cast.delegates) + len(cast.secretariat) + plan.readers
        try:
            warm(servers[0].url)
            progress(f"{people} people for {plan.seconds:.0f} s on 1 server")
            phases.append(timed_run([servers[0].url], cast, plan, world))
            if args.servers > 1:
                progress(f"{args.servers - 1} more server(s) on the same database")
                servers += start_servers(database_url, tmp, range(1, args.servers), plan.workers)
                for server in servers[1:]:
                    warm(server.url)
                progress(f"{people} people for {plan.seconds:.0f} s on {args.servers} servers")
                urls = [s.url for s in servers]
                phases.append(timed_run(urls, cast, plan, world, first_number=people))
                # One server again, so that the reference brackets the N-server phase and a
                # drift of the machine's load (or the database's growth) weighs on both.
                progress(f"{people} people for {plan.seconds:.0f} s on 1 server again")
                phases.append(timed_run([servers[0].url], cast, plan, world, 2 * people))
            for server in servers:
                settled = settle(server.url)
                world.note("search (settle the index)", settled, "/search?q=customs")
        finally:
            for server in servers:
                server.stop()
        progress("checking the invariants")
        report = check(database_url, [server_dirs(tmp, n)[0] for n in range(len(servers))], world)
    rows = action_rows(world) + phase_rows(phases) + invariant_rows(report)
    print()
    print(render_table(rows))
    acked = len(world.acks)
    merges = sum(1 for a in world.acks if a.kind == "merge")
    print(
        f"\nload on {args.db}: {people} people, {len(phases)} x {plan.seconds:.0f} s "
        f"({', '.join(str(p.servers) for p in phases)} server(s)), {len(world.outcomes)} "
        f"requests, {acked} acknowledged writes ({merges} merges); "
        f"{time.perf_counter() - started:.0f} s in all"
    )
    for line in report.lines():
        print(line)
    return 0 if report.ok else 1


def app_on(database_url: str, tmp: Path, corpus: Path) -> Flask:
    """An app for setting up: the database at `database_url`, an instance folder in `tmp`."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "bench-secret-key-not-for-production",
            "INDEX_DIR": str(tmp / "index"),
            "CORPUS_DIR": str(corpus),
        }
    )
    app.instance_path = str(tmp / "instance")
    return app


def _env_pg() -> str:
    return os.environ.get("RKC_TEST_DATABASE_URL", "")


if __name__ == "__main__":
    sys.exit(main())
