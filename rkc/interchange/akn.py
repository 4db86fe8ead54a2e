"""Akoma Ntoso 3.0: export an edition (or one unit of it) as an `act`, and read one back.

Size: just over 600 lines: export and import of one format share the mapping table below and
are kept side by side on purpose.

Mapping (both ways; docs/interchange.md has the same table):

- work: FRBRWork `/akn/un/act/<subtype>/wco/<first date>/<work key>`
- edition: FRBRExpression `<work>/eng@<date>`; FRBRversionNumber = edition slug;
  FRBRauthoritative = whether the text is authentic
- this export: FRBRManifestation `<expression>.akn`, dated today
- edition dates (and those of the editions it grew from): `lifecycle/eventRef`
- chapter, section, article: `chapter`, `section`, `article`
- other kinds (instrument, annex, preamble, standard, ...): `hcontainer name="<kind>"`
- note: `authorialNote` at the end of the unit's text
- key: `eId`, the key with `/` written `__` (`ga/3/3.11` -> `ga__3__3.11`)
- number (`E1/F23` for a definition): `num`; title: `heading`
- text (Markdown): `p`, `blockList/item`, `i`, `b`, `a`, `eol`
- `explains=`: `proprietary/rkc:explains`
- edition slug, status, authentic flag: `proprietary/rkc:edition`; when the text is not
  authentic, also a `notes` entry and a preface paragraph saying so

No Flask here. Reading goes through `rkc.interchange.safe_xml`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from lxml import etree

from rkc.clock import today
from rkc.convention.kinds import KIND_WORDS
from rkc.convention.models import Edition
from rkc.interchange import blocks as md
from rkc.interchange.outline import Outline
from rkc.interchange.queries import Snapshot, TreeNode
from rkc.interchange.report import refuse
from rkc.interchange.safe_xml import parse as parse_xml

AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
#: Namespace of rkc's own metadata inside `proprietary`.
RKC_NS = "urn:rkc:akn:proprietary:1"
_A = f"{{{AKN_NS}}}"
_R = f"{{{RKC_NS}}}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

#: AKN has no country for a treaty of an international organisation; "un" is the customary
#: two-letter stand-in for the international level.
COUNTRY = "un"
ACTOR = "wco"
#: FRBR subtype per work key (others use the work key itself).
SUBTYPES = {"rkc": "convention"}

ELEMENT_OF_KIND = {"chapter": "chapter", "section": "section", "article": "article"}
KIND_OF_ELEMENT = {v: k for k, v in ELEMENT_OF_KIND.items()}
HCONTAINER_KINDS = frozenset(KIND_WORDS.values()) - set(ELEMENT_OF_KIND) - {"note"}

UNOFFICIAL = (
    "Unofficial working text. Its structure, numbering and provision kinds follow the Revised "
    "Kyoto Convention; its wording is not the authentic text deposited with the Secretary "
    "General of the World Customs Organization."
)


UNOFFICIAL_FR = (
    "Texte de travail non officiel. Sa structure, sa numérotation et la nature de ses "
    "dispositions suivent la Convention de Kyoto révisée ; sa rédaction n'est pas le texte "
    "authentique déposé auprès du Secrétaire général de l'Organisation mondiale des douanes."
)

#: The notice per language of the text.
UNOFFICIAL_IN = {"en": UNOFFICIAL, "fr": UNOFFICIAL_FR}

#: ISO 639-2 codes for FRBR expressions (AKN naming convention), by rkc language code.
LANGUAGE_CODES = {"en": "eng", "fr": "fra"}


def eid(key: str) -> str:
    return key.replace("/", "__")


def key_of(eid_value: str) -> str:
    return eid_value.replace("__", "/")


def _el(tag: str, attrib: dict[str, str] | None = None, text: str | None = None) -> etree._Element:
    element = etree.Element(_A + tag, attrib or {}, nsmap=None)
    if text is not None:
        element.text = text
    return element


def _sub(parent: etree._Element, tag: str, attrib: dict[str, str] | None = None, text=None):  # type: ignore[no-untyped-def]
    element = etree.SubElement(parent, _A + tag, attrib or {})
    if text is not None:
        element.text = text
    return element


# --------------------------------------------------------------------------- URIs


def work_date(edition: Edition) -> date:
    """The work's FRBR date: the earliest date any of its editions carries."""
    dates = [d for e in edition.work.editions for d in (e.adopted_on, e.in_force_from) if d]
    return min(dates) if dates else edition.created_at.date()


def expression_date(edition: Edition) -> date:
    return edition.in_force_from or edition.adopted_on or edition.created_at.date()


def work_uri(edition: Edition) -> str:
    work = edition.work
    subtype = SUBTYPES.get(work.key, work.key)
    return f"/akn/{COUNTRY}/act/{subtype}/{ACTOR}/{work_date(edition).isoformat()}/{work.key}"


def expression_uri(edition: Edition, language: str = "eng") -> str:
    return f"{work_uri(edition)}/{language}@{expression_date(edition).isoformat()}"


# --------------------------------------------------------------------------- export


def export(snap: Snapshot) -> bytes:
    """The Akoma Ntoso document of an edition (or of the unit `snap.scope`)."""
    edition, work = snap.edition, snap.work
    root = etree.Element(_A + "akomaNtoso", nsmap={None: AKN_NS, "rkc": RKC_NS})
    act = _sub(root, "act", {"name": SUBTYPES.get(work.key, work.key)})
    act.append(_meta(snap))
    preface = _sub(act, "preface")
    long_title = _sub(preface, "longTitle")
    _sub(long_title, "p", text=work.title)
    _sub(preface, "p", {"class": "edition"}, text=edition.title)
    if not snap.is_authentic:
        _sub(preface, "p", {"class": "unofficial"}, text=UNOFFICIAL_IN[snap.language])

    body = _sub(act, "body")
    # The language of the text (XML's own attribute; the schema allows it on the content
    # elements, not on the document element).
    for part in (preface, body):
        part.set(XML_LANG, snap.language)
    for node in snap.roots:
        body.append(_unit(node))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=False)


def _lifecycle_events(edition: Edition) -> list[tuple[date, str, str]]:
    """(date, eId, what) for this edition and the editions it was based on, oldest first."""
    events = []
    chain, seen = edition, set()
    while chain is not None and chain.id not in seen:
        seen.add(chain.id)
        if chain.adopted_on:
            events.append((chain.adopted_on, f"e_{chain.slug}_adopted", "adoption"))
        if chain.in_force_from:
            events.append((chain.in_force_from, f"e_{chain.slug}_in_force", "entryIntoForce"))
        chain = chain.based_on
    if not events:
        created = edition.created_at.date()
        events.append((created, f"e_{edition.slug}_opened", "opening"))
    return sorted(events)


def _meta(snap: Snapshot) -> etree._Element:
    edition, work = snap.edition, snap.work
    language = LANGUAGE_CODES[snap.language]
    w_uri, x_uri = work_uri(edition), expression_uri(edition, language)
    component = "!main"
    meta = _el("meta")
    ident = _sub(meta, "identification", {"source": "#rkc"})
    frbr_work = _sub(ident, "FRBRWork")
    _sub(frbr_work, "FRBRthis", {"value": f"{w_uri}/{component}"})
    _sub(frbr_work, "FRBRuri", {"value": w_uri})
    _sub(frbr_work, "FRBRalias", {"value": work.short_title, "name": "short_title"})
    _sub(frbr_work, "FRBRdate", {"date": work_date(edition).isoformat(), "name": "Generation"})
    _sub(frbr_work, "FRBRauthor", {"href": "#wco"})
    _sub(frbr_work, "FRBRcountry", {"value": COUNTRY})
    _sub(frbr_work, "FRBRsubtype", {"value": SUBTYPES.get(work.key, work.key)})
    _sub(frbr_work, "FRBRnumber", {"value": work.key})
    _sub(frbr_work, "FRBRname", {"value": work.title})
    expression = _sub(ident, "FRBRExpression")
    portion = f"~{eid(snap.scope.key)}" if snap.scope is not None else ""
    _sub(expression, "FRBRthis", {"value": f"{x_uri}/{component}{portion}"})
    _sub(expression, "FRBRuri", {"value": x_uri})
    _sub(expression, "FRBRalias", {"value": edition.title, "name": "title"})
    _sub(
        expression,
        "FRBRdate",
        {"date": expression_date(edition).isoformat(), "name": edition.status.value},
    )
    _sub(expression, "FRBRauthor", {"href": "#wco"})
    _sub(expression, "FRBRversionNumber", {"value": edition.slug})
    _sub(expression, "FRBRauthoritative", {"value": "true" if snap.is_authentic else "false"})
    _sub(expression, "FRBRlanguage", {"language": language})
    manifestation = _sub(ident, "FRBRManifestation")
    _sub(manifestation, "FRBRthis", {"value": f"{x_uri}/{component}{portion}.xml"})
    _sub(manifestation, "FRBRuri", {"value": f"{x_uri}.akn"})
    _sub(manifestation, "FRBRdate", {"date": today().isoformat(), "name": "Transform"})
    _sub(manifestation, "FRBRauthor", {"href": "#rkc"})

    events = _lifecycle_events(edition)
    lifecycle = _sub(meta, "lifecycle", {"source": "#rkc"})
    for index, (day, event_id, what) in enumerate(events):
        _sub(
            lifecycle,
            "eventRef",
            {
                "eId": event_id,
                "date": day.isoformat(),
                "source": "#original",
                "type": "generation" if index == 0 else "amendment",
                "refersTo": f"#{what}",
            },
        )
    references = _sub(meta, "references", {"source": "#rkc"})
    _sub(
        references,
        "original",
        {"eId": "original", "href": x_uri, "showAs": edition.title},
    )
    for what, label in sorted(
        {
            ("adoption", "Adoption"),
            ("entryIntoForce", "Entry into force"),
            ("opening", "Working draft opened"),
        }
    ):
        if any(e[2] == what for e in events):
            _sub(
                references,
                "TLCEvent",
                {"eId": what, "href": f"/ontology/event/rkc/{what}", "showAs": label},
            )
    _sub(
        references,
        "TLCOrganization",
        {
            "eId": "wco",
            "href": "/ontology/organization/un/wco",
            "showAs": "World Customs Organization",
        },
    )
    _sub(
        references,
        "TLCOrganization",
        {"eId": "rkc", "href": "/ontology/organization/rkc", "showAs": "rkc revision system"},
    )
    if not snap.is_authentic:
        notes = _sub(meta, "notes", {"source": "#rkc"})
        note = _sub(notes, "note", {"eId": "n_unofficial"})
        _sub(note, "p", text=UNOFFICIAL_IN[snap.language])
    proprietary = _sub(meta, "proprietary", {"source": "#rkc"})
    info = etree.SubElement(
        proprietary,
        _R + "edition",
        {
            "work": work.key,
            "slug": edition.slug,
            "status": edition.status.value,
            "authentic": "true" if edition.is_authentic else "false",
        },
    )
    if edition.adopted_on:
        info.set("adoptedOn", edition.adopted_on.isoformat())
    if edition.in_force_from:
        info.set("inForceFrom", edition.in_force_from.isoformat())
    if snap.scope is not None:
        info.set("scope", snap.scope.key)
    for item in snap.items():
        if item.explains:
            etree.SubElement(
                proprietary,
                _R + "explains",
                {"eId": eid(item.key), "keys": " ".join(item.explains)},
            )
    return meta


def _unit(node: TreeNode) -> etree._Element:
    item = node.item
    tag = ELEMENT_OF_KIND.get(item.kind, "hcontainer")
    attrib = {"eId": eid(item.key)}
    if tag == "hcontainer":
        attrib["name"] = item.kind
    element = _el(tag, attrib)
    if item.number:
        num = item.number + (f"/{item.number_alt}" if item.number_alt else "")
        _sub(element, "num", text=num)
    if item.title:
        _sub(element, "heading", text=item.title)
    notes = [c for c in node.children if c.item.kind == "note"]
    others = [c for c in node.children if c.item.kind != "note"]
    holder = _sub(element, "intro" if others else "content")
    _blocks(holder, md.parse(item.text))
    if notes:
        paragraphs = list(holder.iter(_A + "p"))
        anchor = paragraphs[-1] if paragraphs else _sub(holder, "p")
        for index, note in enumerate(notes, start=1):
            anchor.append(_note(note, index))
    if not len(holder):
        if others:
            element.remove(holder)
        else:
            _sub(holder, "p")
    for child in others:
        element.append(_unit(child))
    return element


def _note(node: TreeNode, index: int) -> etree._Element:
    item = node.item
    note = _el(
        "authorialNote",
        {"eId": eid(item.key), "marker": item.number or str(index), "placement": "bottom"},
    )
    if item.number:
        _sub(note, "num", text=item.number)
    if item.title:
        _sub(note, "heading", text=item.title)
    _blocks(note, md.parse(item.text))
    if not any(child.tag == _A + "p" or child.tag == _A + "blockList" for child in note):
        _sub(note, "p")
    return note


def _blocks(parent: etree._Element, blocks: Iterable[md.Block]) -> None:
    for block in blocks:
        if isinstance(block, md.Paragraph):
            _spans(_sub(parent, "p"), block.spans)
        elif isinstance(block, md.Verbatim):
            p = _sub(parent, "p", {"class": "verbatim"})
            _spans(p, _lines(block.source))
        else:
            attrib = {"class": "ordered" if block.ordered else "bullets"}
            if not block.tight:
                attrib["class"] += " loose"
            block_list = _sub(parent, "blockList", attrib)
            for index, item_blocks in enumerate(block.items):
                item = _sub(block_list, "item")
                if block.ordered:
                    _sub(item, "num", text=f"{block.start + index}.")
                _blocks(item, item_blocks)
                if len(item) == (1 if block.ordered else 0):
                    _sub(item, "p")


def _lines(source: str) -> tuple[md.Span, ...]:
    spans: list[md.Span] = []
    for index, line in enumerate(source.split("\n")):
        if index:
            spans.append(md.Span("softbreak"))
        spans.append(md.Span("text", line))
    return tuple(spans)


def _append_text(parent: etree._Element, text: str) -> None:
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def _spans(parent: etree._Element, spans: Iterable[md.Span]) -> None:
    for span in spans:
        if span.kind == "text":
            _append_text(parent, span.text)
        elif span.kind in ("em", "strong"):
            _spans(_sub(parent, "i" if span.kind == "em" else "b"), span.children)
        elif span.kind == "code":
            _sub(parent, "inline", {"name": "code"}, text=span.text)
        elif span.kind == "link":
            _spans(_sub(parent, "a", {"href": span.href}), span.children)
        elif span.kind == "softbreak":
            _sub(parent, "eol")
        elif span.kind == "hardbreak":
            _sub(parent, "br")


# --------------------------------------------------------------------------- import


def read(data: bytes, source: str, *, limit: int) -> Outline:
    """Read an Akoma Ntoso document into an outline (checked later by `Outline.units`)."""
    root = parse_xml(data, source, limit=limit)
    if root.tag != _A + "akomaNtoso":
        raise refuse(
            source,
            f"line {root.sourceline}",
            f"the root element is <{etree.QName(root).localname}>, not an Akoma Ntoso 3.0 "
            f"<akomaNtoso> in the namespace {AKN_NS}",
        )
    document = next((c for c in root if isinstance(c.tag, str)), None)
    body = document.find(_A + "body") if document is not None else None
    if body is None:
        raise refuse(
            source, f"line {root.sourceline}", "no <body>: only hierarchical documents (act, bill)"
        )
    outline = Outline(source)
    explains: dict[str, list[str]] = {}
    if document is not None:
        for element in document.iter(_R + "explains"):
            explains[element.get("eId", "")] = element.get("keys", "").split()
    for child in _elements(body):
        _read_unit(outline, child, 1, explains)
    return outline


def _elements(parent: etree._Element) -> list[etree._Element]:
    return [c for c in parent if isinstance(c.tag, str)]


def _where(element: etree._Element) -> str:
    name = etree.QName(element).localname
    ident = element.get("eId")
    label = f'<{name} eId="{ident}">' if ident else f"<{name}>"
    return f"line {element.sourceline} {label}"


def _kind_of(outline: Outline, element: etree._Element) -> str | None:
    name = etree.QName(element).localname
    if element.tag == _A + "hcontainer":
        kind = element.get("name", "")
        if kind in HCONTAINER_KINDS:
            return kind
        outline.problem(
            _where(element),
            f"hcontainer name {kind!r} is not a kind rkc knows "
            f"({', '.join(sorted(HCONTAINER_KINDS))})",
        )
        return None
    if element.tag.startswith(_A) and name in KIND_OF_ELEMENT:
        return KIND_OF_ELEMENT[name]
    outline.problem(
        _where(element),
        f"unexpected element <{name}>: rkc reads <chapter>, <section>, <article> and "
        '<hcontainer name="kind">',
    )
    return None


def _read_unit(
    outline: Outline, element: etree._Element, level: int, explains: dict[str, list[str]]
) -> None:
    kind = _kind_of(outline, element)
    if kind is None:
        return
    where = _where(element)
    number = number_alt = title = None
    num = element.find(_A + "num")
    if num is not None:
        number = _inline_text(num).strip()
        if kind == "definition" and "/" in number:
            number, _, number_alt = number.partition("/")
    heading = element.find(_A + "heading")
    if heading is not None:
        title = _inline_text(heading).strip()
    ident = element.get("eId")
    outline.heading(
        level=level,
        kind=kind,
        number=number,
        number_alt=number_alt,
        title=title,
        key=key_of(ident) if ident else None,
        explains=explains.get(ident or "", ()),
        where=where,
    )
    notes: list[etree._Element] = []
    children: list[etree._Element] = []
    for child in _elements(element):
        name = etree.QName(child).localname
        if name in ("num", "heading", "subheading"):
            continue
        if name in ("intro", "content"):
            for note in list(child.iter(_A + "authorialNote")):
                notes.append(note)
                _detach(note)
            outline.text(_read_blocks(outline, child), where)
        elif name == "wrapUp":
            outline.problem(_where(child), "<wrapUp> text after sub-units is not supported")
        else:
            children.append(child)
    for index, note in enumerate(notes, start=1):
        _read_note(outline, note, level + 1, index)
    for child in children:
        _read_unit(outline, child, level + 1, explains)


def _detach(element: etree._Element) -> None:
    """Remove an element, keeping the text that followed it."""
    parent = element.getparent()
    assert parent is not None
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _read_note(outline: Outline, note: etree._Element, level: int, index: int) -> None:
    number = title = None
    content = []
    for child in _elements(note):
        name = etree.QName(child).localname
        if name == "num":
            number = _inline_text(child).strip()
        elif name == "heading":
            title = _inline_text(child).strip()
        else:
            content.append(child)
    ident = note.get("eId")
    where = _where(note)
    outline.heading(
        level=level,
        kind="note",
        number=number,
        title=title,
        key=key_of(ident) if ident else None,
        where=where,
    )
    holder = etree.Element(_A + "content")
    holder.extend(content)
    outline.text(_read_blocks(outline, holder), where)


def _read_blocks(outline: Outline, container: etree._Element) -> str:
    return md.render(_blocks_of(outline, container))


def _blocks_of(outline: Outline, container: etree._Element) -> list[md.Block]:
    result: list[md.Block] = []
    for child in _elements(container):
        name = etree.QName(child).localname
        if child.tag == _A + "p":
            spans = _spans_of(child)
            if "verbatim" in (child.get("class") or "").split():
                result.append(md.Verbatim(md.plain_text(spans)))
            elif spans:  # an empty <p/> stands for an empty text
                result.append(md.Paragraph(spans))
        elif child.tag == _A + "blockList":
            result.append(_list_of(outline, child))
        else:
            outline.problem(
                _where(child),
                f"unexpected <{name}> in a text: rkc reads <p> and <blockList> there",
            )
    return result


def _list_of(outline: Outline, element: etree._Element) -> md.ListBlock:
    classes = (element.get("class") or "").split()
    items = []
    ordered = "ordered" in classes
    start = 1
    for index, item in enumerate(element.findall(_A + "item")):
        num = item.find(_A + "num")
        if num is not None:
            ordered = True
            if index == 0:
                # ASCII digits only ("²" is a digit to str.isdigit, not to int()), and few
                # enough to be a list number (int() refuses thousands of digits).
                digits = "".join(c for c in _inline_text(num) if c in "0123456789")[:9]
                start = int(digits) if digits else 1
        holder = etree.Element(_A + "content")
        holder.extend([c for c in _elements(item) if c.tag != _A + "num"])
        items.append(tuple(_blocks_of(outline, holder)))
    return md.ListBlock(ordered, start, tuple(items), tight="loose" not in classes)


def _spans_of(element: etree._Element) -> tuple[md.Span, ...]:
    spans: list[md.Span] = []

    def text(value: str | None) -> None:
        if not value:
            return
        if spans and spans[-1].kind == "text":
            spans[-1] = md.Span("text", spans[-1].text + value)
        else:
            spans.append(md.Span("text", value))

    text(element.text)
    for child in element:
        if isinstance(child.tag, str):
            name = etree.QName(child).localname
            if name == "eol":
                spans.append(md.Span("softbreak"))
            elif name == "br":
                spans.append(md.Span("hardbreak"))
            elif name == "i":
                spans.append(md.Span("em", children=_spans_of(child)))
            elif name == "b":
                spans.append(md.Span("strong", children=_spans_of(child)))
            elif name == "inline" and child.get("name") == "code":
                spans.append(md.Span("code", "".join(child.itertext())))
            elif name == "a" and child.get("href"):
                spans.append(md.Span("link", children=_spans_of(child), href=child.get("href", "")))
            elif name == "authorialNote":
                pass
            else:  # ref, term, def, u, sup, ...: keep what the reader sees
                for span in _spans_of(child):
                    if span.kind == "text":
                        text(span.text)
                    else:
                        spans.append(span)
        text(child.tail)
    return tuple(spans)


def _inline_text(element: etree._Element) -> str:
    return md.plain_text(_spans_of(element))
