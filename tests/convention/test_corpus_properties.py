"""The corpus parser under hostile and generated input (hypothesis).

- Any text: `parse_file` returns problems, never raises; `load_corpus` on any directory
  (TOML and Markdown of any shape, bytes that are not UTF-8) raises CorpusError or returns.
- A generated valid tree, written in the corpus format, parses back to the same tree with no
  problem; written again from what was parsed, it parses to the same tree again.

Long run: HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest -q tests/convention/test_corpus_properties.py
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rkc.convention.corpus import CorpusError, Problem, Unit, load_corpus, parse_file
from rkc.convention.kinds import ALLOWED_CHILDREN, KIND_WORDS, STRUCTURAL_KINDS

from ..properties import examples

KIND_HEADING = {kind: word for word, kind in KIND_WORDS.items()}
NEEDS_NUMBER = {
    "definition",
    "standard",
    "transitional_standard",
    "recommended_practice",
    "article",
    "chapter",
    "guideline",
}
EXPLAINING = {"guidelines", "section", "guideline"}

# --------------------------------------------------------------------------- hostile text

#: Pieces that exercise the grammar: headings of every kind and level, attributes, HTML,
#: setext underlines, fences, entities, and ordinary words.
FRAGMENTS = st.sampled_from(
    [
        *(f"{'#' * n} " for n in range(1, 8)),
        *KIND_WORDS,
        "Definition E1/F23: term",
        "Standard 3.1",
        "Chapter 3: Clearance",
        ": ",
        " {#ga}",
        "{#a/b/c}",
        "{#Bad Key}",
        "{explains=ga/3,}",
        "{explains=}",
        "{unknown}",
        "{",
        "}",
        "/",
        "\n",
        "\n\n",
        "\n===\n",
        "\n---\n",
        "```",
        "    ",
        "<div>",
        "<script>alert(1)</script>",
        "&amp;",
        "&#0;",
        "- item",
        "1. item",
        "> quote",
        "[link](javascript:x)",
        "text",
        "words of a provision.",
        "\t",
        "\r\n",
        "\x00",
        "\u2028",
        "\ufeff",
        "é",
    ]
)
hostile_text = st.one_of(
    st.text(),
    st.lists(FRAGMENTS, max_size=40).map("".join),
    st.lists(st.one_of(FRAGMENTS, st.text(max_size=8)), max_size=40).map("".join),
)


def _check_problems(root: Unit | None, problems: list[Problem]) -> None:
    assert isinstance(problems, list)
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.reason
        assert str(problem).startswith("f.md")
    if root is not None:
        for unit in root.walk():
            assert unit.kind in KIND_HEADING


@settings(max_examples=examples(300))
@given(hostile_text)
def test_any_text_gives_problems_never_an_exception(source: str) -> None:
    root, problems = parse_file(source, "f.md")
    _check_problems(root, problems)


toml_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=10))
toml_values = st.one_of(
    toml_scalars,
    st.lists(toml_scalars, max_size=3),
    st.dictionaries(
        st.text(max_size=5), st.one_of(toml_scalars, st.lists(toml_scalars)), max_size=3
    ),
)


def _toml_value(value: object) -> str:
    """TOML for a generated value (JSON's string escapes are TOML's, mostly)."""
    if value is None:
        return '""'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    assert isinstance(value, dict)
    pairs = (f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items())
    return "{" + ", ".join(pairs) + "}"


manifest_text = st.one_of(
    st.text(),
    st.builds(
        lambda works, editions: "\n".join(
            [*(f"[[works]]\n{w}" for w in works), *(f"[[editions]]\n{e}" for e in editions)]
        ),
        works=st.lists(
            st.sampled_from(
                [
                    'key = "rkc"\ntitle = "T"\nfiles = ["a.md"]',
                    'key = "rkc"\ntitle = "T"\nfiles = ["a.md", "b.md"]',
                    'key = "g"\ntitle = "G"\nfiles = ["b.md", "missing.md"]',
                    'key = "x"\nfiles = "a.md"',
                    'title = "no key"',
                    'key = "rkc"\ntitle = "T"\nfiles = [1, 2]',
                    'key = 5\ntitle = ["T"]\nfiles = ["a.md"]',
                ]
            ),
            max_size=3,
        ),
        editions=st.lists(
            st.sampled_from(
                [
                    'work = "rkc"\nslug = "2006"\nstatus = "in_force"\nin_force_from = 2006-02-03',
                    'work = "rkc"\nslug = "d"\nstatus = "working_draft"\nbased_on = "2006"',
                    'work = "rkc"\nslug = "x"\nstatus = "adopted"\nadopted_on = "yesterday"',
                    'work = "nope"\nslug = "x"\nstatus = "in_force"',
                    'work = "rkc"\nstatus = "unknown"',
                    'work = "rkc"\nslug = 3\nstatus = "in_force"\nadopted_on = 17',
                    'work = "rkc"\nslug = "y"\nstatus = "in_force"\nbased_on = ["a"]',
                ]
            ),
            max_size=3,
        ),
    ),
    toml_values.map(lambda v: f"value = {_toml_value(v)}"),
)


@settings(max_examples=examples(150))
@given(
    manifest=manifest_text,
    a=st.one_of(hostile_text.map(str.encode), st.binary(max_size=64)),
    b=st.one_of(hostile_text.map(str.encode), st.binary(max_size=64)),
)
def test_any_corpus_directory_gives_corpus_error_or_a_corpus(
    manifest: str, a: bytes, b: bytes
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        try:
            (directory / "corpus.toml").write_text(manifest, encoding="utf-8")
        except UnicodeEncodeError:  # a lone surrogate: write it as the bytes a file would hold
            (directory / "corpus.toml").write_bytes(manifest.encode("utf-8", "surrogatepass"))
        (directory / "a.md").write_bytes(a)
        (directory / "b.md").write_bytes(b)
        try:
            corpus = load_corpus(directory)
        except CorpusError as exc:
            refused = exc
        else:
            refused = None
    if refused is not None:
        assert refused.problems
        assert all(isinstance(p, Problem) for p in refused.problems)
    else:
        for work in corpus.works:
            for root in work.roots:
                assert root.kind in KIND_HEADING


# --------------------------------------------------------------------------- valid trees


@dataclass
class Spec:
    """A unit as generated: what the corpus file must say about it."""

    kind: str
    key: str
    number: str | None
    number_alt: str | None
    title: str | None
    text: str
    explains: tuple[str, ...]
    children: list[Spec] = field(default_factory=list)

    def walk(self):  # type: ignore[no-untyped-def]
        yield self
        for child in self.children:
            yield from child.walk()


WORDS = st.sampled_from(
    [
        "Customs",
        "shall",
        "goods",
        "the",
        "déclaration",
        "*emphasis*",
        "**strong**",
        "`code`",
        "[a link](https://example.org/x)",
        "3.1",
        "(a)",
        "Annex;",
        "“quoted”",
        "e.g.",
        "a_b",
        "100%",
        "&",
        "#5",
        "C#",
    ]
)
line = st.lists(WORDS, min_size=1, max_size=8).map(" ".join).filter(lambda s: s[0].isalpha())
paragraph = st.lists(line, min_size=1, max_size=3).map("\n".join)
list_block = st.lists(line, min_size=1, max_size=3).flatmap(
    lambda items: st.sampled_from(["-", "*", "1."]).map(
        lambda marker: "\n".join(f"{marker} {item}" for item in items)
    )
)
unit_text = st.lists(st.one_of(paragraph, list_block), min_size=1, max_size=3).map("\n\n".join)
title_text = st.lists(
    st.sampled_from(["Clearance", "of", "goods", "Temporary", "admission", "é", "(2)", "-", "x:y"]),
    min_size=1,
    max_size=5,
).map(" ".join)


@st.composite
def trees(draw, max_depth: int = 6):  # type: ignore[no-untyped-def]
    """A valid corpus tree: kinds nest as allowed, numbers unique among siblings, keys unique."""
    counter = iter(range(10**6))
    root_kind = draw(st.sampled_from(["instrument", "annex", "guidelines", "chapter"]))

    def unit(kind: str, position: int, depth: int, known: list[str]) -> Spec:
        key = f"u{next(counter)}"
        number = number_alt = None
        if kind in NEEDS_NUMBER or draw(st.booleans()):
            number = draw(st.sampled_from(["", "A", "iv", "3.", "E"])) + str(position + 1)
            if kind == "definition" and draw(st.booleans()):
                number_alt = f"F{position + 7}"
        title = draw(st.one_of(st.none(), title_text))
        text = "" if kind in STRUCTURAL_KINDS and draw(st.booleans()) else draw(unit_text)
        explains: tuple[str, ...] = ()
        if kind in EXPLAINING and known and draw(st.booleans()):
            explains = tuple(draw(st.lists(st.sampled_from(known), min_size=1, max_size=2)))
        spec = Spec(kind, key, number, number_alt, title, text, explains)
        known.append(key)
        allowed = sorted(ALLOWED_CHILDREN[kind])
        if depth < max_depth and allowed:
            kinds = draw(st.lists(st.sampled_from(allowed), max_size=3 if depth < 3 else 1))
            # Siblings of one kind get distinct numbers: number them per kind.
            seen: dict[str, int] = {}
            for child_kind in kinds:
                index = seen.get(child_kind, 0)
                seen[child_kind] = index + 1
                spec.children.append(unit(child_kind, index, depth + 1, known))
        return spec

    return unit(root_kind, 0, 1, [])


def render(spec: Spec, *, keys: bool = True) -> str:
    """A corpus file for the tree (every heading with its key, or the root's only)."""
    parts: list[str] = []

    def visit(unit: Spec, level: int) -> None:
        line = "#" * level + " " + KIND_HEADING[unit.kind]
        if unit.number:
            line += " " + unit.number + (f"/{unit.number_alt}" if unit.number_alt else "")
        if unit.title:
            line += ": " + unit.title
        attrs = []
        if keys or level == 1:
            attrs.append("#" + unit.key)
        if unit.explains:
            attrs.append("explains=" + ",".join(unit.explains))
        if attrs:
            line += " {" + " ".join(attrs) + "}"
        parts.append(line)
        if unit.text:
            parts.append(unit.text)
        for child in unit.children:
            visit(child, level + 1)

    visit(spec, 1)
    return "\n\n".join(parts) + "\n"


def as_spec(unit: Unit) -> Spec:
    return Spec(
        unit.kind,
        unit.key,
        unit.number,
        unit.number_alt,
        unit.title,
        unit.text,
        tuple(unit.explains),
        [as_spec(child) for child in unit.children],
    )


@settings(max_examples=examples(150))
@given(trees())
def test_a_valid_tree_round_trips(tree: Spec) -> None:
    root, problems = parse_file(render(tree), "f.md")
    assert problems == []
    assert root is not None
    assert as_spec(root) == tree


@settings(max_examples=examples(100))
@given(trees())
def test_derived_keys_are_unique_and_stable(tree: Spec) -> None:
    """Without explicit keys (the root's aside) the parser derives them; a file written with
    the derived keys parses to the same tree. (Two units deriving one key is reported by
    `load_corpus`, which sees every file.)"""
    source = render(tree, keys=False)
    root, problems = parse_file(source, "f.md")
    # Derivation can collide only where the format says so (two notes are numbered apart,
    # sections fall back on their title): such a collision is reported, never raised.
    _check_problems(root, problems)
    if problems:
        return
    assert root is not None
    again, problems = parse_file(render(as_spec(root)), "f.md")
    assert problems == []
    assert again is not None
    assert as_spec(again) == as_spec(root)


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        ('[[works]]\nkey = "rkc"\ntitle = "T"\nfiles = [1, 2]', "files must be a list of file"),
        ('[[works]]\nkey = 5\ntitle = ["T"]\nfiles = ["a.md"]', "works[1].key must be a string"),
        ('works = "rkc"', "works must be [[works]] tables"),
        ('[[works]]\nkey = "rkc"\ntitle = "T"\nfiles = ["../../etc/passwd"]', "not a file of"),
        ('[[works]]\nkey = "rkc"\ntitle = "T"\nfiles = ["."]', "file . not found"),
        ('[[editions]]\nwork = ["rkc"]\nstatus = "in_force"', "editions[1].work must be a"),
        ('[[editions]]\nwork = "rkc"\nauthentic = "yes"', "authentic must be true or false"),
        ('corpus = "x"', "[corpus] notice must be a string"),
        ("[[editions]]\nwork = 'r'\nadopted_on = 1999-06-26T10:00:00", "unknown work"),
    ],
)
def test_a_manifest_of_the_wrong_shape_is_reported(tmp_path, manifest, message) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "corpus.toml").write_text(manifest, encoding="utf-8")
    (tmp_path / "a.md").write_text("# Annex: A {#a}\n", encoding="utf-8")
    with pytest.raises(CorpusError) as refused:
        load_corpus(tmp_path)
    assert any(message in str(p) for p in refused.value.problems), refused.value.problems


def test_a_date_with_a_time_of_day_is_reported(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "corpus.toml").write_text(
        '[[works]]\nkey = "rkc"\ntitle = "T"\nfiles = ["a.md"]\n'
        '[[editions]]\nwork = "rkc"\nslug = "x"\nstatus = "adopted"\n'
        "adopted_on = 1999-06-26T10:00:00\n",
        encoding="utf-8",
    )
    (tmp_path / "a.md").write_text("# Annex: A {#a}\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="has a time of day"):
        load_corpus(tmp_path)
