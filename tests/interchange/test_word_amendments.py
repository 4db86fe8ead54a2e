"""A delegate's Word chapter marked up with tracked changes becomes draft amendments."""

from __future__ import annotations

import copy
import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from sqlalchemy import func, select

from rkc.amendments.errors import AmendmentRefused
from rkc.amendments.models import Amendment, AmendmentAction, AmendmentStatus
from rkc.audit import Actor, acting_as
from rkc.audit.models import AuditEvent
from rkc.convention import queries
from rkc.extensions import db
from rkc.interchange import docx_export
from rkc.interchange.docx_changes import read_marked_up
from rkc.interchange.operations import import_tracked_amendments
from rkc.interchange.queries import snapshot
from rkc.interchange.report import ImportRefused

from ..helpers import create_people, csrf_token, log_in, user
from ..properties import examples
from .helpers import edition, libreoffice, revise_draft
from .markup import Markup

LIMIT = 20 * 1024 * 1024
NEW_31 = (
    "Customs shall designate and publish the offices at which goods may be produced or cleared."
)


def _chapter(slug: str = "review-draft", key: str = "ga/3") -> bytes:
    snap = snapshot(edition("rkc", slug), queries.node_by_key(key))
    assert snap is not None
    return docx_export.export(snap)


def _marked(data: bytes | None = None) -> Markup:
    """The chapter with a change of each kind, as a delegate makes them in Word."""
    markup = Markup(data or _chapter())
    markup.edit("Customs shall designate", NEW_31)
    markup.edit("Section A: Competent", "Section A: Customs offices")
    markup.insert_after(
        "Customs shall publish the hours",
        [
            ("Heading 3", "Standard 3.2A"),
            ("Normal", "Customs shall answer written enquiries within five working days."),
        ],
    )
    markup.delete("Standard 3.4", 2)
    return markup


def _import(person, data: bytes, **kwargs):  # type: ignore[no-untyped-def]
    delegate = user(person)
    with acting_as(Actor(delegate.id, delegate.username, "delegate", delegate.party_id)):
        return import_tracked_amendments(
            data, source="chapter-3.docx", user=delegate, limit=kwargs.pop("limit", LIMIT), **kwargs
        )


def _stored() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(Amendment)),
        db.session.scalar(select(func.count()).select_from(AuditEvent)),
    )


@pytest.fixture
def people(small_app):  # type: ignore[no-untyped-def]
    return create_people()


def test_each_tracked_change_becomes_a_draft_of_the_delegates_party(people):
    draft = edition("rkc", "review-draft")
    result = _import(people["delegate_a"], _marked().save())
    db.session.commit()
    assert result.edition.id == draft.id
    assert result.authors == ("Delegate of Austria",)
    rows = [
        (p.where, p.label, p.amendment.action, p.amendment.status, p.amendment.party_id)
        for p in result.proposed
    ]
    party = people["delegate_a"].party_id
    draft_status = AmendmentStatus.DRAFT
    assert rows == [
        ("paragraph 6", "Section A (heading)", AmendmentAction.HEADING, draft_status, party),
        ("paragraph 8", "Standard 3.1", AmendmentAction.MODIFY, draft_status, party),
        ("paragraph 13", "New Standard 3.2A", AmendmentAction.INSERT, draft_status, party),
        ("paragraph 18", "Standard 3.4", AmendmentAction.DELETE, draft_status, party),
    ]
    heading, modify, insert, delete = (p.amendment for p in result.proposed)
    assert heading.proposed_title == "Customs offices"
    assert modify.proposed_text == NEW_31
    node = queries.node_by_key("ga/3/3.1")
    assert modify.base_revision_id == queries.entry_of(draft, node).revision_id
    assert (insert.parent_node.key, insert.after_node.key) == ("ga/3/s-a", "ga/3/3.2")
    assert (insert.proposed_kind, insert.proposed_number, insert.proposed_text) == (
        "standard",
        "3.2A",
        "Customs shall answer written enquiries within five working days.",
    )
    assert delete.node.key == "ga/3/3.4"
    assert all(a.delegate_id == people["delegate_a"].user_id for a in (heading, modify, delete))
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "amendment.import_word")
    )
    assert "chapter-3.docx" in event.detail


def test_a_copy_made_before_the_draft_moved_on_is_carried_over(people):
    data = _chapter()
    revise_draft(
        "ga/3/3.1",
        "Customs shall designate the offices at which goods may be produced or cleared. "
        "The list is kept up to date.",
    )
    markup = Markup(data)
    markup.edit("Customs shall designate", NEW_31)
    result = _import(people["delegate_a"], markup.save())
    [proposed] = result.proposed
    assert proposed.amendment.proposed_text == NEW_31 + " The list is kept up to date."
    assert "carried over" in proposed.note


def test_changes_overlapping_what_changed_in_the_draft_are_refused(people):
    data = _chapter()
    revise_draft("ga/3/3.1", "Customs shall name the offices at which goods may be cleared.")
    before = _stored()
    markup = Markup(data)
    markup.edit("Customs shall designate", NEW_31)
    markup.edit("Customs shall publish the hours", "Customs shall publish the opening hours.")
    with pytest.raises(ImportRefused) as refused:
        _import(people["delegate_a"], markup.save())
    [finding] = refused.value.findings
    assert finding.where == "paragraph 8"
    assert "changed in the working draft since this document was made" in finding.reason
    db.session.rollback()
    assert _stored() == before


def test_edits_made_with_track_changes_off_are_refused(people):
    markup = Markup(_chapter())
    paragraph = markup.paragraph("Customs shall publish the hours")
    paragraph.runs[
        0
    ].text = "Customs shall publish, untracked, the hours of business of its offices."
    markup.edit(
        "Customs shall publish", "Customs shall publish, untracked, the hours of its offices."
    )
    with pytest.raises(ImportRefused) as refused:
        _import(people["delegate_a"], markup.save())
    [finding] = refused.value.findings
    assert finding.where == "paragraph 12"
    assert "Track Changes off" in finding.reason


@pytest.mark.parametrize(
    ("change", "where", "words"),
    [
        (lambda m: m.edit("Standard 3.2", "Standard 3.20"), "paragraph 11", "kind or number"),
        (lambda m: m.edit("Customs shall designate", ""), "paragraph 7", "has no text"),
        (
            lambda m: m.insert_after(
                "Customs shall publish the hours",
                [
                    ("Heading 3", "Standard 3.2A"),
                    ("Normal", "New."),
                    ("Heading 4", "Note"),
                    ("Normal", "A note."),
                ],
            ),
            "paragraph 15",
            "inside a new unit",
        ),
        (
            lambda m: m.insert_after(
                "Customs shall publish the hours", [("Heading 3", "Standard")]
            ),
            "paragraph 13",
            "needs a number",
        ),
    ],
)
def test_changes_rkc_cannot_hold_are_refused_with_their_paragraph(people, change, where, words):
    markup = Markup(_chapter())
    # A good change as well: it is not stored either.
    markup.edit("Customs shall allow", "Customs shall allow the declaration to be lodged online.")
    change(markup)
    before = _stored()
    with pytest.raises(ImportRefused) as refused:
        _import(people["delegate_a"], markup.save())
    assert any(f.where == where and words in f.reason for f in refused.value.findings), (
        refused.value.findings
    )
    db.session.rollback()
    assert _stored() == before


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (lambda: b"PK not really", "not a zip archive"),
        (
            lambda: _zip(
                {
                    "word/document.xml": b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x "xx">]><d>&x;</d>',
                    "[Content_Types].xml": b"<Types/>",
                }
            ),
            "declares a DTD or entities",
        ),
        (lambda: _chapter(), "holds no tracked insertion or deletion"),
        (lambda: b"x" * 2000, "files up to 1000 bytes"),
    ],
)
def test_hostile_or_unmarked_files_are_refused(people, data, words):
    before = _stored()
    with pytest.raises(ImportRefused) as refused:
        _import(people["delegate_a"], data(), limit=1000 if words.startswith("files") else LIMIT)
    assert words in str(refused.value)
    db.session.rollback()
    assert _stored() == before


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TRACKING_TAGS = ["ins", "del", "moveFrom", "moveTo", "rPrChange", "pPrChange", "delText"]
mutation = st.tuples(
    st.sampled_from(["p", "r", "pPr", "rPr", "ins", "del", "t", "delText"]),
    st.integers(min_value=0, max_value=60),
    st.sampled_from(["remove", "unwrap", "retag", "double", "to_body"]),
    st.sampled_from(TRACKING_TAGS),
)


def _mutated(data: bytes, mutations) -> bytes:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    root = etree.fromstring(parts["word/document.xml"])
    body = root.find(f"{W}body")
    for tag, index, action, new_tag in mutations:
        found = list(body.iter(W + tag))
        if not found:
            continue
        element = found[index % len(found)]
        parent = element.getparent()
        if action == "remove":
            parent.remove(element)
        elif action == "unwrap":
            for child in list(element):
                element.addprevious(child)
            parent.remove(element)
        elif action == "retag":
            element.tag = W + new_tag
        elif action == "double":
            element.addnext(copy.deepcopy(element))
        else:
            body.insert(0, copy.deepcopy(element))
    parts["word/document.xml"] = etree.tostring(root)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


class _Seed(bytes):
    """The marked-up chapter the mutations start from (short in hypothesis' reports)."""

    def __repr__(self) -> str:
        return f"<marked-up chapter 3, {len(self)} bytes>"


@pytest.fixture
def marked_seed(small_app) -> bytes:  # type: ignore[no-untyped-def]
    return _Seed(_marked().save())


def _read_or_refusal(data: bytes):  # type: ignore[no-untyped-def]
    try:
        return read_marked_up(data, "upload", limit=LIMIT)
    except ImportRefused as refused:
        return refused


@settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(mutations=st.lists(mutation, min_size=1, max_size=4))
def test_damaged_markup_gives_changes_or_a_report(marked_seed, mutations):  # type: ignore[no-untyped-def]
    """Whatever the XML of the tracked changes, reading gives changes or a report, no crash."""
    outcome = _read_or_refusal(_mutated(marked_seed, mutations))
    if isinstance(outcome, ImportRefused):
        assert outcome.findings
    else:
        assert all(c.action in ("modify", "heading", "delete", "insert") for c in outcome.changes)


def test_only_delegates_propose_and_only_to_a_working_draft(people):
    with pytest.raises(AmendmentRefused):
        _import(people["observer"], _marked().save())
    with pytest.raises(ImportRefused) as refused:
        _import(people["delegate_a"], _marked().save(), edition=edition("rkc", "2006"))
    assert "not a working draft" in str(refused.value)


def test_a_chapter_of_the_published_edition_amends_the_draft(people):
    """Marked up from the 2006 edition: the draft's text is the same, so it applies as is."""
    markup = Markup(_chapter("2006"))
    markup.edit("Customs shall designate", NEW_31)
    result = _import(people["delegate_a"], markup.save())
    assert [p.amendment.proposed_text for p in result.proposed] == [NEW_31]
    assert result.edition.slug == "review-draft"


def test_a_chapter_marked_up_and_saved_by_libreoffice_imports_the_same(people, tmp_path):
    """LibreOffice writes tracked changes its own way (ids, styles, paragraph properties)."""
    markup = Markup(_chapter())
    markup.edit("Customs shall designate", NEW_31)
    markup.edit("Section A: Competent", "Section A: Customs offices")
    markup.insert_after(
        "Customs shall publish the hours",
        [("Heading 3", "Standard 3.2A"), ("Normal", "Customs shall answer within five days.")],
    )
    markup.delete("Transitional Standard 3.3", 2)
    saved = libreoffice(tmp_path, {"marked.docx": markup.save()}, to="docx:MS Word 2007 XML")
    result = _import(people["delegate_a"], saved["marked.docx"].read_bytes())
    assert [(p.label, p.amendment.action.value) for p in result.proposed] == [
        ("Section A (heading)", "heading"),
        ("Standard 3.1", "modify"),
        ("New Standard 3.2A", "insert"),
        ("Transitional Standard 3.3", "delete"),
    ]
    assert result.proposed[1].amendment.proposed_text == NEW_31
    assert result.authors == ("Delegate of Austria",)


# --------------------------------------------------------------------------- the page


def _upload(client, data: bytes, name: str = "chapter-3.docx", **fields):  # type: ignore[no-untyped-def]
    return client.post(
        "/amendments/import",
        data={
            "csrf_token": csrf_token(client, "/amendments/import"),
            "file": (io.BytesIO(data), name),
            "edition": fields.pop("edition", ""),
            "concept": fields.pop("concept", ""),
            "justification": fields.pop("justification", ""),
        },
        content_type="multipart/form-data",
    )


def test_a_delegate_uploads_a_marked_up_chapter_on_the_amendments_pages(small_app, people):
    client = small_app.test_client()
    log_in(client, people["delegate_a"].username)
    page = client.get("/amendments/import").get_data(as_text=True)
    assert "Track Changes" in page
    assert "/w/rkc/export.docx?edition=review-draft&amp;node=ga/3" in page
    assert 'href="/amendments/import"' in client.get("/amendments/").get_data(as_text=True)
    response = _upload(
        client,
        _marked().save(),
        edition="rkc/review-draft",
        concept="Offices",
        justification="Why.",
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/amendments/?scope=mine"
    listing = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "4 draft amendments made from chapter-3.docx" in listing
    assert "paragraph 8: Standard 3.1, modification" in listing
    db.session.rollback()
    made = list(db.session.scalars(select(Amendment)))
    assert {(a.concept, a.justification) for a in made} == {("Offices", "Why.")}
    other = small_app.test_client()
    log_in(other, people["delegate_b"].username)
    assert other.get(f"/amendments/{made[0].id}").status_code == 404  # drafts: own party only


def test_a_refused_upload_shows_every_problem_and_stores_nothing(small_app, people):
    client = small_app.test_client()
    log_in(client, people["delegate_a"].username)
    markup = _marked()
    markup.edit("Standard 3.2", "Standard 3.20")
    before = _stored()
    response = _upload(client, markup.save())
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "1 problem; nothing was stored" in page
    assert "paragraph 11" in page
    db.session.rollback()
    assert _stored() == before


def test_uploads_over_the_request_limit_are_reported_on_the_page(small_app, people):
    client = small_app.test_client()
    log_in(client, people["delegate_a"].username)
    token = csrf_token(client, "/amendments/import")
    small_app.config["MAX_CONTENT_LENGTH"] = 20_000
    response = client.post(
        "/amendments/import",
        data={"csrf_token": token, "file": (io.BytesIO(b"x" * 30_000), "big.docx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "Nothing was stored" in response.get_data(as_text=True)


def test_members_who_do_not_propose_may_not_upload(small_app, people):
    for role in ("observer", "secretariat"):
        client = small_app.test_client()
        log_in(client, people[role].username)
        assert client.get("/amendments/import").status_code == 403
        assert 'href="/amendments/import"' not in client.get("/amendments/").get_data(as_text=True)
