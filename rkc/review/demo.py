"""Demonstration data for the review register (`rkc init --demo`, refused in production).

Two sessions of the RKC Management Committee with nested agendas, numbered documents in
English and French at three distribution levels, the adopted report of the earlier session,
an amendment whose status changes cite both sessions, and Four-step Framework content at
every step. Everything goes through the register's own operations, in the caller's
transaction; nothing is made when the RKC/MC has sessions or a concept exists already.
"""

from __future__ import annotations

from datetime import timedelta
from html import escape

from sqlalchemy import select

from rkc import clock
from rkc.auth.models import User
from rkc.demo import DEMO_CONCEPT, DEMO_NOTE
from rkc.extensions import db
from rkc.interchange.pdf import to_pdf
from rkc.review import citations, reports
from rkc.review import framework as fw
from rkc.review import operations as ops
from rkc.review.framework_models import Component, Concept
from rkc.review.models import Body, Document, Meeting

#: Marks every title the interface shows.
MARK = "(demonstration)"
#: The body whose sessions the demo fills (seeded by `rkc init`).
BODY = "RKC/MC"


def _pdf(title: str, text: str) -> bytes:
    """A one-page PDF laid out by the project's own PDF path."""
    return to_pdf(
        "<!doctype html><html><head><meta charset='utf-8'></head><body>"
        f"<h1>{escape(title)}</h1><p>{escape(text)}</p></body></html>"
    )


def _document(
    body: Body,
    meeting: Meeting,
    *,
    level: str,
    english: tuple[str, str],
    french: tuple[str, str],
) -> tuple[Document, Document]:
    """One numbered document in English, then the same number in French."""
    en_title, en_text = english
    fr_title, fr_text = french
    original = ops.register_document(
        body,
        title=f"{en_title} {MARK}",
        language="en",
        data=_pdf(en_title, en_text),
        filename="demo-en.pdf",
        meeting=meeting,
        level=level,
    )
    translation = ops.add_language(
        original,
        language="fr",
        title=f"{fr_title} (démonstration)",
        data=_pdf(fr_title, fr_text),
        filename="demo-fr.pdf",
    )
    return original, translation


def create_demo_review() -> dict[str, int]:
    """Fill the review register with demonstration content; returns what it made, by kind,
    or {} when there was nothing to do (already filled, or accounts, body or draft missing)."""
    from rkc.amendments.proposing import propose_modification
    from rkc.convention import queries as text_queries
    from rkc.convention.kinds import PROVISION_KINDS
    from rkc.convention.models import EditionStatus, Node

    body = db.session.scalar(select(Body).where(Body.code == BODY))
    if body is None:
        return {}
    if db.session.scalar(select(Meeting.id).where(Meeting.body_id == body.id).limit(1)):
        return {}
    if db.session.scalar(select(Concept.id).limit(1)):
        return {}
    names = ("delegate-a", "delegate-b", "delegate-c", "secretariat")
    users = {
        u.username: u for u in db.session.scalars(select(User).where(User.username.in_(names)))
    }
    if len(users) < 4 or any(u.is_disabled for u in users.values()):
        return {}
    a, b, c, sec = (users[n] for n in names)
    work = text_queries.work_by_key("rkc")
    drafts = [e for e in (work.editions if work else []) if e.status is EditionStatus.WORKING_DRAFT]
    if not drafts:
        return {}
    draft = drafts[-1]
    standards = [
        i
        for i in text_queries.contents(draft)
        if i.kind in PROVISION_KINDS - {"definition"} and i.text
    ]
    if not standards:
        return {}
    today = clock.today()

    # ------------------------------------------------------------------ two sessions
    past = ops.create_meeting(
        body,
        number=27,
        starts_on=today - timedelta(days=190),
        ends_on=today - timedelta(days=186),
        mode="in_person",
        languages=["en", "fr"],
        venue=f"WCO headquarters, Brussels {MARK}",
        status="closed",
    )
    nxt = ops.create_meeting(
        body,
        number=28,
        starts_on=today + timedelta(days=30),
        ends_on=today + timedelta(days=32),
        mode="hybrid",
        languages=["en", "fr"],
        venue=f"WCO headquarters, Brussels, and online {MARK}",
        status="planned",
    )
    items27 = {
        "agenda": ops.add_item(past, title=f"Adoption of the agenda {MARK}", purpose="decision"),
        "review": ops.add_item(
            past, title=f"Comprehensive review of the Convention {MARK}", purpose="guidance"
        ),
    }
    items27["proposals"] = ops.add_item(
        past,
        title=f"Proposals under the Four-step Framework {MARK}",
        purpose="guidance",
        parent=items27["review"],
    )
    items27["amendments"] = ops.add_item(
        past,
        title=f"Amendments to the General Annex {MARK}",
        purpose="decision",
        parent=items27["review"],
    )
    items27["other"] = ops.add_item(
        past, title=f"Reports of the Secretariat {MARK}", purpose="information"
    )
    items28 = {
        "agenda": ops.add_item(nxt, title=f"Adoption of the agenda {MARK}", purpose="decision"),
        "report": ops.add_item(
            nxt,
            title=f"Adoption of the report of the 27th session {MARK}",
            purpose="decision",
        ),
        "review": ops.add_item(
            nxt, title=f"Comprehensive review of the Convention {MARK}", purpose="guidance"
        ),
    }
    items28["amendments"] = ops.add_item(
        nxt,
        title=f"Amendments under discussion {MARK}",
        purpose="decision",
        parent=items28["review"],
    )
    items28["consultation"] = ops.add_item(
        nxt,
        title=f"Consultation on draft texts at Step 4 {MARK}",
        purpose="information",
        parent=items28["review"],
    )

    # ------------------------------------------------------------------ documents
    documents = [
        *_document(
            body,
            past,
            level="parties_and_observers",
            english=(
                "Proposal on electronic notices",
                "A sample proposal, written for the demonstration only.",
            ),
            french=(
                "Proposition relative aux avis électroniques",
                "Un exemple de proposition, rédigé pour la seule démonstration.",
            ),
        ),
        *_document(
            body,
            nxt,
            level="public",
            english=("Provisional agenda", "The items the session is invited to consider."),
            french=("Ordre du jour provisoire", "Les points soumis à l'examen de la session."),
        ),
        *_document(
            body,
            nxt,
            level="parties",
            english=(
                "Note for Contracting Parties",
                "A note read by the Contracting Parties only (demonstration).",
            ),
            french=(
                "Note aux Parties contractantes",
                "Une note lue par les seules Parties contractantes (démonstration).",
            ),
        ),
    ]
    proposal_doc = documents[0]

    # ------------------------------------------------------------------ an amendment cited
    standard = standards[-1]
    amendment = propose_modification(
        draft,
        db.session.get(Node, standard.node_id),
        user=c,
        text=standard.text + " Notices may be sent electronically.",
        justification=f"{DEMO_NOTE}\n\nThe draft text of a Four-step Framework component.",
        concept=f"{DEMO_CONCEPT}: electronic notices",
    )
    citations.change_status(
        amendment,
        "tabled",
        user=c,
        reason="Presented at the 27th session (demonstration).",
        meeting_id=past.id,
        agenda_item_id=items27["amendments"].id,
    )
    citations.change_status(
        amendment,
        "under_discussion",
        user=sec,
        reason="On the agenda of the 28th session (demonstration).",
        meeting_id=nxt.id,
        agenda_item_id=items28["amendments"].id,
    )

    # ------------------------------------------------------------------ the 27th's report
    report = reports.save_draft(
        past,
        user=sec,
        expected_revision=0,
        entries=[
            reports.EntryInput(
                item_id=items27["agenda"].id,
                text="The Committee adopted its agenda (demonstration).",
            ),
            reports.EntryInput(
                item_id=items27["proposals"].id,
                text="The Committee considered a proposal on electronic notices "
                "and evaluated its components (demonstration).",
                documents=[proposal_doc.symbol],
            ),
            reports.EntryInput(
                item_id=items27["amendments"].id,
                text="An amendment was presented; discussion continues at the next "
                "session (demonstration).",
                amendments=[amendment.number],
            ),
        ],
    )
    reports.adopt(report, user=sec, expected_revision=report.revision)

    # ------------------------------------------------------------------ the framework
    concept = fw.create_concept(code="DEMO-EN", name=f"Electronic notices {MARK}")
    fw.create_concept(code="DEMO-RM", name=f"Risk management {MARK}")
    proposal = fw.create_proposal(
        concept,
        title=f"Electronic notices to traders {MARK}",
        submitted_on=today - timedelta(days=220),
        party=a.party,
        co_sponsors=[b.party],
        document=proposal_doc,
        components=[
            f"Study of paper notices {MARK}",
            f"Guidance on notice formats {MARK}",
            f"Notice periods {MARK}",
            f"Electronic notices by default {MARK}",
        ],
    )
    _step1, step2, step3, step4 = db.session.scalars(
        select(Component).where(Component.proposal_id == proposal.id).order_by(Component.id)
    ).all()
    if not fw.active_criteria():
        fw.add_criterion(f"The change answers a need shared by several parties {MARK}")
        fw.add_criterion(f"The change can be applied by most administrations {MARK}")
    for component in (step2, step3, step4):
        fw.move_step(component, 2)
    fw.set_outcome(step2, "guidelines")
    for component in (step3, step4):
        fw.set_outcome(component, "rkc", rkc_part="general")
        fw.move_step(component, 3)
        fw.evaluate(
            component,
            results={
                criterion.id: (True, "Met (demonstration).") for criterion in fw.active_criteria()
            },
            qualified=True,
            meeting=past,
        )
    fw.move_step(step4, 4)
    fw.link_draft(step4, amendment)
    fw.set_consultation(step4, opens=today - timedelta(days=7), closes=today + timedelta(days=21))
    db.session.flush()
    return {
        "sessions": 2,
        "agenda items": len(items27) + len(items28),
        "documents": len(documents),
        "reports": 1,
        "components": 4,
    }
