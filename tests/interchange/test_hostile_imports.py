"""The importers under hostile input (hypothesis): random bytes, damaged zips, mutated XML.

Whatever arrives, reading it gives units or an `ImportRefused` report with findings, never
another exception; a refused import has written nothing, not even before the rollback; the
upload form answers 400 with the report, never a server error.

The mutations start from real exports (Akoma Ntoso and Word of General Annex chapter 3), so
they reach deep into the readers: elements deleted, doubled, moved or renamed, attributes and
texts replaced by hostile values, zip members dropped or swapped, bytes flipped.

Long run: HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest -q tests/interchange/test_hostile_imports.py
"""

from __future__ import annotations

import copy
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from sqlalchemy import func, select

from rkc.amendments.models import Amendment
from rkc.audit import Actor, acting_as
from rkc.audit.models import AuditEvent
from rkc.convention import queries
from rkc.convention.models import Edition, EditionEntry, Node, Revision
from rkc.extensions import db
from rkc.interchange import akn, docx_export, docx_tracked
from rkc.interchange.operations import import_file, read_outline
from rkc.interchange.queries import snapshot
from rkc.interchange.report import Finding, ImportRefused

from ..helpers import create_people, csrf_token, log_in
from ..properties import examples
from . import bombs

LIMIT = 4 * 1024 * 1024
AKN = akn.AKN_NS
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


class Seeds(dict):
    """The real exports mutations start from (kept out of hypothesis' failure reports)."""

    def __repr__(self) -> str:
        return "<seeds: " + ", ".join(f"{k} {len(v)} bytes" for k, v in self.items()) + ">"


@pytest.fixture(scope="module")
def seeds(site) -> Seeds:  # type: ignore[no-untyped-def]
    """Real exports of General Annex chapter 3 (2006): the starting points of mutations."""
    with site.app_context():
        edition = queries.edition_by_slug(queries.work_by_key("rkc"), "2006")
        snap = snapshot(edition, queries.node_by_key("ga/3"))
        assert snap is not None
        return Seeds(akn=akn.export(snap), docx=docx_export.export(snap))


# --------------------------------------------------------------------------- mutations

#: Values that have broken readers elsewhere: numbers no int() takes, huge numbers, markup,
#: the corpus grammar's own characters, control and invisible characters.
NASTY = [
    "",
    " ",
    "²",
    "١٢",
    "9" * 5000,
    "-1",
    "{#x}",
    "}",
    "{",
    ":",
    "/",
    "a/b",
    "ga__3__3.1",
    "ga__3",
    "#",
    "\n# Standard 9\n",
    "\n\n## Chapter 1 {#ga}\n",
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "definition",
    "note",
    "chapter",
    "standard",
    "verbatim",
    "ordered loose",
    "Heading 1",
    "Heading 7",
    "Heading 9",
    "List Bullet",
    "List Number 3",
    "\u2028",
    "\ufeff",
    "\t",
    "é" * 300,
]
xml_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(
        st.characters(
            min_codepoint=0x20, blacklist_categories=("Cs",), blacklist_characters="\ufffe\uffff"
        ),
        max_size=30,
    ),
)
AKN_TAGS = [
    "akomaNtoso", "act", "meta", "body", "chapter", "section", "article", "hcontainer", "num",
    "heading", "subheading", "intro", "content", "wrapUp", "p", "blockList", "item", "i", "b",
    "a", "eol", "br", "inline", "authorialNote", "ref", "table", "proprietary", "foo",
]  # fmt: skip
WORD_TAGS = [
    "body", "p", "pPr", "pStyle", "r", "rPr", "t", "tab", "br", "tbl", "ins", "del", "delText",
    "vanish", "b", "i", "hyperlink", "sectPr", "numPr", "ilvl", "foo",
]  # fmt: skip
AKN_ATTRS = ["eId", "name", "class", "href", "keys", "refersTo"]
WORD_ATTRS = [f"{{{W}}}val", f"{{{W}}}id", f"{{{W}}}author", f"{{{W}}}date", "x"]


@st.composite
def tree_mutations(draw: st.DrawFn, tags: list[str], attrs: list[str], namespace: str):  # type: ignore[no-untyped-def]
    """A function that applies a few random structural edits to an element tree."""
    steps = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["delete", "double", "move", "rename", "attr", "text", "tail"]),
                st.integers(0, 10**6),
                st.integers(0, 10**6),
                st.sampled_from(tags),
                st.sampled_from(attrs),
                xml_text,
            ),
            min_size=1,
            max_size=6,
        )
    )

    def mutate(root: etree._Element) -> None:
        for kind, first, second, tag, attr, value in steps:
            elements = [e for e in root.iter() if isinstance(e.tag, str)]
            element = elements[first % len(elements)]
            parent = element.getparent()
            if kind == "delete" and parent is not None:
                parent.remove(element)
            elif kind == "double" and parent is not None:
                element.addnext(copy.deepcopy(element))
            elif kind == "move":
                target = elements[second % len(elements)]
                if (
                    parent is not None
                    and element not in target.iterancestors()
                    and target is not element
                ):
                    target.append(element)
            elif kind == "rename":
                element.tag = f"{{{namespace}}}{tag}"
            else:
                try:
                    if kind == "attr":
                        element.set(attr, value)
                    elif kind == "text":
                        element.text = value
                    else:
                        element.tail = value
                except ValueError:  # a character XML cannot hold: lxml refuses to set it
                    pass

    return mutate


byte_edits = st.lists(
    st.tuples(
        st.sampled_from(["flip", "insert", "delete", "cut"]),
        st.integers(0, 10**9),
        st.binary(min_size=1, max_size=4),
    ),
    min_size=1,
    max_size=5,
)


def apply_byte_edits(data: bytes, edits) -> bytes:  # type: ignore[no-untyped-def]
    out = bytearray(data)
    for kind, position, payload in edits:
        if not out:
            out.extend(payload)
            continue
        at = position % len(out)
        if kind == "flip":
            out[at] ^= payload[0] or 1
        elif kind == "insert":
            out[at:at] = payload
        elif kind == "delete":
            del out[at : at + len(payload)]
        else:
            del out[at:]
    return bytes(out)


def mutate_xml(data: bytes, mutate: Callable[[etree._Element], None]) -> bytes:
    root = etree.fromstring(data)
    mutate(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def rezip(data: bytes, changes: dict[str, bytes | None]) -> bytes:
    """The .docx with some members replaced (None: left out)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename in changes:
                if changes[info.filename] is not None:
                    target.writestr(info.filename, changes[info.filename])  # type: ignore[arg-type]
            else:
                target.writestr(info, source.read(info))
    return out.getvalue()


def docx_member(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name)


# --------------------------------------------------------------------------- reading


def _refusal(call: Callable[[], list]) -> list | ImportRefused:
    """What `call` returns, or the ImportRefused it raised (any other exception propagates)."""
    try:
        return call()
    except ImportRefused as refused:
        outcome = refused
    assert outcome.findings
    assert all(isinstance(f, Finding) and f.reason for f in outcome.findings)
    assert "nothing was stored" in str(outcome)
    return outcome


def read(fmt: str, data: bytes) -> list | ImportRefused:
    """What an import reads before touching the database: units, or the refusal."""
    return _refusal(lambda: read_outline(fmt, data, "upload", limit=LIMIT).units(known_keys=()))


def read_tracked(data: bytes) -> list | ImportRefused:
    return _refusal(lambda: docx_tracked.read_tracked(data, "upload", limit=LIMIT))


PURE = settings(max_examples=examples(120))


@PURE
@given(st.binary(max_size=300))
def test_any_bytes_give_a_report(data: bytes) -> None:
    assert isinstance(read("akn", data), ImportRefused)
    assert isinstance(read("docx", data), ImportRefused)
    assert isinstance(read_tracked(data), ImportRefused)


@settings(max_examples=examples(120), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=byte_edits)
def test_damaged_bytes_of_real_files_give_a_report_or_units(seeds, edits) -> None:  # type: ignore[no-untyped-def]
    read("akn", apply_byte_edits(seeds["akn"], edits))
    damaged = apply_byte_edits(seeds["docx"], edits)
    read("docx", damaged)
    read_tracked(damaged)


@settings(max_examples=examples(150), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutate=tree_mutations(AKN_TAGS, AKN_ATTRS, AKN))
def test_mutated_akoma_ntoso_gives_a_report_or_units(seeds, mutate) -> None:  # type: ignore[no-untyped-def]
    read("akn", mutate_xml(seeds["akn"], mutate))


@settings(max_examples=examples(60), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutate=tree_mutations(WORD_TAGS, WORD_ATTRS, W))
def test_mutated_word_documents_give_a_report_or_units(seeds, mutate) -> None:  # type: ignore[no-untyped-def]
    document = mutate_xml(docx_member(seeds["docx"], "word/document.xml"), mutate)
    data = rezip(seeds["docx"], {"word/document.xml": document})
    read("docx", data)
    read_tracked(data)


MEMBERS = [
    "[Content_Types].xml",
    "_rels/.rels",
    "word/document.xml",
    "word/styles.xml",
    "word/_rels/document.xml.rels",
]


@settings(max_examples=examples(60), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    changes=st.dictionaries(
        st.sampled_from(MEMBERS),
        st.one_of(
            st.none(),
            st.binary(max_size=40),
            st.sampled_from(
                [
                    b"<?xml version='1.0'?><x/>",
                    b'<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
                    b"<w:document xmlns:w='" + W.encode() + b"'><w:body/></w:document>",
                ]
            ),
        ),
        min_size=1,
        max_size=3,
    )
)
def test_word_packages_with_parts_missing_or_replaced_give_a_report_or_units(
    seeds, changes
) -> None:  # type: ignore[no-untyped-def]
    data = rezip(seeds["docx"], changes)
    read("docx", data)
    read_tracked(data)


@pytest.mark.parametrize(
    ("fmt", "make", "expected"),
    [
        ("akn", lambda s: s.replace(b"<num>3.1</num>", b"<num>\xc2\xb2</num>", 1), None),
        ("akn", lambda s: _first_list_number(s, b"\xc2\xb2"), None),
        ("akn", lambda s: _first_list_number(s, b"9" * 5000), None),
        ("akn", lambda s: b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', "DTD"),
        ("docx", lambda s: _compression_method(s, 99), "damaged"),
        ("docx", lambda s: _encrypted(s), "damaged"),
        ("docx", lambda s: _corrupt_deflate(s), "damaged"),
        ("docx", lambda s: rezip(s, {"word/styles.xml": b"<x/>"}), "styles"),
        (
            "docx",
            lambda s: rezip(s, {"word/document.xml": f"<w:body xmlns:w='{W}'/>".encode()}),
            "no document body",
        ),
    ],
    ids=[
        "superscript-num",
        "superscript-list-start",
        "huge-list-start",
        "dtd",
        "unknown-compression",
        "encrypted",
        "corrupt-deflate",
        "styles-not-styles",
        "document-without-body",
    ],
)
def test_known_hostile_files(seeds, fmt, make, expected) -> None:  # type: ignore[no-untyped-def]
    outcome = read(fmt, make(seeds[fmt]))
    if expected is not None:
        assert isinstance(outcome, ImportRefused)
        assert expected in str(outcome)


def _first_list_number(data: bytes, number: bytes) -> bytes:
    """An AKN document whose first list starts with the given number."""
    root = etree.fromstring(data)
    content = root.find(f".//{{{AKN}}}content")
    assert content is not None
    block = etree.SubElement(content, f"{{{AKN}}}blockList")
    item = etree.SubElement(block, f"{{{AKN}}}item")
    num = etree.SubElement(item, f"{{{AKN}}}num")
    num.text = number.decode()
    etree.SubElement(item, f"{{{AKN}}}p").text = "An item."
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _local_headers(data: bytes) -> list[int]:
    offsets, at = [], data.find(b"PK\x03\x04")
    while at >= 0:
        offsets.append(at)
        at = data.find(b"PK\x03\x04", at + 4)
    return offsets


def _compression_method(data: bytes, method: int) -> bytes:
    """Every member claims a compression method zipfile does not know."""
    out = bytearray(data)
    for at in _local_headers(data):
        out[at + 8 : at + 10] = method.to_bytes(2, "little")
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        out[central + 10 : central + 12] = method.to_bytes(2, "little")
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(out)


def _encrypted(data: bytes) -> bytes:
    """Every member flagged as encrypted."""
    out = bytearray(data)
    for at in _local_headers(data):
        out[at + 6] |= 1
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        out[central + 8] |= 1
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(out)


def _corrupt_deflate(data: bytes) -> bytes:
    """The compressed bytes of word/document.xml garbled (its headers intact)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    out = bytearray(data)
    for at in range(start + 5, start + min(info.compress_size, 200) - 5):
        out[at] ^= 0x5A
    return bytes(out)


# --------------------------------------------------------------------------- storing


def _counts() -> dict[str, int]:
    return {
        t.__tablename__: db.session.scalar(select(func.count()).select_from(t))
        for t in (Edition, EditionEntry, Node, Revision, AuditEvent)
    }


@settings(
    max_examples=examples(30),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    fmt=st.sampled_from(["akn", "docx"]),
    akn_mutation=tree_mutations(AKN_TAGS, AKN_ATTRS, AKN),
    word_mutation=tree_mutations(WORD_TAGS, WORD_ATTRS, W),
)
def test_a_refused_import_has_written_nothing(
    small_app, seeds, fmt, akn_mutation, word_mutation
) -> None:  # type: ignore[no-untyped-def]
    """Checked inside the transaction, before any rollback: refusals come before writes."""
    db.session.rollback()
    if fmt == "akn":
        data = mutate_xml(seeds["akn"], akn_mutation)
    else:
        document = mutate_xml(docx_member(seeds["docx"], "word/document.xml"), word_mutation)
        data = rezip(seeds["docx"], {"word/document.xml": document})
    work = queries.work_by_key("rkc")
    base = queries.edition_by_slug(work, "2006")
    before = _counts()
    with acting_as(Actor(None, "test", "secretariat")):
        outcome = _refusal(
            lambda: import_file(
                work,
                fmt,
                data,
                source="upload",
                base=base,
                slug="imported",
                title="Imported",
                limit=LIMIT,
            )
        )
    if isinstance(outcome, ImportRefused):
        assert not db.session.new
        assert _counts() == before
    else:
        assert outcome.edition.slug == "imported"
        assert _counts()["edition"] == before["edition"] + 1
    db.session.rollback()


def post_import(client, fmt: str, filename: str, data: bytes, slug: str):  # type: ignore[no-untyped-def]
    """The Secretariat's import form, posted with one file."""
    return client.post(
        "/w/rkc/import",
        data={
            "csrf_token": csrf_token(client, "/w/rkc/import"),
            "file": (io.BytesIO(data), filename),
            "format": fmt,
            "base": "2006",
            "slug": slug,
            "title": slug.title(),
        },
        content_type="multipart/form-data",
    )


HOSTILE_UPLOADS = [
    ("akn", b"\x00\xff" * 100),
    ("akn", b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>'),
    ("akn", b"<akomaNtoso/>"),
    ("docx", b"PK\x03\x04" + b"\x00" * 200),
    ("docx", b"<html><script>alert(1)</script></html>"),
]


def test_hostile_uploads_get_a_report_and_store_nothing(small_app, seeds) -> None:  # type: ignore[no-untyped-def]
    create_people()
    client = small_app.test_client()
    assert log_in(client, "secretariat").status_code == 302
    uploads = [
        *HOSTILE_UPLOADS,
        ("docx", _compression_method(seeds["docx"], 99)),
        ("docx", _corrupt_deflate(seeds["docx"])),
    ]
    before = _counts()
    for index, (fmt, data) in enumerate(uploads):
        response = post_import(client, fmt, f"upload-{index}.{fmt}", data, f"hostile-{index}")
        assert response.status_code == 400, (index, response.status_code)
        page = response.get_data(as_text=True)
        assert f"upload-{index}.{fmt}" in page or "problem" in page.lower(), index
        assert "<script>alert(1)</script>" not in page
    db.session.rollback()
    assert _counts() == before


# --------------------------------------------------------------------------- compression bombs

MIB = bombs.MIB
#: What the defaults of rkc.config allow a worker to grow by while refusing a bomb.
MEMORY_CAP = 200 * MIB
ROOT = str(Path(__file__).resolve().parent.parent.parent)

#: Word bombs: (builder, what the refusal says). Each one small enough to upload.
WORD_BOMBS: dict[str, tuple[Callable[[], bytes], str]] = {
    # 78 MiB of <w:p/> in 120 KB: stopped by the inflated-bytes budget.
    "paragraphs-78MiB": (lambda: bombs.paragraphs_bomb(78 * MIB), "unpacks to more than"),
    "elements-78MiB": (lambda: bombs.elements_bomb(78 * MIB), "unpacks to more than"),
    # Under the budget, still millions of elements: stopped by the element count.
    "paragraphs-24MiB": (lambda: bombs.paragraphs_bomb(24 * MIB), "XML elements"),
    "elements-24MiB": (lambda: bombs.elements_bomb(24 * MIB), "XML elements"),
    # Headers that claim 31 KB for 256 MiB: stopped after the bytes they claim.
    "lying-header": (lambda: bombs.lying_docx(256 * MIB), "damaged"),
    # Headers that claim 4000 MB for 256 MiB: stopped at the budget.
    "lying-header-upwards": (
        lambda: bombs.lying_docx(256 * MIB, declared=4000 * 1000 * 1000),
        "unpacks to more than",
    ),
    "deep": (lambda: bombs.deep_document(150), "nested more than 100 deep"),
    "many-members": (lambda: bombs.many_members(2000), "members"),
}
AKN_BOMBS: dict[str, tuple[Callable[[], bytes], str]] = {
    "akn-elements": (lambda: bombs.akn_elements(LIMIT - 1024), "XML elements"),
    "akn-deep": (lambda: bombs.akn_deep(150), "nested more than 100 deep"),
}


@pytest.fixture(scope="module")
def word_bombs() -> dict[str, bytes]:
    return {name: make() for name, (make, _said) in WORD_BOMBS.items()}


@pytest.mark.parametrize("name", WORD_BOMBS)
def test_word_bombs_are_refused_with_a_reason(word_bombs, name) -> None:  # type: ignore[no-untyped-def]
    data, said = word_bombs[name], WORD_BOMBS[name][1]
    assert len(data) < 8 * MIB  # under the request limit: a real upload
    for outcome in (read("docx", data), read_tracked(data)):
        assert isinstance(outcome, ImportRefused), name
        assert said in str(outcome), str(outcome)


@pytest.mark.parametrize("name", AKN_BOMBS)
def test_akoma_ntoso_bombs_are_refused_with_a_reason(name) -> None:  # type: ignore[no-untyped-def]
    make, said = AKN_BOMBS[name]
    outcome = read("akn", make())
    assert isinstance(outcome, ImportRefused)
    assert said in str(outcome), str(outcome)


def test_the_limits_are_settings(app) -> None:  # type: ignore[no-untyped-def]
    """A deployment can lower (or raise) each limit; the refusal names the configured one."""
    data = rezip(bombs.many_members(10), {})
    with app.app_context():
        app.config["IMPORT_MAX_XML_DEPTH"] = 30
        assert "nested more than 30 deep" in str(read("docx", bombs.deep_document(40)))
        app.config["IMPORT_MAX_ZIP_MEMBERS"] = 5
        assert "at most 5 are read" in str(read("docx", data))
        app.config["IMPORT_MAX_UNPACKED_BYTES"] = MIB
        assert "more than 1 MiB" in str(read("docx", bombs.paragraphs_bomb(2 * MIB)))
        app.config["IMPORT_MAX_XML_ELEMENTS"] = 1000
        assert "more than 1,000 XML elements" in str(read("akn", bombs.akn_elements(8000)))


def test_refusing_a_bomb_keeps_memory_under_the_cap(tmp_path, word_bombs) -> None:  # type: ignore[no-untyped-def]
    """Measured in a fresh interpreter: the peak resident memory while each bomb is read (as
    an import and as marked-up amendments) grows by less than 200 MB, and each is refused."""
    for name, data in word_bombs.items():
        (tmp_path / f"{name}.docx").write_bytes(data)
    for name, (make, _said) in AKN_BOMBS.items():
        (tmp_path / f"{name}.xml").write_bytes(make())
    setup = f"""
from pathlib import Path
from rkc.interchange import docx_tracked
from rkc.interchange.operations import read_outline
folder = Path({str(tmp_path)!r})
files = {{p.stem: (p.suffix, p.read_bytes()) for p in sorted(folder.iterdir())}}
CASES = {{}}
for stem, (suffix, data) in files.items():
    if suffix == ".xml":
        CASES[stem] = lambda data=data: read_outline("akn", data, "bomb", limit={LIMIT})
    else:
        CASES[stem] = lambda data=data: read_outline("docx", data, "bomb", limit={LIMIT})
        CASES[stem + " (tracked)"] = lambda data=data: docx_tracked.read_tracked(
            data, "bomb", limit={LIMIT})
"""
    results = bombs.peak_growth(setup, ROOT)
    assert len(results) == 2 * len(WORD_BOMBS) + len(AKN_BOMBS)
    for label, result in results.items():
        assert str(result["outcome"]).startswith("ImportRefused"), (label, result)
        assert int(result["growth"]) < MEMORY_CAP, (label, result)  # type: ignore[call-overload]


def test_bomb_uploads_get_400_and_a_reason_and_store_nothing(small_app, word_bombs) -> None:  # type: ignore[no-untyped-def]
    create_people()
    client = small_app.test_client()
    assert log_in(client, "secretariat").status_code == 302
    uploads = [("docx", name, data, WORD_BOMBS[name][1]) for name, data in word_bombs.items()]
    # An Akoma Ntoso bomb under 500 KB: the test client spools larger uploads to files it
    # leaves open (the 4 MiB one is read in the tests above).
    uploads += [
        ("akn", "akn-elements", bombs.akn_elements(460_000), "XML elements"),
        ("akn", "akn-deep", bombs.akn_deep(150), "nested more than 100 deep"),
    ]
    before = _counts()
    for fmt, name, data, said in uploads:
        response = post_import(client, fmt, f"{name}.{fmt}", data, "bomb")
        response.close()  # closes the spooled upload too
        assert response.status_code == 400, (name, response.status_code)
        assert said in response.get_data(as_text=True), name
    db.session.rollback()
    assert _counts() == before


def test_bombs_marked_up_as_amendments_get_400(small_app, word_bombs) -> None:  # type: ignore[no-untyped-def]
    create_people()
    client = small_app.test_client()
    assert log_in(client, "delegate-a").status_code == 302
    before = db.session.scalar(select(func.count()).select_from(Amendment))
    for name in ("paragraphs-78MiB", "lying-header", "many-members"):
        response = client.post(
            "/amendments/import",
            data={
                "csrf_token": csrf_token(client, "/amendments/import"),
                "file": (io.BytesIO(word_bombs[name]), f"{name}.docx"),
                "edition": "",
            },
            content_type="multipart/form-data",
        )
        response.close()
        assert response.status_code == 400, (name, response.status_code)
        assert WORD_BOMBS[name][1] in response.get_data(as_text=True), name
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Amendment)) == before


def test_the_command_line_refuses_a_bomb_with_a_message(small_app, tmp_path, word_bombs) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bomb.docx"
    path.write_bytes(word_bombs["paragraphs-78MiB"])
    args = ["import", "docx", str(path), "--base", "2006", "--slug", "bomb", "--title", "Bomb"]
    result = small_app.test_cli_runner().invoke(args=args)
    assert result.exit_code != 0
    assert "unpacks to more than 32 MiB" in result.output
    assert "Traceback" not in result.output
