"""A compilation of amendments as Word (real tracked changes) and as PDF, and its downloads."""

from __future__ import annotations

import io
from datetime import UTC

import docx
import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader

from rkc.amendments import queries as amendment_queries
from rkc.amendments.models import Amendment
from rkc.convention.models import utcnow
from rkc.extensions import db
from rkc.interchange import docx_changes, docx_tracked
from rkc.interchange.compilation import compilation_file
from rkc.interchange.docx_compilation import author_of, proposal_lines

from ..helpers import create_people, log_in, user
from .helpers import compiled_amendments, edition

LIMIT = 20 * 1024 * 1024


@pytest.fixture
def compiled(small_app):  # type: ignore[no-untyped-def]
    people = create_people()
    ids = compiled_amendments(people)
    reader = user(people["observer"])
    comp = amendment_queries.compilation(
        edition("rkc", "review-draft"),
        amendment_queries.AmendmentFilter(chapter_key="ga/3"),
        reader,
    )
    return people, ids, comp


def _docx(comp) -> bytes:  # type: ignore[no-untyped-def]
    data, mimetype, name = compilation_file(comp, "docx", generated_at=utcnow())
    assert mimetype.endswith("wordprocessingml.document")
    assert name == "rkc-review-draft-amendments-ga-3.docx"
    return data


def _texts_under(document, heading: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The non-empty paragraphs between an amendment's heading and its "Sponsors:" line."""
    paragraphs = [p.text for p in document.paragraphs]
    start = next(i for i, t in enumerate(paragraphs) if t.startswith(heading + " — "))
    out = []
    for text in paragraphs[start + 1 :]:
        if text.startswith("Sponsors:"):
            return out
        if text:
            out.append(text)
    raise AssertionError("no Sponsors line")


def test_every_amendment_is_tracked_changes_by_its_party_dated_when_tabled(compiled):
    _people, ids, comp = compiled
    assert comp.count == 4  # the draft is never compiled
    data = _docx(comp)
    body = docx.Document(io.BytesIO(data)).element.body
    changes = list(body.iter(qn("w:ins"), qn("w:del")))
    assert changes
    ids_seen = [e.get(qn("w:id")) for e in changes]
    assert len(ids_seen) == len(set(ids_seen))
    amendments = {a.id: a for a in db.session.query(Amendment)}
    expected = {
        author_of(amendments[i]): amendments[i].tabled_at.replace(microsecond=0)
        for key, i in ids.items()
        if key != "draft"
    }
    found: dict[str, set] = {}
    for element in changes:
        found.setdefault(element.get(qn("w:author")), set()).add(element.get(qn("w:date")))
    assert set(found) == set(expected)
    for author, moment in expected.items():
        stamp = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
        assert found[author] == {stamp}
    modify = amendments[ids["modify"]]
    assert author_of(modify) == f"{modify.number} ({modify.party.name})"
    tracked = list(docx_tracked.read_tracked(data, "c.docx", limit=LIMIT))
    assert any(p.author == author_of(modify) and "The Customs shall" in p.new_text for p in tracked)


@pytest.mark.parametrize("accept", [True, False])
def test_accepting_gives_the_proposals_and_rejecting_the_current_texts(compiled, accept):
    _people, ids, comp = compiled
    document = docx.Document(io.BytesIO(_docx(comp)))
    docx_changes.resolve(document, accept=accept)
    by_id = {c.amendment.id: c for g in comp.groups for c in g.changes}
    for kind, amendment_id in ids.items():
        if kind == "draft":
            continue
        change = by_id[amendment_id]
        old, new = proposal_lines(change)
        expected = [text for _style, text in (new if accept else old) if text]
        if kind == "insert":
            expected = [change.target.label, *expected]
        assert _texts_under(document, change.amendment.label) == expected, kind
    if accept:
        texts = [p.text for p in document.paragraphs]
        assert "in every port;" in texts
        assert "at inland clearance offices." in texts
        styles = {p.text: p.style.name for p in document.paragraphs}
        assert styles["in every port;"] == "List Bullet"


def test_the_word_compilation_holds_the_facts_of_each_amendment(compiled):
    _people, _ids, comp = compiled
    document = docx.Document(io.BytesIO(_docx(comp)))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == f"Compilation of amendments: {comp.chapter_label}"
    assert any(t.startswith("4 amendments in document order") for t in texts)
    assert any(t.startswith("Unofficial working text") for t in texts)
    assert any(t.startswith("Positions: Support: ") and "Objection: " in t for t in texts)
    assert "Concept: Customs offices" in texts
    assert "Name the offices clearly." in texts  # the justification, Markdown rendered
    assert not any("A draft that no compilation shows" in t for t in texts)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert len(headings) == 4
    footer = document.sections[0].footer.paragraphs[0]
    assert "PAGE" in footer._p.xml


def test_the_pdf_compilation_prints_redlines_and_page_numbers(compiled):
    _people, _ids, comp = compiled
    data, mimetype, name = compilation_file(comp, "pdf", generated_at=utcnow())
    assert (mimetype, name) == ("application/pdf", "rkc-review-draft-amendments-ga-3.pdf")
    reader = PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages)
    number = comp.groups[0].changes[0].amendment.number
    assert number in text
    assert "inland clearance offices" in text
    assert "Compilation of amendments" in text
    assert f"Page 1 of {len(reader.pages)}" in reader.pages[0].extract_text()
    assert "Current text" in text
    assert "Justification" in text


def test_the_compilation_page_links_its_downloads_with_its_filters(small_app):
    people = create_people()
    compiled_amendments(people)
    client = small_app.test_client()
    assert client.get("/amendments/compilation.docx").status_code == 302  # log in first
    log_in(client, people["observer"].username)
    page = client.get("/amendments/compilation?chapter=ga/3").get_data(as_text=True)
    assert "/amendments/compilation.docx?" in page
    assert "chapter=ga/3" in page.split("/amendments/compilation.docx?", 1)[1].split('"')[0]
    assert "/amendments/compilation.pdf?" in page
    for fmt, mimetype in (("docx", "wordprocessingml"), ("pdf", "application/pdf")):
        response = client.get(f"/amendments/compilation.{fmt}?chapter=ga/3&status=tabled")
        assert response.status_code == 200
        assert mimetype in response.mimetype
        assert "no-store" in response.headers["Cache-Control"]
        assert f"rkc-review-draft-amendments-ga-3.{fmt}" in response.headers["Content-Disposition"]
    document = docx.Document(
        io.BytesIO(client.get("/amendments/compilation.docx?party=999999").data)
    )
    assert "No tabled amendment matches." in [p.text for p in document.paragraphs]
    assert client.get("/amendments/compilation.odt").status_code == 404


def _objections(fmt: str, data: bytes) -> int:
    if fmt == "pdf":
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    else:
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    return text.count("Objection:")


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_a_compilation_file_is_built_once_per_content_and_follows_every_change(small_app, fmt):
    """The file is kept in the derived-file cache under a key of what it shows: members who
    see the same compilation get the same file (built once); a new position, or another
    filter, gives another file."""
    from rkc.amendments.discussion import take_position
    from rkc.audit import Actor, acting_as
    from rkc.interchange import derived

    people = create_people()
    ids = compiled_amendments(people)
    observer, delegate = small_app.test_client(), small_app.test_client()
    log_in(observer, people["observer"].username)
    log_in(delegate, people["delegate_a"].username)
    url = f"/amendments/compilation.{fmt}?chapter=ga/3"

    def files() -> list:  # type: ignore[type-arg]
        with small_app.app_context():
            return sorted(derived.derived_dir().glob(f"*/*.{fmt}"))

    first = observer.get(url)
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "private, no-store"
    assert len(files()) == 1
    # Another member who sees the same compilation: the same file, not built again (the
    # time of compiling in it is the first one's).
    again = delegate.get(url)
    assert again.data == first.data
    assert again.headers["ETag"] == first.headers["ETag"]
    assert len(files()) == 1
    assert observer.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304

    # A position taken since: the compilation shows it, in a file of its own.
    with small_app.app_context(), acting_as(Actor(None, "test", "system")):
        take_position(
            db.session.get(Amendment, ids["heading"]),
            user=user(people["delegate_c"]),
            stance="objection",
            statement="Pangolins object to the heading.",
        )
        db.session.commit()
    changed = observer.get(url)
    assert changed.headers["ETag"] != first.headers["ETag"]
    assert _objections(fmt, changed.data) == _objections(fmt, first.data) + 1
    # Another filter, another content: another file.
    assert observer.get(url + "&party=999999").headers["ETag"] != changed.headers["ETag"]
    assert len(files()) == 3


def test_the_word_compilation_is_keyed_by_what_only_word_shows(compiled):
    """The Word file dates each tracked change on the day its amendment was tabled, which the
    PDF does not print: a new tabling date is another Word file, and the time of compiling
    is not part of the key."""
    from datetime import timedelta

    from rkc.interchange import docx_compilation
    from rkc.interchange.compilation import recipe

    _people, ids, comp = compiled
    before = recipe(comp, "docx")
    assert recipe(comp, "docx").key == before.key
    plan = docx_compilation.plan(comp)
    assert docx_compilation.write(plan, generated_at=utcnow()).startswith(b"PK")
    amendment = db.session.get(Amendment, ids["heading"])
    amendment.tabled_at = (amendment.tabled_at or utcnow()) - timedelta(days=3)
    assert recipe(comp, "docx").key != before.key


def test_prune_removes_compilations_built_more_than_a_week_ago(small_app):
    """Each change to a compilation makes a file; `rkc derived prune` removes those built
    more than DERIVED_COMPILATION_DAYS ago (and their locks), keeps recent ones and the
    editions' files, and a compilation asked for again is built again."""
    import os
    import time

    from rkc.interchange import derived

    people = create_people()
    compiled_amendments(people)
    client = small_app.test_client()
    log_in(client, people["observer"].username)
    url = "/amendments/compilation.docx?chapter=ga/3"
    assert client.get(url).status_code == 200
    assert client.get("/w/rkc/export.akn?edition=2006&node=ga/3").status_code == 200
    with small_app.app_context():
        folder = derived.derived_dir() / derived.release()
    (old,) = folder.glob("compilation-*.docx")
    recent = folder / "compilation-recent.pdf"
    recent.write_bytes(b"%PDF")
    edition_files = sorted(p for p in folder.iterdir() if not p.name.startswith("compilation-"))
    week_and_a_day = time.time() - 8 * 86400
    os.utime(old, (week_and_a_day, week_and_a_day))

    runner = small_app.test_cli_runner()
    pruned = runner.invoke(args=["derived", "prune"])
    assert pruned.exit_code == 0, pruned.output
    assert "removed 1 " in pruned.output
    assert not old.exists()
    assert not old.with_suffix(".lock").exists()
    assert recent.exists()
    assert sorted(p for p in folder.iterdir() if not p.name.startswith("compilation-")) == (
        edition_files
    )
    again = client.get(url)
    assert again.status_code == 200
    assert old.exists()
    assert runner.invoke(args=["derived", "prune", "--compilations-older-than", "0"]).exit_code == 0
    assert not recent.exists()
    assert not old.exists()
