"""The corpus in two languages: every English file and its `.fr.md` sibling align heading by heading.

The check reads the heading lines only (level, kind word, number, attributes) and needs no loader:
the kind words of each language are mapped to one kind, and the two sequences must match one to
one. The first mismatch is reported with both files and lines.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from rkc.convention.kinds import KIND_WORDS_BY_LANGUAGE

from ..conftest import CORPUS

#: Kind word -> kind, per language: the loader's own tables (corpus/README.md, "Two languages").
KINDS = KIND_WORDS_BY_LANGUAGE

FRENCH_NOTICE = "texte de travail non officiel"

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_ATTRIBUTES = re.compile(r"\s*\{([^{}]*)\}$")
_FENCE = re.compile(r"^(```|~~~)")


@dataclass(frozen=True)
class Heading:
    line: int
    level: int
    kind: str | None  # None when the heading starts with no kind word of its language
    number: str | None
    attributes: str

    def shape(self) -> tuple[int, str | None, str | None, str]:
        return (self.level, self.kind, self.number, self.attributes)

    def describe(self) -> str:
        number = f" {self.number}" if self.number else ""
        attributes = f" {{{self.attributes}}}" if self.attributes else ""
        return f"level {self.level} {self.kind}{number}{attributes}"


def _parse_heading(line_number: int, level: int, content: str, language: str) -> Heading:
    attributes = ""
    found = _ATTRIBUTES.search(content)
    if found:
        attributes = " ".join(found.group(1).split())
        content = content[: found.start()]
    head = content.split(":", 1)[0].strip()
    for word in sorted(KINDS[language], key=len, reverse=True):
        if head == word or head.startswith(word + " "):
            number = head[len(word) :].strip() or None
            return Heading(line_number, level, KINDS[language][word], number, attributes)
    return Heading(line_number, level, None, None, attributes)


def headings(path: Path, language: str) -> list[Heading]:
    """The heading lines of one corpus file, outside code fences."""
    found: list[Heading] = []
    fenced = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        match = None if fenced else _HEADING.match(line)
        if match:
            found.append(_parse_heading(number, len(match.group(1)), match.group(2), language))
    return found


def misalignment(english: Path, french: Path) -> str | None:
    """The first difference between the two files' headings as `file:line: reason`, or None."""
    en, fr = headings(english, "en"), headings(french, "fr")
    for side, path in ((en, english), (fr, french)):
        for heading in side:
            if heading.kind is None:
                return f"{path}:{heading.line}: the heading does not start with a kind word"
    for a, b in zip(en, fr, strict=False):
        if a.shape() != b.shape():
            return (
                f"{french}:{b.line}: {b.describe()} does not match "
                f"{english}:{a.line}: {a.describe()}"
            )
    if len(en) > len(fr):
        extra = en[len(fr)]
        return f"{english}:{extra.line}: {extra.describe()} has no French counterpart"
    if len(fr) > len(en):
        extra = fr[len(en)]
        return f"{french}:{extra.line}: {extra.describe()} has no English counterpart"
    return None


def french_sibling(path: Path) -> Path:
    return path.with_name(path.name.removesuffix(".md") + ".fr.md")


def _english_files() -> list[Path]:
    manifest = tomllib.loads((CORPUS / "corpus.toml").read_text(encoding="utf-8"))
    return [CORPUS / name for work in manifest["works"] for name in work["files"]]


PAIRS = _english_files()


def test_every_kind_has_a_french_word():
    assert sorted(KINDS["fr"].values()) == sorted(KINDS["en"].values())


def test_every_english_file_has_its_french_twin():
    missing = [str(p.relative_to(CORPUS)) for p in PAIRS if not french_sibling(p).exists()]
    assert missing == [], f"no French file for {missing}"


@pytest.mark.parametrize("english", PAIRS, ids=lambda p: str(p.relative_to(CORPUS)))
def test_the_french_file_aligns_with_the_english_one(english: Path):
    french = french_sibling(english)
    assert misalignment(english, french) is None
    assert len(headings(english, "en")) == len(headings(french, "fr")) > 1


@pytest.mark.parametrize("english", PAIRS, ids=lambda p: str(p.relative_to(CORPUS)))
def test_the_french_file_is_marked_unofficial(english: Path):
    assert FRENCH_NOTICE in french_sibling(english).read_text(encoding="utf-8").lower()


def test_no_french_file_stands_without_its_english_one():
    english = set(_english_files())
    for french in sorted(CORPUS.rglob("*.fr.md")):
        assert french.with_name(french.name.removesuffix(".fr.md") + ".md") in english, french


# --------------------------------------------------------------------------- the checker itself

ENGLISH = """# Annex: General Annex {#ga}

## Chapter 2: Definitions

### Definition E1/F23: appeal

Text.

## Chapter 3: Clearance

### Section A: Offices

#### Transitional Standard 3.5

Text.

##### Note

A note.
"""

FRENCH = """# Annexe : Annexe générale {#ga}

## Chapitre 2: Définitions

### Définition E1/F23: recours

Texte.

## Chapitre 3: Dédouanement

### Section A: Bureaux

#### Norme transitoire 3.5

Texte.

##### Note

Une note.
"""


def _pair(tmp_path: Path, french: str) -> tuple[Path, Path]:
    (tmp_path / "ga.md").write_text(ENGLISH, encoding="utf-8")
    (tmp_path / "ga.fr.md").write_text(french, encoding="utf-8")
    return tmp_path / "ga.md", tmp_path / "ga.fr.md"


def test_the_checker_accepts_an_aligned_pair(tmp_path):
    assert misalignment(*_pair(tmp_path, FRENCH)) is None


@pytest.mark.parametrize(
    ("french", "line", "reason"),
    [
        (FRENCH.replace("Norme transitoire 3.5", "Norme 3.5"), 13, "standard 3.5 does not match"),
        (FRENCH.replace("3.5", "3.6"), 13, "transitional_standard 3.6 does not match"),
        (FRENCH.replace("E1/F23", "E1/F22"), 5, "definition E1/F22 does not match"),
        (FRENCH.replace(" {#ga}", " {#gax}"), 1, "{#gax} does not match"),
        (FRENCH.replace("##### Note\n\nUne note.\n", ""), 17, "has no French counterpart"),
        (FRENCH + "\n##### Note\n\nDeux.\n", 21, "has no English counterpart"),
        (FRENCH.replace("### Section A", "#### Section A"), 11, "level 4 section A"),
        (FRENCH.replace("Norme transitoire", "Standard transitoire"), 13, "kind word"),
    ],
)
def test_the_checker_names_file_and_line_of_the_first_mismatch(tmp_path, french, line, reason):
    english, path = _pair(tmp_path, french)
    found = misalignment(english, path)
    assert found is not None
    side = "ga.md" if "no French counterpart" in reason else "ga.fr.md"
    assert found.startswith(f"{tmp_path / side}:{line}: "), found
    assert reason in found, found
