"""Reads for the exporters: an edition (or one unit of it) as a tree, with its metadata."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from rkc.convention import queries
from rkc.convention.models import Edition, Node, Work
from rkc.convention.queries import Item


@dataclass
class TreeNode:
    """One unit and the units under it, in document order."""

    item: Item
    children: list[TreeNode] = field(default_factory=list)

    def walk(self) -> Iterator[TreeNode]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Snapshot:
    """What an exporter needs: the work, the edition and the text as trees."""

    work: Work
    edition: Edition
    roots: list[TreeNode]
    #: The unit exported when only part of the edition is asked for, else None.
    scope: Item | None = None
    #: The language of the text (en, fr).
    language: str = "en"

    @property
    def is_authentic(self) -> bool:
        """Whether this text, in its language, is the authentic one."""
        return self.edition.authentic_in(self.language)

    def items(self) -> Iterator[Item]:
        for root in self.roots:
            for node in root.walk():
                yield node.item


def build_tree(items: list[Item]) -> list[TreeNode]:
    """Nest a document-order run of items by their depth."""
    roots: list[TreeNode] = []
    stack: list[TreeNode] = []
    for item in items:
        node = TreeNode(item)
        while stack and stack[-1].item.depth >= item.depth:
            stack.pop()
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
    return roots


def snapshot(edition: Edition, node: Node | None = None, language: str = "en") -> Snapshot | None:
    """The edition as trees; with `node`, only that unit and what it contains.

    Returns None when `node` is not part of the edition.
    """
    if node is None:
        items = queries.contents(edition, language)
        return Snapshot(edition.work, edition, build_tree(items), language=language)
    entry = queries.entry_of(edition, node, language)
    if entry is None:
        return None
    items = queries.subtree(edition, entry, language)
    return Snapshot(edition.work, edition, build_tree(items), scope=items[0], language=language)
