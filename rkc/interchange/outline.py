"""From a foreign format to checked corpus units, with findings that point into the source.

Importers (Akoma Ntoso, Word) do not check structure themselves. They describe what they
read as headings and texts in the corpus grammar (corpus/README.md), each with where it came
from ("line 40", "paragraph 12"); `Outline.units()` parses that with the corpus parser, so an
imported text obeys exactly the rules of the shipped corpus (kinds and nesting, numbers,
derived keys, texts), and translates every problem back to the place in the source file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rkc.convention.corpus import Unit, parse_file
from rkc.convention.kinds import KIND_WORDS
from rkc.interchange.report import Finding, ImportRefused

KIND_HEADING = {kind: word for word, kind in KIND_WORDS.items()}
_NUMBER = re.compile(r"^[^\s:{}/]+$")

# --------------------------------------------------------------------------- WCO headings

#: Kind words as the WCO prints them, English and French, any case -> (kind, title implied).
KIND_PHRASES: dict[str, tuple[str, str | None]] = {
    "instrument": ("instrument", None),
    "body of the convention": ("instrument", "Body of the Convention"),
    "corps de la convention": ("instrument", "Corps de la Convention"),
    "preamble": ("preamble", None),
    "préambule": ("preamble", None),
    "preambule": ("preamble", None),
    "general annex": ("annex", "General Annex"),
    "annexe générale": ("annex", "Annexe générale"),
    "annexe generale": ("annex", "Annexe générale"),
    "specific annex": ("annex", None),
    "annexe spécifique": ("annex", None),
    "annexe specifique": ("annex", None),
    "annex": ("annex", None),
    "annexe": ("annex", None),
    "chapter": ("chapter", None),
    "chapitre": ("chapter", None),
    "section": ("section", None),
    "article": ("article", None),
    "definition": ("definition", None),
    "définition": ("definition", None),
    "transitional standard": ("transitional_standard", None),
    "norme transitoire": ("transitional_standard", None),
    "standard": ("standard", None),
    "norme": ("standard", None),
    "recommended practice": ("recommended_practice", None),
    "pratique recommandée": ("recommended_practice", None),
    "pratique recommandee": ("recommended_practice", None),
    "notes": ("note", None),
    "note": ("note", None),
    "guidelines": ("guidelines", None),
    "directives": ("guidelines", None),
    "guideline": ("guideline", None),
    "directive": ("guideline", None),
}
_KINDS_RE = "|".join(re.escape(p) for p in sorted(KIND_PHRASES, key=len, reverse=True))
#: A number as printed: `4.1.`, `6`, `II`, `A`, `3.2A`, `E1./F23.` (trailing dots dropped).
_NUM_RE = (
    r"(?:E\d+[A-Z]?\.?\s*/\s*F\d+[A-Z]?\.?|\d+(?:\.\d+)*[A-Z]?\.?|[IVXLC]+\.?|[A-Z]\.?)"
    r"(?=$|[\s:\-–—,])"
)
_SEP = r"(?:\s*[:\-–—]\s*|\s+)"
_KIND_FIRST = re.compile(
    rf"^(?P<kind>{_KINDS_RE})(?=$|[\s:\-–—])(?:\s+(?P<number>{_NUM_RE}))?(?:{_SEP}(?P<title>.*))?$",
    re.IGNORECASE,
)
_NUMBER_FIRST = re.compile(
    rf"^(?P<number>{_NUM_RE})\s+(?P<kind>{_KINDS_RE})(?:{_SEP}(?P<title>.*))?$", re.IGNORECASE
)
_LETTERED = re.compile(r"^(?P<number>[A-Z])\.\s+(?P<title>\S.*)$")
_DEFINITION = re.compile(
    r"^(?P<number>E\d+[A-Z]?\.?\s*/\s*F\d+[A-Z]?\.?)(?:\s*[:\-–—]?\s*(?P<title>.*))?$",
    re.IGNORECASE,
)
_ATTRS = re.compile(r"\s*\{(?P<attrs>[^{}]*)\}\s*$")
_QUOTES = "\"'“”‘’«»\u00a0 "
#: A definition's term at the start of its text: `"appeal": ...`, `“appeal” means ...`.
_TERM = re.compile(r"^\s*[\"“«]\s*(?P<term>[^\"”»\n]{1,120}?)\s*[\"”»]\s*:?")


@dataclass(frozen=True)
class Heading:
    """A heading as the WCO prints it, read into the parts of a corpus heading."""

    kind: str
    number: str | None = None
    number_alt: str | None = None
    title: str | None = None
    attrs: str = ""
    #: Words alone (no kind, no number): a sub-heading, or the title of the heading above.
    bare: bool = False

    def line(self) -> str:
        """The heading in the corpus grammar: `Standard 4.1`, `Definition E1/F23: appeal`."""
        text = KIND_HEADING[self.kind]
        if self.number:
            text += " " + self.number + (f"/{self.number_alt}" if self.number_alt else "")
        if self.title:
            text += ": " + self.title
        if self.attrs:
            text += " {" + self.attrs + "}"
        return text


def _number(raw: str | None) -> tuple[str | None, str | None]:
    """`4.1.` -> 4.1; `E1./F23.` -> (E1, F23); letters upper case."""
    if not raw:
        return None, None
    first, _, second = raw.partition("/")
    first, second = first.strip().rstrip(".").upper(), second.strip().rstrip(".").upper()
    return first or None, second or None


def read_heading(text: str) -> Heading | None:
    """Read a heading in any of the layouts the WCO uses, or None when it names no kind.

    `4.1. Standard`, `Standard 4.1.`, `standard 6.1`, `Norme transitoire 3.5`, `A. RIGHT OF
    APPEAL`, `E1./F23. appeal`, `CHAPTER 4`, `Chapter 1 — Customs transit`, `GENERAL ANNEX`,
    `SPECIFIC ANNEX E`, and the corpus grammar itself (with `{#key}` attributes).
    """
    text = " ".join(text.replace("\u00a0", " ").split())
    attrs = ""
    found = _ATTRS.search(text)
    if found:
        attrs, text = found["attrs"].strip(), text[: found.start()].strip()
    if not text:
        return None
    match = _KIND_FIRST.match(text) or _NUMBER_FIRST.match(text)
    if match:
        kind, implied = KIND_PHRASES[match["kind"].casefold()]
        number, alt = _number(match["number"])
        title = (match["title"] or "").strip().strip(_QUOTES) or None
        if implied and title is None:
            title = implied
        return Heading(kind, number, alt, title, attrs)
    match = _DEFINITION.match(text)
    if match:
        number, alt = _number(match["number"])
        title = (match["title"] or "").strip().strip(_QUOTES) or None
        return Heading("definition", number, alt, title, attrs)
    match = _LETTERED.match(text)
    if match:
        return Heading("section", match["number"], None, match["title"].strip(), attrs)
    if not any(c.isdigit() for c in text) and not attrs:
        return Heading("section", None, None, text.strip(_QUOTES), attrs, bare=True)
    return None


#: Kinds numbered in one series per chapter (definitions in their own).
NUMBERED_IN_CHAPTER = frozenset(
    {"definition", "standard", "transitional_standard", "recommended_practice"}
)
_AT_LINE = re.compile(r"\bat line (\d+)")


def _label(unit: Unit) -> str:
    word = KIND_HEADING.get(unit.kind, unit.kind)
    if unit.number:
        return f"{word} {unit.number}" + (f"/{unit.number_alt}" if unit.number_alt else "")
    return word + (f": {unit.title}" if unit.title else "")


def _sequence_number(number: str) -> int | None:
    """The place of a number in its chapter's series: 4.12 -> 12, 7 -> 7, E3 -> 3; None for
    numbers outside the series (3.2A, inserted between 3.2 and 3.3)."""
    last = number.rsplit(".", 1)[-1]
    digits = re.fullmatch(r"E?([0-9]{1,9})", last)
    return int(digits[1]) if digits else None


@dataclass
class _File:
    lines: list[str] = field(default_factory=list)
    #: (first line of a piece, where it came from), in line order.
    origins: list[tuple[int, str]] = field(default_factory=list)


class Outline:
    """Headings and texts read from one source, grouped into one corpus file per root."""

    def __init__(self, source: str):
        self.source = source
        self.files: list[_File] = []
        self.findings: list[Finding] = []
        #: key -> where the unit came from, filled by `units()`.
        self.locations: dict[str, str] = {}
        #: Every heading read, in order: (where, what the source says), for `context`.
        self.seen: list[tuple[str, str]] = []
        #: The heading opened last, while no text follows it: (file, line index, heading).
        self._open: tuple[_File, int, Heading] | None = None
        #: Warnings `units()` found (gaps in the numbering); the caller may accept them.
        self.warnings: list[Finding] = []
        self.root_hints: dict[int, str] = {}
        #: The PDF reader's report (`pdf_import.Fidelity`); None for other formats.
        self.fidelity: Any = None
        self._hint_file = 0

    def problem(self, where: str, reason: str) -> None:
        self.findings.append(Finding(where, reason))

    def heading(
        self,
        *,
        level: int,
        kind: str,
        number: str | None,
        title: str | None,
        where: str,
        key: str | None = None,
        number_alt: str | None = None,
        explains: Sequence[str] = (),
    ) -> None:
        """Open a unit. `kind` is a stored kind ("standard"); level 1 starts a new root."""
        word = KIND_HEADING.get(kind)
        if word is None:
            self.problem(where, f"unknown kind {kind!r}")
            return
        if level > 6:
            self.problem(where, "nested more than six levels deep")
            return
        if level == 1 or not self.files:
            self.files.append(_File())
        number = (number or "").strip() or None
        bad = False
        for label, value in (("number", number), ("second number", number_alt)):
            if value and not _NUMBER.match(value):
                self.problem(where, f"{label} {value!r} may not hold spaces, ':', '/' or braces")
                bad = True
        title = " ".join((title or "").split()) or None
        if title and any(c in title for c in "{}"):
            self.problem(where, "a heading may not hold braces")
            bad = True
        if bad:
            number, number_alt, title = (number or "x").replace(" ", ""), None, None
        line = "#" * level + " " + word
        if number:
            line += " " + number + (f"/{number_alt}" if number_alt else "")
        if title:
            line += ": " + title
        attrs = []
        if key:
            attrs.append("#" + key)
        if explains:
            attrs.append("explains=" + ",".join(explains))
        if attrs:
            line += " {" + " ".join(attrs) + "}"
        self._add([line], where)

    def raw_heading(self, level: int, text: str, where: str) -> None:
        """Open a unit from a heading already written in the corpus grammar (`Standard 3.11`)."""
        self._open = None
        self.seen.append((where, " ".join(text.split())))
        if level == 1 or not self.files:
            self.files.append(_File())
        self._add(["#" * level + " " + " ".join(text.split())], where)

    def printed_heading(self, level: int, text: str, where: str) -> Heading | None:
        """Open a unit from a heading as the WCO prints it (see `read_heading`).

        Words alone right after an annex or chapter heading without a title (`CHAPTER 4`,
        then `DUTIES AND TAXES`) are that heading's title; elsewhere they are a sub-heading
        (a section without a number). A heading naming no kind goes to the corpus parser as
        it is, which reports it. Returns what was read (None for the title of the heading
        above, or a heading naming no kind).
        """
        heading = read_heading(text)
        if heading is not None and heading.bare and self._retitle(heading.title or ""):
            self.seen.append((where, " ".join(text.split())))
            return None
        if heading is None:
            self.raw_heading(level, text, where)
            return None
        self.raw_heading(level, heading.line(), where)
        self.seen[-1] = (where, " ".join(text.split()))
        file = self.files[-1]
        self._open = (file, len(file.lines) - 1, heading)
        return heading

    def awaits_title(self) -> bool:
        """Whether the heading opened last is an annex or chapter still without a title."""
        if self._open is None:
            return False
        heading = self._open[2]
        if heading.kind not in ("annex", "chapter", "instrument") or (
            heading.title and heading.title not in (t for _, t in KIND_PHRASES.values() if t)
        ):
            return False
        return not (heading.kind == "annex" and heading.number is None and heading.title)

    def _retitle(self, title: str) -> bool:
        """Give the heading opened last (an annex or chapter without title) this title."""
        if self._open is None or not self.awaits_title():
            return False
        file, index, heading = self._open
        titled = Heading(heading.kind, heading.number, heading.number_alt, title, heading.attrs)
        file.lines[index] = file.lines[index].split(" ", 1)[0] + " " + titled.line()
        self._open = (file, index, titled)
        return True

    def supply_root_keys(self, key_for: Callable[[str], str | None]) -> None:
        """Add `{#key}` to top-level headings that lack one, from `key_for(heading text)`."""
        self.key_roots(lambda _heading, line: key_for(line))

    def key_roots(self, key_for: Callable[[Heading | None, str], str | None]) -> None:
        """Add `{#key}` to top-level headings that lack one.

        `key_for(heading read, heading line)` gives the key, or None; it may call
        `hint_root` to say which keys would do.
        """
        for index, file in enumerate(self.files):
            if not file.lines or "{#" in file.lines[0] or not file.lines[0].startswith("# "):
                continue
            line = file.lines[0][2:]
            attrs = ""
            if line.endswith("}") and "{" in line:
                line, _, attrs = line.rpartition("{")
                attrs = attrs.rstrip("}")
            self._hint_file = index
            key = key_for(read_heading(line), line.strip())
            if key:
                file.lines[0] = (
                    "# " + line.strip() + " {" + " ".join(["#" + key, attrs]).strip() + "}"
                )

    def hint_root(self, hint: str) -> None:
        """What to say instead of the parser's "needs its key" for the root being keyed."""
        self.root_hints[self._hint_file] = hint

    def text(self, markdown: str, where: str) -> None:
        """The text of the unit opened last.

        Printed the WCO's way, a chapter's title may be the first paragraph under it (one
        line in capitals), and a definition's term the start of its text (`"appeal": ...`).
        """
        if not markdown.strip():
            return
        if not self.files:
            self.problem(where, "text before the first heading")
            return
        if self._open is not None:
            markdown = self._lift_title(markdown)
            self._open = None
            if not markdown.strip():
                return
        self._add(markdown.split("\n"), where)

    def _lift_title(self, markdown: str) -> str:
        assert self._open is not None
        first, _, rest = markdown.partition("\n\n")
        heading = self._open[2]
        if heading.kind == "definition" and not heading.title:
            term = _TERM.match(first)
            if term:
                file, index, _ = self._open
                titled = Heading(
                    "definition",
                    heading.number,
                    heading.number_alt,
                    term["term"].strip(),
                    heading.attrs,
                )
                file.lines[index] = file.lines[index].split(" ", 1)[0] + " " + titled.line()
                first = first[term.end() :].lstrip()
                return "\n\n".join(p for p in (first, rest) if p)
        if (
            "\n" not in first
            and len(first) <= 160
            and any(c.isalpha() for c in first)
            and first == first.upper()
            and not first.startswith(("-", "1"))
            and self._retitle(first.replace("\\", "").strip())
        ):
            return rest
        return markdown

    def context(self, where: str) -> str:
        """The headings before, at and after a place: `Standard 4.3 | » 4.5. Standard « | ...`."""
        places = [w for w, _ in self.seen]
        if not where or where not in places:
            return ""
        index = places.index(where)
        parts = [
            ("» " + text + " «") if i == index else text
            for i, (_, text) in enumerate(self.seen)
            if index - 1 <= i <= index + 1
        ]
        return " | ".join(parts)

    def _add(self, lines: list[str], where: str) -> None:
        current = self.files[-1]
        if current.lines:
            current.lines.append("")
        current.origins.append((len(current.lines) + 1, where))
        current.lines.extend(lines)

    def units(self, known_keys: Iterable[str] = ()) -> list[Unit]:
        """The roots read, checked; ImportRefused lists every finding (none is stored).

        `known_keys` are keys outside this source that `explains=` may name. Gaps in the
        numbering are warnings: they refuse nothing here and are left in `self.warnings`.
        """
        findings = list(self.findings)
        roots: list[Unit] = []
        if not self.files and not findings:
            findings.append(Finding("", "no heading found: nothing to import"))
        for index, file in enumerate(self.files):
            root, problems = parse_file("\n".join(file.lines) + "\n", f"{self.source}#{index}")
            for problem in problems:
                reason = _AT_LINE.sub(
                    lambda m, f=file: "at " + (self._where(f, int(m[1])) or "line " + m[1]),
                    problem.reason,
                )
                if reason.startswith("the root heading needs its key") and index in self.root_hints:
                    reason = self.root_hints[index]
                findings.append(Finding(self._where(file, problem.line), reason))
            if root is not None:
                roots.append(root)
        seen: dict[str, Unit] = {}
        for root in roots:
            for unit in root.walk():
                if unit.key in seen:
                    here, there = self._where_unit(unit), self._where_unit(seen[unit.key])
                    if not any(f.where == here and "already stands" in f.reason for f in findings):
                        findings.append(
                            Finding(
                                here,
                                f"{_label(unit)} has the key {unit.key!r} of the "
                                f"{_label(seen[unit.key])} at {there or 'another place'}: "
                                "a number may stand once in a chapter",
                            )
                        )
                    continue
                seen[unit.key] = unit
        known = set(known_keys) | set(seen)
        for unit in seen.values():
            for target in unit.explains:
                if target not in known:
                    findings.append(
                        Finding(
                            self._where_unit(unit), f"explains {target!r}, which does not exist"
                        )
                    )
        structure, warnings = self._numbering(roots)
        findings.extend(structure)
        findings = [self._explained(f) for f in findings]
        self.warnings = [self._explained(f) for f in warnings]
        if findings:
            raise ImportRefused(self.source, findings + self.warnings)
        for root in roots:
            for unit in root.walk():
                self.locations[unit.key] = self._where_unit(unit)
                unit.line = self._line_of(unit)
                unit.file = self.source
        return roots

    def _explained(self, finding: Finding) -> Finding:
        if finding.context or not finding.where:
            return finding
        return Finding(finding.where, finding.reason, self.context(finding.where), finding.warning)

    def _numbering(self, roots: Sequence[Unit]) -> tuple[list[Finding], list[Finding]]:
        """Errors (a number of another chapter, a number twice in a chapter) and warnings
        (a gap, or numbers going back) in each chapter's provisions and definitions."""
        errors: list[Finding] = []
        warnings: list[Finding] = []

        def chapters(unit: Unit) -> Iterable[Unit]:
            if unit.kind == "chapter":
                yield unit
            else:
                for child in unit.children:
                    yield from chapters(child)

        def provisions(unit: Unit) -> Iterable[Unit]:
            for child in unit.children:
                if child.kind in NUMBERED_IN_CHAPTER:
                    yield child
                elif child.kind == "section":
                    yield from provisions(child)

        for root in roots:
            for chapter in chapters(root):
                series: dict[str, list[tuple[Unit, int]]] = {}
                for unit in provisions(chapter):
                    number = unit.number or ""
                    where = self._where_unit(unit)
                    parts = number.split(".")
                    if len(parts) > 1 and chapter.number and parts[0] != chapter.number:
                        errors.append(
                            Finding(
                                where,
                                f"{_label(unit)} is numbered for Chapter {parts[0]} but stands "
                                f"in Chapter {chapter.number}: renumber it "
                                f"{chapter.number}.{'.'.join(parts[1:])} or move it to Chapter "
                                f"{parts[0]}",
                            )
                        )
                        continue
                    family = "definition" if unit.kind == "definition" else "provision"
                    sequence = _sequence_number(number)
                    if sequence is not None:
                        series.setdefault(family, []).append((unit, sequence))
                for items in series.values():
                    previous: tuple[Unit, int] | None = None
                    for unit, sequence in items:
                        expected = previous[1] + 1 if previous else 1
                        if sequence != expected and not (previous and sequence == previous[1]):
                            after = f"after {_label(previous[0])}" if previous else "first"
                            what = (
                                "a gap in the numbering"
                                if sequence > expected
                                else ("the numbering goes back")
                            )
                            warnings.append(
                                Finding(
                                    self._where_unit(unit),
                                    f"{what}: {_label(unit)} comes {after} in Chapter "
                                    f"{chapter.number} (expected number {expected})",
                                    warning=True,
                                )
                            )
                        previous = (unit, sequence)
        return errors, warnings

    def _file_of(self, unit: Unit) -> _File:
        return self.files[int(unit.file.rsplit("#", 1)[1])]

    def _where_unit(self, unit: Unit) -> str:
        if "#" not in unit.file:
            return ""
        return self._where(self._file_of(unit), unit.line)

    def _line_of(self, unit: Unit) -> int:
        """A number for `origin_ref`: the source line or paragraph the unit came from."""
        where = self._where_unit(unit)
        digits = re.findall(r"\d+", where)
        return int(digits[0]) if digits else 0

    @staticmethod
    def _where(file: _File, line: int | None) -> str:
        if line is None:
            return file.origins[0][1] if file.origins else ""
        found = ""
        for first, where in file.origins:
            if first > line:
                break
            found = where
        return found
