"""Stored XSS: every user text field takes every payload; no page runs or breaks."""

from __future__ import annotations

from datetime import date

from lxml import etree
from playwright.sync_api import Page

from rkc.amendments import merging
from rkc.amendments.discussion import (
    add_comment,
    change_position,
    request_co_sponsorship,
    take_position,
)
from rkc.amendments.lifecycle import change_status
from rkc.amendments.proposing import (
    _current,
    propose_deletion,
    propose_heading,
    propose_modification,
)
from rkc.audit import Actor, acting_as
from rkc.auth import operations as auth_ops
from rkc.convention import operations as text_ops
from rkc.convention import queries as text_queries
from rkc.extensions import db
from rkc.parties import operations as party_ops
from rkc.parties.models import Party
from rkc.procedure import operations as procedure_ops
from tests.helpers import PASSWORD, create_people, user

from .xss import PAYLOADS


def _log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")  # not the header's search button


def _assert_nothing_ran(page: Page) -> None:
    assert page.evaluate("window.__xss === undefined")
    # The page is whole: its footer (after every user string) is still there.
    assert page.locator("footer.site").count() == 1
    # Only the site's own script files: no inline or injected script element.
    sources = page.eval_on_selector_all("script", "els => els.map(e => e.getAttribute('src'))")
    assert all(src and src.startswith("/static/") for src in sources), sources
    assert page.locator("iframe, svg, img[src='x']").count() == 0


def test_payloads_in_every_user_text_field_stay_text(small_live_server, page: Page) -> None:
    server = small_live_server
    with server.app.app_context():
        people = create_people()
        with acting_as(Actor(None, "test-setup", "system")):
            for n, payload in enumerate(PAYLOADS):
                # Fields an administrator fills in for someone else.
                auth_ops.create_user(
                    username=f"x{n}",
                    display_name=payload,
                    password=PASSWORD,
                    role="observer",
                    organisation=payload,
                )
            target = user(people["secretariat"])
            auth_ops.update_profile(
                target, display_name=PAYLOADS[1], organisation=PAYLOADS[0], email=PAYLOADS[2]
            )
            for payload in PAYLOADS:
                auth_ops.issue_token(target, payload)
        db.session.commit()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    _log_in(page, server.url, "secretariat")
    for path in ("/", "/account", "/audit/", "/n/ga/3"):
        page.goto(server.url + path)
        _assert_nothing_ran(page)
        assert PAYLOADS[1] in page.locator("header.site").inner_text()  # shown, as text

    # The account page shows each token name as text, exactly as typed.
    page.goto(server.url + "/account")
    names = page.locator("table.grid td:first-child").all_inner_texts()
    assert names == list(PAYLOADS)

    # Type the payloads into the forms themselves, as a person would.
    for payload in PAYLOADS[:4]:
        page.fill("#display_name", payload)
        page.fill("#organisation", payload)
        page.click("form[action$='/account/profile'] button")
        _assert_nothing_ran(page)
        assert page.locator("#display_name").input_value() == payload

    page.context.clear_cookies()
    _log_in(page, server.url, "admin")
    page.goto(server.url + "/admin/users")
    _assert_nothing_ran(page)
    texts = page.locator("table.grid").inner_text()
    for payload in PAYLOADS:
        assert payload in texts
    assert dialogs == []


# --------------------------------------------------------------------------- every other field


def _store_payloads_everywhere() -> dict[str, object]:
    """Every user text field of amendments, parties, the procedure and editions holds every
    payload, each followed by a marker naming the field, so that the test can tell the field
    was shown. Returns the ids the pages need."""
    people = create_people()
    a, b, c = (user(people[k]) for k in ("delegate_a", "delegate_b", "delegate_c"))
    secretariat = user(people["secretariat"])
    work = text_queries.work_by_key("rkc")
    draft = text_queries.edition_by_slug(work, "review-draft")
    in_force = text_queries.edition_by_slug(work, "2006")
    node = text_queries.node_by_key("ga/3/3.1")
    ids: dict[str, object] = {"amendments": [], "recommendations": [], "parties": [], "slugs": []}
    contracting: list[Party] = []
    with acting_as(Actor(None, "test-setup", "system")):
        # Parties: names and notes; each a Contracting Party with a reservation.
        for n, payload in enumerate(PAYLOADS):
            party = party_ops.create_party(
                name=f"{payload} party-name-{n}",
                note=f"{payload} party-note-{n}",
                source_url=payload,  # "javascript:..." must not become a link
            )
            party_ops.record_instrument(
                party,
                instrument="accession",
                deposited_on="2004-04-29",
                note=f"{payload} event-note-{n}",
            )
            party_ops.record_acceptance(party, "sa-b/1", notified_on="2010-01-04")
            party_ops.record_reservation(
                party, "sa-b/1/2", entered_on="2010-01-04", text=f"{payload} reservation-{n}"
            )
            ids["parties"].append(party.ident)  # type: ignore[union-attr]
            contracting.append(party)
        # The delegates' own parties carry payload names too (shown beside every amendment).
        for person, payload in ((a, PAYLOADS[0]), (b, PAYLOADS[1]), (c, PAYLOADS[2])):
            person.party.name = f"{payload} delegation-{person.username}"
        db.session.flush()
        # Amendments: proposed text, justification, concept, heading; comments, positions,
        # co-sponsorship notes, reasons for status changes.
        for n, payload in enumerate(PAYLOADS):
            current = _current(draft, node)
            amendment = propose_modification(
                draft,
                node,
                user=a,
                text=f"{current.text} {payload} proposed-{n}",
                justification=f"{payload} justification-{n}",
                concept=f"{payload} concept-{n}"[:120],
            )
            change_status(amendment, "tabled", user=a, reason=f"{payload} table-{n}")
            change_status(
                amendment, "under_discussion", user=secretariat, reason=f"{payload} open-{n}"
            )
            comment = add_comment(amendment, user=b, body=f"{payload} comment-{n}")
            add_comment(amendment, user=a, body=f"{payload} reply-{n}", reply_to=comment)
            take_position(
                amendment, user=b, stance="reservation", statement=f"{payload} position-{n}"
            )
            request_co_sponsorship(amendment, user=c, note=f"{payload} sponsor-{n}")
            take_position(
                amendment, user=c, stance="support", statement=f"{payload} first-position-{n}"
            )
            change_position(
                amendment, user=c, stance="objection", statement=f"{payload} changed-position-{n}"
            )
            ids["amendments"].append(amendment.id)  # type: ignore[union-attr]
        heading = propose_heading(
            draft,
            text_queries.node_by_key("ga/3/3.2"),
            user=b,
            title=f"{PAYLOADS[0]} heading",
            justification=f"{PAYLOADS[1]} heading-justification",
        )
        change_status(heading, "tabled", user=b)
        withdrawn = propose_deletion(
            draft, text_queries.node_by_key("ga/3/3.2"), user=a, justification="To withdraw."
        )
        change_status(withdrawn, "withdrawn", user=a, reason=f"{PAYLOADS[3]} withdraw")
        ids["amendments"].extend([heading.id, withdrawn.id])  # type: ignore[union-attr]
        # A merged amendment puts every payload into the draft's text itself (provision pages,
        # history, comparison, search results and their highlighted fragments).
        target = text_queries.node_by_key("ga/3/3.4")
        merged = propose_modification(
            draft,
            target,
            user=a,
            text=_current(draft, target).text + "\n\n" + " ".join(PAYLOADS) + " zebra merged-text",
            justification="Merged.",
        )
        change_status(merged, "tabled", user=a)
        change_status(merged, "under_discussion", user=secretariat)
        change_status(merged, "agreed", user=secretariat)
        merging.merge(
            draft,
            [merged],
            expected={target.id: _current(draft, target).id},
            user=secretariat,
        )
        # Editions with payload titles, each carried by a recommendation with payload texts.
        for n, payload in enumerate(PAYLOADS):
            edition = text_ops.open_draft(
                in_force,
                slug=f"xss-{n}",
                title=f"{payload} edition-title-{n}",
                description=f"{payload} edition-description-{n}",
            )
            text_ops.freeze(edition, adopted_on=date(2026, 1, 1))
            recommendation = procedure_ops.recommend(
                edition,
                procedure="annex",
                session=f"{payload} session-{n}",
                decided_on=date(2026, 1, 1),
                communicated_on=date(2026, 2, 1),
                note=f"{payload} recommendation-note-{n}",
            )
            procedure_ops.record_response(
                recommendation,
                contracting[n],
                "acceptance",
                date(2026, 3, 1),
                note=f"{payload} response-note-{n}",
            )
            ids["recommendations"].append(recommendation.id)  # type: ignore[union-attr]
            ids["slugs"].append(edition.slug)  # type: ignore[union-attr]
    db.session.commit()
    return ids


#: Every marker the store above writes, by field: each must show on some page visited.
MARKERS = [
    f"{field}-{n}"
    for field in (
        "party-name",
        "party-note",
        "event-note",
        "reservation",
        "proposed",
        "justification",
        "concept",
        "table",
        "open",
        "comment",
        "reply",
        "position",
        "changed-position",
        "sponsor",
        "edition-title",
        "session",
        "recommendation-note",
        "response-note",
    )
    for n in range(len(PAYLOADS))
] + ["heading", "heading-justification", "withdraw", "delegation-delegate-a", "merged-text"]


def _pages(ids: dict) -> dict[str, list[str]]:
    """The pages to open, by who opens them."""
    slugs, parties = ids["slugs"], ids["parties"]
    public = [
        "/",
        "/w/rkc",
        "/w/rkc/editions",
        "/w/rkc/compare",
        f"/w/rkc/compare?from=2006&to={slugs[0]}",
        "/n/ga/3",
        "/n/sa-b/1/2",
        "/n/ga/3/3.1/history",
        "/search?q=customs",
        "/recommendations/",
        *(f"/recommendations/{r}" for r in ids["recommendations"]),
        *(f"/w/rkc/editions/{s}/changes" for s in slugs),
        "/parties/",
        "/parties/charts",
        "/parties/chapters/sa-b/1",
        *(f"/parties/{p}" for p in parties),
        *(f"/parties/{p}/binding?on=2012-01-01" for p in parties),
    ]
    members = [
        "/w/rkc?edition=review-draft",
        "/n/ga/3/3.4?edition=review-draft",
        "/n/ga/3/3.4/history",
        "/w/rkc/compare?from=2006&to=review-draft",
        "/w/rkc/editions/review-draft/changes",
        "/search?q=zebra&edition=review-draft",
        "/n/ga/3?edition=review-draft",
        "/amendments/",
        "/amendments/changes",
        "/amendments/provision/ga/3/3.1",
        "/amendments/provision/ga/3/3.2",
        "/amendments/compilation?chapter=ga/3",
        "/amendments/compilation/print",
        *(f"/amendments/{i}" for i in ids["amendments"]),
    ]
    secretariat = [
        "/merge/",
        "/merge/rkc/review-draft",
        "/recommendations/new",
        "/audit/",
        "/w/rkc/import",
        *(f"/w/rkc/editions/{s}/manage" for s in slugs[:2]),
        f"/parties/{parties[0]}/reservations/new",
        f"/parties/{parties[0]}/instrument",
    ]
    return {
        "anonymous": public,
        "delegate-a": [
            *members,
            f"/amendments/{ids['amendments'][0]}/revise",
            "/amendments/propose/ga/3/3.1?change=modify",
        ],
        "secretariat": secretariat + members,
        "admin": [f"/parties/{p}/edit" for p in parties[:3]] + ["/admin/users"],
    }


def _no_script_addresses(page: Page) -> None:
    """No link or form on the page leads to script (javascript:, data:, vbscript:)."""
    protocols = page.eval_on_selector_all(
        "a[href], area[href], form[action]",
        "els => els.map(e => new URL(e.href || e.action, document.baseURI).protocol)",
    )
    bad = [p for p in protocols if p in ("javascript:", "data:", "vbscript:")]
    assert bad == [], page.url


def _svg_and_feed_are_inert(page: Page, base: str) -> None:
    """Pictures and the feed are documents of their own: nothing in them may run either."""
    for path in ("/parties/charts/parties-over-time.svg", "/parties/charts/acceptances.svg"):
        response = page.goto(base + path)
        assert response is not None
        assert response.ok
        assert page.evaluate("window.__xss === undefined"), path
        assert page.locator("script").count() == 0, path
    # Shown as a document of its own, an SVG makes chromium ask for /favicon.ico (404).
    errors: list[str] = page.errors  # type: ignore[attr-defined]
    errors[:] = [e for e in errors if not e.startswith(f"console error at {base}/favicon.ico:")]
    response = page.request.get(base + "/feeds/editions.atom")
    assert response.ok
    feed = etree.fromstring(response.body())  # well-formed: every title was escaped
    titles = [t.text or "" for t in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert any(PAYLOADS[0] in t for t in titles)


def test_payloads_in_amendment_party_procedure_and_edition_fields_stay_text(
    small_live_server, page: Page
) -> None:
    server = small_live_server
    with server.app.app_context():
        ids = _store_payloads_everywhere()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    seen: list[str] = []
    for who, paths in _pages(ids).items():
        page.context.clear_cookies()
        if who != "anonymous":
            _log_in(page, server.url, who)
        for path in paths:
            response = page.goto(server.url + path)
            assert response is not None
            assert response.status == 200, (who, path, response.status)
            _assert_nothing_ran(page)
            _no_script_addresses(page)
            seen.append(page.locator("body").inner_text())
            if path.startswith("/search?q=zebra"):  # a hit, with its highlighted fragment
                assert "zebra" in page.locator("main").inner_text()
                assert page.locator("main mark").count() >= 1
    shown = "\n".join(seen)
    missing = [marker for marker in MARKERS if marker not in shown]
    assert missing == [], "fields never shown on the pages visited"
    # Plain-text fields show the payload itself, character for character.
    for payload in PAYLOADS:
        assert f"{payload} party-name-" in shown
        assert f"{payload} session-" in shown
        assert f"{payload} edition-title-" in shown
    _svg_and_feed_are_inert(page, server.url)
    assert dialogs == []
