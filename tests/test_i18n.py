"""The interface in English and French: which language a request gets, the switch, French
pages, dates per locale, and catalogues that cannot go stale."""

from __future__ import annotations

import gettext
import io
import os
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask_babel import force_locale
from sqlalchemy import select

from rkc.audit.models import AuditEvent
from rkc.convention.languages import LANGUAGE_COOKIE
from rkc.extensions import db
from rkc.i18n import LOCALE_COOKIE, long_date, long_datetime, number

from .helpers import create_people, csrf_token, log_in, user

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "rkc" / "translations"
PO = TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.po"
MO = TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.mo"
#: The keywords pybabel uses with the options docs/translating.md gives: gettext and friends,
#: N_ (marked only, translated where shown) and the lazy forms.
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "lazy_gettext": None,
    "_l": None,
    "lazy_ngettext": (1, 2),
    "N_": None,
}

FRENCH = "fr-FR,fr;q=0.9,en;q=0.5"
ENGLISH_31 = "The Customs shall designate the Customs offices"
FRENCH_31 = "La douane désigne les bureaux de douane"


def _html(client, url: str, status: int = 200, **headers: str) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def _lang(html: str) -> str:
    match = re.search(r'<html lang="([a-z]+)">', html)
    assert match, "no <html lang>"
    return match.group(1)


# --------------------------------------------------------------------------- the selector


def test_english_without_any_preference(reader):
    html = _html(reader, "/login")
    assert _lang(html) == "en"
    assert "<h1>Log in</h1>" in html


def test_accept_language_asks_for_french(reader):
    html = _html(reader, "/login", **{"Accept-Language": FRENCH})
    assert _lang(html) == "fr"
    assert "<h1>Se connecter</h1>" in html
    # A language rkc does not speak falls back to English.
    assert _lang(_html(reader, "/login", **{"Accept-Language": "de-DE,de"})) == "en"


def test_the_cookie_beats_accept_language(site):
    client = site.test_client()
    client.set_cookie(LOCALE_COOKIE, "en")
    assert _lang(_html(client, "/login", **{"Accept-Language": FRENCH})) == "en"
    client.set_cookie(LOCALE_COOKIE, "fr")
    assert _lang(_html(client, "/login")) == "fr"
    # A cookie naming no interface language is ignored.
    client.set_cookie(LOCALE_COOKIE, "xx")
    assert _lang(_html(client, "/login", **{"Accept-Language": FRENCH})) == "fr"


def test_a_members_stored_choice_beats_the_cookie_and_accept_language(app):
    people = create_people()
    user(people["delegate_a"]).interface_locale = "fr"
    db.session.commit()
    client = app.test_client()
    log_in(client, people["delegate_a"].username)
    client.set_cookie(LOCALE_COOKIE, "en")
    html = _html(client, "/my-work", **{"Accept-Language": "en"})
    assert _lang(html) == "fr"
    assert "<h1>Mon travail</h1>" in html


# --------------------------------------------------------------------------- the switch


def test_the_switch_sets_the_cookie_and_goes_back(client):
    response = client.post("/interface-language", data={"locale": "fr", "next": "/parties/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/parties/"
    assert client.get_cookie(LOCALE_COOKIE).value == "fr"
    html = _html(client, "/parties/")
    assert _lang(html) == "fr"
    assert "<h1>Parties contractantes</h1>" in html
    # And back to English.
    client.post("/interface-language", data={"locale": "en", "next": "/parties/"})
    assert "<h1>Contracting Parties</h1>" in _html(client, "/parties/")


def test_the_switch_is_a_form_in_every_header_without_a_token_for_anonymous_readers(reader):
    html = _html(reader, "/w/rkc")
    form = re.search(r'<form id="interface-language".*?</form>', html, re.S)
    assert form, "no language switch in the header"
    assert 'method="post"' in form.group(0)
    assert 'name="locale" value="fr"' in form.group(0)
    assert 'name="next" value="/w/rkc"' in form.group(0)
    # No token, so no session cookie: the reading page stays cacheable.
    assert "csrf_token" not in form.group(0)
    response = reader.get("/w/rkc")
    assert "Set-Cookie" not in response.headers
    assert response.headers.get("ETag")


def test_the_switch_refuses_cross_site_posts_unknown_languages_and_foreign_targets(client):
    refused = client.post(
        "/interface-language",
        data={"locale": "fr", "next": "/"},
        headers={"Origin": "https://evil.example"},
    )
    assert refused.status_code == 400
    assert client.get_cookie(LOCALE_COOKIE) is None
    refused = client.post(
        "/interface-language",
        data={"locale": "fr", "next": "/"},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert refused.status_code == 400
    assert client.get_cookie(LOCALE_COOKIE) is None

    unknown = client.post("/interface-language", data={"locale": "de", "next": "/"})
    assert unknown.status_code == 400
    assert "locale: unknown interface language" in unknown.get_data(as_text=True)
    assert client.get_cookie(LOCALE_COOKIE) is None

    away = client.post("/interface-language", data={"locale": "fr", "next": "//evil.example/x"})
    assert away.status_code == 302
    assert away.headers["Location"] == "/"


def test_a_member_needs_the_csrf_token_and_the_choice_is_stored(app):
    people = create_people()
    client = app.test_client()
    log_in(client, people["delegate_b"].username)

    missing = client.post("/interface-language", data={"locale": "fr", "next": "/my-work"})
    assert missing.status_code == 400
    assert client.get_cookie(LOCALE_COOKIE) is None
    db.session.rollback()  # a fresh transaction sees the request's commit
    assert user(people["delegate_b"]).interface_locale is None

    token = csrf_token(client, "/my-work")
    done = client.post(
        "/interface-language", data={"locale": "fr", "next": "/my-work", "csrf_token": token}
    )
    assert done.status_code == 302
    db.session.rollback()  # a fresh transaction sees the request's commit
    assert user(people["delegate_b"]).interface_locale == "fr"
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "user.interface_locale")
    )
    assert event is not None

    # Another browser, no cookie, an English Accept-Language: the stored choice wins.
    elsewhere = app.test_client()
    log_in(elsewhere, people["delegate_b"].username)
    html = _html(elsewhere, "/my-work", **{"Accept-Language": "en"})
    assert _lang(html) == "fr"
    assert "Se déconnecter" in html


# --------------------------------------------------------------------------- French pages


@pytest.mark.parametrize(
    ("url", "french", "english"),
    [
        ("/", "La Convention de Kyoto révisée, révisée ensemble", "revised together"),
        ("/w/rkc", "Toutes les éditions", "All editions"),
        ("/n/ga/3", "Télécharger :", "Skip to the text"),
        ("/parties/", "Télécharger ce tableau (CSV)", "Download this table"),
        ("/login", "Mot de passe oublié ?", "Forgot your password?"),
        ("/search?q=customs", "Rechercher dans le texte", "Search the text"),
    ],
)
def test_public_pages_in_french(reader, url, french, english):
    html = _html(reader, url, **{"Accept-Language": FRENCH})
    assert _lang(html) == "fr"
    assert french in html.replace("\u00a0", " ")
    assert english not in html
    # The header: French navigation, the switch offers English.
    assert ">Directives</a>" in html
    assert ">Comparer</a>" in html
    assert 'value="en" lang="en">English</button>' in html


def test_the_amendments_list_in_french(app):
    people = create_people()
    client = app.test_client()
    log_in(client, people["delegate_a"].username)
    html = _html(client, "/amendments/", **{"Accept-Language": FRENCH})
    assert _lang(html) == "fr"
    assert "<h1>Amendements</h1>" in html
    assert "Tous les amendements" in html
    assert "Filtrer" in html
    assert "All amendments" not in html


def test_a_french_interface_reads_the_text_in_french_unless_a_text_language_was_chosen(site):
    client = site.test_client()
    french = _html(client, "/n/ga/3", **{"Accept-Language": FRENCH})
    assert FRENCH_31 in french
    assert ENGLISH_31 not in french
    # An explicit text choice wins over the interface's language, either way.
    client.set_cookie(LANGUAGE_COOKIE, "en")
    assert ENGLISH_31 in _html(client, "/n/ga/3", **{"Accept-Language": FRENCH})
    assert FRENCH_31 in _html(client, "/n/ga/3?lang=fr")


def test_reading_pages_are_cached_per_interface_language(app):
    english = app.test_client().get("/n/ga/3/3.1", headers={"Accept-Language": "en"})
    french = app.test_client().get("/n/ga/3/3.1", headers={"Accept-Language": FRENCH})
    assert english.headers["ETag"] != french.headers["ETag"]
    assert "Accept-Language" in french.headers["Vary"]
    again = app.test_client().get(
        "/n/ga/3/3.1",
        headers={"Accept-Language": "en", "If-None-Match": french.headers["ETag"]},
    )
    assert again.status_code == 200
    assert _lang(again.get_data(as_text=True)) == "en"


# --------------------------------------------------------------------------- dates, numbers


def test_dates_and_numbers_follow_the_locale(app):
    day = date(2026, 12, 2)
    moment = datetime(2026, 12, 2, 14, 5, tzinfo=UTC)
    with app.test_request_context("/"):
        with force_locale("en"):
            assert long_date(day) == "2 December 2026"
            assert long_datetime(moment) == "2 December 2026, 14:05"
            assert number(1234567) == "1,234,567"
        with force_locale("fr"):
            assert long_date(day) == "2 décembre 2026"
            assert long_datetime(moment) == "2 décembre 2026, 14:05"
            assert number(1234567).replace("\u202f", " ").replace("\u00a0", " ") == "1 234 567"


def test_labels_kept_in_english_for_exports_are_translated_where_shown(reader):
    """Edition states (N_-marked, English in the exports) read in French on a French page."""
    assert 'state-in_force">In force</span>' in _html(reader, "/")
    french = _html(reader, "/", **{"Accept-Language": FRENCH})
    assert 'state-in_force">En vigueur</span>' in french


def test_a_page_shows_its_dates_in_the_interface_language(reader):
    english = _html(reader, "/")
    assert "from 3 February 2006" in english
    french = _html(reader, "/", **{"Accept-Language": FRENCH})
    assert "à partir du 3 février 2006" in french


# --------------------------------------------------------------------------- the catalogues


def _code_messages() -> dict[str | tuple[str, ...], list[str]]:
    """Every message the code and templates mark, as pybabel extracts it with babel.cfg."""
    with open(ROOT / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[str | tuple[str, ...], list[str]] = {}
    # As `pybabel extract --ignore-dirs=".*"`: only hidden directories are skipped (babel's own
    # default also skips those starting with "_", which would leave out templates/_partials).
    for filename, _line, message, _comments, _context in extract_from_dir(
        str(ROOT),
        method_map,
        options_map,
        keywords=KEYWORDS,
        directory_filter=lambda path: not os.path.basename(path).startswith("."),
    ):
        key = message if isinstance(message, str) else tuple(message)
        found.setdefault(key, []).append(filename)
    return found


def _catalogue():  # type: ignore[no-untyped-def]
    with open(PO, "rb") as po:
        return read_po(po, locale="fr")


def test_every_marked_message_is_translated_in_the_french_catalogue():
    catalogue = _catalogue()
    held = {m.id if isinstance(m.id, str) else tuple(m.id): m for m in catalogue if m.id}
    found = _code_messages()
    assert len(found) > 500, "the extraction found too little: is babel.cfg still right?"
    missing = sorted(str(key) for key in found if key not in held)
    assert missing == [], (
        "messages not in rkc/translations/fr/LC_MESSAGES/messages.po: extract, update and "
        "translate them (docs/translating.md)"
    )
    untranslated = sorted(
        str(key)
        for key, m in held.items()
        if key in found and (not m.string or not all(m.string if m.pluralizable else [m.string]))
    )
    assert untranslated == []
    fuzzy = sorted(str(key) for key, m in held.items() if m.fuzzy)
    assert fuzzy == []


def test_french_translations_keep_placeholders_and_markup():
    placeholder = re.compile(r"%\((\w+)\)[sd]")
    tag = re.compile(r"</?([a-z]+)")
    catalogue = _catalogue()
    assert catalogue.num_plurals == 2
    wrong = []
    for m in catalogue:
        if not m.id:
            continue
        pairs = zip(m.id, m.string, strict=True) if m.pluralizable else [(m.id, m.string)]
        for source, french in pairs:
            if set(placeholder.findall(source)) != set(placeholder.findall(french)):
                wrong.append(f"placeholders: {source!r}")
            if tag.findall(source) != tag.findall(french):
                wrong.append(f"markup: {source!r}")
    assert wrong == []


def test_the_committed_mo_is_the_compiled_po():
    """The .mo is committed (the README's two commands need no compile step); it must say
    exactly what the .po says."""
    compiled = io.BytesIO()
    write_mo(compiled, _catalogue())
    compiled.seek(0)
    with open(MO, "rb") as mo:
        committed = gettext.GNUTranslations(mo)
    fresh = gettext.GNUTranslations(compiled)
    assert committed._catalog == fresh._catalog  # type: ignore[attr-defined]
