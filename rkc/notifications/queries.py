"""What awaits a member: read-only questions asked of the other areas, for "My work".

A delegate sees what their party must act on: co-sponsorship requests on its amendments,
tabled amendments it has taken no position on, its amendments in conflict, and replies to
comments they wrote. The Secretariat sees agreed amendments to merge, French texts to check
(a working draft changed the English text of a unit and not its French twin) and the
recommendations whose responses are due (objection windows still open).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import aliased

from rkc.amendments import queries as amendment_queries
from rkc.amendments.common import revision_label
from rkc.amendments.models import (
    FOLLOWING,
    OPEN,
    Amendment,
    AmendmentComment,
    AmendmentPosition,
    AmendmentSponsor,
    AmendmentStatus,
    SponsorStatus,
)
from rkc.auth.models import Role, User
from rkc.convention import operations as text_store
from rkc.convention.models import Edition, EditionEntry, Node
from rkc.extensions import db
from rkc.notifications.models import Notification, NotificationPreference
from rkc.procedure import operations as procedure_ops
from rkc.procedure.models import Recommendation, Status


@dataclass(frozen=True)
class Task:
    """One line of "My work": what, where to act, and a word on why."""

    title: str
    url_args: dict
    endpoint: str
    detail: str = ""


@dataclass
class Section:
    key: str
    heading: str
    empty: str
    tasks: list[Task] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.tasks)


@dataclass
class MyWork:
    sections: list[Section]

    @property
    def total(self) -> int:
        return sum(s.count for s in self.sections)


def _amendment_task(amendment: Amendment, detail: str) -> Task:
    return Task(
        f"{amendment.label} ({amendment.party.name})",
        {"amendment_id": amendment.id},
        "amendments.show_amendment",
        detail,
    )


def _in_drafts(user: User):  # type: ignore[no-untyped-def]
    """Amendments of working drafts only (a frozen draft's amendments wait for a reopen) that
    `user` may see (another member's unsubmitted draft never shows)."""
    drafts = [e.id for e in amendment_queries.working_drafts()]
    return and_(Amendment.edition_id.in_(drafts), amendment_queries.visible_clause(user))


def sponsor_requests(user: User) -> list[tuple[Amendment, AmendmentSponsor]]:
    rows = db.session.execute(
        select(Amendment, AmendmentSponsor)
        .join(AmendmentSponsor, AmendmentSponsor.amendment_id == Amendment.id)
        .where(
            Amendment.party_id == user.party_id,
            AmendmentSponsor.status == SponsorStatus.REQUESTED,
            Amendment.status.in_(OPEN),
            _in_drafts(user),
        )
        .order_by(Amendment.sequence)
    ).all()
    return [(a, s) for a, s in rows]


def positions_to_take(user: User) -> list[Amendment]:
    taken = exists().where(
        AmendmentPosition.amendment_id == Amendment.id,
        AmendmentPosition.party_id == user.party_id,
    )
    return list(
        db.session.scalars(
            select(Amendment)
            .where(
                Amendment.status.in_(OPEN),
                Amendment.party_id != user.party_id,
                ~taken,
                _in_drafts(user),
            )
            .order_by(Amendment.sequence)
        )
    )


def own_conflicts(user: User) -> list[Amendment]:
    return list(
        db.session.scalars(
            select(Amendment)
            .where(
                Amendment.party_id == user.party_id,
                Amendment.has_conflict.is_(True),
                Amendment.status.in_(FOLLOWING),
                _in_drafts(user),
            )
            .order_by(Amendment.sequence, Amendment.id)
        )
    )


def replies_to_me(user: User) -> list[AmendmentComment]:
    """Comments by others in unresolved threads I wrote in, newer than my last word there."""
    mine = aliased(AmendmentComment)
    root = aliased(AmendmentComment)
    thread_of = lambda c: db.func.coalesce(c.thread_id, c.id)  # noqa: E731
    my_last = (
        select(db.func.max(mine.created_at))
        .where(mine.author_id == user.id, thread_of(mine) == thread_of(AmendmentComment))
        .scalar_subquery()
    )
    return list(
        db.session.scalars(
            select(AmendmentComment)
            .join(root, root.id == thread_of(AmendmentComment))
            .join(Amendment, Amendment.id == AmendmentComment.amendment_id)
            .where(
                _in_drafts(user),
                AmendmentComment.author_id != user.id,
                root.resolved_at.is_(None),
                AmendmentComment.created_at > my_last,
            )
            .order_by(AmendmentComment.created_at)
        )
    )


def to_merge(user: User) -> list[Amendment]:
    return list(
        db.session.scalars(
            select(Amendment)
            .where(Amendment.status == AmendmentStatus.AGREED, _in_drafts(user))
            .order_by(Amendment.edition_id, Amendment.sequence)
        )
    )


def _twin(entry, unit, edition_id: int, language: str):  # type: ignore[no-untyped-def]
    """`entry` holds the same unit as `unit`, in that edition and language."""
    return and_(
        entry.node_id == unit.node_id,
        entry.edition_id == edition_id,
        entry.language == language,
    )


def french_to_check() -> list[tuple[Edition, str, str]]:
    """(draft, key, label) of units whose English text a working draft changed while the
    French twin kept the text of the edition the draft was based on."""
    found = []
    en_new, en_old = aliased(EditionEntry), aliased(EditionEntry)
    fr_new, fr_old = aliased(EditionEntry), aliased(EditionEntry)
    for draft in amendment_queries.working_drafts():
        if draft.based_on_id is None:
            continue
        rows = db.session.execute(
            select(en_new.node_id)
            .join(en_old, _twin(en_old, en_new, draft.based_on_id, "en"))
            .join(fr_new, _twin(fr_new, en_new, draft.id, "fr"))
            .join(fr_old, _twin(fr_old, en_new, draft.based_on_id, "fr"))
            .where(
                en_new.edition_id == draft.id,
                en_new.language == "en",
                en_new.revision_id != en_old.revision_id,
                fr_new.revision_id == fr_old.revision_id,
            )
            .order_by(en_new.ordinal)
        ).all()
        keys = amendment_queries.node_keys(r.node_id for r in rows)
        for row in rows:
            node = db.session.get(Node, row.node_id)
            current = text_store.current_revision(draft, node) if node else None
            label = revision_label(current) if current else keys.get(row.node_id, "")
            found.append((draft, keys.get(row.node_id, ""), label))
    return found


def responses_due(today: date) -> list[tuple[Recommendation, date | None]]:
    """Pending recommendations and the last day an objection still counts."""
    result = []
    for rec in db.session.scalars(
        select(Recommendation).where(Recommendation.status.in_((Status.PENDING,)))
    ):
        outcome = procedure_ops.evaluate(rec, today)
        if outcome.status is Status.PENDING:
            result.append((rec, outcome.objections_until))
    return result


def my_work(user: User, today: date) -> MyWork:
    sections: list[Section] = []
    if user.role is Role.DELEGATE and user.party_id is not None:
        sections.append(
            Section(
                "sponsors",
                "Co-sponsorship requests to answer",
                "No party is waiting for your answer.",
                [
                    _amendment_task(a, f"{s.party.name} asks to co-sponsor it")
                    for a, s in sponsor_requests(user)
                ],
            )
        )
        sections.append(
            Section(
                "positions",
                "Tabled amendments without your party's position",
                "Your party has taken a position on every tabled amendment.",
                [_amendment_task(a, a.status.label) for a in positions_to_take(user)],
            )
        )
        sections.append(
            Section(
                "conflicts",
                "Your amendments in conflict with the current text",
                "None of your party's amendments is in conflict.",
                [
                    Task(
                        f"{a.label} ({a.party.name})",
                        {"amendment_id": a.id},
                        "amendments.revise_amendment",
                        "Revise it against the current text",
                    )
                    for a in own_conflicts(user)
                ],
            )
        )
    if user.role is not Role.OBSERVER:
        sections.append(
            Section(
                "replies",
                "Replies to your comments",
                "Nobody has answered your comments since you last wrote.",
                [
                    Task(
                        f"{c.amendment.label}: {c.author.display_name}",
                        {"amendment_id": c.amendment_id, "_anchor": f"comment-{c.id}"},
                        "amendments.show_amendment",
                        c.created_at.strftime("%-d %B %Y"),
                    )
                    for c in replies_to_me(user)
                ],
            )
        )
    if user.role is Role.SECRETARIAT:
        merge = to_merge(user)
        sections.append(
            Section(
                "merge",
                "Agreed amendments to merge",
                "No agreed amendment waits for the merge.",
                [
                    Task(
                        f"{a.label} ({a.party.name})",
                        {"draft": amendment_queries.draft_param(a.edition)},
                        "merge.show_queue",
                        a.edition.title,
                    )
                    for a in merge
                ],
            )
        )
        sections.append(
            Section(
                "french",
                "French texts to check",
                "Every French text follows its English twin.",
                [
                    Task(
                        label,
                        {"key": key, "edition": draft.slug},
                        "convention.show_node",
                        f"English changed in {draft.title}",
                    )
                    for draft, key, label in french_to_check()
                ],
            )
        )
        sections.append(
            Section(
                "responses",
                "Recommendations with responses due",
                "No recommendation awaits responses.",
                [
                    Task(
                        f"{rec.label}, {rec.session}",
                        {"rec_id": rec.id},
                        "procedure.show_recommendation",
                        f"objections until {until:%-d %B %Y}" if until else "pending",
                    )
                    for rec, until in responses_due(today)
                ],
            )
        )
    return MyWork(sections)


# --------------------------------------------------------------------------- notifications


def notifications_of(user: User, limit: int = 200) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def unread_count(user: User) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        )
        or 0
    )


def preference_for_token(token: str) -> NotificationPreference | None:
    if not token:
        return None
    return db.session.scalar(
        select(NotificationPreference).where(NotificationPreference.unsubscribe_token == token)
    )
