"""What must hold after a load run, a crash or a fault, checked against the database itself.

Used by `python -m bench.load`, `python -m bench.faults` and the tests (tests/test_load_smoke.py,
tests/test_faults.py). Every check returns a list of `Problem`s; an empty list means it holds.

- `server_errors`: no answer of 500 or more, and no request left without an answer.
- `acknowledged_writes`: no lost update. Each write the client saw acknowledged (a 302 to the
  page of what it wrote) is looked up in the database by a marker the client put in it: a
  proposal or a new version in the amendment's version history, a comment by its id, a
  position in the party's position history, a status change in the transitions, a merge as
  merged amendments with their revisions.
- `merges_traceable`: every merged amendment has the draft revision that carries it (with a
  `revision_source` row naming it, its number in `origin_ref`), every revision made by a
  merge or a compromise names amendments that were merged or superseded, every batch the
  audit log records as merged is merged whole, and each working draft's manifest is whole
  (ordinals form one unbroken sequence). A merge cut short leaves none of this half-done.
- `index_matches`: the search index holds exactly the revisions some edition holds, each with
  exactly the editions that hold it and the content the database has, and has applied the
  whole change log.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from rkc.amendments.models import (
    Amendment,
    AmendmentAction,
    AmendmentComment,
    AmendmentPosition,
    AmendmentPositionChange,
    AmendmentRevision,
    AmendmentStatus,
    AmendmentTransition,
    RevisionSource,
)
from rkc.audit.models import AuditEvent
from rkc.convention.models import Edition, EditionEntry, EditionStatus, Revision
from rkc.search import documents
from rkc.search.index import IndexProblem, SearchIndex
from rkc.search.models import SearchChange

#: Examples quoted per invariant; the count says how many more there are.
EXAMPLES = 5


@dataclass(frozen=True)
class Problem:
    invariant: str
    message: str


@dataclass(frozen=True)
class Ack:
    """A write the server acknowledged, and how to find it in the database.

    kind: "amendment" (proposal: amendment_id, marker), "version" (revision of an amendment:
    amendment_id, marker), "comment" (amendment_id, comment_id, marker), "position"
    (amendment_id, party_id, marker), "status" (amendment_id, status), "merge"
    (amendment_ids).
    """

    kind: str
    amendment_id: int = 0
    marker: str = ""
    comment_id: int = 0
    party_id: int = 0
    status: str = ""
    amendment_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """One request as the client saw it (for `server_errors`)."""

    action: str
    status: int
    path: str = ""
    error: str = ""


@dataclass
class Report:
    """All invariants at once: what was checked and what failed."""

    checked: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        out = [f"{name}: {'holds' if not self._failing(name) else 'VIOLATED'} ({n} checked)"
               for name, n in self.checked.items()]  # fmt: skip
        out += [f"  - {p.invariant}: {p.message}" for p in self.problems]
        return out

    def _failing(self, name: str) -> bool:
        return any(p.invariant == name for p in self.problems)


def check_all(
    engine: Engine,
    index_dir: Path | str | None,
    *,
    acks: Sequence[Ack] = (),
    outcomes: Sequence[Outcome] | None = None,
) -> Report:
    """Every invariant; `outcomes` None skips `server_errors`, `index_dir` None the index."""
    report = Report()
    if outcomes is not None:
        report.checked["no 5xx"] = len(outcomes)
        report.problems += server_errors(outcomes)
    with engine.connect() as conn:
        report.checked["no lost update"] = len(acks)
        report.problems += acknowledged_writes(conn, acks)
        merged = conn.scalar(
            select(func.count(Amendment.id)).where(Amendment.status == AmendmentStatus.MERGED)
        )
        report.checked["merges traceable"] = merged or 0
        report.problems += merges_traceable(conn)
        if index_dir is not None:
            report.checked["index equals database"] = len(documents.indexed_revision_ids(conn))
            report.problems += index_matches(conn, SearchIndex(index_dir))
    return report


def _limited(invariant: str, messages: Iterable[str]) -> list[Problem]:
    messages = list(messages)
    problems = [Problem(invariant, m) for m in messages[:EXAMPLES]]
    if len(messages) > EXAMPLES:
        problems.append(Problem(invariant, f"... and {len(messages) - EXAMPLES} more"))
    return problems


# --------------------------------------------------------------------------- no 5xx


def server_errors(outcomes: Sequence[Outcome]) -> list[Problem]:
    bad = [o for o in outcomes if o.status >= 500 or o.status == 0]
    return _limited(
        "no 5xx",
        (
            f"{o.action} {o.path}: "
            + (f"HTTP {o.status}" if o.status else f"no answer ({o.error})")
            for o in bad
        ),
    )


# --------------------------------------------------------------------------- no lost update


def acknowledged_writes(conn: Connection, acks: Sequence[Ack]) -> list[Problem]:
    lost: list[str] = []
    for ack in acks:
        found = _find(conn, ack)
        if found is not True:
            lost.append(found)
    return _limited("no lost update", lost)


def _find(conn: Connection, ack: Ack) -> str | bool:
    """True if the acknowledged write is in the database, else what is missing."""
    if ack.kind in ("amendment", "version"):
        hit = conn.scalar(
            select(AmendmentRevision.id).where(
                AmendmentRevision.amendment_id == ack.amendment_id,
                AmendmentRevision.proposed_text.contains(ack.marker),
            )
        )
        return hit is not None or f"{ack.kind} {ack.marker} of amendment {ack.amendment_id}"
    if ack.kind == "comment":
        body = conn.scalar(
            select(AmendmentComment.body).where(
                AmendmentComment.id == ack.comment_id,
                AmendmentComment.amendment_id == ack.amendment_id,
            )
        )
        return (body is not None and ack.marker in body) or (
            f"comment {ack.comment_id} ({ack.marker}) on amendment {ack.amendment_id}"
        )
    if ack.kind == "position":
        hit = conn.scalar(
            select(AmendmentPositionChange.id)
            .join(AmendmentPosition, AmendmentPosition.id == AmendmentPositionChange.position_id)
            .where(
                AmendmentPosition.amendment_id == ack.amendment_id,
                AmendmentPosition.party_id == ack.party_id,
                AmendmentPositionChange.statement.contains(ack.marker),
            )
        )
        return hit is not None or (
            f"position {ack.marker} of party {ack.party_id} on amendment {ack.amendment_id}"
        )
    if ack.kind == "status":
        hit = conn.scalar(
            select(AmendmentTransition.id).where(
                AmendmentTransition.amendment_id == ack.amendment_id,
                AmendmentTransition.to_status == AmendmentStatus(ack.status),
            )
        )
        return hit is not None or f"amendment {ack.amendment_id} never became {ack.status}"
    if ack.kind == "merge":
        rows = conn.execute(
            select(Amendment.id, Amendment.status).where(Amendment.id.in_(ack.amendment_ids))
        ).all()
        statuses = {r.id: r.status for r in rows}
        missing = [i for i in ack.amendment_ids if statuses.get(i) is not AmendmentStatus.MERGED]
        return not missing or f"merge of {list(ack.amendment_ids)}: {missing} not merged"
    raise ValueError(f"unknown acknowledgement kind {ack.kind!r}")


# --------------------------------------------------------------------------- merges traceable


def merges_traceable(conn: Connection) -> list[Problem]:
    name = "merges traceable"
    wrong: list[str] = []
    amendments = {
        a.id: a
        for a in conn.execute(
            select(
                Amendment.id,
                Amendment.number,
                Amendment.status,
                Amendment.action,
                Amendment.node_id,
                Amendment.edition_id,
                Amendment.merged_revision_id,
            )
        )
    }
    by_number = {a.number: a for a in amendments.values() if a.number}
    sources: dict[int, set[tuple[int, str]]] = {}
    for row in conn.execute(select(RevisionSource)):
        sources.setdefault(row.revision_id, set()).add((row.amendment_id, row.role))
        amendment = amendments.get(row.amendment_id)
        wanted = AmendmentStatus.MERGED if row.role == "merged" else AmendmentStatus.SUPERSEDED
        if amendment is None or amendment.status is not wanted:
            status = amendment.status.value if amendment else "missing"
            wrong.append(
                f"revision {row.revision_id} names amendment {row.amendment_id} as {row.role} "
                f"but it is {status}"
            )
    revisions = {
        r.id: r
        for r in conn.execute(
            select(Revision.id, Revision.node_id, Revision.origin, Revision.origin_ref).where(
                Revision.origin.in_(("amendment", "compromise"))
            )
        )
    }
    carried = [a.merged_revision_id for a in amendments.values() if a.merged_revision_id]
    carriers = {
        r.id: r
        for part in documents.chunks(sorted(set(carried)))
        for r in conn.execute(
            select(Revision.id, Revision.node_id, Revision.origin, Revision.origin_ref).where(
                Revision.id.in_(part)
            )
        )
    }
    # Every merged amendment is carried by a revision that names it.
    for a in amendments.values():
        if a.status is not AmendmentStatus.MERGED:
            continue
        if a.action is AmendmentAction.DELETE:
            still = conn.scalar(
                select(func.count())
                .select_from(EditionEntry)
                .where(EditionEntry.edition_id == a.edition_id, EditionEntry.node_id == a.node_id)
            )
            if still:
                wrong.append(f"{a.number}: merged deletion but its unit is still in the draft")
            continue
        revision = carriers.get(a.merged_revision_id) if a.merged_revision_id else None
        if revision is None:
            wrong.append(f"{a.number}: merged without the revision that carries it")
            continue
        if (a.id, "merged") not in sources.get(revision.id, set()):
            wrong.append(f"{a.number}: revision {revision.id} has no revision_source row for it")
        # A merge that changes nothing (the text already read so) makes no new revision.
        if revision.origin == "amendment" and not (revision.origin_ref or "").startswith(
            f"{a.number} "
        ):
            wrong.append(f"{a.number}: revision {revision.id} says it came from "
                         f"{revision.origin_ref!r}")  # fmt: skip
        if a.action is not AmendmentAction.INSERT and revision.node_id != a.node_id:
            wrong.append(f"{a.number}: revision {revision.id} belongs to another unit")
    # Every revision a merge or a compromise made names what it came from.
    for revision in revisions.values():
        if revision.origin == "compromise":
            roles = sources.get(revision.id, set())
            if not roles or any(role != "compromise" for _a, role in roles):
                wrong.append(f"compromise revision {revision.id} has sources {sorted(roles)}")
            continue
        number = (revision.origin_ref or "").split(" ", 1)[0]
        source = by_number.get(number)
        if source is None or source.status is not AmendmentStatus.MERGED:
            status = source.status.value if source else "unknown"
            wrong.append(
                f"revision {revision.id} came from {revision.origin_ref!r}, which is {status}"
            )
    # Every batch the audit log records is merged whole.
    for detail in conn.scalars(select(AuditEvent.detail).where(AuditEvent.action == "merge.batch")):
        labels = json.loads(detail or "{}").get("amendments", [])
        half = [
            label
            for label in labels
            if by_number.get(label) is None or by_number[label].status is not AmendmentStatus.MERGED
        ]
        if half:
            wrong.append(f"batch {labels}: {half} not merged")
    wrong += _manifests_whole(conn)
    return _limited(name, wrong)


def _manifests_whole(conn: Connection) -> list[str]:
    wrong = []
    drafts = conn.scalars(select(Edition.id).where(Edition.status == EditionStatus.WORKING_DRAFT))
    for edition_id in drafts:
        for language, count, low, high, distinct in conn.execute(
            select(
                EditionEntry.language,
                func.count(),
                func.min(EditionEntry.ordinal),
                func.max(EditionEntry.ordinal),
                func.count(func.distinct(EditionEntry.ordinal)),
            )
            .where(EditionEntry.edition_id == edition_id)
            .group_by(EditionEntry.language)
        ):
            if (low, high, distinct) != (0, count - 1, count):
                wrong.append(
                    f"draft {edition_id} ({language}): {count} entries with ordinals "
                    f"{low}..{high} ({distinct} distinct)"
                )
    return wrong


# --------------------------------------------------------------------------- the index


def index_matches(conn: Connection, index: SearchIndex) -> list[Problem]:
    name = "index equals database"
    try:
        state = index.state(deep=True)
        stored = index.stored_documents()
    except IndexProblem as exc:
        return [Problem(name, f"the index cannot be read: {exc}")]
    wrong: list[str] = []
    last = conn.scalar(select(func.max(SearchChange.id))) or 0
    if state.applied_through != last:
        wrong.append(f"index applied the change log through {state.applied_through}, not {last}")
    ids = documents.indexed_revision_ids(conn)
    expected, _orphans = documents.documents(
        conn, ids, documents.load_outline(conn), documents.work_keys(conn)
    )
    want = {doc["revision_id"]: _comparable(doc) for doc in expected}
    have: dict[int, dict[str, Any]] = {}
    for doc in stored:
        if doc["revision_id"] in have:
            wrong.append(f"revision {doc['revision_id']} is indexed twice")
        have[doc["revision_id"]] = _comparable(doc)
    for revision_id in sorted(want.keys() - have.keys()):
        wrong.append(f"revision {revision_id} not indexed")
    for revision_id in sorted(have.keys() - want.keys()):
        wrong.append(f"revision {revision_id} indexed but not in the database")
    for revision_id in sorted(want.keys() & have.keys()):
        if want[revision_id] != have[revision_id]:
            fields = sorted(
                k for k in want[revision_id] if want[revision_id][k] != have[revision_id].get(k)
            )
            wrong.append(f"revision {revision_id}: index differs in {', '.join(fields)}")
    return _limited(name, wrong)


#: The stored fields compared: identity and the words. Edition membership is not in the
#: documents (it is read from the manifests themselves), so there is nothing to compare.
COMPARED = ("key", "title", "text", "title_fr", "text_fr")


def _comparable(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: doc.get(k) or "" for k in COMPARED}
