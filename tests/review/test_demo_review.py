"""`rkc init --demo` fills the review register too: sessions, agendas, documents, a report,
a cited status change and Four-step Framework content at every step, made once."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from rkc import clock
from rkc.amendments.models import Amendment
from rkc.demo import DEMO_CONCEPT
from rkc.extensions import db
from rkc.review import framework as fw
from rkc.review.framework_models import Component, ComponentDraft, Concept, Proposal
from rkc.review.models import (
    AgendaItem,
    AmendmentCitation,
    Body,
    Document,
    DocumentLevel,
    Meeting,
    MeetingStatus,
    Purpose,
    Report,
    ReportStatus,
)
from rkc.review.reports import adoption_links

from ..conftest import SMALL_CORPUS, make_app
from ..helpers import log_in


def _counts() -> tuple[int, ...]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Meeting, AgendaItem, Document, Report, Concept, Proposal, Component)
    )


def test_demo_fills_the_review_register_once_and_its_pages_answer(empty_database, tmp_path):
    app = make_app(empty_database, tmp_path)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["init", "--demo", "--corpus", str(SMALL_CORPUS)])
    assert result.exit_code == 0, result.output
    assert "demonstration review register:" in result.output
    password = re.search(r"^\s+secretariat\s+secretariat\s+(\S+)$", result.output, re.M)
    assert password is not None, result.output
    with app.app_context():
        body = db.session.scalar(select(Body).where(Body.code == "RKC/MC"))
        meetings = {m.number: m for m in db.session.scalars(select(Meeting))}
        assert set(meetings) == {27, 28}
        past, nxt = meetings[27], meetings[28]
        assert {past.body_id, nxt.body_id} == {body.id}
        assert past.status is MeetingStatus.CLOSED
        assert nxt.status in (MeetingStatus.PLANNED, MeetingStatus.CONVENED)
        items = db.session.scalars(select(AgendaItem)).all()
        assert {i.purpose for i in items} == set(Purpose)
        assert all(any(i.parent_id for i in items if i.meeting_id == m.id) for m in (past, nxt))
        assert all("(demonstration)" in i.title for i in items)
        # The 28th's item adopting the report links to the 27th's report.
        assert list(adoption_links(nxt).values()) == [past]

        documents = db.session.scalars(select(Document)).all()
        by_number: dict[int, set[str]] = {}
        for document in documents:
            by_number.setdefault(document.number, set()).add(document.language)
            assert document.content.startswith(b"%PDF-")
            assert document.meeting_id in (past.id, nxt.id)
        assert set(map(frozenset, by_number.values())) == {frozenset({"en", "fr"})}
        assert {d.level for d in documents} >= {
            DocumentLevel.PUBLIC,
            DocumentLevel.PARTIES_AND_OBSERVERS,
            DocumentLevel.PARTIES,
        }
        assert all("démonstration" in d.title for d in documents if d.language == "fr")

        report = db.session.scalar(select(Report).where(Report.meeting_id == past.id))
        assert report is not None
        assert report.status is ReportStatus.ADOPTED
        assert report.entries

        cited = db.session.scalars(select(AmendmentCitation)).all()
        assert {(c.meeting_id, c.agenda_item_id is not None) for c in cited} == {
            (past.id, True),
            (nxt.id, True),
        }
        amendment = db.session.get(Amendment, cited[0].amendment_id)
        assert amendment.concept.startswith(DEMO_CONCEPT)

        proposal = db.session.scalar(select(Proposal))
        assert proposal.party_id is not None
        assert len(proposal.sponsors) == 1
        components = db.session.scalars(
            select(Component).where(Component.proposal_id == proposal.id)
        ).all()
        by_step = {c.step: c for c in components}
        assert set(by_step) == {1, 2, 3, 4}
        assert by_step[2].outcome is not None
        assert by_step[3].qualified is True
        assert by_step[3].evaluation_meeting_id == past.id
        draft = db.session.scalar(
            select(ComponentDraft).where(ComponentDraft.component_id == by_step[4].id)
        )
        assert draft is not None
        assert draft.amendment_id == amendment.id
        assert fw.consultation_open(by_step[4], clock.today())
        counts = _counts()
        ids = {"past": past.id, "next": nxt.id, "component": by_step[4].id}
        db.session.remove()

    client = app.test_client()
    response = log_in(client, "secretariat", password.group(1))
    assert response.status_code == 302
    for url in (
        "/meetings/",
        f"/meetings/{ids['past']}",
        f"/meetings/{ids['next']}",
        f"/meetings/{ids['past']}/report",
        f"/meetings/{ids['next']}/pack.pdf",
        "/meetings/framework/",
        f"/meetings/framework/components/{ids['component']}",
    ):
        assert client.get(url).status_code == 200, url

    again = runner.invoke(args=["init", "--demo", "--corpus", str(SMALL_CORPUS)])
    assert again.exit_code == 0, again.output
    assert "demonstration review register:" not in again.output
    with app.app_context():
        assert _counts() == counts
        db.session.remove()
        db.engine.dispose()
