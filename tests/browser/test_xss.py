"""Stored XSS: every user text field takes every payload; no page runs or breaks."""

from __future__ import annotations

from playwright.sync_api import Page

from rkc.audit import Actor, acting_as
from rkc.auth import operations as auth_ops
from rkc.extensions import db
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
