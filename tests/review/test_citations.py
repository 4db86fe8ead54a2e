"""Amendments meet meetings: a status change cites a meeting and an item (page and API),
a bad citation stores nothing, both pages show it, and a compilation becomes a document."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document as WordDocument
from sqlalchemy import func, select

from rkc.amendments.models import Amendment, AmendmentStatus, AmendmentTransition
from rkc.audit import Actor, acting_as
from rkc.auth import operations as auth_ops
from rkc.extensions import db
from rkc.review import operations as ops
from rkc.review.models import AmendmentCitation, Document

from ..amendments.fixtures import amendment_context
from ..helpers import create_people, csrf_token, log_in, user
from .fixtures import body, review_context


@pytest.fixture
def ctx(small_app):
    people = create_people()
    made = {**amendment_context(people), **review_context()}
    with acting_as(Actor(None, "test-setup", "system")):
        other = ops.create_meeting(
            body(),
            number=24,
            starts_on=date(2027, 10, 4),
            ends_on=date(2027, 10, 6),
            mode="virtual",
            languages=["en"],
        )
        foreign = ops.add_item(other, title="Other business", purpose="information")
        _t, secret = auth_ops.issue_token(user(people["secretariat"]), "api")
    db.session.commit()
    made.update(
        people=people,
        other_meeting_id=other.id,
        foreign_item_id=foreign.id,
        token={"Authorization": f"Bearer {secret}"},
    )
    return made


def _client(app, people, role):  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert log_in(client, people[role].username).status_code == 302
    return client


def _counts() -> tuple[int, int]:
    db.session.rollback()
    return (
        db.session.scalar(select(func.count(AmendmentCitation.id))),
        db.session.scalar(select(func.count(AmendmentTransition.id))),
    )


def _status(amendment_id: int) -> AmendmentStatus:
    db.session.rollback()
    return db.session.get(Amendment, amendment_id).status


def test_a_status_change_on_the_page_cites_the_meeting_and_both_pages_show_it(small_app, ctx):
    client = _client(small_app, ctx["people"], "secretariat")
    page = f"/amendments/{ctx['tabled_id']}"
    response = client.post(
        f"{page}/status",
        data={
            "csrf_token": csrf_token(client, page),
            "to": "under_discussion",
            "meeting": str(ctx["meeting_id"]),
            "agenda_item": str(ctx["item_id"]),
        },
    )
    assert response.status_code == 302
    shown = client.get(page).get_data(as_text=True)
    assert "Discussed at" in shown
    assert f'href="/meetings/{ctx["meeting_id"]}#item-{ctx["item_id"]}"' in shown
    assert "item I Adoption of the agenda" in shown
    meeting_page = client.get(f"/meetings/{ctx['meeting_id']}").get_data(as_text=True)
    assert f'href="/amendments/{ctx["tabled_id"]}"' in meeting_page
    assert "discussed: Under discussion" in meeting_page
    # The decision, citing the meeting only.
    response = client.post(
        f"{page}/status",
        data={
            "csrf_token": csrf_token(client, page),
            "to": "agreed",
            "meeting": str(ctx["meeting_id"]),
        },
    )
    assert response.status_code == 302
    shown = client.get(page).get_data(as_text=True)
    assert "Decided at" in shown
    assert "Discussed at" in shown
    assert "decided: Agreed" in client.get(f"/meetings/{ctx['meeting_id']}").get_data(as_text=True)
    assert _counts()[0] == 2


@pytest.mark.parametrize(
    ("which", "field"),
    [
        ("foreign_item", "Agenda item"),
        ("unknown_meeting", "Meeting"),
        ("item_alone", "Agenda item"),
    ],
)
def test_a_bad_citation_on_the_page_is_refused_and_nothing_is_stored(small_app, ctx, which, field):
    client = _client(small_app, ctx["people"], "secretariat")
    page = f"/amendments/{ctx['tabled_id']}"
    data = {"csrf_token": csrf_token(client, page), "to": "under_discussion"}
    data.update(
        {
            "foreign_item": {"meeting": ctx["meeting_id"], "agenda_item": ctx["foreign_item_id"]},
            "unknown_meeting": {"meeting": 999_999},
            "item_alone": {"agenda_item": ctx["item_id"]},
        }[which]
    )
    before = _counts()
    response = client.post(f"{page}/status", data={k: str(v) for k, v in data.items()})
    assert response.status_code == 400
    assert f"{field}:" in response.get_data(as_text=True)
    assert _counts() == before
    assert _status(ctx["tabled_id"]) is AmendmentStatus.TABLED


def test_the_api_cites_a_meeting_and_refuses_another_meetings_item(small_app, ctx):
    client = small_app.test_client()
    url = f"/api/v1/amendments/{ctx['tabled_id']}/status"
    before = _counts()
    refused = client.post(
        url,
        json={
            "to": "under_discussion",
            "meeting": ctx["meeting_id"],
            "agenda_item": ctx["foreign_item_id"],
        },
        headers=ctx["token"],
    )
    assert refused.status_code == 400
    assert refused.get_json()["field"] == "agenda_item"
    assert _counts() == before
    unknown = client.post(
        url, json={"to": "under_discussion", "meeting": 987_654}, headers=ctx["token"]
    )
    assert unknown.status_code == 400
    assert unknown.get_json()["field"] == "meeting"
    assert _counts() == before
    assert _status(ctx["tabled_id"]) is AmendmentStatus.TABLED
    done = client.post(
        url,
        json={
            "to": "under_discussion",
            "meeting": ctx["meeting_id"],
            "agenda_item": ctx["item_id"],
        },
        headers=ctx["token"],
    )
    assert done.status_code == 200
    db.session.rollback()
    row = db.session.scalar(select(AmendmentCitation))
    assert (row.meeting_id, row.agenda_item_id) == (ctx["meeting_id"], ctx["item_id"])
    assert row.transition.to_status is AmendmentStatus.UNDER_DISCUSSION
    # The amendment's answer says where it was discussed.
    cited = done.get_json()["meetings"]
    assert [(c["meeting"], c["agenda_item"], c["status"], c["decided"]) for c in cited] == [
        (ctx["meeting_id"], ctx["item_id"], "under_discussion", False)
    ]
    assert cited[0]["agenda_number"]


def test_a_member_who_may_not_decide_cites_nothing(small_app, ctx):
    """Roles are checked before the citation: another party's delegate gets 403, nothing stored."""
    before = _counts()
    for role in ("delegate_b", "observer"):
        client = _client(small_app, ctx["people"], role)
        page = f"/amendments/{ctx['tabled_id']}"
        response = client.post(
            f"{page}/status",
            data={
                "csrf_token": csrf_token(client, page),
                "to": "agreed",
                "meeting": str(ctx["meeting_id"]),
            },
        )
        assert response.status_code == 403, role
    assert _counts() == before
    # Without the CSRF token the form is refused as well.
    client = _client(small_app, ctx["people"], "secretariat")
    response = client.post(
        f"/amendments/{ctx['tabled_id']}/status",
        data={"to": "under_discussion", "meeting": str(ctx["meeting_id"])},
    )
    assert response.status_code == 400
    assert _counts() == before


def test_a_compilation_is_issued_as_a_numbered_document_of_the_meeting(small_app, ctx):
    client = _client(small_app, ctx["people"], "secretariat")
    page = f"/meetings/{ctx['meeting_id']}"
    draft = db.session.get(Amendment, ctx["tabled_id"]).edition_id
    response = client.post(
        f"{page}/compilation",
        data={
            "comp-csrf_token": csrf_token(client, page),
            "comp-edition_id": str(draft),
            "comp-chapter": "",
            "comp-language": "en",
            "comp-title": "Compilation of the amendments tabled",
            "comp-level": "parties",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.rollback()
    document = db.session.scalar(select(Document).order_by(Document.id.desc()))
    assert document.meeting_id == ctx["meeting_id"]
    assert document.symbol == f"RK{document.number:04d}E1"
    assert document.level.value == "parties"
    word = WordDocument(io.BytesIO(document.content))
    text = "\n".join(p.text for p in word.paragraphs)
    label = db.session.get(Amendment, ctx["tabled_id"]).number
    assert label in text
    # A chapter the draft does not hold: refused, naming the field, no number spent.
    count = db.session.scalar(select(func.count(Document.id)))
    refused = client.post(
        f"{page}/compilation",
        data={
            "comp-csrf_token": csrf_token(client, page),
            "comp-edition_id": str(draft),
            "comp-chapter": "no/such/chapter",
            "comp-language": "en",
            "comp-title": "Nothing",
            "comp-level": "parties",
        },
    )
    assert refused.status_code == 400
    assert "Chapter: the draft has no unit" in refused.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Document.id))) == count
    # Only the Secretariat issues one.
    delegate = _client(small_app, ctx["people"], "delegate_a")
    forbidden = delegate.post(
        f"{page}/compilation",
        data={"comp-csrf_token": csrf_token(delegate, page), "comp-edition_id": str(draft)},
    )
    assert forbidden.status_code == 403
