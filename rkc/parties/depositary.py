"""Reading the depositary's table: the WCO's "position as regards ratifications and
accessions" of the Revised Kyoto Convention, from CSV or from a text PDF.

The table has one row per Contracting Party: its name, the date its instrument was
deposited, the date the Convention entered into force for it, and the Specific Annex
chapters it accepted, either as one column holding a list (``A1, A2, E1``) or as one column
per chapter marked (``x``, ``✓``, or the date of acceptance). It is the authoritative
record, so a row with no chapter means "none accepted", not "unknown".

This module only reads: it turns the table into rows of the corpus layout
(`corpus/README.md`, ``parties.csv``), each with the line it came from, and collects every
problem with that line number. `rkc.parties.register_import.import_depositary_table` writes them
with the same checks as every other import: everything, or nothing. No Flask here.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

#: A chapter label: annex letter (no I) and chapter number, e.g. ``E1``; ``E.1`` is read too.
CHAPTER = re.compile(r"^([A-HJK])\.?\s?(\d{1,2})$")
#: Marks that say "accepted" in a column per chapter.
MARKS = {"x", "✓", "✔", "yes", "y", "*", "+"}
#: Cells that say "no chapter accepted" in a list column.
NONE_WORDS = {"", "-", "–", "—", "none", "nil", "n/a"}
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan", "janvier"),
            ("february", "feb", "février", "fevrier"),
            ("march", "mar", "mars"),
            ("april", "apr", "avril"),
            ("may", "mai"),
            ("june", "jun", "juin"),
            ("july", "jul", "juillet"),
            ("august", "aug", "août", "aout"),
            ("september", "sep", "sept", "septembre"),
            ("october", "oct", "octobre"),
            ("november", "nov", "novembre"),
            ("december", "dec", "décembre", "decembre"),
        ),
        start=1,
    )
    for name in names
}
_DMY = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")
_ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_WORDS = re.compile(r"^(?:(\d{1,2})\s+)?([^\W\d_]+)\.?\s+(\d{4})$")
#: A date as the depositary's tables write it, inside a line of text.
DATE_IN_TEXT = r"\d{1,2}[./]\d{1,2}[./]\d{4}|\d{4}-\d{2}-\d{2}"


class DepositaryError(ValueError):
    """The table cannot be read at all (no header, not a table)."""


@dataclass
class DepositaryRow:
    """One party's row, in the corpus layout; ``line`` is where it stands in the source."""

    line: int
    party: str
    iso3: str = ""
    instrument_date: str = ""
    entry_into_force: str = ""
    chapters: list[str] = field(default_factory=list)


@dataclass
class Problem:
    line: int
    column: str
    reason: str


def parse_date(text: str) -> str:
    """A depositary's date as ISO text at its own precision; ValueError names the text.

    ``04.06.2013``, ``04/06/2013`` (day first), ``2013-06-04``, ``4 June 2013``,
    ``June 2013``, ``2013``. Never more precise than written.
    """
    raw = " ".join(text.split())
    if _ISO.match(raw):
        return raw
    found = _DMY.match(raw)
    if found:
        day, month, year = (int(g) for g in found.groups())
        return date(year, month, day).isoformat()
    found = _WORDS.match(raw)
    if found and found.group(2).lower() in MONTHS:
        month = MONTHS[found.group(2).lower()]
        year = int(found.group(3))
        if found.group(1):
            return date(year, month, int(found.group(1))).isoformat()
        return f"{year:04d}-{month:02d}"
    raise ValueError(f"“{text}” is not a date (write 04.06.2013, 2013-06-04 or 4 June 2013)")


def _checked_date(text: str, line: int, column: str, problems: list[Problem]) -> str:
    if not text.strip():
        return ""
    try:
        value = parse_date(text)
    except ValueError as exc:
        problems.append(Problem(line, column, str(exc)))
        return ""
    return value


def _chapter_list(text: str, line: int, problems: list[Problem]) -> list[str]:
    if text.strip().lower() in NONE_WORDS:
        return []
    labels = []
    for token in filter(None, re.split(r"[;,\s]+", text.strip())):
        found = CHAPTER.match(token.strip().upper())
        if found is None:
            problems.append(
                Problem(line, "chapters", f"“{token}” is not a chapter label such as E1")
            )
            continue
        labels.append(f"{found.group(1)}{int(found.group(2))}")
    return labels


# --------------------------------------------------------------------------- CSV


_NAME_HEADERS = ("contracting party", "party", "country", "member", "name")
_DEPOSIT_HEADERS = ("deposit", "ratification", "accession", "instrument")
_FORCE_HEADERS = ("entry into force", "in force")
_LIST_HEADERS = ("specific annex", "chapters", "annexes")


def _find(headers: list[str], wanted: tuple[str, ...]) -> int | None:
    for i, header in enumerate(headers):
        low = header.strip().lower()
        if any(w in low for w in wanted):
            return i
    return None


def read_csv(text: str) -> tuple[list[DepositaryRow], list[Problem]]:
    """Rows of a depositary's table saved as CSV (UTF-8; comma or semicolon separated)."""
    text = text.removeprefix("\ufeff")
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    table = list(csv.reader(io.StringIO(text), dialect))
    if not table:
        raise DepositaryError("the file is empty")
    headers = table[0]
    name_at = _find(headers, _NAME_HEADERS)
    deposit_at = _find(headers, _DEPOSIT_HEADERS)
    if name_at is None or deposit_at is None:
        raise DepositaryError(
            "line 1: the header must name the party column (“Contracting Party”) and the date "
            "of deposit (“Date of deposit”)"
        )
    force_at = _find(headers, _FORCE_HEADERS)
    iso_at = next(
        (i for i, h in enumerate(headers) if h.strip().lower() in ("iso", "iso3", "code")), None
    )
    per_chapter = {
        i: f"{m.group(1)}{int(m.group(2))}"
        for i, h in enumerate(headers)
        if (m := CHAPTER.match(h.strip().upper()))
    }
    list_at = None if per_chapter else _find(headers, _LIST_HEADERS)
    rows: list[DepositaryRow] = []
    problems: list[Problem] = []
    for line, cells in enumerate(table[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        cells = cells + [""] * (len(headers) - len(cells))
        if len(cells) > len(headers):
            problems.append(Problem(line, "-", "more cells than the header has columns"))
            continue
        name = " ".join(cells[name_at].split())
        if not name:
            problems.append(Problem(line, "party", "the name is empty"))
            continue
        row = DepositaryRow(
            line,
            name,
            iso3=cells[iso_at].strip().upper() if iso_at is not None else "",
            instrument_date=_checked_date(cells[deposit_at], line, "date of deposit", problems),
            entry_into_force=_checked_date(cells[force_at], line, "entry into force", problems)
            if force_at is not None
            else "",
        )
        if per_chapter:
            for i, label in per_chapter.items():
                mark = cells[i].strip()
                if not mark:
                    continue
                if mark.lower() in MARKS:
                    row.chapters.append(label)
                else:
                    when = _checked_date(mark, line, label, problems)
                    if when:
                        row.chapters.append(f"{label}@{when}")
        elif list_at is not None:
            row.chapters = _chapter_list(cells[list_at], line, problems)
        rows.append(row)
    return rows, problems


# --------------------------------------------------------------------------- text PDF


_ROW = re.compile(
    rf"^(?P<name>.*?)\s*(?P<deposit>{DATE_IN_TEXT})(?:\s+(?P<force>{DATE_IN_TEXT}))?"
    r"(?P<rest>.*)$"
)


def read_pdf(data: bytes) -> tuple[list[DepositaryRow], list[Problem]]:
    """Rows of the depositary's table published as a text PDF (not a scan).

    Each party's row is one line of text: name, date of deposit, date of entry into force,
    then its chapters as labels. Lines without a date are headings, unless the next row's
    name starts in lower case ("Korea, Republic" / "of 19.02.2003 ..."): then they are the
    start of its wrapped name. Line numbers count the text lines of the whole document.
    """
    import pypdf
    from pypdf.errors import PdfReadError

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        lines = [line for page in reader.pages for line in (page.extract_text() or "").splitlines()]
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise DepositaryError(f"the file is not a readable PDF ({exc})") from None
    if not any(lines):
        raise DepositaryError("the PDF holds no text (a scan cannot be read; ask for a text PDF)")
    rows: list[DepositaryRow] = []
    problems: list[Problem] = []
    pending = ""
    for number, raw in enumerate(lines, start=1):
        line = " ".join(raw.split())
        found = _ROW.match(line)
        if found is None:
            pending = line
            continue
        name = found.group("name").strip(" .:")
        if pending and (not name or name[:1].islower()):
            name = f"{pending} {name}".strip()
        pending = ""
        if not name:
            problems.append(Problem(number, "party", "a row with dates but no party name"))
            continue
        row = DepositaryRow(
            number,
            name,
            instrument_date=_checked_date(
                found.group("deposit"), number, "date of deposit", problems
            ),
            entry_into_force=_checked_date(
                found.group("force") or "", number, "entry into force", problems
            ),
        )
        row.chapters = _chapter_list(found.group("rest"), number, problems)
        rows.append(row)
    if not rows and not problems:
        raise DepositaryError("no row of the table was found: each row needs a date of deposit")
    return rows, problems


# --------------------------------------------------------------------------- to the corpus layout


def as_party_rows(rows: list[DepositaryRow], source: str) -> list[dict[str, str]]:
    """The rows in the corpus layout (``specific_annex_chapters`` "none" when empty: the
    depositary's table is complete)."""
    return [
        {
            "party": row.party,
            "iso3": row.iso3,
            "kind": "union" if "union" in row.party.lower() else "state",
            "instrument": "",
            "instrument_date": row.instrument_date,
            "entry_into_force": row.entry_into_force,
            "specific_annex_chapters": ";".join(row.chapters) or "none",
            "chapters_source": source,
            "note": "",
            "source_url": "",
        }
        for row in rows
    ]
