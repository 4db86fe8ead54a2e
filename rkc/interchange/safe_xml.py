"""Parse XML from outside without trusting it.

The parser never resolves entities, never touches the network, never reads a DTD and keeps
libxml2's limits on tree size (`huge_tree=False`). A document that declares a DTD at all
(the carrier of entity-expansion "billion laughs" and external-entity attacks) is refused
before parsing, with a report; so is anything larger than the size limit.
"""

from __future__ import annotations

import re

from lxml import etree

from rkc.interchange.report import Finding, ImportRefused, check_size, refuse

_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def safe_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse(data: bytes, source: str, *, limit: int) -> etree._Element:
    """The root element of an XML document, or ImportRefused naming what and where."""
    check_size(source, data, limit)
    match = _DOCTYPE.search(_as_utf8(data))
    if match:
        line = _as_utf8(data)[: match.start()].count(b"\n") + 1
        raise refuse(
            source,
            f"line {line}",
            "the document declares a DTD or entities; such declarations can expand into "
            "enormous text or read other files, so they are refused",
        )
    try:
        tree = etree.fromstring(data, parser=safe_parser()).getroottree()
    except etree.XMLSyntaxError as exc:
        where = f"line {exc.lineno}" if exc.lineno else ""
        raise refuse(source, where, f"not well-formed XML: {exc.msg}") from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise refuse(source, "line 1", "the document declares a DTD; it is refused")
    root = tree.getroot()
    if _has_entity_reference(root):
        raise ImportRefused(source, [_entity_finding(root)])
    return root


def _as_utf8(data: bytes) -> bytes:
    """The bytes to scan for declarations: UTF-16 documents are scanned as UTF-8 too."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return data
    return data


def _has_entity_reference(root: etree._Element) -> bool:
    return any(isinstance(el, etree._Entity) for el in root.iter())


def _entity_finding(root: etree._Element) -> Finding:
    for el in root.iter():
        if isinstance(el, etree._Entity):
            return Finding(f"line {el.sourceline}", f"unresolved entity {el.text}; refused")
    return Finding("", "unresolved entity; refused")
