"""Parse XML from outside without trusting it.

The parser never resolves entities, never touches the network, never reads a DTD and keeps
libxml2's limits on tree size (`huge_tree=False`). A document that declares a DTD at all
(the carrier of entity-expansion "billion laughs" and external-entity attacks) is refused
before parsing, with a report; so is anything larger than the size limit.

Elements are counted before any tree is built (an upper bound read off the bytes, see
`_count_elements`): a document of millions of tiny elements (`<a/>`, `<w:p/>`, which compress
a thousandfold) is refused in milliseconds once it passes `XmlLimits.elements`, instead of
growing a tree of gigabytes. The count is an `ElementBudget` that the parts of one file (a
Word package) share. The tree is then checked for nesting deeper than `XmlLimits.depth`
(libxml2 itself stops at 256 without `huge_tree`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lxml import etree

from rkc.interchange.report import Finding, ImportRefused, check_size, refuse

_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def setting(name: str) -> Any:
    """A limit from the running app's configuration, or its code default (rkc.config)."""
    from flask import current_app, has_app_context

    from rkc.config import Defaults

    if has_app_context():
        return current_app.config.get(name, getattr(Defaults, name))
    return getattr(Defaults, name)


@dataclass(frozen=True)
class XmlLimits:
    """How many elements one imported file may hold, and how deep they may nest."""

    elements: int
    depth: int

    @classmethod
    def for_imports(cls) -> XmlLimits:
        """IMPORT_MAX_XML_ELEMENTS and IMPORT_MAX_XML_DEPTH."""
        return cls(int(setting("IMPORT_MAX_XML_ELEMENTS")), int(setting("IMPORT_MAX_XML_DEPTH")))


class ElementBudget:
    """The elements one file may still hold: shared by the XML parts of one package."""

    def __init__(self, limits: XmlLimits):
        self.limits = limits
        self.used = 0


def safe_parser() -> etree.XMLParser:
    return etree.XMLParser(**_PARSER_OPTIONS)


_PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "huge_tree": False,
    "load_dtd": False,
    "dtd_validation": False,
    "remove_comments": True,
    "remove_pis": True,
}


def parse(
    data: bytes,
    source: str,
    *,
    limit: int,
    limits: XmlLimits | None = None,
    budget: ElementBudget | None = None,
) -> etree._Element:
    """The root element of an XML document, or ImportRefused naming what and where.

    `budget` counts the elements against a total shared with other parts; without it the
    document has `limits` (default: the configured import limits) to itself.
    """
    check_size(source, data, limit)
    scanned = _as_utf8(data)
    match = _DOCTYPE.search(scanned)
    if match:
        line = scanned[: match.start()].count(b"\n") + 1
        raise refuse(
            source,
            f"line {line}",
            "the document declares a DTD or entities; such declarations can expand into "
            "enormous text or read other files, so they are refused",
        )
    if budget is None:
        budget = ElementBudget(limits or XmlLimits.for_imports())
    _count_elements(scanned, budget, source)
    del scanned
    try:
        root = etree.fromstring(data, parser=safe_parser())
    except etree.XMLSyntaxError as exc:
        where = f"line {exc.lineno}" if exc.lineno else ""
        raise refuse(source, where, f"not well-formed XML: {exc.msg}") from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise refuse(source, "line 1", "the document declares a DTD; it is refused")
    too_deep = root.xpath("/*" * (budget.limits.depth + 1))
    if too_deep:
        raise refuse(
            source,
            f"line {too_deep[0].sourceline}",
            f"elements are nested more than {budget.limits.depth} deep, the most an import "
            "accepts; the file is refused",
        )
    entity = next(root.iter(etree.Entity), None)
    if entity is not None:
        raise ImportRefused(
            source,
            [Finding(f"line {entity.sourceline}", f"unresolved entity {entity.text}; refused")],
        )
    return root


def _count_elements(data: bytes, budget: ElementBudget, source: str) -> None:
    """Charge the document's elements to the budget before a tree is built.

    Every element starts with a `<` that does not open an end tag, so the count of `<` less
    the count of `</` is never below the number of elements (comments, CDATA and processing
    instructions only raise it). Counting bytes costs milliseconds where a parser building
    millions of `<w:p/>` would take seconds and gigabytes.
    """
    budget.used += data.count(b"<") - data.count(b"</")
    if budget.used > budget.limits.elements:
        raise refuse(
            source,
            "",
            f"the file holds more than {budget.limits.elements:,} XML elements, the most an "
            "import accepts (a text of the whole Convention holds far fewer); it is refused "
            "unread",
        )


def _as_utf8(data: bytes) -> bytes:
    """The bytes to scan for declarations: UTF-16 documents are scanned as UTF-8 too."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return data
    return data
