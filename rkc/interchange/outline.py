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

from rkc.convention.corpus import Unit, parse_file
from rkc.convention.kinds import KIND_WORDS
from rkc.interchange.report import Finding, ImportRefused

KIND_HEADING = {kind: word for word, kind in KIND_WORDS.items()}
_NUMBER = re.compile(r"^[^\s:{}/]+$")


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
        if level == 1 or not self.files:
            self.files.append(_File())
        self._add(["#" * level + " " + " ".join(text.split())], where)

    def supply_root_keys(self, key_for: Callable[[str], str | None]) -> None:
        """Add `{#key}` to top-level headings that lack one, from `key_for(heading text)`."""
        for file in self.files:
            if not file.lines or "{#" in file.lines[0] or not file.lines[0].startswith("# "):
                continue
            line = file.lines[0][2:]
            attrs = ""
            if line.endswith("}") and "{" in line:
                line, _, attrs = line.rpartition("{")
                attrs = attrs.rstrip("}")
            key = key_for(line.strip())
            if key:
                file.lines[0] = (
                    "# " + line.strip() + " {" + " ".join(["#" + key, attrs]).strip() + "}"
                )

    def text(self, markdown: str, where: str) -> None:
        """The text of the unit opened last."""
        if not markdown.strip():
            return
        if not self.files:
            self.problem(where, "text before the first heading")
            return
        self._add(markdown.split("\n"), where)

    def _add(self, lines: list[str], where: str) -> None:
        current = self.files[-1]
        if current.lines:
            current.lines.append("")
        current.origins.append((len(current.lines) + 1, where))
        current.lines.extend(lines)

    def units(self, known_keys: Iterable[str] = ()) -> list[Unit]:
        """The roots read, checked; ImportRefused lists every finding (none is stored).

        `known_keys` are keys outside this source that `explains=` may name.
        """
        findings = list(self.findings)
        roots: list[Unit] = []
        if not self.files and not findings:
            findings.append(Finding("", "no heading found: nothing to import"))
        for index, file in enumerate(self.files):
            root, problems = parse_file("\n".join(file.lines) + "\n", f"{self.source}#{index}")
            for problem in problems:
                findings.append(Finding(self._where(file, problem.line), problem.reason))
            if root is not None:
                roots.append(root)
        seen: dict[str, Unit] = {}
        for root in roots:
            for unit in root.walk():
                if unit.key in seen:
                    findings.append(
                        Finding(self._where_unit(unit), f"key {unit.key!r} is used twice")
                    )
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
        if findings:
            raise ImportRefused(self.source, findings)
        for root in roots:
            for unit in root.walk():
                self.locations[unit.key] = self._where_unit(unit)
                unit.line = self._line_of(unit)
                unit.file = self.source
        return roots

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
