"""Corpus-format export: any edition, loaded back by the corpus loader, is the same text."""

from __future__ import annotations

import io
import zipfile

from rkc.audit import acting_as
from rkc.convention import operations as ops
from rkc.convention import queries
from rkc.convention.corpus import load_corpus, parse_file
from rkc.extensions import db
from rkc.interchange import corpus_format

from .helpers import SECRETARIAT, edition, parsed, revise_draft, stored


def _roots_of(corpus, work_key):  # type: ignore[no-untyped-def]
    return next(w for w in corpus.works if w.key == work_key).roots


def test_the_2006_convention_round_trips_through_the_cli(app, tmp_path):
    target = tmp_path / "export"
    result = app.test_cli_runner().invoke(
        args=["export", "corpus", "--work", "rkc", "--edition", "2006", str(target)]
    )
    assert result.exit_code == 0, result.output
    corpus = load_corpus(target)
    original = edition("rkc", "2006")
    assert parsed(_roots_of(corpus, "rkc")) == stored(original)
    [spec] = corpus.editions
    assert (spec.slug, spec.status, spec.in_force_from, spec.adopted_on, spec.is_authentic) == (
        "2006",
        "in_force",
        original.in_force_from,
        original.adopted_on,
        False,
    )
    assert "Unofficial" in corpus.notice


def test_every_heading_carries_its_explicit_key(app, tmp_path):
    files = corpus_format.export_edition(edition("rkc", "2006"))
    for name, content in files.items():
        if not name.endswith(".md"):
            continue
        headings = [line for line in content.splitlines() if line.startswith("#")]
        assert headings
        assert all(" {#" in line and line.endswith("}") for line in headings), name
        _root, problems = parse_file(content, name)
        assert problems == []


def test_guidelines_bring_the_convention_they_explain(app, tmp_path):
    files = corpus_format.export_edition(edition("guidelines", "2006"))
    corpus_format.write_directory(files, tmp_path)
    corpus = load_corpus(tmp_path)  # explains= targets resolve: the Convention came along
    assert [w.key for w in corpus.works] == ["rkc", "guidelines"]
    assert parsed(_roots_of(corpus, "guidelines")) == stored(edition("guidelines", "2006"))


def test_a_changed_working_draft_round_trips_too(app, tmp_path):
    revise_draft(
        "ga/3/3.2", "Customs shall *publish* the hours of business:\n\n- on line;\n- at the office."
    )
    draft = edition("rkc", "review-draft")
    with acting_as(SECRETARIAT):
        ops.insert_node(
            draft,
            key="ga/3/3.2a",
            parent=queries.node_by_key("ga/3/s-a"),
            after=queries.node_by_key("ga/3/3.2"),
            kind="standard",
            number="3.2A",
            text="A new Standard with a [link](https://example.org) and `code`.",
        )
    db.session.commit()
    files = corpus_format.export_edition(draft)
    corpus_format.write_directory(files, tmp_path)
    corpus = load_corpus(tmp_path)
    assert parsed(_roots_of(corpus, "rkc")) == stored(draft)
    assert corpus.editions[0].status == "working_draft"


def test_the_zip_holds_the_same_files(app):
    files = corpus_format.export_edition(edition("rkc", "2006"))
    archive = zipfile.ZipFile(io.BytesIO(corpus_format.zip_bytes(files, "rkc-2006")))
    assert sorted(archive.namelist()) == sorted(f"rkc-2006/{name}" for name in files)
    assert archive.read("rkc-2006/corpus.toml").decode() == files["corpus.toml"]
