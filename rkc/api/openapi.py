"""The OpenAPI 3 document of /api/v1, served at /api/v1/openapi.json.

Kept by hand beside the views it describes (rkc/api/texts.py); tests/api/test_openapi.py
runs schemathesis over it against the real application, so a response that drifts from this
document fails the suite.
"""

from __future__ import annotations

from typing import Any

KEY_PATTERN = r"^[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*$"


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


SCHEMAS: dict[str, Any] = {
    "Error": _obj({"error": STRING, "message": STRING}),
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
    edition_detail = {"allOf": [_ref("Edition"), _obj({"work": STRING, "toc_url": STRING})]}
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
                "JSON objects with `error` and `message`. The text shipped with rkc is an "
                "unofficial working text unless an edition says it is authentic."
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
                _obj({"work": STRING, "edition": STRING, "toc": _array(toc_entry)}),
                parameters=[WORK_KEY, SLUG],
            ),
            "/works/{work_key}/diff": _get(
                "What changed between two editions",
                _obj(
                    {
                        "work": STRING,
                        "from": STRING,
                        "to": STRING,
                        "node": NULLABLE_STRING,
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
                ],
                errors=(400, 404),
            ),
            "/nodes/{key}": _get(
                "A unit and what it contains, in an edition or in force on a date",
                _obj(
                    {
                        "key": STRING,
                        "work": STRING,
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
                ],
                errors=(400, 404),
            ),
            "/nodes/{key}/history": _get(
                "Every distinct revision of a unit, oldest first",
                _obj({"key": STRING, "work": STRING, "history": _array(step)}),
                parameters=[NODE_KEY],
            ),
            "/parties": _get(
                "The Contracting Parties", _obj({"parties": _array(_ref("Party"))}), errors=()
            ),
            "/parties/{iso3}": _get(
                "One Contracting Party by its ISO 3166-1 alpha-3 code",
                _ref("Party"),
                parameters=[_path("iso3", "ISO 3166-1 alpha-3 code, e.g. AUT", "AUT")],
            ),
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
