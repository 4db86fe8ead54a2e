"""The OpenAPI 3 document of /api/v1, served at /api/v1/openapi.json.

Size: over 600 lines because the document is kept by hand; issue #18 generates it from the
views' typed models and removes this file.

Kept by hand beside the views it describes (rkc/api/texts.py); tests/api/test_openapi.py
runs schemathesis over it against the real application, so a response that drifts from this
document fails the suite.
"""

from __future__ import annotations

from typing import Any

KEY_PATTERN = r"^[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*$"
#: A working draft named as work/slug, e.g. rkc/review-draft.
DRAFT_PATTERN = r"^[a-z0-9][a-z0-9._-]*/[a-z0-9][a-z0-9._-]*$"


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "nullable": True}


STRING = {"type": "string"}
SLUG_VALUE = {"type": "string", "minLength": 1}
NULLABLE_STRING = _nullable(STRING)
DATE = {"type": "string", "format": "date"}
NULLABLE_DATE = _nullable(DATE)
STATUS = {"type": "string", "enum": ["working_draft", "adopted", "in_force", "superseded"]}
STATE = {
    "type": "string",
    "enum": ["working_draft", "adopted", "prospective", "in_force", "superseded"],
}


def _obj(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": required if required is not None else list(properties),
    }


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _array(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
NULLABLE_ID = _nullable(ID)
TIMESTAMP = {"type": "string", "format": "date-time"}
NULLABLE_TIMESTAMP = _nullable(TIMESTAMP)
#: A string a client may send: no NUL character (PostgreSQL cannot store one).
TEXT = {"type": "string", "pattern": "^[^\\x00]*$", "maxLength": 100_000}
NULLABLE_TEXT = _nullable(TEXT)
ACTION = {"type": "string", "enum": ["modify", "insert", "delete", "heading"]}
AMENDMENT_STATUS = {
    "type": "string",
    "enum": [
        "draft",
        "tabled",
        "under_discussion",
        "agreed",
        "not_agreed",
        "withdrawn",
        "superseded",
        "merged",
    ],
}
STANCE = {"type": "string", "enum": ["support", "no_objection", "reservation", "objection"]}
SEGMENT = {
    "type": "object",
    "properties": {
        "op": {"type": "string", "enum": ["equal", "insert", "delete"]},
        "text": STRING,
    },
    "required": ["op", "text"],
}
FINDING = {
    "type": "object",
    "properties": {"where": STRING, "reason": STRING},
    "required": ["where", "reason"],
}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "properties": {
            "error": STRING,
            "message": STRING,
            "field": {
                **NULLABLE_STRING,
                "description": "The body member (or upload field) at fault, for a refused write",
            },
            "current_revision": {
                "type": "object",
                "description": "409 for a stale base_revision: the provision as it stands now",
                "properties": {"id": {"type": "integer"}, "title": NULLABLE_STRING, "text": STRING},
                "required": ["id", "title", "text"],
            },
            "latest_seq": {
                "type": "integer",
                "description": "409 for a stale expected_seq: the amendment's latest version",
            },
            "findings": {
                "type": "array",
                "items": FINDING,
                "description": "A refused upload: every problem, with where it stands",
            },
        },
        "required": ["error", "message"],
    },
    "Work": _obj(
        {
            "key": STRING,
            "title": STRING,
            "short_title": STRING,
            "description": STRING,
            "url": STRING,
        }
    ),
    "Edition": _obj(
        {
            "slug": STRING,
            "title": STRING,
            "description": STRING,
            "status": STATUS,
            "state": STATE,
            "adopted_on": NULLABLE_DATE,
            "in_force_from": NULLABLE_DATE,
            "is_authentic": {"type": "boolean"},
            "based_on": NULLABLE_STRING,
            "url": STRING,
        }
    ),
    "Unit": _obj(
        {
            "key": STRING,
            "kind": STRING,
            "number": NULLABLE_STRING,
            "number_alt": NULLABLE_STRING,
            "title": NULLABLE_STRING,
            "text": {"type": "string", "description": "Markdown source"},
            "explains": _array(STRING),
            "depth": {"type": "integer", "minimum": 0},
            "revision": {"type": "integer"},
        }
    ),
    "Party": _obj(
        {
            "name": STRING,
            "iso3": NULLABLE_STRING,
            "kind": NULLABLE_STRING,
            "url": NULLABLE_STRING,
        }
    ),
    "Position": _obj(
        {
            "party": STRING,
            "party_iso3": NULLABLE_STRING,
            "stance": STANCE,
            "statement": STRING,
            "on_seq": {"type": "integer", "description": "The amendment version it was given on"},
            "updated_at": TIMESTAMP,
        }
    ),
    "Comment": _obj(
        {
            "id": {"type": "integer"},
            "thread": {
                "type": "integer",
                "nullable": True,
                "description": "The thread's first comment; null for a first comment",
            },
            "author": STRING,
            "party": NULLABLE_STRING,
            "body": {"type": "string", "description": "Markdown source"},
            "created_at": TIMESTAMP,
            "resolved_at": NULLABLE_TIMESTAMP,
            "resolved_by": NULLABLE_STRING,
        }
    ),
    "Amendment": _obj(
        {
            "id": {"type": "integer"},
            "number": {**NULLABLE_STRING, "description": "Given when tabled, e.g. RD/001"},
            "label": STRING,
            "url": STRING,
            "page_url": STRING,
            "edition": {"type": "string", "description": "The working draft, as work/slug"},
            "action": ACTION,
            "status": AMENDMENT_STATUS,
            "target": _obj(
                {"key": NULLABLE_STRING, "label": STRING, "in_draft": {"type": "boolean"}}
            ),
            "node": NULLABLE_STRING,
            "parent": NULLABLE_STRING,
            "after": NULLABLE_STRING,
            "base_revision": {"type": "integer", "nullable": True},
            "current_revision": {"type": "integer", "nullable": True},
            "proposed_text": {"type": "string", "description": "Markdown source"},
            "proposed_title": NULLABLE_STRING,
            "proposed_number": NULLABLE_STRING,
            "proposed_kind": NULLABLE_STRING,
            "proposed_key": NULLABLE_STRING,
            "justification": {"type": "string", "description": "Markdown source"},
            "concept": STRING,
            "party": STRING,
            "party_iso3": NULLABLE_STRING,
            "delegate": STRING,
            "sponsors": _array(STRING),
            "positions": _array(_ref("Position")),
            "seq": {"type": "integer", "description": "The latest version; send it to revise"},
            "has_conflict": {"type": "boolean"},
            "conflict": {
                "type": "object",
                "nullable": True,
                "properties": {
                    "reason": STRING,
                    "regions": _array(
                        _obj({"base": STRING, "current": STRING, "proposed": STRING})
                    ),
                },
            },
            "segments": {
                **_array(SEGMENT),
                "description": "The text's word redline against the provision",
            },
            "title_segments": _array(SEGMENT),
            "created_at": TIMESTAMP,
            "tabled_at": NULLABLE_TIMESTAMP,
            "decided_at": NULLABLE_TIMESTAMP,
            "activity_at": TIMESTAMP,
        }
    ),
}


def _response(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERROR = _response(_ref("Error"), "Error, with a message saying what was wrong")
NOT_MODIFIED = {"description": "Not modified: the ETag sent in If-None-Match still matches"}


def _get(summary: str, schema: dict[str, Any], *, parameters=(), errors=(404,)):  # type: ignore[no-untyped-def]
    responses: dict[str, Any] = {"200": _response(schema), "304": NOT_MODIFIED}
    for code in errors:
        responses[str(code)] = ERROR
    return {"get": {"summary": summary, "parameters": list(parameters), "responses": responses}}


def _path(
    name: str, description: str, example: str, schema: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": schema or STRING,
        "example": example,
    }


def _query(
    name: str,
    description: str,
    example: str,
    schema: dict[str, Any] | None = None,
    *,
    required: bool = False,
) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema or STRING,
        "example": example,
    }


WORK_KEY = _path("work_key", "A work: rkc (the Convention) or guidelines", "rkc")
SLUG = _path("slug", "An edition's slug, e.g. 2006", "2006")
NODE_KEY = _path(
    "key",
    "A unit's stable key, e.g. ga/3/3.11 (slashes belong to the key)",
    "ga/3/3.1",
    {"type": "string", "pattern": KEY_PATTERN},
)

LANG_VALUE = {"type": "string", "enum": ["en", "fr"]}
LANG = _query(
    "lang",
    "The language of the text: en (the default) or fr. Another value is a 400. A work held "
    "in English only answers in English; the answer's `lang` says which language it is in.",
    "fr",
    LANG_VALUE,
)


def document() -> dict[str, Any]:
    """The OpenAPI 3.0 document."""
    toc_entry = _obj(
        {
            "key": STRING,
            "kind": STRING,
            "number": NULLABLE_STRING,
            "title": NULLABLE_STRING,
            "depth": {"type": "integer"},
            "url": STRING,
        }
    )
    ancestor = _obj(
        {"key": STRING, "kind": STRING, "number": NULLABLE_STRING, "title": NULLABLE_STRING}
    )
    step = _obj(
        {
            "revision": {"type": "integer"},
            "created_at": {"type": "string", "format": "date-time"},
            "origin": STRING,
            "kind": STRING,
            "number": NULLABLE_STRING,
            "number_alt": NULLABLE_STRING,
            "title": NULLABLE_STRING,
            "text": STRING,
            "editions": _array(STRING),
            "changes": _array(STRING),
            "words_added": {"type": "integer"},
            "words_removed": {"type": "integer"},
        }
    )
    counts = _obj(
        {k: {"type": "integer"} for k in ("added", "removed", "changed", "moved", "unchanged")}
    )
    row = _obj(
        {
            "status": {
                "type": "string",
                "enum": ["added", "removed", "changed", "moved", "unchanged"],
            },
            "key": STRING,
            "kind": STRING,
            "number": NULLABLE_STRING,
            "title": NULLABLE_STRING,
            "changes": _array(STRING),
            "old_text": NULLABLE_STRING,
            "new_text": NULLABLE_STRING,
            "segments": _array(
                _obj(
                    {
                        "op": {"type": "string", "enum": ["equal", "insert", "delete"]},
                        "text": STRING,
                    }
                )
            ),
        }
    )
    work_detail = {
        "allOf": [
            _ref("Work"),
            _obj(
                {"editions": _array(_ref("Edition")), "in_force_today": NULLABLE_STRING},
            ),
        ]
    }
    edition_detail = {
        "allOf": [
            _ref("Edition"),
            _obj({"work": STRING, "languages": _array(LANG_VALUE), "toc_url": STRING}),
        ]
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "rkc API",
            "version": "1",
            "description": (
                "The text of the Revised Kyoto Convention and its Guidelines: works, editions, "
                "contents, each unit's text at an edition or a date, its history, diffs between "
                "editions, and the Contracting Parties. Published data is public; working "
                "drafts need a member's token (Authorization: Bearer <token>). Responses carry "
                "an ETag; send it back in If-None-Match to get 304 Not Modified. Errors are "
                "JSON objects with `error` and `message` (and `field`, naming the member of "
                "the body at fault, for a refused write). Members read amendments with a token "
                "or a session; writes need the token in the request (a session cookie alone "
                "does not write), and a write based on something that moved on answers 409. "
                "The text shipped with rkc is an unofficial working text unless an edition "
                "says it is authentic."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        },
        "paths": {
            "/works": _get("Every work", _obj({"works": _array(_ref("Work"))}), errors=()),
            "/works/{work_key}": _get(
                "A work with its editions", work_detail, parameters=[WORK_KEY]
            ),
            "/works/{work_key}/editions": _get(
                "A work's editions (working drafts for members only)",
                _obj({"editions": _array(_ref("Edition"))}),
                parameters=[WORK_KEY],
            ),
            "/works/{work_key}/editions/{slug}": _get(
                "One edition", edition_detail, parameters=[WORK_KEY, SLUG]
            ),
            "/works/{work_key}/editions/{slug}/toc": _get(
                "An edition's table of contents",
                _obj(
                    {
                        "work": STRING,
                        "edition": STRING,
                        "lang": LANG_VALUE,
                        "toc": _array(toc_entry),
                    }
                ),
                parameters=[WORK_KEY, SLUG, LANG],
                errors=(400, 404),
            ),
            "/works/{work_key}/diff": _get(
                "What changed between two editions",
                _obj(
                    {
                        "work": STRING,
                        "from": STRING,
                        "to": STRING,
                        "node": NULLABLE_STRING,
                        "lang": LANG_VALUE,
                        "counts": counts,
                        "words_added": {"type": "integer"},
                        "words_removed": {"type": "integer"},
                        "rows": _array(row),
                    }
                ),
                parameters=[
                    WORK_KEY,
                    _query("from", "The older edition's slug", "2006", SLUG_VALUE, required=True),
                    _query("to", "The newer edition's slug", "2006", SLUG_VALUE, required=True),
                    _query("node", "Limit the diff to this unit (a key)", "ga/3"),
                    _query(
                        "all",
                        "true to list unchanged units too",
                        "true",
                        {"type": "string", "enum": ["true", "false"]},
                    ),
                    LANG,
                ],
                errors=(400, 404),
            ),
            "/nodes/{key}": _get(
                "A unit and what it contains, in an edition or in force on a date",
                _obj(
                    {
                        "key": STRING,
                        "work": STRING,
                        "lang": LANG_VALUE,
                        "edition": _ref("Edition"),
                        "unit": _ref("Unit"),
                        "descendants": _array(_ref("Unit")),
                        "ancestors": _array(ancestor),
                    }
                ),
                parameters=[
                    NODE_KEY,
                    _query("edition", "An edition's slug", "2006"),
                    _query(
                        "on",
                        "A date (YYYY-MM-DD): the edition in force that day",
                        "2010-01-01",
                        DATE,
                    ),
                    LANG,
                ],
                errors=(400, 404),
            ),
            "/nodes/{key}/history": _get(
                "Every distinct revision of a unit, oldest first",
                _obj({"key": STRING, "work": STRING, "lang": LANG_VALUE, "history": _array(step)}),
                parameters=[NODE_KEY, LANG],
                errors=(400, 404),
            ),
            "/parties": _get(
                "The Contracting Parties", _obj({"parties": _array(_ref("Party"))}), errors=()
            ),
            "/parties/{iso3}": _get(
                "One Contracting Party by its ISO 3166-1 alpha-3 code",
                _ref("Party"),
                parameters=[_path("iso3", "ISO 3166-1 alpha-3 code, e.g. AUT", "AUT")],
            ),
            "/search": _search(),
            **_party_paths(),
            **_amendment_paths(),
            **_review_paths(),
            "/openapi.json": _get("This document", {"type": "object"}, errors=()),
            "/me": {
                "get": {
                    "summary": "Who the token belongs to",
                    "security": [{"token": []}],
                    "responses": {
                        "200": _response(
                            _obj(
                                {
                                    "username": STRING,
                                    "name": STRING,
                                    "role": STRING,
                                    "party": NULLABLE_STRING,
                                }
                            )
                        ),
                        "401": ERROR,
                    },
                }
            },
        },
    }


# --------------------------------------------------------------------------- a party's record


def _party_paths() -> dict[str, Any]:
    """rkc/api/parties.py: a party's instruments, acceptances, reservations, deadlines and the
    text binding it on a day."""
    code = _path(
        "code",
        "ISO 3166-1 alpha-3 code (e.g. AUT), or the number of a party without one",
        "AUT",
    )
    span = _nullable(
        _obj({"earliest": DATE, "latest": DATE, "exact": {"type": "boolean"}, "text": STRING})
    )
    result = _nullable(
        _obj(
            {
                "earliest": DATE,
                "latest": DATE,
                "exact": {"type": "boolean"},
                "text": STRING,
                "basis": {"type": "string", "enum": ["recorded", "computed"]},
                "computed": span,
                "explanation": _array(STRING),
            }
        )
    )
    deadline = _nullable(
        _obj(
            {
                "due": span,
                "period_months": {"type": "integer"},
                "extension_months": {"type": "integer"},
                "explanation": _array(STRING),
            }
        )
    )
    chapters = {
        "oneOf": [{"type": "string", "enum": ["unknown", "none"]}, _array(STRING)],
        "description": '"unknown" (no source lists them), "none" (a source says none), or '
        "the chapters accepted",
    }
    head = {
        "party": STRING,
        "code": STRING,
        "iso3": NULLABLE_STRING,
        "is_party": {"type": "boolean"},
        "entry_into_force": result,
        "entry_into_force_note": _nullable({"type": "string", "enum": ["date not recorded"]}),
        "specific_annex_chapters": chapters,
    }
    bound = {"type": "string", "enum": ["yes", "maybe", "no"]}

    def get(summary: str, extra: dict[str, Any], parameters=(), errors=(404,)):  # type: ignore[no-untyped-def]
        return _get(summary, _obj(head | extra), parameters=[code, *parameters], errors=errors)

    instrument = _obj(
        {
            "kind": NULLABLE_STRING,
            "deposited_on": NULLABLE_STRING,
            "recorded_entry_into_force": NULLABLE_STRING,
            "source": STRING,
        }
    )
    acceptance = _obj(
        {
            "chapter": STRING,
            "key": STRING,
            "notified_on": STRING,
            "in_force": result,
            "denounced_on": NULLABLE_STRING,
            "ends": result,
        }
    )
    reservation = _obj(
        {
            "provision": STRING,
            "text": STRING,
            "entered_on": STRING,
            "withdrawn_on": NULLABLE_STRING,
            "reviews_due": _array(DATE),
            "next_review": DATE,
        }
    )
    unit = _obj(
        {
            "key": STRING,
            "kind": STRING,
            "number": NULLABLE_STRING,
            "title": NULLABLE_STRING,
            "text": STRING,
            "depth": {"type": "integer"},
            "reservation": _nullable(
                _obj({"text": STRING, "entered_on": STRING, "applies": bound})
            ),
            "deadline": deadline,
        }
    )
    on = _query("on", "The day, YYYY-MM-DD (today without one)", "2021-03-14", DATE)
    return {
        "/parties/{code}/instruments": get(
            "A party's instruments and denunciation",
            {
                "instruments": _array(instrument),
                "denunciation": _nullable(_obj({"notice_on": STRING, "effective": result})),
            },
        ),
        "/parties/{code}/acceptances": get(
            "A party's Specific Annex chapters: known complete, or not",
            {
                "chapters_complete": {"type": "boolean"},
                "chapters_source": STRING,
                "acceptances": _array(acceptance),
            },
        ),
        "/parties/{code}/reservations": get(
            "A party's reservations to Recommended Practices, with review dates",
            {"reservations": _array(reservation)},
        ),
        "/parties/{code}/deadlines": get(
            "A party's implementation deadlines (null where its date is not recorded)",
            {
                "deadlines": _array(_obj({"scope": STRING, "deadline": deadline})),
                "extensions": _array(
                    _obj(
                        {
                            "target": NULLABLE_STRING,
                            "months": {"type": "integer"},
                            "requested_on": NULLABLE_STRING,
                            "granted_on": STRING,
                        }
                    )
                ),
            },
        ),
        "/parties/{code}/binding": get(
            "The text binding a party on a day, with its reservations and deadlines",
            {
                "on": DATE,
                "bound": bound,
                "edition": STRING,
                "unofficial_working_text": {"type": "boolean"},
                "chapters_in_force": _array(
                    _obj({"chapter": STRING, "key": STRING, "bound": bound})
                ),
                "chapters_pending": _array(STRING),
                "chapters_ended": _array(STRING),
                "chapters_left_out": _array(STRING),
                "html": STRING,
                "units": _array(unit),
            },
            parameters=[on],
            errors=(400, 404),
        ),
    }


# --------------------------------------------------------------------------- search


def _search() -> dict[str, Any]:
    values = {"type": "string", "pattern": "^[^\\x00]*$", "maxLength": 200}
    facet_value = _obj(
        {
            "value": STRING,
            "label": STRING,
            "count": {"type": "integer"},
            "selected": {"type": "boolean"},
        }
    )
    hit = _obj(
        {
            "key": STRING,
            "url": STRING,
            "work": STRING,
            "edition": STRING,
            "kind": STRING,
            "kind_label": STRING,
            "number": NULLABLE_STRING,
            "number_alt": NULLABLE_STRING,
            "title": NULLABLE_STRING,
            "title_html": STRING,
            "snippet_html": {"type": "string", "description": "Highlighted fragment, HTML"},
            "snippet": STRING,
            "place": _array(STRING),
            "language": STRING,
            "score": {"type": "number", "nullable": True},
        }
    )
    payload = _obj(
        {
            "q": STRING,
            "query": STRING,
            "searched": {"type": "boolean"},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "pages": {"type": "integer"},
            "per_page": {"type": "integer"},
            "sort": {"type": "string", "enum": ["relevance", "document"]},
            "on": NULLABLE_DATE,
            "editions": _array(
                _obj({"work": STRING, "edition": STRING, "title": STRING, "state": STRING})
            ),
            "hints": _array(STRING),
            "suggestion": NULLABLE_STRING,
            "any_words": {"type": "boolean"},
            "facets": {"type": "object", "additionalProperties": _array(facet_value)},
            "hits": _array(hit),
        }
    )
    parameters = [
        _query("q", "Words to find; quotes for a phrase, e.g. advance ruling", "customs", values),
        _query(
            "work", "Limit to works (rkc, guidelines); repeat or separate by commas", "rkc", values
        ),
        _query("edition", "Editions as work:slug, e.g. rkc:2006", "rkc:2006", values),
        _query("on", "The editions in force on this date (YYYY-MM-DD)", "2010-01-01", values),
        _query("annex", "Limit to annexes or the Body by key (body, ga, sa-b)", "ga", values),
        _query("chapter", "Limit to chapters by key (ga/3)", "ga/3", values),
        _query("kind", "Limit to kinds (standard, recommended_practice, ...)", "standard", values),
        _query("language", "Limit to languages (en)", "en", values),
        _query("sort", "relevance (default) or document order", "relevance", values),
        _query("page", "Page of results, from 1", "1", values),
        _query("per_page", "Results per page (up to 50)", "10", values),
    ]
    operation = _get(
        "Search the text: the search page's answers as JSON. Nothing is refused: a value that "
        "cannot be used is replaced by its default and explained in `hints`",
        payload,
        parameters=parameters,
        errors=(),
    )
    del operation["get"]["responses"]["304"]
    return operation


# --------------------------------------------------------------------------- amendments


SECURITY = [{"token": []}]
AMENDMENT_ID = _path(
    "amendment_id",
    "An amendment's id",
    "1",
    {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
)
AMENDMENT_ID["example"] = 1
COMMENT_ID = _path(
    "comment_id", "A comment's id", "1", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
)
COMMENT_ID["example"] = 1


def _write(
    summary: str,
    body: dict[str, Any],
    example: dict[str, Any],
    responses: dict[str, Any],
    *,
    parameters: Any = (),
    errors: tuple[int, ...] = (400, 401, 403, 404, 409),
) -> dict[str, Any]:
    all_responses = dict(responses)
    for code in errors:
        all_responses[str(code)] = ERROR
    return {
        "summary": summary,
        "security": SECURITY,
        "parameters": list(parameters),
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": body, "example": example}},
        },
        "responses": all_responses,
    }


def _body(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
    }


def _amendment_paths() -> dict[str, Any]:
    detail = {
        "allOf": [
            _ref("Amendment"),
            _obj(
                {
                    "versions": _array(
                        _obj(
                            {
                                "seq": {"type": "integer"},
                                "origin": {
                                    "type": "string",
                                    "enum": ["proposal", "revision", "rebase"],
                                },
                                "base_revision": {"type": "integer", "nullable": True},
                                "proposed_text": STRING,
                                "proposed_title": NULLABLE_STRING,
                                "justification": STRING,
                                "concept": STRING,
                                "author": NULLABLE_STRING,
                                "note": STRING,
                                "created_at": TIMESTAMP,
                            }
                        )
                    ),
                    "transitions": _array(
                        _obj(
                            {
                                "from": _nullable(AMENDMENT_STATUS),
                                "to": AMENDMENT_STATUS,
                                "by": NULLABLE_STRING,
                                "reason": STRING,
                                "at": TIMESTAMP,
                            }
                        )
                    ),
                    "comments": _array(_ref("Comment")),
                    "actions": _obj(
                        {
                            "transitions": {
                                **_array(AMENDMENT_STATUS),
                                "description": "The statuses the reader may move it to now",
                            },
                            "revise": {"type": "boolean"},
                            "take_position": {"type": "boolean"},
                            "change_position": {"type": "boolean"},
                            "comment": {"type": "boolean"},
                        }
                    ),
                }
            ),
        ]
    }
    key = {"type": "string", "pattern": KEY_PATTERN, "maxLength": 200}
    draft = {
        "type": "string",
        "pattern": DRAFT_PATTERN,
        "maxLength": 200,
    }
    created = {"201": _response(detail, "Stored; Location names it")}
    return {
        "/amendments": {
            "get": {
                "summary": "The amendments the member may see, in document order (drafts: own "
                "party only)",
                "security": SECURITY,
                "parameters": [
                    _query("edition", "A working draft, as work/slug", "rkc/review-draft", draft),
                    _query("status", "One status", "tabled", AMENDMENT_STATUS),
                    _query(
                        "party",
                        "The proposing party's ISO 3166-1 alpha-3 code",
                        "AUT",
                        {"type": "string", "pattern": "^[A-Za-z]{3}$"},
                    ),
                    _query("chapter", "Only amendments inside this unit (a key)", "ga/3", key),
                    _query(
                        "concept",
                        "The review's concept label",
                        "Advance rulings",
                        {"type": "string", "pattern": "^[^\\x00]*$", "maxLength": 200},
                    ),
                    _query(
                        "scope",
                        "all (default), mine (my party's) or tabled (numbered ones)",
                        "all",
                        {"type": "string", "enum": ["all", "mine", "tabled"]},
                    ),
                ],
                "responses": {
                    "200": _response(
                        _obj(
                            {"count": {"type": "integer"}, "amendments": _array(_ref("Amendment"))}
                        )
                    ),
                    "304": NOT_MODIFIED,
                    "400": ERROR,
                    "401": ERROR,
                    "404": ERROR,
                },
            },
            "post": _write(
                "Propose an amendment (a draft of the member's party). modify: node, text; "
                "delete: node; heading: node, title (each with base_revision, the revision it "
                "was written against: a stale one answers 409); insert: parent, after (null: "
                "first), kind, number, title, text, key (a suggestion)",
                _body(
                    {
                        "action": ACTION,
                        "edition": {**draft, "description": "Default: the work's newest draft"},
                        "node": key,
                        "parent": key,
                        "after": _nullable(key),
                        "base_revision": NULLABLE_ID,
                        "text": {**TEXT, "description": "Markdown"},
                        "title": NULLABLE_TEXT,
                        "kind": TEXT,
                        "number": NULLABLE_TEXT,
                        "key": _nullable(key),
                        "justification": {**TEXT, "description": "Markdown; needed to table"},
                        "concept": TEXT,
                    },
                    ("action",),
                ),
                {
                    "action": "modify",
                    "node": "ga/3/3.1",
                    "text": "Customs shall designate and publish the offices at which goods may "
                    "be produced or cleared.",
                    "justification": "Traders need to know where to go.",
                },
                created,
                errors=(400, 401, 403, 409),
            ),
        },
        "/amendments/import": {
            "post": {
                "summary": "A chapter marked up in Word with tracked changes becomes draft "
                "amendments of the member's party, one per changed unit; a refused file stores "
                "nothing and its findings name the paragraphs",
                "security": SECURITY,
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "file": {"type": "string", "format": "binary"},
                                    "edition": {**draft, "description": "Default: from the file"},
                                    "concept": TEXT,
                                    "justification": TEXT,
                                },
                                "required": ["file"],
                            }
                        }
                    },
                },
                "responses": {
                    "201": _response(
                        _obj(
                            {
                                "edition": STRING,
                                "source": STRING,
                                "amendments": _array(_ref("Amendment")),
                                "report": _array(
                                    _obj(
                                        {
                                            "where": STRING,
                                            "label": STRING,
                                            "amendment": {"type": "integer"},
                                            "note": STRING,
                                        }
                                    )
                                ),
                                "skipped": _array(FINDING),
                            }
                        ),
                        "Draft amendments stored",
                    ),
                    "400": ERROR,
                    "401": ERROR,
                    "403": ERROR,
                    "413": ERROR,
                },
            }
        },
        "/amendments/{amendment_id}": {
            "get": {
                "summary": "An amendment with its versions, status changes, positions, comments "
                "and what the reader may do",
                "security": SECURITY,
                "parameters": [AMENDMENT_ID],
                "responses": {
                    "200": _response(detail),
                    "304": NOT_MODIFIED,
                    "401": ERROR,
                    "404": ERROR,
                },
            }
        },
        "/amendments/{amendment_id}/revisions": {
            "post": _write(
                "A new version of a pending amendment (its party's delegates). expected_seq "
                "is the version read (stale: 409, with latest_seq); members left out keep "
                "their value",
                _body(
                    {
                        "expected_seq": ID,
                        "base_revision": NULLABLE_ID,
                        "text": TEXT,
                        "title": TEXT,
                        "kind": TEXT,
                        "number": TEXT,
                        "key": key,
                        "after": _nullable(key),
                        "justification": TEXT,
                        "concept": TEXT,
                    },
                    ("expected_seq",),
                ),
                {"expected_seq": 1, "justification": "Traders need to know where to go."},
                created,
                parameters=[AMENDMENT_ID],
            ),
        },
        "/amendments/{amendment_id}/status": {
            "post": _write(
                "Change the status as the member may: a delegate tables or withdraws their "
                "party's amendment; the Secretariat opens the discussion and records the outcome",
                _body(
                    {
                        "to": AMENDMENT_STATUS,
                        "reason": TEXT,
                        "superseded_by": {**NULLABLE_TEXT, "description": "A number, e.g. RD/002"},
                    },
                    ("to",),
                ),
                {"to": "tabled"},
                {"200": _response(detail)},
                parameters=[AMENDMENT_ID],
            ),
        },
        "/amendments/{amendment_id}/position": {
            "put": _write(
                "The member's party takes a position (201) or changes it (200); the history "
                "of changes is kept",
                _body({"stance": STANCE, "statement": TEXT}, ("stance",)),
                {"stance": "support", "statement": "Clearer for traders."},
                {
                    "200": _response(_ref("Position"), "Changed"),
                    "201": _response(_ref("Position"), "Taken"),
                },
                parameters=[AMENDMENT_ID],
            ),
        },
        "/amendments/{amendment_id}/comments": {
            "post": _write(
                "A comment in Markdown, or a reply in the thread of reply_to",
                _body({"body": TEXT, "reply_to": NULLABLE_ID}, ("body",)),
                {"body": "Does this cover inland offices?"},
                {"201": _response(_ref("Comment"), "Stored")},
                parameters=[AMENDMENT_ID],
                errors=(400, 401, 403, 404),
            ),
        },
        "/amendments/{amendment_id}/comments/{comment_id}/resolve": {
            "post": _write(
                "Resolve a comment's thread, or open it again with resolved false",
                _body({"resolved": {"type": "boolean"}}),
                {"resolved": True},
                {"200": _response(_ref("Comment"), "The thread's first comment")},
                parameters=[AMENDMENT_ID, COMMENT_ID],
                errors=(400, 401, 403, 404),
            ),
        },
    }


# --------------------------------------------------------------------------- review register


def _review_paths() -> dict[str, Any]:
    """rkc/api/review.py: meetings, agenda items, documents (members read; the Secretariat
    writes with a write-scope token)."""
    meeting_id = _path("meeting_id", "A meeting's id", "1", ID)
    meeting_id["example"] = 1
    document_id = _path("document_id", "A document's id", "1", ID)
    document_id["example"] = 1
    meeting = _obj(
        {
            "id": ID,
            "body": STRING,
            "number": {"type": "integer"},
            "ordinal": STRING,
            "title": STRING,
            "starts_on": DATE,
            "ends_on": DATE,
            "mode": {"type": "string", "enum": ["in_person", "virtual", "hybrid"]},
            "languages": _array(LANG_VALUE),
            "venue": STRING,
            "status": {"type": "string", "enum": ["planned", "convened", "closed"]},
        }
    )
    item = _obj(
        {
            "id": ID,
            "number": {**STRING, "description": "Computed from the item's place: III, III.b"},
            "title": STRING,
            "purpose": {"type": "string", "enum": ["decision", "guidance", "information"]},
            "parent": NULLABLE_ID,
        }
    )
    document = _obj(
        {
            "id": ID,
            "symbol": STRING,
            "title": STRING,
            "language": LANG_VALUE,
            "version": {"type": "integer"},
            "kind": {"type": "string", "enum": ["original", "addendum", "corrigendum"]},
            "level": {
                "type": "string",
                "enum": ["public", "parties_and_observers", "parties", "secretariat"],
            },
            "meeting": NULLABLE_ID,
            "parent": NULLABLE_STRING,
            "superseded_by": NULLABLE_STRING,
            "mimetype": STRING,
            "size": {"type": "integer"},
            "file_url": STRING,
        }
    )
    items = _obj({"items": _array(item)})
    day = {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}

    def read(summary: str, schema: dict[str, Any], parameters: list, errors=(401, 404)):  # type: ignore[no-untyped-def]
        responses = {"200": _response(schema), **{str(code): ERROR for code in errors}}
        return {
            "summary": summary,
            "security": SECURITY,
            "parameters": parameters,
            "responses": responses,
        }

    return {
        "/meetings": {
            "get": read(
                "Every meeting, latest first", _obj({"meetings": _array(meeting)}), [], (401,)
            ),
            "post": _write(
                "Record a numbered session of a body (the Secretariat); a second session with "
                "the same ordinal is a 400",
                _body(
                    {
                        "body": TEXT,
                        "number": {"type": "integer", "minimum": 1, "maximum": 999},
                        "starts_on": day,
                        "ends_on": day,
                        "mode": {"type": "string", "enum": ["in_person", "virtual", "hybrid"]},
                        "languages": _array(LANG_VALUE),
                        "venue": {**TEXT, "maxLength": 300},
                    },
                    ("body", "number", "starts_on", "ends_on", "mode"),
                ),
                {
                    "body": "RKC/MC",
                    "number": 23,
                    "starts_on": "2027-03-15",
                    "ends_on": "2027-03-17",
                    "mode": "hybrid",
                },
                {"201": _response(meeting, "Recorded")},
                errors=(400, 401, 403),
            ),
        },
        "/meetings/{meeting_id}": {
            "get": read(
                "A meeting with its agenda and documents",
                {
                    "allOf": [
                        meeting,
                        _obj({"agenda": _array(item), "documents": _array(document)}),
                    ]
                },
                [meeting_id],
            )
        },
        "/meetings/{meeting_id}/agenda": {
            "get": read("A meeting's agenda, numbered", items, [meeting_id]),
            "post": _write(
                "Add an item at the end of the agenda, or under a top-level item (parent)",
                _body(
                    {
                        "title": {**TEXT, "maxLength": 500},
                        "purpose": {
                            "type": "string",
                            "enum": ["decision", "guidance", "information"],
                        },
                        "parent": ID,
                    },
                    ("title", "purpose"),
                ),
                {"title": "Adoption of the agenda", "purpose": "decision"},
                {"201": _response(items, "Added")},
                parameters=[meeting_id],
                errors=(400, 401, 403, 404),
            ),
        },
        "/documents/{document_id}": {
            "get": read("A registered document (its file: file_url)", document, [document_id])
        },
    }
