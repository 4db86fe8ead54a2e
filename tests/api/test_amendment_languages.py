"""Amendments in English and French through the API (issue 13): a delegate proposes in French,
the Secretariat supplies the English and a second member checks it (four eyes), the merge then
writes both languages, and a French reader of the API finds the new words. An unknown language,
a stale version and a role that may not translate are refused, storing nothing. On the full
corpus, whose working draft holds English and French."""

from __future__ import annotations

import pytest
from flask import Flask

from rkc.amendments.models import AmendmentVersionRevision
from rkc.extensions import db

from ..amendments.translations import EN_NEW, FR_NEW, secretariat_member
from ..helpers import Person, create_people
from .helpers import Api, count

DRAFT = "/api/v1/works/rkc/editions/review-draft"


@pytest.fixture
def api(app: Flask) -> Api:
    people = create_people()
    reviser = secretariat_member("reviser")
    db.session.commit()
    people["reviser"] = Person("reviser", reviser.id, reviser.username, None)
    return Api(app, people)


def _versions(answer: dict) -> dict[str, dict]:
    return {v["language"]: v for v in answer["languages"]}


def _proposed_in_french(api: Api) -> dict:
    made = api.post(
        "delegate_a",
        "/api/v1/amendments",
        {
            "action": "modify",
            "node": "ga/3/3.1",
            "text": FR_NEW,
            "justification": "Publier la liste des bureaux.",
            "language": "fr",
        },
    )
    assert made.status_code == 201, made.get_json()
    # Tabled: the Secretariat reads (and translates) what is before the working group.
    tabled = api.post("delegate_a", f"{made.get_json()['url']}/status", {"to": "tabled"})
    assert tabled.status_code == 200, tabled.get_json()
    return tabled.get_json()


def test_a_french_proposal_is_translated_checked_and_merged_in_both_languages(api):
    made = _proposed_in_french(api)
    url = made["url"]
    assert made["language"] == "fr"
    versions = _versions(made)
    assert [v["language"] for v in made["languages"]] == ["en", "fr"]
    assert (versions["fr"]["original"], versions["fr"]["status"]) == (True, "checked")
    assert versions["fr"]["proposed_text"] == FR_NEW
    assert (versions["en"]["original"], versions["en"]["status"]) == (False, "to_translate")

    for who, status in (
        ("secretariat", "under_discussion"),
        ("secretariat", "agreed"),
    ):
        assert api.post(who, f"{url}/status", {"to": status}).status_code == 200

    # The merge queue offers it, but the merge refuses while the English is not checked.
    queue = api.get("secretariat", f"{DRAFT}/merge-queue").get_json()
    queued = next(a for a in queue["agreed"] if a["url"] == url)
    refused = api.post(
        "secretariat",
        f"{DRAFT}/merges",
        {"amendments": [queued["id"]], "expected": {"ga/3/3.1": queued["current_revision"]}},
    )
    assert refused.status_code in (400, 409), refused.get_json()
    assert "English" in refused.get_json()["message"]

    english = f"{url}/languages/en"
    seq = versions["en"]["seq"]
    # A delegate (even the proposer) may not write the English: the Secretariat supplies it.
    for who in ("delegate_a", "delegate_b", "observer", "read_only"):
        assert api.send(who, "PUT", english, {"expected_seq": seq, "text": EN_NEW}).status_code == (
            403
        ), who
    assert api.send(None, "PUT", english, {"expected_seq": seq, "text": EN_NEW}).status_code == 401
    stale = api.send("secretariat", "PUT", english, {"expected_seq": seq + 5, "text": EN_NEW})
    assert (stale.status_code, stale.get_json()["latest_seq"]) == (409, seq)

    supplied = api.send("secretariat", "PUT", english, {"expected_seq": seq, "text": EN_NEW})
    assert supplied.status_code == 200, supplied.get_json()
    en = _versions(supplied.get_json())["en"]
    assert (en["status"], en["proposed_text"], en["translated_by"]) == (
        "translated",
        EN_NEW,
        "Secretariat",
    )

    # Four eyes: the translator may not check its own translation; another member does.
    own = api.post("secretariat", f"{english}/check", {"expected_seq": en["seq"]})
    assert own.status_code == 400
    assert "four eyes" in own.get_json()["message"]
    assert api.post("delegate_a", f"{english}/check", {"expected_seq": en["seq"]}).status_code == (
        403
    )
    checked = api.post("reviser", f"{english}/check", {"expected_seq": en["seq"]})
    assert checked.status_code == 200, checked.get_json()
    en = _versions(checked.get_json())["en"]
    assert (en["status"], en["checked_by"]) == ("checked", "Reviser")
    assert en["checked_at"] is not None

    merged = api.post(
        "secretariat",
        f"{DRAFT}/merges",
        {"amendments": [queued["id"]], "expected": {"ga/3/3.1": queued["current_revision"]}},
    )
    assert merged.status_code == 201, merged.get_json()
    assert len(merged.get_json()["revisions"]) == 2  # one per language, in one transaction

    node = "/api/v1/nodes/ga/3/3.1?edition=review-draft&lang="
    french, english_text = (api.get("delegate_b", node + lang).get_json() for lang in ("fr", "en"))
    assert FR_NEW in str(french)
    assert EN_NEW in str(english_text)


def test_bad_languages_are_refused_and_store_nothing(api):
    before = count(AmendmentVersionRevision)
    unknown = api.post(
        "delegate_a",
        "/api/v1/amendments",
        {"action": "modify", "node": "ga/3/3.1", "text": FR_NEW, "language": "de"},
    )
    assert (unknown.status_code, unknown.get_json()["field"]) == (400, "language")
    assert count(AmendmentVersionRevision) == before

    made = _proposed_in_french(api)
    before = count(AmendmentVersionRevision)
    seq = _versions(made)["en"]["seq"]
    for lang in ("de", "fr-CA"):
        wrong = api.send(
            "secretariat", "PUT", f"{made['url']}/languages/{lang}", {"expected_seq": seq}
        )
        assert (wrong.status_code, wrong.get_json()["field"]) == (400, "lang"), lang
    # Nothing to check yet: the English is still to translate.
    early = api.post("secretariat", f"{made['url']}/languages/en/check", {"expected_seq": seq})
    assert (early.status_code, early.get_json()["field"]) == (400, "status")
    assert "to translate" in early.get_json()["message"]
    assert count(AmendmentVersionRevision) == before


def test_the_proposer_revises_its_french_original_and_the_english_goes_back(api):
    made = _proposed_in_french(api)
    url = made["url"]
    seq = _versions(made)["en"]["seq"]
    supplied = api.send(
        "secretariat", "PUT", f"{url}/languages/en", {"expected_seq": seq, "text": EN_NEW}
    )
    assert _versions(supplied.get_json())["en"]["status"] == "translated"

    fr = _versions(supplied.get_json())["fr"]
    # Another party's delegate may not touch Austria's original.
    other = api.send(
        "delegate_b", "PUT", f"{url}/languages/fr", {"expected_seq": fr["seq"], "text": "x"}
    )
    assert other.status_code == 403
    revised_text = FR_NEW + " Sans délai."
    revised = api.send(
        "delegate_a",
        "PUT",
        f"{url}/languages/fr",
        {"expected_seq": fr["seq"], "text": revised_text},
    )
    assert revised.status_code == 200, revised.get_json()
    versions = _versions(revised.get_json())
    assert versions["fr"]["proposed_text"] == revised_text
    assert versions["en"]["status"] == "to_translate"  # the original changed under it
