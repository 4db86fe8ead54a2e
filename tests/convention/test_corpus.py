"""The corpus format: parsing, every error with file and line, and the real corpus itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from rkc.convention.corpus import CorpusError, load_corpus, parse_file

from ..conftest import CORPUS, SMALL_CORPUS


def parse(source: str):
    return parse_file(source, "t.md")


def test_units_get_kinds_numbers_and_derived_keys():
    root, problems = parse(
        "# Annex: General Annex {#ga}\n\n## Chapter 3: Clearance\n\n### Section A: Offices\n\n"
        "#### Standard 3.1\n\nText.\n\n##### Note\n\nA note.\n\n"
        "#### Transitional Standard 3.2\n\nMore.\n\n### Definition E1/F23: appeal\n\nMeans.\n"
    )
    assert problems == []
    units = [(u.kind, u.key, u.number, u.number_alt, u.title) for u in root.walk()]
    assert units == [
        ("annex", "ga", None, None, "General Annex"),
        ("chapter", "ga/3", "3", None, "Clearance"),
        ("section", "ga/3/s-a", "A", None, "Offices"),
        ("standard", "ga/3/3.1", "3.1", None, None),
        ("note", "ga/3/3.1/note", None, None, None),
        ("transitional_standard", "ga/3/3.2", "3.2", None, None),
        ("definition", "ga/3/e1", "E1", "F23", "appeal"),
    ]


def test_articles_hang_from_the_root_and_explicit_keys_win():
    root, problems = parse(
        "# Instrument: Body {#body}\n\n## Chapter I: Definitions\n\n### Article 1\n\nWords.\n\n"
        "### Article 2 {#body/scope}\n\nMore words.\n"
    )
    assert problems == []
    assert [u.key for u in root.walk()] == ["body", "body/i", "body/art1", "body/scope"]


def test_text_is_kept_as_markdown_source():
    root, _ = parse(
        "# Annex: X {#x}\n\n## Chapter 1: Y\n\n### Standard 1\n\nIntro:\n\n- (a) one;\n- (b) *two*.\n"
    )
    standard = root.children[0].children[0]
    assert standard.text == "Intro:\n\n- (a) one;\n- (b) *two*."


@pytest.mark.parametrize(
    ("source", "line", "reason"),
    [
        ("# Annex: X {#x}\n\n## Chapter 1\n\n### Standard 1\n\n<b>bold</b>\n", 7, "raw HTML"),
        ("# Annex: X {#x}\n\n## Chapter 1\n\n### Standard 1\n\nA <i>b</i> c\n", 7, "raw HTML"),
        ("# Annex: X {#x}\n\n## Chapter 1\n\n#### Standard 1\n\nText\n", 5, "level jumps"),
        (
            "# Annex: X {#x}\n\n## Chapter 1\n\n### Standard 1\n\nA\n\n### Standard 1\n\nB\n",
            9,
            "already stands at line 5",
        ),
        ("# Annex: X {#x}\n\n## Chapter 1\n\n### Standard 1\n", 5, "has no text"),
        (
            "# Annex: X {#x}\n\n## Chapter 1\n\n### Provision 1\n\nText\n",
            5,
            "does not start with a kind",
        ),
        ("# Annex: X\n\n## Chapter 1\n\n### Standard 1\n\nText\n", 1, "needs its key"),
        ("# Annex: X {#x}\n\n## Article 1\n\nText\n", 3, "cannot stand inside a annex"),
        (
            "# Annex: X {#x}\n\n## Chapter 1\n\n### Definition: term\n\nText\n",
            5,
            "needs its number",
        ),
        (
            "# Annex: X {#x}\n\n## Chapter 1\n\n### Standard 1 {colour=red}\n\nText\n",
            5,
            "unknown attribute",
        ),
        ("# Annex: X {#x}\n\n## Chapter 1\n\n### Standard 1/2\n\nText\n", 5, "only a Definition"),
        ("Intro\n\n# Annex: X {#x}\n", 1, "text before the first heading"),
        ("## Chapter 1\n\n### Standard 1\n\nText\n", 1, "must be a level-1 heading"),
        ("# Annex: X {#x}\n\n# Annex: Y {#y}\n", 3, "exactly one level-1 heading"),
    ],
)
def test_each_error_names_its_line(source, line, reason):
    _, problems = parse(source)
    assert any(p.line == line and reason in p.reason for p in problems), problems
    assert all(str(p).startswith("t.md:") for p in problems)


def _corpus_dir(tmp_path: Path, body: str, guidelines: str | None = None) -> Path:
    (tmp_path / "c").mkdir()
    files = '["a.md"]'
    extra = ""
    (tmp_path / "c" / "a.md").write_text(body)
    if guidelines is not None:
        (tmp_path / "c" / "g.md").write_text(guidelines)
        extra = '[[works]]\nkey = "guidelines"\ntitle = "G"\nfiles = ["g.md"]\n'
    (tmp_path / "c" / "corpus.toml").write_text(
        f'[[works]]\nkey = "rkc"\ntitle = "T"\nfiles = {files}\n{extra}'
        '[[editions]]\nwork = "rkc"\nslug = "one"\nstatus = "in_force"\nin_force_from = "2006-02-03"\n'
    )
    return tmp_path / "c"


def test_all_problems_of_all_files_are_reported_at_once(tmp_path):
    directory = _corpus_dir(
        tmp_path,
        "# Annex: X {#x}\n\n## Chapter 1\n\n### Standard 1\n\n### Standard 2\n\nOK\n\n### Standard 2\n\nDup\n",
        "# Guidelines: G {#g}\n\n## Guideline 1 {explains=x/1,x/9}\n\nText\n",
    )
    with pytest.raises(CorpusError) as caught:
        load_corpus(directory)
    reasons = [str(p) for p in caught.value.problems]
    assert "a.md:5: Standard 1 has no text" in reasons
    assert "a.md:11: Standard 2 already stands at line 7" in reasons
    assert "a.md:11: key 'x/1/2' is already used at a.md:7" in reasons
    assert "g.md:3: explains names 'x/9', which does not exist" in reasons
    assert len(reasons) == 4


def test_duplicate_keys_across_files_are_refused(tmp_path):
    directory = _corpus_dir(
        tmp_path,
        "# Annex: X {#x}\n\n## Chapter 1\n\n### Standard 1\n\nOne\n",
        "# Guidelines: G {#x/1/1}\n\nIntro\n",
    )
    with pytest.raises(CorpusError, match=r"g.md:1: key 'x/1/1' is already used at a.md:5"):
        load_corpus(directory)


def test_manifest_errors_name_the_entry(tmp_path):
    directory = _corpus_dir(tmp_path, "# Annex: X {#x}\n")
    manifest = directory / "corpus.toml"
    manifest.write_text(manifest.read_text().replace('status = "in_force"', 'status = "law"'))
    with pytest.raises(CorpusError, match=r"editions\[1\]: status must be one of"):
        load_corpus(directory)


def test_the_small_corpus_parses():
    corpus = load_corpus(SMALL_CORPUS)
    assert [w.key for w in corpus.works] == ["rkc", "guidelines"]


def test_the_real_corpus_is_complete():
    """The shipped corpus: the Body's 20 articles, 10 GA chapters, 25 SA chapters, guidelines."""
    corpus = load_corpus(CORPUS)
    convention = next(w for w in corpus.works if w.key == "rkc")
    units = [u for root in convention.roots for u in root.walk()]
    by_root = {root.key: root for root in convention.roots}
    assert sorted(u.number for u in by_root["body"].walk() if u.kind == "article") == sorted(
        str(n) for n in range(1, 21)
    )
    assert [c.number for c in by_root["ga"].children] == [str(n) for n in range(1, 11)]
    annexes = [r for r in convention.roots if r.kind == "annex" and r.key != "ga"]
    assert [a.number for a in annexes] == list("ABCDEFGHJK")
    chapters = [f"{a.number}{c.number}" for a in annexes for c in a.children]
    assert chapters == [
        "A1", "A2", "B1", "B2", "B3", "C1", "D1", "D2", "E1", "E2", "E3",
        "F1", "F2", "F3", "F4", "G1", "H1", "J1", "J2", "J3", "J4", "J5", "K1", "K2", "K3",
    ]  # fmt: skip
    # Transitional Standards stand only in the General Annex, Recommended Practices only in SAs.
    ga_keys = {u.key for u in by_root["ga"].walk()}
    for unit in units:
        if unit.kind == "transitional_standard":
            assert unit.key in ga_keys, unit.key
        if unit.kind == "recommended_practice":
            assert unit.key not in ga_keys, unit.key
    standards = sum(
        u.kind in {"standard", "transitional_standard", "recommended_practice"} for u in units
    )
    assert standards > 400  # roughly 600 in the real instrument
    # Every GA definition carries its English/French number pair.
    ga_definitions = [u for u in by_root["ga"].walk() if u.kind == "definition"]
    assert len(ga_definitions) >= 20
    assert all(d.number.startswith("E") and d.number_alt.startswith("F") for d in ga_definitions)
    guidelines = next(w for w in corpus.works if w.key == "guidelines")
    explained = {k for root in guidelines.roots for u in root.walk() for k in u.explains}
    for chapter in range(1, 11):
        assert any(k.startswith(f"ga/{chapter}/") for k in explained), chapter
