"""The pages of amendments in two languages (issue 13): proposing in French, the language panel,
the translation form and its check, the merge queue, and compilations per language (page,
side by side, Word). On the full corpus, whose working draft holds English and French."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from sqlalchemy import func, select

from rkc.amendments import languages
from rkc.amendments.lifecycle import change_status
from rkc.amendments.models import (
    Amendment,
    AmendmentVersionRevision,
    TranslationStatus,
)
from rkc.audit import Actor, acting_as
from rkc.convention.models import Revision
from rkc.extensions import db

from ..helpers import csrf_token, log_in
from .translations import (
    EN_31,
    EN_NEW,
    FR_31,
    FR_NEW,
    PASSWORD,
    check_every_language,
    french_proposal,
    secretariat_member,
)

DRAFT = "review-draft"


def _client(app, username: str):  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert log_in(client, username, PASSWORD).status_code == 302
    return client


def _post(client, url: str, data: dict):  # type: ignore[no-untyped-def]
    return client.post(url, data={"csrf_token": csrf_token(client, "/amendments/"), **data})


def _stored() -> tuple[int, int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(AmendmentVersionRevision)),
        db.session.scalar(select(func.count()).select_from(Revision)),
        db.session.scalar(select(func.count()).select_from(Amendment)),
    )


@pytest.fixture
def proposed(bi) -> Amendment:
    with acting_as(Actor(None, "test", "system")):
        amendment = french_proposal(bi)
        change_status(amendment, "tabled", user=bi.user("delegate_a"))
        secretariat_member("reviser")
    db.session.commit()
    return amendment


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_delegate_proposes_in_french_from_the_form(app, bi):
    client = _client(app, "delegate-a")
    url = f"/amendments/propose/ga/3/3.1?edition={DRAFT}&change=modify&lang=fr"
    form = client.get(url).get_data(as_text=True)
    assert f"{FR_31}</textarea>" in form  # pre-filled with the French text
    base = re.search(r'name="base_revision_id" value="(\d+)"', form).group(1)
    response = _post(
        client,
        url,
        {
            "change": "modify",
            "base_revision_id": base,
            "text": FR_NEW,
            "justification": "Publier la liste.",
            "action": "save",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.rollback()
    amendment = db.session.scalars(select(Amendment)).one()
    assert amendment.language == "fr"
    assert languages.versions_of(amendment)["fr"].proposed_text == FR_NEW
    page = _text(client.get(f"/amendments/{amendment.id}").get_data(as_text=True))
    assert "Language versions" in page
    assert "Français · original" in page
    assert "To translate" in page


@pytest.mark.parametrize("lang", ["xx", "en,fr"])
def test_proposing_in_an_unknown_language_is_a_400_naming_the_parameter(app, bi, lang):
    client = _client(app, "delegate-a")
    response = client.get(f"/amendments/propose/ga/3/3.1?edition={DRAFT}&lang={lang}")
    assert response.status_code == 400
    assert "lang: unknown language" in response.get_data(as_text=True)


def test_the_amendment_page_shows_both_versions_side_by_side(app, proposed):
    client = _client(app, "secretariat")
    html = client.get(f"/amendments/{proposed.id}").get_data(as_text=True)
    panel = html[html.index('id="languages"') :]
    assert 'id="version-en"' in panel
    assert 'id="version-fr"' in panel
    assert 'class="side-by-side"' in panel
    assert re.search(r'id="translation-status-en">\s*To translate', panel)
    assert re.search(r'id="translation-status-fr">\s*Checked', panel)
    assert f"/amendments/{proposed.id}/languages/en" in panel  # "Supply the translation"
    assert re.search(r"<ins[^>]*>et publie", panel)  # the French redline
    # A delegate sees the statuses but no translation button.
    delegate = _client(app, "delegate-b").get(f"/amendments/{proposed.id}").get_data(as_text=True)
    assert f"/amendments/{proposed.id}/languages/en" not in delegate
    assert 'id="translation-status-en"' in delegate


def test_translate_then_check_through_the_pages(app, bi, proposed):
    url = f"/amendments/{proposed.id}/languages/en"
    secretariat = _client(app, "secretariat")
    form = secretariat.get(url).get_data(as_text=True)
    assert "The original (Français)" in form
    assert FR_NEW.split()[3] in form
    response = _post(secretariat, url, {"expected_seq": "1", "text": EN_NEW, "note": "Done."})
    assert response.status_code == 302
    db.session.rollback()
    en = languages.versions_of(proposed)["en"]
    assert en.status is TranslationStatus.TRANSLATED
    # The translator may not check their own translation: 400, nothing stored.
    before = _stored()
    own = _post(secretariat, url + "/check", {"expected_seq": str(en.seq)})
    assert own.status_code == 400
    assert "You translated the English version" in own.get_data(as_text=True)
    assert _stored() == before
    reviser = _client(app, "reviser")
    checked = _post(reviser, url + "/check", {"expected_seq": str(en.seq)})
    assert checked.status_code == 302
    db.session.rollback()
    assert languages.versions_of(proposed)["en"].status is TranslationStatus.CHECKED


def test_a_stale_translation_answers_409_with_both_texts(app, bi, proposed):
    url = f"/amendments/{proposed.id}/languages/en"
    secretariat = _client(app, "secretariat")
    assert _post(secretariat, url, {"expected_seq": "1", "text": EN_NEW}).status_code == 302
    before = _stored()
    late = _post(secretariat, url, {"expected_seq": "1", "text": EN_NEW + " Late words."})
    assert late.status_code == 409
    html = late.get_data(as_text=True)
    stored = html[html.index('id="stored-text"') :]
    assert EN_NEW.split(" Customs offices")[0] in stored.split('id="your-text"')[0]
    assert "Late words." in stored.split('id="your-text"')[1]
    assert re.search(r'<input[^>]*name="expected_seq"[^>]*value="2"', html)
    assert _stored() == before


@pytest.mark.parametrize(
    ("who", "lang", "status"),
    [
        ("delegate-a", "en", 403),  # the proposer's party does not translate its own proposal
        ("delegate-b", "fr", 403),
        ("observer", "en", 403),
        ("delegate-a", "fr", 200),  # ... but revises its French original there
        ("secretariat", "de", 400),
        ("secretariat", "fr", 200),
    ],
)
def test_who_opens_the_version_form(app, proposed, who, lang, status):
    response = _client(app, who).get(f"/amendments/{proposed.id}/languages/{lang}")
    assert response.status_code == status


def test_the_merge_queue_shows_translation_statuses_and_refuses_with_the_reason(
    app,
    bi,
    proposed,
):
    with acting_as(Actor(None, "test", "system")):
        change_status(proposed, "under_discussion", user=bi.user("secretariat"))
        change_status(proposed, "agreed", user=bi.user("secretariat"))
    db.session.commit()
    client = _client(app, "secretariat")
    queue = client.get(f"/merge/rkc/{DRAFT}").get_data(as_text=True)
    assert re.search(rf'id="translation-{proposed.id}-en">EN: to translate', queue)
    assert re.search(rf'id="translation-{proposed.id}-fr">FR: checked', queue)
    reason = f"{proposed.label} cannot be merged: its English version is to translate"
    assert reason in queue
    assert re.search(rf'value="{proposed.id}" disabled', queue)
    before = _stored()
    token = csrf_token(client, f"/merge/rkc/{DRAFT}")
    response = client.post(
        f"/merge/rkc/{DRAFT}",
        data={
            "csrf_token": token,
            "amendment": str(proposed.id),
            f"expected-{bi.node('ga/3/3.1').id}": str(bi.revision_id("ga/3/3.1")),
        },
    )
    assert response.status_code == 400
    assert reason in response.get_data(as_text=True)
    assert _stored() == before


def test_the_compilation_in_french_side_by_side_and_as_word(app, bi, proposed):
    client = _client(app, "delegate-b")
    english = client.get(f"/amendments/compilation?edition={DRAFT}&lang=en")
    html = english.get_data(as_text=True)
    assert english.status_code == 200
    assert "English version: to translate" in html
    french = client.get(f"/amendments/compilation?edition={DRAFT}&lang=fr").get_data(as_text=True)
    assert FR_31[:30] in french  # the current French text
    assert re.search(r"<ins[^>]*>et publie", french)
    side = client.get(f"/amendments/compilation?edition={DRAFT}&lang=en,fr").get_data(as_text=True)
    assert "compilation-side-by-side" in side
    assert EN_31[:30] in side
    assert FR_31[:30] in side
    assert client.get(f"/amendments/compilation?edition={DRAFT}&lang=de").status_code == 400
    assert client.get(f"/amendments/compilation.docx?edition={DRAFT}&lang=en,fr").status_code == 400
    word = client.get(f"/amendments/compilation.docx?edition={DRAFT}&lang=fr")
    assert word.status_code == 200
    assert "amendments-fr.docx" in word.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(word.data)) as archive:
        body = archive.read("word/document.xml").decode()
        core = archive.read("docProps/core.xml").decode()
    assert "<dc:language>fr</dc:language>" in core
    assert re.search(r"<w:ins [^>]*>.*?et publie", body)
    assert "Texte de travail non officiel" in body
    # Once the English is supplied, the English Word file shows it as tracked changes.
    with acting_as(Actor(None, "test", "system")):
        check_every_language(proposed, {"en": (EN_NEW, None)})
    db.session.commit()
    word = client.get(f"/amendments/compilation.docx?edition={DRAFT}&lang=en")
    with zipfile.ZipFile(io.BytesIO(word.data)) as archive:
        body = archive.read("word/document.xml").decode()
    assert re.search(r"<w:ins [^>]*>.*?and publish", body)
