"""The framework's pages: the dashboard with its chart, CSV and Word exports, the component
page in the WCO's three-column layout, the Secretariat's forms and the consultation window."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from docx import Document as WordDocument
from sqlalchemy import func, select

from rkc import clock
from rkc.amendments.models import Amendment
from rkc.audit import Actor, acting_as
from rkc.extensions import db
from rkc.review import framework as fw
from rkc.review.framework_models import Component, ComponentComment, Concept, StepMove
from rkc.review.models import Meeting

from ..helpers import create_people, csrf_token, log_in
from .fixtures import review_context
from .framework_fixtures import framework_context, rkc_amendment, step_four


@pytest.fixture
def world(small_app):  # type: ignore[no-untyped-def]
    people = create_people()
    review = review_context(people)
    return {"people": people, **review, **framework_context(people, review)}


def _client(app, people, role: str):  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert log_in(client, people[role].username).status_code == 302
    return client


def _count(model) -> int:  # type: ignore[no-untyped-def]
    db.session.rollback()  # a fresh read: what the requests committed
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_dashboard_counts_and_draws_without_script(small_app, world):  # type: ignore[no-untyped-def]
    client = _client(small_app, world["people"], "observer")
    meetings = client.get("/meetings/").get_data(as_text=True)
    assert 'href="/meetings/framework/"' in meetings
    page = client.get("/meetings/framework/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<svg" in html
    assert "<rect" in html
    assert "<script" not in html
    assert "style=" not in html
    assert "AEO: Authorised operators" in html
    assert "Step 4: drafting" in html
    # Members read, only the Secretariat sees the forms.
    assert 'id="new-proposal"' not in html
    french = client.get("/meetings/framework/", headers={"Accept-Language": "fr"})
    assert "Cadre en quatre étapes" in french.get_data(as_text=True)


def test_the_csv_export_holds_every_count(small_app, world):  # type: ignore[no-untyped-def]
    client = _client(small_app, world["people"], "delegate_b")
    response = client.get("/meetings/framework/framework.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "four-step-framework.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["dimension", "group", "concepts", "components", "drafts"]
    table = {(r[0], r[1]): r[2:] for r in rows[1:]}
    assert table["step", "Step 4: drafting"] == ["1", "1", "1"]
    assert table["step", "Step 1: proposal"] == ["1", "2", "0"]
    assert table["annex", "General Annex"] == ["1", "1", "1"]
    assert table["concept", "AEO: Authorised operators"] == ["1", "3", "1"]


def test_a_formula_is_not_written_into_the_csv(small_app, world):  # type: ignore[no-untyped-def]
    with acting_as(Actor(None, "t", "system")):
        fw.create_concept(code="=HYPERLINK", name="x")
    db.session.commit()
    client = _client(small_app, world["people"], "delegate_b")
    text = client.get("/meetings/framework/framework.csv").get_data(as_text=True)
    assert "'=HYPERLINK: x" in text


def test_the_word_export_has_one_table_per_dimension(small_app, world):  # type: ignore[no-untyped-def]
    client = _client(small_app, world["people"], "secretariat")
    response = client.get("/meetings/framework/framework.docx")
    assert response.status_code == 200
    document = WordDocument(io.BytesIO(response.data))
    assert [t.rows[0].cells[0].text for t in document.tables] == ["Group"] * 4
    steps = [[c.text for c in row.cells] for row in document.tables[0].rows[1:]]
    assert ["Step 4: drafting", "1", "1", "1"] in steps
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["By step", "By outcome (Step 2)", "By part of the Convention", "By concept"]


def test_the_component_page_shows_drafts_in_three_columns(small_app, world):  # type: ignore[no-untyped-def]
    client = _client(small_app, world["people"], "delegate_b")
    html = client.get(f"/meetings/framework/components/{world['component_id']}").get_data(
        as_text=True
    )
    assert "Current text" in html
    assert "Proposed text" in html
    assert "Justification" in html
    assert "Clearer wording." in html
    # The amendment's free-text concept "AEO" is shown as the concept it names.
    assert (
        f'href="/meetings/framework/concepts/{world["concept_id"]}">AEO: Authorised operators'
        in html
    )
    assert "Canada supports it." in html
    assert 'id="comment"' in html  # the window is open
    assert 'id="move-step"' not in html  # not the Secretariat
    split = client.get(f"/meetings/framework/components/{world['split_id']}").get_data(as_text=True)
    assert "Continued as:" in split
    assert "Simplified declarations" in split


def test_the_secretariat_records_a_concept_and_a_proposal(small_app, world):  # type: ignore[no-untyped-def]
    client = _client(small_app, world["people"], "secretariat")
    token = csrf_token(client, "/meetings/framework/")
    made = client.post(
        "/meetings/framework/concepts",
        data={"csrf_token": token, "concept-code": "AR", "concept-name": "Advance rulings"},
    )
    assert made.status_code == 302, made.get_data(as_text=True)[-3000:]
    assert made.headers["Location"].startswith("/meetings/framework/concepts/")
    concept = db.session.scalar(select(Concept).where(Concept.code == "AR"))
    again = client.post(
        "/meetings/framework/concepts",
        data={"csrf_token": token, "concept-code": "ar", "concept-name": "Twice"},
    )
    assert again.status_code == 400
    assert "a concept ar exists already" in again.get_data(as_text=True)
    proposal = client.post(
        "/meetings/framework/proposals",
        data={
            "csrf_token": token,
            "proposal-concept_id": str(concept.id),
            "proposal-title": "Binding rulings on origin",
            "proposal-party_id": "0",
            "proposal-organisation": "International Chamber of Commerce",
            "proposal-submitted_on": "2019-11-04",
            "proposal-document_id": "0",
            "proposal-track": "B",
            "proposal-components": "Scope\nValidity",
        },
    )
    assert proposal.status_code == 302, proposal.get_data(as_text=True)[:2000]
    assert _count(Component) == 6


def test_a_delegate_may_not_write_to_the_framework(small_app, world):  # type: ignore[no-untyped-def]
    client = _client(small_app, world["people"], "delegate_a")
    moves = _count(StepMove)
    token = csrf_token(client, "/meetings/framework/")
    response = client.post(
        f"/meetings/framework/components/{world['successor_id']}/step",
        data={"csrf_token": token, "step-step": "2", "step-meeting_id": "0"},
    )
    assert response.status_code == 403
    assert _count(StepMove) == moves


def test_a_skipped_step_is_refused_on_the_page(small_app, world):  # type: ignore[no-untyped-def]
    client = _client(small_app, world["people"], "secretariat")
    url = f"/meetings/framework/components/{world['successor_id']}"
    token = csrf_token(client, url)
    response = client.post(
        f"{url}/step", data={"csrf_token": token, "step-step": "3", "step-meeting_id": "0"}
    )
    assert response.status_code == 400
    assert "steps are not skipped" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(Component, world["successor_id"]).step == 1


def test_a_comment_after_the_window_is_refused_and_not_stored(small_app, world):  # type: ignore[no-untyped-def]
    component = db.session.get(Component, world["component_id"])
    today = clock.today()
    with acting_as(Actor(None, "t", "system")):
        fw.set_consultation(component, opens=today - timedelta(9), closes=today - timedelta(2))
    db.session.commit()
    before = _count(ComponentComment)
    client = _client(small_app, world["people"], "observer")
    url = f"/meetings/framework/components/{world['component_id']}"
    page = client.get(url).get_data(as_text=True)
    assert "Comments are accepted while the consultation is open." in page
    response = client.post(
        f"{url}/comments",
        data={"csrf_token": csrf_token(client, url), "comment-body": "Too late?"},
    )
    assert response.status_code == 400
    assert "the consultation is not open; it closed on" in response.get_data(as_text=True)
    assert _count(ComponentComment) == before


# --------------------------------------------------------------------------- the amendment page


def _framework_section(html: str) -> str:
    start = html.index('<section aria-labelledby="framework-heading"')
    return html[start : html.index("</section>", start)]


def test_a_draft_texts_page_shows_its_place_in_the_framework(small_app, world):  # type: ignore[no-untyped-def]
    client = _client(small_app, world["people"], "observer")
    page = client.get(f"/amendments/{world['framework_amendment_id']}")
    assert page.status_code == 200
    section = _framework_section(page.get_data(as_text=True))
    assert "Four-step Framework" in section
    concept = f'href="/meetings/framework/concepts/{world["concept_id"]}">AEO: Authorised operators'
    assert concept in section
    proposal = (
        f'href="/meetings/framework/proposals/{world["proposal_id"]}">'
        "Recognise authorised operators in the General Annex</a>"
    )
    assert proposal in section
    proponent = db.session.get(Component, world["component_id"]).proposal.proponent
    assert proponent
    assert f"<td>{proponent}</td>" in section
    component = (
        f'href="/meetings/framework/components/{world["component_id"]}">'
        f"{world['component_id']}. Define an authorised operator</a>"
    )
    assert component in section
    assert "<td>Step 4: drafting</td>" in section
    assert "<td>The Convention (General Annex)</td>" in section
    french = client.get(
        f"/amendments/{world['framework_amendment_id']}", headers={"Accept-Language": "fr"}
    ).get_data(as_text=True)
    assert "Cadre en quatre étapes" in _framework_section(french)
    assert "Étape 4" in _framework_section(french)


def test_an_amendment_no_component_took_shows_no_framework_place(small_app, world):  # type: ignore[no-untyped-def]
    with acting_as(Actor(None, "t", "system")):
        other = rkc_amendment(world["people"], " Not a draft text.", concept="AEO")
    db.session.commit()
    client = _client(small_app, world["people"], "delegate_b")
    html = client.get(f"/amendments/{other.id}").get_data(as_text=True)
    assert "framework-heading" not in html
    assert "/meetings/framework/components/" not in html
    # The linked one, on the same client, does show it: the check above is not vacuous.
    linked = client.get(f"/amendments/{world['framework_amendment_id']}").get_data(as_text=True)
    assert "framework-heading" in linked


def test_a_draft_text_of_several_components_lists_each_active_first(small_app, world):  # type: ignore[no-untyped-def]
    amendment_id = world["framework_amendment_id"]
    with acting_as(Actor(None, "t", "system")):
        amendment = db.session.get(Amendment, amendment_id)
        later = db.session.get(Component, world["successor_id"])
        later.title = "<em>Simplified</em> declarations"
        step_four(later, db.session.get(Meeting, world["meeting_id"]))
        fw.link_draft(later, amendment)
    db.session.commit()
    client = _client(small_app, world["people"], "delegate_a")

    def rows() -> list[str]:
        html = client.get(f"/amendments/{amendment_id}").get_data(as_text=True)
        return _framework_section(html).split('<tr class="framework-component"')[1:]

    # Both active: in the order they took it.
    first, second = rows()
    assert f'id="component-{world["component_id"]}"' in first
    assert f'id="component-{world["successor_id"]}"' in second
    # Escaped: the title's markup shows as text.
    assert "&lt;em&gt;Simplified&lt;/em&gt; declarations</a>" in second
    assert "<em>Simplified" not in second
    # The first is split: the link stays with it, retired, after the active one.
    db.session.rollback()
    with acting_as(Actor(None, "t", "system")):
        fw.split_component(db.session.get(Component, world["component_id"]), ["One", "Two"])
    db.session.commit()
    first, second = rows()
    assert f'id="component-{world["successor_id"]}"' in first
    assert "(Split)" not in first
    assert f'id="component-{world["component_id"]}"' in second
    assert "(Split)" in second
