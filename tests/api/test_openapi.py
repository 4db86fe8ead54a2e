"""The OpenAPI document against the real API: schemathesis generates requests in-process.

Every operation of /api/v1/openapi.json is called through WSGI with generated path, query and
body values; no response may be a server error, and every response (status code, content
type, body) must match the document. Every operation is called anonymously on the shared
site; the operations that need a token are called again with a real member's token (a
delegate of Austria) on a database of their own holding amendments to act on, with valid
and invalid data (invalid data must be refused with a 4xx answer).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from rkc.amendments.discussion import add_comment
from rkc.audit import Actor, acting_as
from rkc.auth import operations as auth_ops
from rkc.extensions import db

from ..helpers import create_people, user
from ..interchange.helpers import compiled_amendments
from ..properties import examples
from ..review.fixtures import review_context
from ..review.framework_fixtures import framework_context

PUBLIC = [
    "GET /works",
    "GET /works/{work_key}",
    "GET /works/{work_key}/editions",
    "GET /works/{work_key}/editions/{slug}",
    "GET /works/{work_key}/editions/{slug}/toc",
    "GET /works/{work_key}/diff",
    "GET /nodes/{key}",
    "GET /nodes/{key}/history",
    "GET /parties",
    "GET /parties/{iso3}",
    "GET /parties/{code}/instruments",
    "GET /parties/{code}/acceptances",
    "GET /parties/{code}/reservations",
    "GET /parties/{code}/deadlines",
    "GET /parties/{code}/binding",
    "GET /parties/{code}/events",
    "GET /recommendations",
    "GET /recommendations/{rec_id}",
    "GET /search",
]
#: Operations that need a token -> the ids (from `_members_world`) to call them on as well.
MEMBERS = {
    "GET /me": {},
    "GET /amendments": {},
    "POST /amendments": {},
    "POST /amendments/import": {},
    "GET /amendments/{amendment_id}": {"amendment_id": "draft"},
    "POST /amendments/{amendment_id}/revisions": {"amendment_id": "draft"},
    "POST /amendments/{amendment_id}/status": {"amendment_id": "draft"},
    "PUT /amendments/{amendment_id}/position": {"amendment_id": "heading"},
    "POST /amendments/{amendment_id}/comments": {"amendment_id": "delete"},
    "POST /amendments/{amendment_id}/comments/{comment_id}/resolve": {
        "amendment_id": "modify",
        "comment_id": "comment",
    },
    "GET /amendments/{amendment_id}/comments": {"amendment_id": "modify"},
    "GET /amendments/{amendment_id}/positions": {"amendment_id": "heading"},
    "POST /amendments/{amendment_id}/sponsors": {"amendment_id": "modify"},
    "POST /amendments/{amendment_id}/sponsors/{party_code}": {
        "amendment_id": "modify",
        "party_code": "party",
    },
    "PUT /amendments/{amendment_id}/languages/{lang}": {"amendment_id": "modify"},
    "POST /amendments/{amendment_id}/languages/{lang}/check": {"amendment_id": "modify"},
    "GET /meetings": {},
    "POST /meetings": {},
    "GET /meetings/{meeting_id}": {"meeting_id": "meeting"},
    "GET /meetings/{meeting_id}/agenda": {"meeting_id": "meeting"},
    "POST /meetings/{meeting_id}/agenda": {"meeting_id": "meeting"},
    "POST /meetings/{meeting_id}/agenda/{item_id}/move": {
        "meeting_id": "meeting",
        "item_id": "item",
    },
    "POST /meetings/{meeting_id}/status": {"meeting_id": "meeting"},
    "GET /documents/{document_id}": {"document_id": "document"},
    "GET /meetings/{meeting_id}/report": {"meeting_id": "meeting"},
    "PUT /meetings/{meeting_id}/report": {"meeting_id": "meeting"},
    "POST /meetings/{meeting_id}/report/adopt": {"meeting_id": "meeting"},
    "POST /meetings/{meeting_id}/report/corrigenda": {"meeting_id": "meeting"},
    # The Four-step Framework (rkc/api/framework.py): members read, delegates comment while
    # the consultation is open, the Secretariat writes (a delegate's token: 403).
    "GET /concepts": {},
    "POST /concepts": {},
    "GET /framework/criteria": {},
    "GET /proposals": {},
    "POST /proposals": {},
    "GET /proposals/{proposal_id}": {"proposal_id": "proposal"},
    "GET /components/{component_id}": {"component_id": "component"},
    "GET /components/{component_id}/comments": {"component_id": "component"},
    "POST /components/{component_id}/comments": {"component_id": "component"},
    **{
        f"POST /components/{{component_id}}/{path}": {"component_id": "component"}
        for path in (
            "step",
            "outcome",
            "evaluation",
            "drafts",
            "consultation",
            "split",
            "merge",
        )
    },
    # Writes of the Secretariat: a delegate's token is refused (403), whatever the body.
    "POST /parties/{code}/acceptances": {"code": "party"},
    "POST /parties/{code}/denunciations": {"code": "party"},
    "POST /parties/{code}/events/{event_id}/retract": {"code": "party"},
    "POST /parties/{code}/extensions": {"code": "party"},
    "POST /parties/{code}/instruments": {"code": "party"},
    "POST /parties/{code}/reservations": {"code": "party"},
    "POST /parties/{code}/reservations/{reservation_id}/retract": {"code": "party"},
    "POST /parties/{code}/reservations/{reservation_id}/withdraw": {"code": "party"},
    "POST /recommendations": {},
    "POST /recommendations/{rec_id}/apply": {},
    "POST /recommendations/{rec_id}/responses": {},
    "POST /works/{work_key}/editions/{slug}/compromises": {"work_key": "work", "slug": "slug"},
    "POST /works/{work_key}/editions/{slug}/drafts": {"work_key": "work", "slug": "slug"},
    "GET /works/{work_key}/editions/{slug}/freeze": {"work_key": "work", "slug": "slug"},
    "POST /works/{work_key}/editions/{slug}/freeze": {"work_key": "work", "slug": "slug"},
    "POST /works/{work_key}/editions/{slug}/in-force": {"work_key": "work", "slug": "slug"},
    "GET /works/{work_key}/editions/{slug}/merge-queue": {"work_key": "work", "slug": "slug"},
    "POST /works/{work_key}/editions/{slug}/merges": {"work_key": "work", "slug": "slug"},
    "POST /works/{work_key}/editions/{slug}/reopen": {"work_key": "work", "slug": "slug"},
}
WRITES = {label for label in MEMBERS if not label.startswith("GET ")}


def test_the_document_lists_every_api_route(site):  # type: ignore[no-untyped-def]
    document = site.test_client().get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    documented = {
        f"{method.upper()} {path}" for path, item in document["paths"].items() for method in item
    }
    # schemathesis leaves out the document's own path; every other route is exercised below.
    assert documented - {"GET /openapi.json"} == set(PUBLIC) | set(MEMBERS)
    routes = {
        f"{method} "
        + rule.rule.removeprefix("/api/v1")
        .replace("<path:key>", "{key}")
        .replace("<int:", "{")
        .replace("<id:", "{")
        .replace("<", "{")
        .replace(">", "}")
        for rule in site.url_map.iter_rules()
        if rule.rule.startswith("/api/v1")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes == documented
    secured = {
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if operation.get("security")
    }
    assert secured == set(MEMBERS)


def _operation(app, label: str):  # type: ignore[no-untyped-def]
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return next(op.ok() for op in schema.get_all_operations() if op.ok().label == label)


def _run(strategy, *, count: int, excluded=()):  # type: ignore[no-untyped-def]
    @given(case=strategy)
    @settings(
        max_examples=count,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case):  # type: ignore[no-untyped-def]
        case.call_and_validate(excluded_checks=list(excluded))

    check()


@pytest.mark.parametrize("label", PUBLIC + list(MEMBERS))
def test_every_response_matches_the_document(site, label):  # type: ignore[no-untyped-def]
    """Anonymously: published data answers; member operations answer 401, writing nothing."""
    _run(_operation(site, label).as_strategy(), count=examples(25))


def _members_world(people) -> dict[str, int | str]:  # type: ignore[no-untyped-def]
    """Amendments of every kind to act on (compiled_amendments), a comment on one, a meeting
    with an agenda item and a document, a party and the review draft."""
    ids = compiled_amendments(people)
    from rkc.amendments.models import Amendment

    modify = db.session.get(Amendment, ids["modify"])
    with acting_as(Actor(None, "test-setup", "system")):
        comment = add_comment(
            modify, user=user(people["delegate_b"]), body="A question from Canada."
        )
    db.session.commit()
    review = review_context()
    framework = framework_context(people, review)
    return {
        **ids,
        "proposal": framework["proposal_id"],
        "component": framework["component_id"],
        "comment": comment.id,
        "meeting": review["meeting_id"],
        "item": review["item_id"],
        "document": review["document_id"],
        "party": "AUT",
        "work": "rkc",
        "slug": "review-draft",
    }


@pytest.mark.parametrize("label", list(MEMBERS))
def test_member_operations_with_a_real_token(small_app, label):  # type: ignore[no-untyped-def]
    people = create_people()
    ids = _members_world(people)
    with acting_as(Actor(None, "test-setup", "system")):
        _token, secret = auth_ops.issue_token(user(people["delegate_a"]), "schemathesis")
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    operation = _operation(small_app, label)
    pinned = {name: ids[which] for name, which in MEMBERS[label].items()}
    strategies = []
    modes = [GenerationMode.POSITIVE] + ([GenerationMode.NEGATIVE] if label in WRITES else [])
    for mode in modes:
        strategies.append(operation.as_strategy(generation_mode=mode, headers=headers))
        if pinned:
            strategies.append(
                operation.as_strategy(generation_mode=mode, headers=headers, path_parameters=pinned)
            )
    # A write refuses much that the schema cannot express (text unchanged, a number taken,
    # a status that does not follow): 400 for valid-looking data is right there.
    excluded = [positive_data_acceptance] if label in WRITES else []
    _run(st.one_of(strategies), count=examples(20), excluded=excluded)
