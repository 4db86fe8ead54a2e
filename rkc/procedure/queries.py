"""Reads of the procedure."""

from __future__ import annotations

from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from rkc.convention.models import Edition, EditionEntry, EditionStatus, Node, Revision
from rkc.extensions import db
from rkc.parties.models import Party
from rkc.procedure.models import Recommendation


def all_recommendations() -> list[Recommendation]:
    return list(
        db.session.scalars(select(Recommendation).order_by(Recommendation.communicated_on.desc()))
    )


def recommendation(rec_id: int) -> Recommendation | None:
    return db.session.get(Recommendation, rec_id)


def for_edition(edition: Edition) -> Recommendation | None:
    return db.session.scalar(select(Recommendation).where(Recommendation.edition_id == edition.id))


def edition_choices() -> list[SelectChoice]:
    """Adopted editions, not yet in force, that no recommendation carries yet."""
    taken = select(Recommendation.edition_id)
    editions = db.session.scalars(
        select(Edition)
        .where(
            Edition.status == EditionStatus.ADOPTED,
            Edition.in_force_from.is_(None),
            Edition.id.not_in(taken),
        )
        .order_by(Edition.id)
    )
    return [SelectChoice(value=e.id, label=f"{e.work.short_title}: {e.title}") for e in editions]


def party_choices() -> list[SelectChoice]:
    return [
        SelectChoice(value=p.id, label=p.name)
        for p in db.session.scalars(select(Party).order_by(Party.name))
    ]


def chapter_choices() -> list[SelectChoice]:
    """The Specific Annex chapters (as in any edition: chapters are never deleted)."""
    # An edition holds the revision: looked up in each edition by the manifest's primary key.
    held = select(EditionEntry.node_id).where(
        EditionEntry.edition_id.in_(select(Edition.id)),
        EditionEntry.node_id == Node.id,
        EditionEntry.language == Revision.language,
        EditionEntry.revision_id == Revision.id,
    )
    rows = db.session.execute(
        select(Node.id, Node.key, Revision.title)
        .join(Revision, Revision.node_id == Node.id)
        .where(Node.key.like("sa-%"), Revision.kind == "chapter", held.exists())
        .distinct()
        .order_by(Node.key)
    ).all()
    seen: dict[int, SelectChoice] = {}
    for node_id, key, title in rows:
        seen.setdefault(node_id, SelectChoice(value=node_id, label=f"{key}: {title or ''}"))
    return [SelectChoice(value=0, label="— none —"), *seen.values()]
