"""The OpenAPI document against the real API: schemathesis generates requests in-process.

Every operation of /api/v1/openapi.json is called through WSGI with generated path and query
values; no response may be a server error, and every response (status code, content type,
body) must match the document.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

OPERATIONS = [
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
    "GET /me",
]


def test_the_document_lists_every_api_route(site):  # type: ignore[no-untyped-def]
    document = site.test_client().get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    documented = {f"GET {path}" for path in document["paths"]}
    # schemathesis leaves out the document's own path; every other route is exercised below.
    assert documented - {"GET /openapi.json"} == set(OPERATIONS)
    routes = {
        rule.rule.removeprefix("/api/v1")
        .replace("<path:key>", "{key}")
        .replace("<", "{")
        .replace(">", "}")
        for rule in site.url_map.iter_rules()
        if rule.rule.startswith("/api/v1")
    }
    assert {label.split(" ", 1)[1] for label in documented} <= routes


@pytest.mark.parametrize("label", OPERATIONS)
def test_every_response_matches_the_document(site, label):  # type: ignore[no-untyped-def]
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", site)
    operation = next(op.ok() for op in schema.get_all_operations() if op.ok().label == label)

    @given(case=operation.as_strategy())
    @settings(
        max_examples=40,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case):  # type: ignore[no-untyped-def]
        case.call_and_validate()

    check()
