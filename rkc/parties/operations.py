"""Every write about Contracting Parties. No Flask here."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlalchemy import select

from rkc import audit
from rkc.extensions import db
from rkc.parties.models import Party, PartyKind

PARTY_COLUMNS = (
    "party",
    "iso3",
    "kind",
    "instrument",
    "instrument_date",
    "entry_into_force",
    "specific_annex_chapters",
    "note",
    "source_url",
)


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.column}: {self.reason}"


class PartyImportError(ValueError):
    def __init__(self, problems: list[RowProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def read_party_table(text: str) -> list[dict[str, str]]:
    """Parse and check a party table (layout in corpus/README.md); every problem at once."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in PARTY_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise PartyImportError(
            [RowProblem(1, c, "column missing from the header") for c in missing]
        )
    problems: list[RowProblem] = []
    rows: list[dict[str, str]] = []
    names: dict[str, int] = {}
    codes: dict[str, int] = {}
    for number, raw in enumerate(reader, start=2):
        row = {k: (raw.get(k) or "").strip() for k in PARTY_COLUMNS}
        if not row["party"]:
            problems.append(RowProblem(number, "party", "the name is empty"))
        elif row["party"].lower() in names:
            problems.append(
                RowProblem(number, "party", f"already listed at row {names[row['party'].lower()]}")
            )
        else:
            names[row["party"].lower()] = number
        if row["iso3"]:
            if len(row["iso3"]) != 3 or not row["iso3"].isalpha() or not row["iso3"].isupper():
                problems.append(
                    RowProblem(number, "iso3", f"“{row['iso3']}” is not three capital letters")
                )
            elif row["iso3"] in codes:
                problems.append(
                    RowProblem(number, "iso3", f"already used at row {codes[row['iso3']]}")
                )
            else:
                codes[row["iso3"]] = number
        if row["kind"] not in {k.value for k in PartyKind}:
            problems.append(RowProblem(number, "kind", "must be state, union or territory"))
        rows.append(row | {"_row": str(number)})
    if problems:
        raise PartyImportError(problems)
    return rows


def seed_parties(text: str) -> int:
    """Create the parties of a table that are not there yet; returns how many were created."""
    rows = read_party_table(text)
    existing = set(db.session.scalars(select(Party.name)))
    created = 0
    for row in rows:
        if row["party"] in existing:
            continue
        db.session.add(
            Party(
                name=row["party"],
                iso3=row["iso3"] or None,
                kind=PartyKind(row["kind"]),
                note=row["note"],
                source_url=row["source_url"],
            )
        )
        created += 1
    db.session.flush()
    if created:
        audit.record("party.seed", "party", None, created=created)
    return created
