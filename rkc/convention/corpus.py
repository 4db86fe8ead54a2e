"""The corpus format: parse `corpus/` into plain trees (no database, no Flask).

Size: just over 600 lines: one parser for both languages and the alignment check between
them, which share the heading grammar and are read together.

The format is documented in `corpus/README.md`. Parsing reads every file and collects every
problem as `file:line: reason` before anything is stored; `load_corpus` raises `CorpusError`
with all of them at once.

Run `python -m rkc.convention.corpus corpus` to check a corpus without loading it.
"""

from __future__ import annotations

import re
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from markdown_it import MarkdownIt

from rkc.convention.kinds import (
    ALLOWED_CHILDREN,
    KIND_WORDS_BY_LANGUAGE,
    PROVISION_KINDS,
    STRUCTURAL_KINDS,
)

_md = MarkdownIt("commonmark")


def _heading_pattern(words: dict[str, str]) -> re.Pattern[str]:
    return re.compile(
        r"^(?P<kind>" + "|".join(sorted(words, key=len, reverse=True)) + r")"
        r"(?:[ \t]+(?P<number>[^\s:{}]+))?"
        r"(?:[ \t]*:[ \t]*(?P<title>[^{}]*?))?"
        r"[ \t]*(?:\{(?P<attrs>[^{}]*)\})?[ \t]*$"
    )


_HEADINGS = {lang: _heading_pattern(words) for lang, words in KIND_WORDS_BY_LANGUAGE.items()}
#: The suffix of a file's sibling in another language: `body.md` -> `body.fr.md`.
TRANSLATED_LANGUAGES = ("fr",)
_KEY = re.compile(r"^[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the corpus, with where it is."""

    file: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.reason}"


class CorpusError(Exception):
    """Raised with every problem found; nothing has been stored."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Unit:
    """One heading of a corpus file and everything under it."""

    kind: str
    key: str
    number: str | None
    number_alt: str | None
    title: str | None
    text: str
    explains: tuple[str, ...]
    file: str
    line: int
    children: list[Unit] = field(default_factory=list)
    #: The key was derived from the title (an unnumbered Section without {#key}); in another
    #: language the unit takes the English key, since its title differs.
    key_from_title: bool = False

    def walk(self) -> Iterator[Unit]:
        """This unit, then its descendants, in document order."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class WorkSpec:
    key: str
    title: str
    short_title: str
    description: str
    roots: tuple[Unit, ...]
    #: The same roots in another language (`.fr.md` siblings), aligned unit by unit.
    translations: dict[str, tuple[Unit, ...]] = field(default_factory=dict)

    def languages(self) -> tuple[str, ...]:
        return ("en", *self.translations)


@dataclass(frozen=True)
class EditionSpec:
    work: str
    slug: str
    title: str
    status: str
    adopted_on: date | None
    in_force_from: date | None
    is_authentic: bool
    based_on: str | None
    description: str


@dataclass(frozen=True)
class Corpus:
    notice: str
    works: tuple[WorkSpec, ...]
    editions: tuple[EditionSpec, ...]


def _segment(kind: str, number: str | None, title: str | None, note_count: int) -> str | None:
    if kind == "chapter":
        return number.lower() if number else None
    if kind == "article":
        return f"art{number.lower()}" if number else None
    if kind == "preamble":
        return "preamble"
    if kind == "section":
        if number:
            return "s-" + number.lower()
        return "s-" + _slug(title) if title else None
    if kind == "note":
        return "note" if note_count == 1 else f"note-{note_count}"
    return number.lower() if number else None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "untitled"


def _parse_attrs(raw: str | None) -> tuple[str | None, tuple[str, ...], list[str]]:
    """Return (key, explains, errors) from an attribute block."""
    key: str | None = None
    explains: tuple[str, ...] = ()
    errors: list[str] = []
    for item in (raw or "").split():
        if item.startswith("#"):
            key = item[1:]
            if not _KEY.match(key):
                errors.append(f"key {key!r} may hold only a-z, 0-9, '.', '_', '-' and '/'")
        elif item.startswith("explains="):
            explains = tuple(k for k in item.removeprefix("explains=").split(",") if k)
            if not explains:
                errors.append("explains= names no key")
        else:
            errors.append(f"unknown attribute {item!r} (expected #key or explains=...)")
    return key, explains, errors


def parse_file(
    source: str, filename: str, language: str = "en"
) -> tuple[Unit | None, list[Problem]]:
    """Parse one corpus file (its kind words in `language`) into its root unit."""
    problems: list[Problem] = []
    words = KIND_WORDS_BY_LANGUAGE[language]
    pattern = _HEADINGS[language]

    def problem(line: int | None, reason: str) -> None:
        problems.append(Problem(filename, line, reason))

    lines = source.splitlines()
    tokens = _md.parse(source)
    headings: list[tuple[int, int, int, str]] = []  # (level, start, end, content)
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            assert tok.map is not None
            if tok.markup not in {"#", "##", "###", "####", "#####", "######"}:
                problem(tok.map[0] + 1, "use '#' headings, not underlined ones")
            headings.append((int(tok.tag[1]), tok.map[0], tok.map[1], tokens[i + 1].content))
        elif tok.type == "html_block":
            line = tok.map[0] + 1 if tok.map else None
            problem(line, "raw HTML is not allowed in the corpus")
        elif tok.type == "inline" and any(c.type == "html_inline" for c in tok.children or []):
            problem(tok.map[0] + 1 if tok.map else None, "raw HTML is not allowed in the corpus")

    if not headings:
        problem(None, "the file has no heading; it must start with a level-1 heading")
        return None, problems
    if any(line.strip() for line in lines[: headings[0][1]]):
        problem(1, "text before the first heading")
    if headings[0][0] != 1:
        problem(headings[0][1] + 1, "the first heading must be a level-1 heading (# ...)")
        return None, problems

    root: Unit | None = None
    stack: list[tuple[int, Unit, Unit | None]] = []  # (level, unit, key-parent)
    note_counts: dict[int, int] = {}
    sibling_numbers: dict[tuple[int, str, str], int] = {}

    for index, (level, start, end, content) in enumerate(headings):
        lineno = start + 1
        text_end = headings[index + 1][1] if index + 1 < len(headings) else len(lines)
        text = "\n".join(lines[end:text_end]).strip()
        match = pattern.match(content.strip())
        if not match:
            problem(
                lineno,
                f"heading {content.strip()!r} does not start with a kind "
                f"({', '.join(sorted(words))})",
            )
            continue
        kind = words[match["kind"]]
        number = match["number"]
        title = (match["title"] or "").strip() or None
        key, explains, attr_errors = _parse_attrs(match["attrs"])
        for err in attr_errors:
            problem(lineno, err)
        number_alt = None
        if number and "/" in number:
            number, _, number_alt = number.partition("/")
            if kind != "definition":
                problem(lineno, "only a Definition carries an English/French number pair")
        if kind == "definition" and not number:
            problem(lineno, "a Definition needs its number, e.g. 'Definition E1/F23: appeal'")
        if kind in PROVISION_KINDS | {"article", "chapter", "guideline"} and not number:
            problem(lineno, f"a {match['kind']} needs a number")
        if explains and kind not in {"guidelines", "section", "guideline"}:
            problem(lineno, "explains= belongs on Guidelines, Section and Guideline headings")

        if level == 1:
            if root is not None:
                problem(lineno, "a file holds exactly one level-1 heading")
                continue
            if key is None:
                problem(lineno, "the root heading needs its key, e.g. {#ga}")
                key = _slug(title or match["kind"])
            unit = Unit(kind, key, number, number_alt, title, text, explains, filename, lineno)
            root = unit
            stack = [(1, unit, unit)]
            continue

        while stack and stack[-1][0] >= level:
            stack.pop()
        if not stack:
            problem(lineno, "heading outside the file's root")
            continue
        parent_level, parent, key_parent = stack[-1]
        if level != parent_level + 1:
            problem(lineno, f"heading level jumps from {parent_level} to {level}")
        if kind not in ALLOWED_CHILDREN.get(parent.kind, frozenset()):
            problem(
                lineno, f"a {match['kind']} cannot stand inside a {parent.kind.replace('_', ' ')}"
            )
        if kind == "note":
            note_counts[id(parent)] = note_counts.get(id(parent), 0) + 1
        key_from_title = key is None and kind == "section" and not number
        if key is None:
            segment = _segment(kind, number, title, note_counts.get(id(parent), 0))
            base = root if kind == "article" else key_parent
            key = f"{base.key}/{segment}" if base is not None and segment else None
            if key is None:
                problem(lineno, "cannot derive a key: give a number or a {#key}")
                key = f"{parent.key}/line-{lineno}"
        if number:
            sib = (id(parent), kind, number.lower())
            if sib in sibling_numbers:
                problem(
                    lineno,
                    f"{match['kind']} {number} already stands at line {sibling_numbers[sib]}",
                )
            else:
                sibling_numbers[sib] = lineno
        if not text and kind not in STRUCTURAL_KINDS:
            problem(lineno, f"{match['kind']} {number or ''} has no text".replace("  ", " "))
        unit = Unit(kind, key, number, number_alt, title, text, explains, filename, lineno)
        unit.key_from_title = key_from_title
        parent.children.append(unit)
        # Sections are transparent for key derivation; so is the Body's grouping chapter.
        child_key_parent = key_parent if kind == "section" else unit
        stack.append((level, unit, child_key_parent))

    return root, problems


def _date(value: object, where: str, problems: list[Problem]) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        problems.append(
            Problem("corpus.toml", None, f"{where}: {value} has a time of day; write YYYY-MM-DD")
        )
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        problems.append(
            Problem("corpus.toml", None, f"{where}: {value!r} is not a YYYY-MM-DD date")
        )
        return None


def _tables(manifest: dict, name: str, problems: list[Problem]) -> list[dict]:
    """The array of tables `[[name]]`; a problem for anything else."""
    value = manifest.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        problems.append(Problem("corpus.toml", None, f"{name} must be [[{name}]] tables"))
        return []
    return value


def _strings(table: dict, names: tuple[str, ...], where: str, problems: list[Problem]) -> bool:
    """Whether each of `names` the table gives is a string (a problem for each that is not)."""
    fine = True
    for name in names:
        if name in table and not isinstance(table[name], str):
            problems.append(Problem("corpus.toml", None, f"{where}.{name} must be a string"))
            fine = False
    return fine


def _file_names(work: dict, where: str, problems: list[Problem]) -> list[str]:
    files = work.get("files", [])
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        problems.append(Problem("corpus.toml", None, f"{where}.files must be a list of file names"))
        return []
    names = []
    for name in files:
        parts = Path(name).parts
        if not name or Path(name).is_absolute() or ".." in parts or "\x00" in name:
            problems.append(
                Problem("corpus.toml", None, f"{where}: {name!r} is not a file of the corpus")
            )
        else:
            names.append(name)
    return names


def twin_name(name: str, language: str) -> str:
    """The name of an English corpus file's sibling in `language`."""
    return name.removesuffix(".md") + f".{language}.md"


def _twin(
    directory: Path, name: str, language: str, english: Unit | None, problems: list[Problem]
) -> Unit | None:
    """Parse the `language` sibling of file `name`, if any, and check it against the English.

    Returns the sibling's root, or None when there is no sibling (or it cannot be used; the
    reason is then among `problems`, which also stops the load).
    """
    twin = twin_name(name, language)
    try:
        source = (directory / twin).read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None
    except UnicodeDecodeError:
        problems.append(Problem(twin, None, "not UTF-8 text"))
        return None
    root, file_problems = parse_file(source, twin, language)
    problems.extend(file_problems)
    if root is None or english is None:
        return None
    problem = misalignment(english, root)
    if problem is not None:
        problems.append(problem)
    _own_order(root)
    return root


def _alphabetical(number: str | None) -> tuple[int, str]:
    digits = re.sub(r"\D", "", number or "")
    return (int(digits) if digits else 0, number or "")


def _own_order(root: Unit) -> None:
    """Give a translated tree its own definition order: a Definition `E1/F23` is number F23
    (E1 as its other number) and definitions stand in the order of their French numbers."""
    for unit in root.walk():
        if unit.kind == "definition" and unit.number_alt:
            unit.number, unit.number_alt = unit.number_alt, unit.number
    for unit in list(root.walk()):
        slots = [i for i, child in enumerate(unit.children) if child.kind == "definition"]
        ordered = sorted((unit.children[i] for i in slots), key=lambda u: _alphabetical(u.number))
        for i, child in zip(slots, ordered, strict=True):
            unit.children[i] = child


def _shapes(root: Unit) -> list[tuple[Unit, int]]:
    out: list[tuple[Unit, int]] = []

    def visit(unit: Unit, depth: int) -> None:
        out.append((unit, depth))
        for child in unit.children:
            visit(child, depth + 1)

    visit(root, 0)
    return out


def _describe(unit: Unit, depth: int) -> str:
    number = (unit.number or "") + (f"/{unit.number_alt}" if unit.number_alt else "")
    explains = f" explains={','.join(unit.explains)}" if unit.explains else ""
    where = f"(key {unit.key}, depth {depth}{explains})"
    return f"{unit.kind.replace('_', ' ')} {number}".rstrip() + " " + where


def misalignment(english: Unit, other: Unit) -> Problem | None:
    """The first unit where a file and its sibling in another language part, or None.

    Both must hold the same units in the same order: same depth, kind, key, numbers and
    `explains=`. Only titles and texts differ. A unit whose key comes from its title takes
    the key of its English twin (so the two languages share every key).
    """
    left, right = _shapes(english), _shapes(other)
    for (a, da), (b, db) in zip(left, right, strict=False):
        if a.key_from_title and b.key_from_title:
            b.key = a.key
        if (da, a.kind, a.key, a.number, a.number_alt, a.explains) != (
            db,
            b.kind,
            b.key,
            b.number,
            b.number_alt,
            b.explains,
        ):
            return Problem(
                b.file,
                b.line,
                f"{_describe(b, db)} does not match {a.file}:{a.line}: {_describe(a, da)}",
            )
    if len(left) > len(right):
        a, da = left[len(right)]
        return Problem(a.file, a.line, f"{_describe(a, da)} has no counterpart in {other.file}")
    if len(right) > len(left):
        b, db = right[len(left)]
        return Problem(b.file, b.line, f"{_describe(b, db)} has no counterpart in {english.file}")
    return None


def load_corpus(directory: str | Path) -> Corpus:
    """Read and check a whole corpus; raise CorpusError listing every problem."""
    directory = Path(directory)
    problems: list[Problem] = []
    manifest_path = directory / "corpus.toml"
    try:
        manifest = tomllib.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CorpusError([Problem("corpus.toml", None, "file not found")]) from None
    except UnicodeDecodeError:
        raise CorpusError([Problem("corpus.toml", None, "not UTF-8 text")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise CorpusError([Problem("corpus.toml", None, f"not valid TOML: {exc}")]) from None

    works: list[WorkSpec] = []
    seen_keys: dict[str, Unit] = {}
    for w_index, work in enumerate(_tables(manifest, "works", problems), start=1):
        where = f"works[{w_index}]"
        if not _strings(work, ("key", "title", "short_title", "description"), where, problems):
            continue
        if not work.get("key") or not work.get("title"):
            problems.append(Problem("corpus.toml", None, f"{where}: needs key and title"))
            continue
        roots: list[Unit] = []
        translated: dict[str, list[Unit]] = {lang: [] for lang in TRANSLATED_LANGUAGES}
        missing: dict[str, list[str]] = {lang: [] for lang in TRANSLATED_LANGUAGES}
        for name in _file_names(work, where, problems):
            path = directory / name
            try:
                source = path.read_text(encoding="utf-8")
            except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
                problems.append(Problem("corpus.toml", None, f"{where}: file {name} not found"))
                continue
            except UnicodeDecodeError:
                problems.append(Problem(name, None, "not UTF-8 text"))
                continue
            root, file_problems = parse_file(source, name)
            problems.extend(file_problems)
            for language in TRANSLATED_LANGUAGES:
                twin = _twin(directory, name, language, root, problems)
                if twin is None:
                    missing[language].append(name)
                else:
                    translated[language].append(twin)
            if root is None:
                continue
            for unit in root.walk():
                if unit.key in seen_keys:
                    other = seen_keys[unit.key]
                    problems.append(
                        Problem(
                            name,
                            unit.line,
                            f"key {unit.key!r} is already used at {other.file}:{other.line}",
                        )
                    )
                else:
                    seen_keys[unit.key] = unit
            roots.append(root)
        if not work.get("files"):
            problems.append(Problem("corpus.toml", None, f"{where}: lists no files"))
        translations: dict[str, tuple[Unit, ...]] = {}
        for language in TRANSLATED_LANGUAGES:
            if translated[language] and missing[language]:
                for name in missing[language]:
                    problems.append(
                        Problem(
                            name,
                            None,
                            f"no {twin_name(name, language)} beside it, while other files of "
                            f"work {work['key']!r} have theirs: a work is loaded in a language "
                            "only when every one of its files has its twin",
                        )
                    )
            elif translated[language]:
                translations[language] = tuple(translated[language])
        works.append(
            WorkSpec(
                key=work["key"],
                title=work["title"],
                short_title=work.get("short_title", work["title"]),
                description=work.get("description", ""),
                roots=tuple(roots),
                translations=translations,
            )
        )

    for unit in seen_keys.values():
        for target in unit.explains:
            if target not in seen_keys:
                problems.append(
                    Problem(
                        unit.file, unit.line, f"explains names {target!r}, which does not exist"
                    )
                )

    editions: list[EditionSpec] = []
    work_keys = {w.key for w in works}
    slugs: set[tuple[str, str]] = set()
    statuses = {"working_draft", "adopted", "in_force"}
    for e_index, raw in enumerate(_tables(manifest, "editions", problems), start=1):
        where = f"editions[{e_index}]"
        names = ("work", "slug", "title", "status", "based_on", "description")
        if not _strings(raw, names, where, problems):
            continue
        if not isinstance(raw.get("authentic", False), bool):
            problems.append(
                Problem("corpus.toml", None, f"{where}.authentic must be true or false")
            )
            continue
        if raw.get("work") not in work_keys:
            problems.append(
                Problem("corpus.toml", None, f"{where}: unknown work {raw.get('work')!r}")
            )
            continue
        if raw.get("status") not in statuses:
            problems.append(
                Problem(
                    "corpus.toml",
                    None,
                    f"{where}: status must be one of {', '.join(sorted(statuses))}",
                )
            )
            continue
        based_on = raw.get("based_on")
        if based_on and (raw["work"], based_on) not in slugs:
            problems.append(
                Problem(
                    "corpus.toml", None, f"{where}: based_on {based_on!r} is not an earlier edition"
                )
            )
        slugs.add((raw["work"], raw.get("slug", "")))
        editions.append(
            EditionSpec(
                work=raw["work"],
                slug=raw.get("slug", ""),
                title=raw.get("title", raw.get("slug", "")),
                status=raw["status"],
                adopted_on=_date(raw.get("adopted_on"), f"{where}.adopted_on", problems),
                in_force_from=_date(raw.get("in_force_from"), f"{where}.in_force_from", problems),
                is_authentic=bool(raw.get("authentic", False)),
                based_on=based_on,
                description=raw.get("description", ""),
            )
        )
    settings = manifest.get("corpus", {})
    if not isinstance(settings, dict) or not isinstance(settings.get("notice", ""), str):
        problems.append(Problem("corpus.toml", None, "[corpus] notice must be a string"))
        settings = {}
    if problems:
        raise CorpusError(problems)
    return Corpus(
        notice=settings.get("notice", ""),
        works=tuple(works),
        editions=tuple(editions),
    )


def main(argv: list[str] | None = None) -> int:
    """Check a corpus directory and print its problems or its counts."""
    args = argv if argv is not None else sys.argv[1:]
    directory = args[0] if args else "corpus"
    try:
        corpus = load_corpus(directory)
    except CorpusError as exc:
        for p in exc.problems:
            print(p)
        print(f"{len(exc.problems)} problem(s); nothing would be stored.")
        return 1
    for work in corpus.works:
        counts: dict[str, int] = {}
        for root in work.roots:
            for unit in root.walk():
                counts[unit.kind] = counts.get(unit.kind, 0) + 1
        summary = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
        print(f"{work.key}: {summary}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
