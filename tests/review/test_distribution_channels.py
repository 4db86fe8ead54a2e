"""Distribution levels on the channels that list documents without being asked for one by
number: the search page and the Atom feed. Each role finds exactly the documents its level
allows; the feed, the same for everyone, holds public documents only."""

from __future__ import annotations

import html
import re
from xml.etree import ElementTree

import pytest
from flask.testing import FlaskClient

from rkc.audit import Actor, acting_as
from rkc.extensions import db
from rkc.review import operations as ops
from rkc.review import queries
from rkc.review.models import DocumentLevel
from rkc.search import search_index

from ..helpers import create_people, log_in
from .fixtures import PDF_BYTES, READERS, ROLES, body, review_context

MARKERS = {level: f"Zq{level.replace('_', '')}search" for level in READERS}
ATOM = "{http://www.w3.org/2005/Atom}"


def _register(meeting_id: int, title: str, level: str, language: str = "en") -> int:
    with acting_as(Actor(None, "test-setup", "system")):
        document = ops.register_document(
            body(),
            title=title,
            language=language,
            data=PDF_BYTES,
            filename="d.pdf",
            meeting=queries.meeting(meeting_id),
            level=level,
        )
        document_id = document.id
    db.session.commit()
    return document_id


def _set_level(document_id: int, level: DocumentLevel) -> None:
    """Change a document's level as a transaction of its own (the test's earlier reads may
    hold an older snapshot than the requests' writes since)."""
    db.session.rollback()
    queries.document(document_id).level = level
    db.session.commit()


def _client(app, people, role: str) -> FlaskClient:  # type: ignore[no-untyped-def]
    client = app.test_client()
    if role != "anonymous":
        assert log_in(client, people[role].username).status_code == 302
    return client


def _search(client: FlaskClient, q: str) -> str:
    response = client.get("/search", query_string={"q": q})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _document_links(page: str) -> set[str]:
    section = page.split('<section class="search-documents"', 1)
    if len(section) < 2:
        return set()
    listed = section[1].split("</section>", 1)[0]
    return {html.unescape(h) for h in re.findall(r'<a href="(/documents/\d+)"', listed)}


@pytest.mark.parametrize("role", ROLES)
def test_search_finds_exactly_the_documents_the_role_may_read(small_app, role):
    people = create_people()
    ctx = review_context()
    ids = {level: _register(ctx["meeting_id"], marker, level) for level, marker in MARKERS.items()}
    symbols = {level: queries.document(i).symbol for level, i in ids.items()}
    client = _client(small_app, people, role)
    by_title, by_symbol, by_words = {}, {}, {}
    for level, marker in MARKERS.items():
        link = f"/documents/{ids[level]}"
        by_title[level] = link in _document_links(_search(client, marker))
        # By symbol (in lower case): the title, which the query does not echo, is listed.
        page = _search(client, symbols[level].lower())
        by_symbol[level] = link in _document_links(page) and marker in page
        # Several words: the body's code and a word of the title.
        by_words[level] = link in _document_links(_search(client, f"RKC/MC {marker.lower()}"))
    expected = {level: role in readers for level, readers in READERS.items()}
    assert by_title == expected
    assert by_symbol == expected
    assert by_words == expected
    # One search naming no document in particular lists every document the role may read.
    listed = _document_links(_search(client, "Zq"))
    assert listed == {f"/documents/{ids[level]}" for level, ok in expected.items() if ok}


def test_a_document_whose_level_is_raised_leaves_the_search_of_those_below(small_app):
    people = create_people()
    ctx = review_context()
    document_id = _register(ctx["meeting_id"], "Zqraisedlevel guidance", "public")
    clients = {role: _client(small_app, people, role) for role in ROLES}
    link = f"/documents/{document_id}"

    def finders() -> set[str]:
        return {
            role
            for role, client in clients.items()
            if link in _document_links(_search(client, "zqraisedlevel"))
        }

    assert finders() == set(ROLES)
    _set_level(document_id, DocumentLevel.PARTIES)
    assert finders() == READERS["parties"]
    # A full rebuild of the text index changes nothing: documents are read from the register.
    search_index(small_app).rebuild(db.engine)
    assert finders() == READERS["parties"]
    _set_level(document_id, DocumentLevel.SECRETARIAT)
    assert finders() == {"secretariat"}


def test_revised_and_translated_versions_are_found_at_their_level(small_app):
    people = create_people()
    ctx = review_context()
    original_id = _register(ctx["meeting_id"], "Zqversioned note", "parties")
    with acting_as(Actor(None, "test-setup", "system")):
        original = queries.document(original_id)
        french = ops.add_language(
            original, language="fr", title="Zqversioned note (fr)", data=PDF_BYTES, filename="f.pdf"
        )
        revised = ops.revise(original, title="Zqversioned note", data=PDF_BYTES, filename="r.pdf")
        french_id, revised_id, revised_symbol = french.id, revised.id, revised.symbol
    db.session.commit()
    wanted = {f"/documents/{i}" for i in (original_id, french_id, revised_id)}
    delegate = _client(small_app, people, "delegate_a")
    observer = _client(small_app, people, "observer")
    assert _document_links(_search(delegate, "zqversioned")) == wanted
    assert _document_links(_search(observer, "zqversioned")) == set()
    # A full symbol names one version.
    page = _search(delegate, revised_symbol)
    assert _document_links(page) == {f"/documents/{revised_id}"}


def test_search_words_are_words_not_patterns(small_app):
    """LIKE's wildcards typed in a search are matched as themselves, and NOT excludes."""
    people = create_people()
    ctx = review_context()
    plain = _register(ctx["meeting_id"], "Zqpattern plain", "public")
    percent = _register(ctx["meeting_id"], "Zqpattern 100% sure", "public")
    client = _client(small_app, people, "secretariat")
    assert _document_links(_search(client, "zqpattern %")) == {f"/documents/{percent}"}
    assert _document_links(_search(client, "zqpattern _")) == set()
    assert _document_links(_search(client, "zqpattern NOT sure")) == {f"/documents/{plain}"}
    # Control characters are not part of words (PostgreSQL refuses a NUL in a parameter).
    assert _document_links(_search(client, "\x00zqpattern\x1f plain")) == {f"/documents/{plain}"}
    assert queries.document_words("a\ud800b") == (["a", "b"], [])
    # A word under a field of the Convention's text names no document.
    assert _document_links(_search(client, "kind:zqpattern")) == set()
    assert queries.document_words('"Zq plain" AND (x OR y) NOT z annex:b title:t*') == (
        ["zq", "plain", "x", "y", "t"],
        ["z"],
    )


def _feed(client: FlaskClient) -> ElementTree.Element:
    response = client.get("/feeds/editions.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    return ElementTree.fromstring(response.data)  # noqa: S314 (our own output)


def _document_entries(feed: ElementTree.Element) -> dict[str, tuple[str, str]]:
    """Entry id -> (title, link) of each document entry."""
    found = {}
    for entry in feed.findall(f"{ATOM}entry"):
        entry_id = entry.findtext(f"{ATOM}id") or ""
        if "/documents/" in entry_id:
            link = entry.find(f"{ATOM}link")
            found[entry_id] = (entry.findtext(f"{ATOM}title") or "", link.get("href") or "")
    return found


@pytest.mark.parametrize("role", ["anonymous", "secretariat"])
def test_the_feed_holds_public_documents_and_no_others(small_app, role):
    people = create_people()
    ctx = review_context()
    ids = {level: _register(ctx["meeting_id"], marker, level) for level, marker in MARKERS.items()}
    public_symbol = queries.document(ids["public"]).symbol
    base = small_app.config["PUBLIC_URL"]
    client = _client(small_app, people, role)
    body_text = client.get("/feeds/editions.atom").get_data(as_text=True)
    for level, marker in MARKERS.items():
        assert (marker in body_text) is (level == "public"), level
    entries = _document_entries(_feed(client))
    public_id = f"{base}/documents/{ids['public']}"
    assert entries == {
        public_id: (
            f"{public_symbol}: {MARKERS['public']}",
            f"{base}/documents/{ids['public']}",
        )
    }
    # Editions are still there.
    assert any("/editions/" in (e.findtext(f"{ATOM}id") or "") for e in _feed(client))
    # Raised above public, it leaves the feed.
    _set_level(ids["public"], DocumentLevel.PARTIES_AND_OBSERVERS)
    assert _document_entries(_feed(client)) == {}


def test_the_feed_links_documents_through_the_public_address(small_app):
    small_app.config["PUBLIC_URL"] = "https://rkc.example.org"
    ctx = review_context()
    _register(ctx["meeting_id"], "Zqaddressed", "public")
    client = small_app.test_client()
    entries = _document_entries(_feed(client))
    forged = _document_entries(
        ElementTree.fromstring(  # noqa: S314 (our own output)
            client.get("/feeds/editions.atom", headers={"Host": "evil.example"}).data
        )
    )
    assert entries == forged
    assert len(entries) == 1
    for entry_id, (_title, link) in entries.items():
        assert entry_id.startswith("https://rkc.example.org/documents/")
        assert link.startswith("https://rkc.example.org/documents/")


@pytest.mark.parametrize("role", ROLES)
def test_the_api_search_lists_exactly_the_documents_the_role_may_read(small_app, role):
    people = create_people()
    ctx = review_context()
    ids = {level: _register(ctx["meeting_id"], marker, level) for level, marker in MARKERS.items()}
    client = _client(small_app, people, role)
    expected = {ids[level] for level, readers in READERS.items() if role in readers}
    answer = client.get("/api/v1/search", query_string={"q": "Zq"})
    assert answer.status_code == 200
    documents = answer.get_json()["documents"]
    assert {item["id"] for item in documents["items"]} == expected
    assert documents["total"] == len(expected)
    for item in documents["items"]:
        assert item["level"] in {level for level, readers in READERS.items() if role in readers}
        assert item["file_url"] == f"/documents/{item['id']}/file"
    # The second page of hits repeats no documents (they are listed with the first).
    later = client.get("/api/v1/search", query_string={"q": "Zq", "page": 2}).get_json()
    assert later["documents"] == {"total": 0, "items": []}
