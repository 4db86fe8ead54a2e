"""A meeting's report: drafted with the revision it started from (409 when stale, both texts
shown), safe Markdown, links, adoption locks it, corrigenda are kept; the page and the API."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from rkc.amendments.models import Amendment
from rkc.audit import Actor, acting_as
from rkc.auth import operations as auth_ops
from rkc.extensions import db
from rkc.review import operations as ops
from rkc.review import reports
from rkc.review.models import Document, Report, ReportCorrigendum, ReportEntry, ReportStatus

from ..amendments.fixtures import amendment_context
from ..helpers import create_people, csrf_token, log_in, user
from .fixtures import body, review_context
from .report_fixtures import report_context


@pytest.fixture
def ctx(small_app):
    people = create_people()
    made = {**amendment_context(people), **review_context()}
    with acting_as(Actor(None, "test-setup", "system")):
        later = ops.create_meeting(
            body(),
            number=24,
            starts_on=date(2027, 10, 4),
            ends_on=date(2027, 10, 6),
            mode="virtual",
            languages=["en", "fr"],
        )
        ops.add_item(later, title="Opening", purpose="information")
        adoption = ops.add_item(
            later, title="Adoption of the report of the 23rd session", purpose="decision"
        )
        tokens = {
            role: auth_ops.issue_token(user(people[role]), "api")[1]
            for role in ("secretariat", "delegate_a", "observer")
        }
    db.session.commit()
    made.update(
        people=people,
        later_id=later.id,
        adoption_item_id=adoption.id,
        tokens={role: {"Authorization": f"Bearer {t}"} for role, t in tokens.items()},
        number=db.session.get(Amendment, made["tabled_id"]).number,
        symbol=db.session.get(Document, made["document_id"]).symbol,
    )
    return made


def _client(app, people, role):  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert log_in(client, people[role].username).status_code == 302
    return client


def _items(meeting_id: int) -> list[int]:
    from rkc.review.models import AgendaItem

    return list(
        db.session.scalars(
            select(AgendaItem.id).where(AgendaItem.meeting_id == meeting_id).order_by(AgendaItem.id)
        )
    )


def _form(client, ctx, revision: int, first: str, **extra):  # type: ignore[no-untyped-def]
    page = f"/meetings/{ctx['meeting_id']}/report"
    first_item, second_item = _items(ctx["meeting_id"])
    return {
        "csrf_token": csrf_token(client, page),
        "revision": str(revision),
        f"text-{first_item}": first,
        f"amendments-{first_item}": ctx["number"],
        f"documents-{first_item}": ctx["symbol"],
        f"text-{second_item}": "",
        **extra,
    }


def _stored() -> tuple[int, list[str], list[int]]:
    db.session.rollback()
    revision = db.session.scalar(select(Report.revision)) or 0
    texts = list(db.session.scalars(select(ReportEntry.text).order_by(ReportEntry.id)))
    corrigenda = list(db.session.scalars(select(ReportCorrigendum.number)))
    return revision, texts, corrigenda


def test_the_draft_renders_safe_markdown_with_its_links(small_app, ctx):
    client = _client(small_app, ctx["people"], "secretariat")
    url = f"/meetings/{ctx['meeting_id']}/report"
    text = "The Committee **agreed**.\n\n<script>alert(1)</script> [x](javascript:alert(1))"
    response = client.post(url, data=_form(client, ctx, 0, text))
    assert response.status_code == 302
    for role in ("observer", "delegate_b"):
        page = _client(small_app, ctx["people"], role).get(url).get_data(as_text=True)
        assert "<strong>agreed</strong>" in page
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;" in page
        assert 'href="javascript:' not in page
        assert f'href="/amendments/{ctx["tabled_id"]}">{ctx["number"]}</a>' in page
        assert f'href="/documents/{ctx["document_id"]}">{ctx["symbol"]}</a>' in page
    assert _stored()[0] == 1
    # The meeting page links to it; anonymous visitors are asked to log in.
    assert "/login" in small_app.test_client().get(url).headers["Location"]


def test_a_stale_save_answers_409_with_both_texts_and_stores_nothing(small_app, ctx):
    one = _client(small_app, ctx["people"], "secretariat")
    url = f"/meetings/{ctx['meeting_id']}/report"
    assert one.post(url, data=_form(one, ctx, 0, "First words.")).status_code == 302
    assert one.post(url, data=_form(one, ctx, 1, "Second words.")).status_code == 302
    stale = one.post(url, data=_form(one, ctx, 1, "Words from an old page."))
    assert stale.status_code == 409
    page = stale.get_data(as_text=True)
    assert "Words from an old page." in page
    assert "Second words." in page
    assert "saved again since you opened it" in page
    assert 'name="revision" type="hidden" value="2"' in page
    assert _stored()[:2] == (2, ["Second words."])
    # A report begun twice from nothing: the second is stale too.
    assert one.post(url, data=_form(one, ctx, 0, "Again from zero.")).status_code == 409
    assert _stored()[:2] == (2, ["Second words."])


def test_bad_references_are_refused_naming_the_field(small_app, ctx):
    client = _client(small_app, ctx["people"], "secretariat")
    url = f"/meetings/{ctx['meeting_id']}/report"
    first_item = _items(ctx["meeting_id"])[0]
    for name, value, words in (
        ("amendments", "ZZ/999", "Amendments: no amendment is numbered"),
        ("documents", "RK9999E9", "Documents: no document has the symbol"),
    ):
        data = _form(client, ctx, 0, "Text.", **{f"{name}-{first_item}": value})
        response = client.post(url, data=data)
        assert response.status_code == 400
        assert words in response.get_data(as_text=True)
        assert _stored() == (0, [], [])
    # Without the CSRF token: refused, nothing stored.
    data = _form(client, ctx, 0, "Text.")
    del data["csrf_token"]
    assert client.post(url, data=data).status_code == 400
    assert _stored() == (0, [], [])


def test_adoption_locks_the_text_and_a_corrigendum_is_kept_beside_it(small_app, ctx):
    client = _client(small_app, ctx["people"], "secretariat")
    url = f"/meetings/{ctx['meeting_id']}/report"
    assert client.post(url, data=_form(client, ctx, 0, "Adopted words.")).status_code == 302
    delegate = _client(small_app, ctx["people"], "delegate_a")
    for path, data in (
        (url, _form(delegate, ctx, 1, "A delegate's words.")),
        (f"{url}/adopt", {"csrf_token": csrf_token(delegate, url), "revision": "1"}),
    ):
        assert delegate.post(path, data=data).status_code == 403
    adopted = client.post(
        f"{url}/adopt", data={"csrf_token": csrf_token(client, url), "revision": "1"}
    )
    assert adopted.status_code == 302
    db.session.rollback()
    assert db.session.scalar(select(Report.status)) is ReportStatus.ADOPTED
    after = client.post(url, data=_form(client, ctx, 2, "Rewritten silently."))
    assert after.status_code == 400
    assert "it is no longer edited" in after.get_data(as_text=True)
    assert _stored() == (2, ["Adopted words."], [])
    first_item = _items(ctx["meeting_id"])[0]
    corrigendum = {
        "csrf_token": csrf_token(client, url),
        "agenda_item": str(first_item),
        "text": "Corrected words.",
        "reason": "",
    }
    refused = client.post(f"{url}/corrigenda", data=corrigendum)
    assert refused.status_code == 400
    assert _stored()[2] == []
    foreign = {**corrigendum, "reason": "A typo.", "agenda_item": str(ctx["adoption_item_id"])}
    refused = client.post(f"{url}/corrigenda", data=foreign)
    assert refused.status_code == 400
    assert "Agenda item: the report&#39;s meeting has no item" in refused.get_data(as_text=True)
    made = client.post(f"{url}/corrigenda", data={**corrigendum, "reason": "A typo."})
    assert made.status_code == 302
    assert _stored() == (2, ["Adopted words."], [1])
    page = client.get(url).get_data(as_text=True)
    assert "Corrected words." in page
    assert "Adopted words." in page  # kept, under "Text as adopted"
    assert "Corrigendum 1" in page
    assert "A typo." in page


def test_the_next_sessions_adoption_item_links_to_the_report(small_app, ctx):
    client = _client(small_app, ctx["people"], "secretariat")
    later = f"/meetings/{ctx['later_id']}"
    report_url = f"/meetings/{ctx['meeting_id']}/report"
    assert f'href="{report_url}"' not in client.get(later).get_data(as_text=True)
    assert client.post(report_url, data=_form(client, ctx, 0, "Words.")).status_code == 302
    page = client.get(later).get_data(as_text=True)
    assert f'class="adoption-link" href="{report_url}"' in page
    assert page.count("adoption-link") == 1


def test_the_api_reads_writes_adopts_and_corrects(small_app, ctx):
    client = small_app.test_client()
    tokens = ctx["tokens"]
    url = f"/api/v1/meetings/{ctx['meeting_id']}/report"
    first_item = _items(ctx["meeting_id"])[0]
    assert client.get(url, headers=tokens["observer"]).status_code == 404
    entry = {"agenda_item": first_item, "text": "*Agreed*.", "amendments": [ctx["number"]]}
    draft = {"revision": 0, "entries": [entry]}
    assert client.put(url, json=draft, headers=tokens["delegate_a"]).status_code == 403
    assert client.put(url, json=draft, headers=tokens["observer"]).status_code == 403
    made = client.put(url, json=draft, headers=tokens["secretariat"])
    assert made.status_code == 200, made.get_json()
    body = made.get_json()
    assert body["revision"] == 1
    assert body["entries"][0]["html"] == "<p><em>Agreed</em>.</p>\n"
    assert body["entries"][0]["amendments"] == [{"id": ctx["tabled_id"], "number": ctx["number"]}]
    # Stale: both texts, nothing stored.
    stale = client.put(
        url,
        json={"revision": 0, "entries": [{**entry, "text": "Mine."}]},
        headers=tokens["secretariat"],
    )
    assert stale.status_code == 409
    problem = stale.get_json()
    assert problem["yours"] == [{"agenda_item": first_item, "text": "Mine."}]
    assert problem["current"] == [{"agenda_item": first_item, "text": "*Agreed*."}]
    assert problem["revision"] == 1
    # An item of another meeting: 400 naming the member, nothing stored.
    foreign = client.put(
        url,
        json={"revision": 1, "entries": [{"agenda_item": ctx["adoption_item_id"], "text": "x"}]},
        headers=tokens["secretariat"],
    )
    assert foreign.status_code == 400
    assert foreign.get_json()["field"] == "entries.0.agenda_item"
    assert _stored()[:2] == (1, ["*Agreed*."])
    # Members read it.
    read = client.get(url, headers=tokens["observer"])
    assert read.status_code == 200
    assert read.get_json()["status"] == "draft"
    adopted = client.post(f"{url}/adopt", json={"revision": 1}, headers=tokens["secretariat"])
    assert adopted.status_code == 200
    assert adopted.get_json()["status"] == "adopted"
    locked = client.put(url, json={**draft, "revision": 2}, headers=tokens["secretariat"])
    assert locked.status_code == 400
    assert locked.get_json()["field"] == "entries"
    fix = {"agenda_item": first_item, "text": "*Agreed*, as amended.", "reason": "Omission."}
    assert (
        client.post(f"{url}/corrigenda", json=fix, headers=tokens["delegate_a"]).status_code == 403
    )
    fixed = client.post(f"{url}/corrigenda", json=fix, headers=tokens["secretariat"])
    assert fixed.status_code == 201
    out = fixed.get_json()
    assert out["entries"][0]["text"] == "*Agreed*, as amended."
    assert out["entries"][0]["adopted_text"] == "*Agreed*."
    assert out["corrigenda"][0]["reason"] == "Omission."
    db.session.rollback()
    assert db.session.scalar(select(func.count(ReportCorrigendum.id))) == 1


def test_an_adopted_and_corrected_report_reads_its_corrigendum(small_app):
    """The backup's fixture: every table of migration 0016 gets a row, and reads back."""
    people = create_people()
    ids = review_context()
    made = report_context(people, ids)
    db.session.rollback()
    report = db.session.get(Report, made["report_id"])
    assert report.status is ReportStatus.ADOPTED
    assert [e.text for e in report.entries] == ["The Committee **adopted** its agenda."]
    assert len(report.entries[0].links) == 2
    assert [c.number for c in report.corrigenda] == [1]
    assert "as amended" in reports.current_text(report, ids["item_id"])
    client = _client(small_app, people, "observer")
    page = client.get(f"/meetings/{ids['meeting_id']}").get_data(as_text=True)
    assert f'href="/amendments/{made["cited_id"]}"' in page
    assert "discussed: Tabled" in page
