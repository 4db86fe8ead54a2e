"""Hostile ids and names in addresses: a number no row can have, a party "number" in other
digits, an edition slug in another script, a download name that is not ASCII. None is a 500.

Ids beyond the database's integers (2^31 on PostgreSQL, 2^63 on SQLite) used to reach the
query and fail there; every route with an id now takes it through the `id` converter
(rkc/web.py), checked here from the app's own URL map, so a new route is covered at once.
"""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from flask import Flask
from werkzeug.routing import IntegerConverter, Rule

from rkc.audit import Actor, acting_as
from rkc.convention import operations as text_ops
from rkc.convention import queries
from rkc.convention.models import Edition, EditionStatus
from rkc.database import MAX_ID, as_id
from rkc.extensions import db
from rkc.web import attachment

from .helpers import create_people, csrf_token, log_in

HUGE = (2**31, 2**63, 10**20)

#: Values for a route's other arguments, so that only the id is wrong.
SAMPLE_ARGUMENTS = {
    "ident": "AUT",
    "work_key": "rkc",
    "slug": "2006",
    "key": "ga/3/3.1",
    "draft": "rkc/review-draft",
    "fmt": "pdf",
}


def _id_arguments(rule: Rule) -> list[str]:
    """The arguments of `rule` that take a number (`id`, or a bare `int` if one crept in)."""
    return [name for name, conv in rule._converters.items() if isinstance(conv, IntegerConverter)]


def _routes_with_ids(app: Flask) -> list[Rule]:
    return [rule for rule in app.url_map.iter_rules() if _id_arguments(rule)]


def test_no_route_takes_an_unbounded_integer(small_app: Flask) -> None:
    """A route that takes a number takes it as an id (`<id:...>`), never as a bare `<int:...>`."""
    bare = [
        rule.rule
        for rule in small_app.url_map.iter_rules()
        if any(type(conv).__name__ == "IntegerConverter" for conv in rule._converters.values())
    ]
    assert bare == []
    assert len(_routes_with_ids(small_app)) >= 20


@pytest.mark.parametrize("huge", HUGE)
def test_every_route_with_an_id_answers_404_to_an_id_no_database_holds(
    small_app: Flask, huge: int
) -> None:
    people = create_people()
    clients = {"anonymous": small_app.test_client()}
    for role in ("delegate_a", "secretariat", "admin"):
        clients[role] = small_app.test_client()
        assert log_in(clients[role], people[role].username).status_code == 302
    tokens = {role: csrf_token(client, "/login") for role, client in clients.items()}
    wrong = []
    for rule in _routes_with_ids(small_app):
        ids = _id_arguments(rule)
        values = {n: huge if n in ids else SAMPLE_ARGUMENTS.get(n, "1") for n in rule.arguments}
        built = rule.build(values, append_unknown=False)
        assert built is not None, rule.rule
        path = built[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for role, client in clients.items():
                response = client.open(path, method=method, data={"csrf_token": tokens[role]})
                if response.status_code != 404:
                    wrong.append(f"{role} {method} {path}: {response.status_code}")
    assert wrong == []


@pytest.mark.parametrize("ident", [str(2**31), str(2**63), "99999999999999999999", "²", "٣"])
def test_a_party_number_no_database_holds_is_not_found(small_app: Flask, ident: str) -> None:
    client = small_app.test_client()
    for path in (f"/parties/{ident}", f"/parties/{ident}/binding"):
        assert client.get(path).status_code == 404, path


def test_ids_in_query_strings_beyond_the_database_are_ignored_with_a_message(
    small_app: Flask,
) -> None:
    people = create_people()
    client = small_app.test_client()
    log_in(client, people["delegate_a"].username)
    for path in ("/amendments/", "/amendments/compilation"):
        response = client.get(f"{path}?party={2**63}")
        assert response.status_code == 200, path
        assert "is not a party" in response.get_data(as_text=True)


def test_as_id_takes_only_ascii_digits_within_the_database_range() -> None:
    assert as_id("1") == 1
    assert as_id(str(MAX_ID)) == MAX_ID
    for raw in (None, "", "0", str(MAX_ID + 1), "-1", "1.0", "²", "١", " 1", "0x1"):
        assert as_id(raw) is None, raw


# --------------------------------------------------------------------------- edition slugs


@pytest.mark.parametrize("slug", ["草案", "Draft", "draft_2", "ébauche", "-", "a" * 61, ""])
def test_an_edition_slug_outside_ascii_letters_digits_and_hyphens_is_refused(
    small_app: Flask, slug: str
) -> None:
    work = queries.work_by_key("rkc")
    with pytest.raises(text_ops.TextStoreError, match="a-z"):
        text_ops.open_draft(queries.edition_by_slug(work, "2006"), slug=slug, title="T")
    db.session.rollback()


def test_the_manage_form_refuses_a_slug_in_another_script_and_says_why(small_app: Flask) -> None:
    people = create_people()
    client = small_app.test_client()
    log_in(client, people["secretariat"].username)
    page = "/w/rkc/editions/2006/manage"
    response = client.post(
        "/w/rkc/editions/2006/drafts",
        data={"csrf_token": csrf_token(client, page), "slug": "草案", "title": "Draft"},
    )
    assert response.status_code == 400
    assert "a-z" in response.get_data(as_text=True)
    work = queries.work_by_key("rkc")
    assert queries.edition_by_slug(work, "草案") is None


def test_the_import_command_refuses_a_slug_in_another_script(small_app: Flask, tmp_path) -> None:
    exported = tmp_path / "ga.xml"
    runner = small_app.test_cli_runner()
    result = runner.invoke(
        args=["export", "akn", "--edition", "2006", "--node", "ga/3", str(exported)]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        args=["import", "akn", str(exported), "--base", "2006", "--slug", "草案", "--title", "T"]
    )
    assert result.exit_code != 0
    assert "a-z" in result.output
    work = queries.work_by_key("rkc")
    assert queries.edition_by_slug(work, "草案") is None


# --------------------------------------------------------------------------- download names


def test_download_names_follow_rfc_6266() -> None:
    header = attachment(b"", "application/pdf", 'rkc-草案 "x";.pdf').headers["Content-Disposition"]
    fallback = header.split('filename="')[1].split('"')[0]
    assert fallback.isascii()
    assert fallback.endswith(".pdf")
    exact = header.split("filename*=UTF-8''")[1]
    assert unquote(exact) == 'rkc-草案 "x";.pdf'
    assert header.isascii()


def test_an_edition_with_a_slug_from_before_the_rule_still_downloads(small_app: Flask) -> None:
    """A slug stored before slugs were restricted (an old database) gives a proper file name,
    not a 500 (a header must be Latin-1)."""
    work = queries.work_by_key("rkc")
    with acting_as(Actor(None, "test-setup", "system")):
        text_ops.open_draft(queries.edition_by_slug(work, "2006"), slug="legacy", title="Old")
    old = queries.edition_by_slug(work, "legacy")
    old.slug = "草案"
    old.status = EditionStatus.ADOPTED
    db.session.commit()
    assert isinstance(old, Edition)
    client = small_app.test_client()
    response = client.get("/w/rkc/export.akn?edition=草案&node=ga/3")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert disposition.isascii()
    assert 'filename="rkc-ga-3.akn.xml"' in disposition
    assert "filename*=UTF-8''rkc-%E8%8D%89%E6%A1%88-ga-3.akn.xml" in disposition


def test_ids_in_forms_beyond_the_database_are_refused_not_500(small_app: Flask) -> None:
    """Hidden ids a form carries (the revision shown, the comment answered) may be forged."""
    from .amendments.fixtures import amendment_context

    people = create_people()
    ids = amendment_context(people)
    client = small_app.test_client()
    log_in(client, people["delegate_a"].username)
    token = csrf_token(client, "/amendments/propose/ga/3/3.1?change=modify")
    for huge in HUGE:
        answers = {
            "propose": client.post(
                "/amendments/propose/ga/3/3.1",
                data={
                    "csrf_token": token,
                    "change": "modify",
                    "base_revision_id": str(huge),
                    "text": "New words.",
                    "action": "save",
                },
            ),
            "revise": client.post(
                f"/amendments/{ids['tabled_id']}/revise",
                data={
                    "csrf_token": token,
                    "change": "modify",
                    "expected_seq": str(huge),
                    "base_revision_id": str(huge),
                    "text": "Other words.",
                    "action": "save",
                },
            ),
            "reply": client.post(
                f"/amendments/{ids['tabled_id']}/comments",
                data={"csrf_token": token, "body": "A reply.", "reply_to": str(huge)},
            ),
        }
        for what, response in answers.items():
            assert response.status_code < 500, (what, huge)
