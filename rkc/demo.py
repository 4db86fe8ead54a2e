"""Demonstration data for a newcomer (`rkc init --demo`); refused in production by the CLI."""

from __future__ import annotations

import secrets

from sqlalchemy import select

from rkc.auth import operations as auth_ops
from rkc.auth.models import Role, User
from rkc.extensions import db
from rkc.parties.models import Party

#: username, display name, role, party ISO3 (delegates), organisation (observers)
DEMO_ACCOUNTS = (
    ("delegate-a", "Demo delegate (Austria)", Role.DELEGATE, "AUT", ""),
    ("delegate-b", "Demo delegate (Canada)", Role.DELEGATE, "CAN", ""),
    ("delegate-c", "Demo delegate (Cambodia)", Role.DELEGATE, "KHM", ""),
    ("observer", "Demo observer", Role.OBSERVER, None, "Observer organisation (demo)"),
    ("secretariat", "Demo Secretariat officer", Role.SECRETARIAT, None, ""),
    ("admin", "Demo administrator", Role.ADMIN, None, ""),
)


def create_demo_accounts() -> list[tuple[str, str, str]]:
    """Create the demo accounts that do not exist; returns (username, role, password)."""
    created = []
    for username, name, role, iso3, organisation in DEMO_ACCOUNTS:
        if db.session.scalar(select(User.id).where(User.username == username)):
            continue
        party = db.session.scalar(select(Party).where(Party.iso3 == iso3)) if iso3 else None
        if iso3 and party is None:
            party = Party(name=f"Demo party {iso3}", iso3=iso3)
            db.session.add(party)
            db.session.flush()
        password = "demo-" + secrets.token_urlsafe(12)
        auth_ops.create_user(
            username=username,
            display_name=name,
            password=password,
            role=role,
            party=party,
            organisation=organisation,
            is_demo=True,
        )
        created.append((username, role.value, password))
    return created


# --------------------------------------------------------------------------- amendments

#: Every demonstration amendment says so in its justification and carries this concept prefix.
DEMO_NOTE = (
    "**Demonstration data** created by `rkc init --demo` to show the amendment workflow; "
    "it is not a proposal of any Contracting Party."
)
DEMO_CONCEPT = "Demonstration"


def create_demo_amendments() -> dict[str, int]:
    """Sample amendments to the Convention's working draft, at least one in every state.

    Made with the real operations by the demo delegates of three parties and the demo
    Secretariat, so that their history, positions, comments and one rebase conflict are real
    too. Does nothing when amendments exist already or the demo accounts or the draft are
    missing. Returns the number of amendments per status.
    """
    from rkc.amendments.discussion import (
        add_comment,
        answer_co_sponsorship,
        request_co_sponsorship,
        take_position,
    )
    from rkc.amendments.lifecycle import change_status
    from rkc.amendments.models import Amendment, AmendmentStatus
    from rkc.amendments.proposing import (
        _current,
        propose_deletion,
        propose_heading,
        propose_insertion,
        propose_modification,
    )
    from rkc.amendments.rebasing import revise_provision
    from rkc.convention import queries as text_queries
    from rkc.convention.kinds import PROVISION_KINDS
    from rkc.convention.models import EditionStatus, Node

    if db.session.scalar(select(Amendment.id).limit(1)) is not None:
        return {}
    users = {
        u.username: u
        for u in db.session.scalars(
            select(User).where(
                User.username.in_(["delegate-a", "delegate-b", "delegate-c", "secretariat"])
            )
        )
    }
    if len(users) < 4 or any(u.is_disabled for u in users.values()):
        return {}
    a, b, c, sec = (users[n] for n in ("delegate-a", "delegate-b", "delegate-c", "secretariat"))
    work = text_queries.work_by_key("rkc")
    drafts = [e for e in (work.editions if work else []) if e.status is EditionStatus.WORKING_DRAFT]
    if not drafts:
        return {}
    draft = drafts[-1]
    items = text_queries.contents(draft)
    standards = [i for i in items if i.kind in PROVISION_KINDS - {"definition"} and i.text]
    sections = [i for i in items if i.kind in ("section", "chapter") and i.title]
    if len(standards) < 4 or not sections:
        return {}
    node = {i.key: db.session.get(Node, i.node_id) for i in [*standards[:4], sections[0]]}
    p0, p1, p2, p3 = standards[:4]

    def why(text: str) -> str:
        return f"{DEMO_NOTE}\n\n{text}"

    def move(amendment: Amendment, *steps: tuple[str, object, str]) -> None:
        for to, user, reason in steps:
            change_status(amendment, to, user=user, reason=reason)

    # 1. Under discussion, co-sponsored, with an objection and a comment thread.
    first = propose_modification(
        draft,
        node[p0.key],
        user=a,
        text=p0.text + " Where possible, this shall be done by electronic means.",
        justification=why("Customs should be able to do this *electronically* by default."),
        concept=f"{DEMO_CONCEPT}: electronic means",
    )
    move(first, ("tabled", a, ""), ("under_discussion", sec, "On the agenda of the demo session."))
    request_co_sponsorship(first, user=b, note="We would like to join (demonstration).")
    answer_co_sponsorship(first, b.party, user=a, confirm=True)
    take_position(
        first,
        user=c,
        stance="objection",
        statement="Our systems are not ready for this (demonstration).",
    )
    thread = add_comment(first, user=c, body="Would a transition period help? (demonstration)")
    add_comment(first, user=a, body="Yes: see the next version. (demonstration)", reply_to=thread)

    # 2. A competing amendment to the same provision, tabled, with a reservation.
    second = propose_modification(
        draft,
        node[p0.key],
        user=b,
        text=p0.text + " The Customs shall publish how they do so.",
        justification=why("Transparency for traders."),
        concept=f"{DEMO_CONCEPT}: transparency",
    )
    move(second, ("tabled", b, ""))
    take_position(second, user=a, stance="reservation", statement="")

    # 3. An insertion, agreed.
    third = propose_insertion(
        draft,
        db.session.get(Node, p1.parent_id),
        user=c,
        after=node[p1.key],
        kind=p1.kind,
        number=f"{p1.number}A",
        text="The Customs shall review the arrangements of this Section every five years.",
        justification=why("Regular review keeps the arrangements current."),
        concept=f"{DEMO_CONCEPT}: review",
    )
    move(
        third,
        ("tabled", c, ""),
        ("under_discussion", sec, ""),
        ("agreed", sec, "Consensus in the demo session."),
    )

    # 4. A heading change, not agreed.
    heading = sections[0]
    fourth = propose_heading(
        draft,
        node[heading.key],
        user=a,
        title=f"{heading.title} (demonstration heading)",
        justification=why("A clearer heading."),
        concept=f"{DEMO_CONCEPT}: headings",
    )
    move(
        fourth,
        ("tabled", a, ""),
        ("under_discussion", sec, ""),
        ("not_agreed", sec, "No consensus in the demo session."),
    )

    # 5. A deletion, withdrawn by its proposer.
    fifth = propose_deletion(
        draft,
        node[p2.key],
        user=b,
        justification=why("Covered elsewhere."),
        concept=f"{DEMO_CONCEPT}: simplification",
    )
    move(fifth, ("tabled", b, ""), ("withdrawn", b, "Covered by the Guidelines instead."))

    # 6-8. A draft, an amendment superseded by a compromise, and the compromise, merged into
    # the draft: the pending draft written on the old text then conflicts with the new text.
    sixth = propose_modification(
        draft,
        node[p3.key],
        user=a,
        text=p3.text + " This applies to postal consignments as well.",
        justification=why("Not tabled yet: only the delegates of its party see it."),
        concept=f"{DEMO_CONCEPT}: postal traffic",
    )
    seventh = propose_modification(
        draft,
        node[p3.key],
        user=c,
        text=p3.text + " This applies to express consignments as well.",
        justification=why("Express carriers need the same."),
        concept=f"{DEMO_CONCEPT}: postal traffic",
    )
    move(seventh, ("tabled", c, ""), ("under_discussion", sec, ""))
    compromise = propose_modification(
        draft,
        node[p3.key],
        user=a,
        text=p3.text + " This applies to postal and express consignments as well.",
        justification=why("A compromise between two proposals."),
        concept=f"{DEMO_CONCEPT}: postal traffic",
    )
    move(
        compromise,
        ("tabled", a, ""),
        ("under_discussion", sec, ""),
    )
    change_status(
        seventh,
        "superseded",
        user=sec,
        reason="Replaced by a compromise.",
        superseded_by=compromise,
    )
    move(compromise, ("agreed", sec, "Consensus on the compromise."))
    current = _current(draft, node[p3.key])
    revise_provision(
        draft,
        node[p3.key],
        expected_revision_id=current.id,
        text=compromise.proposed_text,
        origin="amendment",
        origin_ref=f"{compromise.number} (demonstration)",
        merging=[compromise],
        user=sec,
    )
    db.session.flush()
    counts: dict[str, int] = {}
    for amendment in (first, second, third, fourth, fifth, sixth, seventh, compromise):
        db.session.refresh(amendment)
        status: AmendmentStatus = amendment.status
        counts[status.value] = counts.get(status.value, 0) + 1
    return counts
