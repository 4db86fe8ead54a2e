"""Helpers for the interchange tests: comparing stored text with what a format gave back."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select

from rkc.audit import Actor, acting_as
from rkc.convention import operations as ops
from rkc.convention import queries
from rkc.convention.corpus import Unit
from rkc.convention.models import Edition, Node, Revision
from rkc.extensions import db

SECRETARIAT = Actor(None, "test-secretariat", "secretariat")


def stored(edition: Edition, node_key: str | None = None) -> list[tuple]:
    """Every unit of an edition (or of one unit's subtree): the fields a format must keep."""
    if node_key is None:
        items = queries.contents(edition)
    else:
        entry = queries.entry_of(edition, queries.node_by_key(node_key))
        items = queries.subtree(edition, entry)
    return [
        (
            i.key,
            i.kind,
            i.number,
            i.number_alt,
            i.title,
            i.text,
            i.explains,
            i.depth - items[0].depth,
        )
        for i in items
    ]


def parsed(roots: Iterable[Unit]) -> list[tuple]:
    """The same fields from parsed corpus units (depth counted from the first root)."""
    out: list[tuple] = []

    def visit(unit: Unit, depth: int) -> None:
        out.append(
            (
                unit.key,
                unit.kind,
                unit.number,
                unit.number_alt,
                unit.title,
                unit.text,
                unit.explains,
                depth,
            )
        )
        for child in unit.children:
            visit(child, depth + 1)

    for root in roots:
        visit(root, 0)
    return out


def counts() -> tuple[int, int, int]:
    """(editions, nodes, revisions): a refused import changes none of them."""
    from rkc.convention.models import Edition as E

    return (
        db.session.scalar(select(func.count()).select_from(E)),
        db.session.scalar(select(func.count()).select_from(Node)),
        db.session.scalar(select(func.count()).select_from(Revision)),
    )


def edition(work_key: str, slug: str) -> Edition:
    found = queries.edition_by_slug(queries.work_by_key(work_key), slug)
    assert found is not None
    return found


def revise_draft(key: str, text: str) -> None:
    """Change one unit of the review draft and commit (as the Secretariat would)."""
    draft = edition("rkc", "review-draft")
    node = queries.node_by_key(key)
    with acting_as(SECRETARIAT):
        ops.revise(
            draft,
            node,
            expected_revision_id=ops.current_revision(draft, node).id,
            text=text,
            origin="edit",
        )
    db.session.commit()
