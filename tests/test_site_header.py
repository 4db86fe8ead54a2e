"""Every page's header is a shared fragment (rkc.web.site_header), drawn once per interface
language and kind of visitor; the personal bits (name, party, CSRF token, this page's address)
are filled for each request. These tests check that the cache never mixes visitors up
(issue 17, item 1)."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from rkc.audit import Actor, acting_as
from rkc.auth import operations as auth_ops
from rkc.extensions import db
from rkc.web import FRAGMENT_CACHE

from .helpers import PASSWORD, create_people, log_in, party, user

PAGE = "/parties/"


def _header(client: FlaskClient, url: str = PAGE, **headers: str) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    html = response.get_data(as_text=True)
    found = re.search(r'<a class="skip".*?</header>', html, re.S)
    assert found, f"no site header on {url}"
    return found.group(0)


def _tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrf_token" value="([^"]+)"', html))


def _header_keys(app: Flask, *, members: bool | None = None) -> list[tuple]:
    """The site header's fragment keys: (scope, "site header", signed in, who..., ?lang=)."""
    return [
        key
        for key in app.extensions[FRAGMENT_CACHE]._entries
        if key[1] == "site header" and members in (None, key[2])
    ]


def test_each_visitor_gets_their_own_header_around_a_shared_fragment(app: Flask) -> None:
    people = create_people()
    with acting_as(Actor(None, "test-setup", "system")):
        auth_ops.create_user(
            username="delegate-d",
            display_name="D <b>&amp; co",
            password=PASSWORD,
            role="delegate",
            party=party("AUT"),
        )
    db.session.commit()
    names = {key: user(person).display_name for key, person in people.items()}
    parties = {key: user(person).party.name for key, person in people.items() if "delegate" in key}
    clients = {key: app.test_client() for key in (*people, "delegate_d")}
    for key, client in clients.items():
        assert log_in(client, key.replace("_", "-")).status_code == 302
    public = app.test_client()

    # Twice round, in turns: the second round is served from the shared fragments.
    for _ in range(2):
        seen: dict[str, str] = {key: _header(client) for key, client in clients.items()}
        anonymous = _header(public)
        for key, html in seen.items():
            if key == "delegate_d":
                assert '<a class="me" href="/account">D &lt;b&gt;&amp;amp; co</a>' in html
            else:
                assert f'<a class="me" href="/account">{names[key]}</a>' in html
            for other, name in names.items():
                if other != key:
                    assert f">{name}</a>" not in html
            for other, name in parties.items():
                shown = f"· {name}</span>" in html
                assert shown == (other == key or (key == "delegate_d" and other == "delegate_a"))
            assert ("Merge queue" in html) == (key == "secretariat")
            assert ("/admin/users" in html) == (key == "admin")
            assert "Log out" in html
            assert "Amendments</a>" in html
        assert "Log out" not in anonymous
        assert "Amendments</a>" not in anonymous
        assert "csrf_token" not in anonymous
        assert not any(name in anonymous for name in names.values())

        # Each member's forms carry their own session's token, never another's.
        tokens = {key: _tokens(html) for key, html in seen.items()}
        for key, own in tokens.items():
            assert len(own) == 1
            assert all(not own & theirs for other, theirs in tokens.items() if other != key)

    # One fragment per kind of visitor, never per person: anonymous, and each role (signed
    # in, role, active, with a party).
    keys = _header_keys(app)
    assert len({key[0] for key in keys}) == 1  # one release, language and script root
    assert sorted(key[2:-1] for key in keys) == [
        (False, "anonymous"),
        (True, "admin", True, False),
        (True, "delegate", True, True),
        (True, "observer", True, False),
        (True, "secretariat", True, False),
    ]


def test_the_header_token_is_the_sessions_own(app: Flask) -> None:
    create_people()
    a, b = app.test_client(), app.test_client()
    log_in(a, "delegate-a")
    log_in(b, "delegate-b")
    (token_a,) = _tokens(_header(a))
    (token_b,) = _tokens(_header(b))
    # B's token, drawn from the same fragment, is refused in A's session; A's own is taken.
    refused = a.post(
        "/interface-language", data={"locale": "fr", "next": PAGE, "csrf_token": token_b}
    )
    assert refused.status_code == 400
    taken = a.post(
        "/interface-language", data={"locale": "fr", "next": PAGE, "csrf_token": token_a}
    )
    assert taken.status_code == 302


def test_the_header_is_drawn_per_interface_language_and_role(app: Flask) -> None:
    create_people()
    member, officer = app.test_client(), app.test_client()
    log_in(member, "observer")
    log_in(officer, "secretariat")
    english = _header(member)
    french = _header(member, **{"Accept-Language": "fr"})
    assert "Log out" in english
    assert "Observer" in english
    assert "Se déconnecter" in french
    assert "Observateur" in french
    assert "Log out" not in french
    assert "Log out" in _header(member)  # and back: the English fragment again
    assert "Secrétariat" in _header(officer, **{"Accept-Language": "fr"})
    assert "Observateur" not in _header(officer, **{"Accept-Language": "fr"})
    keys = _header_keys(app, members=True)
    assert len(keys) == 3, keys  # observer in English and in French, secretariat in French
    assert len({key[0] for key in keys}) == 2  # the scope names the interface language


def test_the_language_switch_comes_back_to_each_page(app: Flask) -> None:
    create_people()
    member, public = app.test_client(), app.test_client()
    log_in(member, "observer")
    for client in (member, public):
        assert 'name="next" value="/parties/"' in _header(client, "/parties/")
        html = _header(client, "/search?q=customs&page=1")
        assert 'name="next" value="/search?q=customs&amp;page=1"' in html


def test_links_keep_the_reading_language_only_where_it_was_asked(app: Flask) -> None:
    public = app.test_client()
    assert 'href="/w/rkc?lang=fr"' in _header(public, "/n/ga/3?lang=fr")
    plain = _header(public, PAGE)
    assert 'href="/w/rkc"' in plain
    assert "lang=fr" not in plain
    # A language code the site does not know is kept nowhere (and makes no fragment of its own).
    assert public.get("/parties/?lang=xx").status_code == 200
    assert len(_header_keys(app)) == 2
