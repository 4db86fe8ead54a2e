"""The API's one declaration of each route: its typed models, and the OpenAPI document made
from them (served at /api/v1/openapi.json).

A view of /api/v1 is declared with `@operation(rule, ...)`: its method, its query model,
its request body model, its response models and the errors it may answer. `add_routes`
puts the views on the blueprint; `document()` walks the application's url_map and writes
the OpenAPI 3.1 document from those declarations, so a route and its description cannot
drift apart (tests/api/test_openapi.py also checks that both sets are the same).

Models are pydantic models (see docs/architecture.md, "API schema"):

* `Body` models read a request's JSON object, strictly: a string is not a number, true is
  not 1, an unknown member is refused. `body(Model)` is called by the view *after* its
  permission checks, so a role that may not act hears 403 whatever it sent; a refused body
  answers 400 in the project's error format, with `field` naming the member at fault and
  `errors` listing every problem found.
* `Query` models read the query string (leniently: it is text), before the view runs and
  after the reader's credentials are checked; a bad value answers 400 naming the parameter.
* `Out` models describe answers. A view returns a dict (or a model); it is checked against
  the declared model and written out through it, so an answer that breaks its description
  fails loudly in the tests instead of reaching a client.

A route of another method than GET is a write: it runs in one transaction
(`rkc.web.transactional`), committed when it answers below 400 (after its answer was checked),
rolled back otherwise, so a refused write stores nothing.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Literal, TypeVar

from flask import Blueprint, Flask, Response, abort, jsonify, make_response, request
from flask_login import current_user
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    WithJsonSchema,
)
from pydantic.json_schema import models_json_schema

from rkc.auth.permissions import Action, can
from rkc.auth.session import api_writer
from rkc.convention.languages import UnknownLanguage, parse_language
from rkc.database import MAX_ID
from rkc.web import transactional

# --------------------------------------------------------------------------- value types

#: A unit's stable key, e.g. ga/3/3.11.
KEY_PATTERN = r"^[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*$"
#: A working draft named as work/slug, e.g. rkc/review-draft.
DRAFT_PATTERN = r"^[a-z0-9][a-z0-9._-]*/[a-z0-9][a-z0-9._-]*$"
#: No NUL character (PostgreSQL cannot store one).
NO_NUL = r"^[^\x00]*$"
#: Longest string a body member may hold (the operations have their own, smaller limits).
MAX_STRING = 100_000

#: What a refused pattern means, in words, by pattern.
PATTERN_WORDS = {
    KEY_PATTERN: "is not a key; keys look like ga/3/3.11",
    DRAFT_PATTERN: "names no working draft; write work/slug, e.g. rkc/review-draft",
    NO_NUL: "holds a NUL character",
}

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Text = Annotated[str, StringConstraints(max_length=MAX_STRING, pattern=NO_NUL)]
ShortText = Annotated[str, StringConstraints(max_length=1000, pattern=NO_NUL)]
Key = Annotated[str, StringConstraints(max_length=200, pattern=KEY_PATTERN)]
DraftName = Annotated[str, StringConstraints(max_length=200, pattern=DRAFT_PATTERN)]
Lang = Literal["en", "fr"]


def _language(value: Any) -> Any:
    """`lang` as the reading pages take it (en or fr, any case; English when empty)."""
    if isinstance(value, str):
        try:
            return parse_language(value)
        except UnknownLanguage as exc:
            raise ValueError(str(exc)) from None
    return value


#: The `lang` query parameter (rkc.convention.languages decides what it accepts).
LangParameter = Annotated[
    Lang,
    BeforeValidator(_language),
    Field(
        description="The language of the text: en (the default) or fr. Another value is a 400. "
        "A work held in English only answers in English; the answer's `lang` says which "
        "language it is in.",
        examples=["fr"],
    ),
]


def _iso_day(value: Any) -> Any:
    """YYYY-MM-DD exactly (no week dates, no timestamps)."""
    if isinstance(value, str):
        try:
            if len(value) != 10:
                raise ValueError(value)
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(
                f"“{value[:40]}” is not a date; write YYYY-MM-DD, e.g. 2021-03-14"
            ) from None
    return value


#: A calendar day, written YYYY-MM-DD.
Day = Annotated[date, BeforeValidator(_iso_day)]
#: A date or a timestamp as answers write them (ISO 8601 text).
DateText = Annotated[str, WithJsonSchema({"type": "string", "format": "date"})]
Timestamp = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
#: A date kept at its recorded precision: 2006, 2006-04 or 2006-04-29.
PartialDateText = Annotated[
    str, WithJsonSchema({"type": "string", "description": "2006, 2006-04 or 2006-04-29"})
]


class Body(BaseModel):
    """A request's JSON object: strict types, no unknown members."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Query(BaseModel):
    """A query string: text read leniently; parameters not declared are ignored."""

    model_config = ConfigDict(extra="ignore")


class Out(BaseModel):
    """An answer's JSON object: exactly these members."""

    model_config = ConfigDict(extra="forbid", validate_by_name=True, validate_by_alias=True)


class Finding(Out):
    where: str
    reason: str


class Revision(Out):
    id: int
    title: str | None
    text: str


class Problem(Out):
    """Every error answer: what went wrong, in words."""

    error: str
    message: str
    field: str | None = Field(
        None, description="The body member, parameter or upload field at fault"
    )
    errors: list[dict[str, str | None]] | None = Field(
        None, description="A refused body: every problem found, each with its field and message"
    )
    current_revision: Revision | None = Field(
        None, description="409 for a stale base_revision: the provision as it stands now"
    )
    latest_seq: int | None = Field(
        None, description="409 for a stale expected_seq: the amendment's latest version"
    )
    findings: list[Finding] | None = Field(
        None, description="A refused upload: every problem, with where it stands"
    )


# --------------------------------------------------------------------------- declarations

#: Path parameters, by name: what they are, their schema and an example.
PATH_PARAMETERS: dict[str, tuple[str, dict[str, Any], Any]] = {
    "work_key": ("A work: rkc (the Convention) or guidelines", {"type": "string"}, "rkc"),
    "slug": ("An edition's slug, e.g. 2006", {"type": "string"}, "2006"),
    "key": (
        "A unit's stable key, e.g. ga/3/3.11 (slashes belong to the key)",
        {"type": "string", "pattern": KEY_PATTERN},
        "ga/3/3.1",
    ),
    "iso3": ("ISO 3166-1 alpha-3 code, e.g. AUT", {"type": "string"}, "AUT"),
    "code": (
        "ISO 3166-1 alpha-3 code (e.g. AUT), or the number of a party without one",
        {"type": "string"},
        "AUT",
    ),
    "amendment_id": ("An amendment's id", {}, 1),
    "comment_id": ("A comment's id", {}, 1),
    "meeting_id": ("A meeting's id", {}, 1),
    "item_id": ("An agenda item's id", {}, 1),
    "document_id": ("A document's id", {}, 1),
    "proposal_id": ("A framework proposal's id", {}, 1),
    "component_id": ("A framework component's id", {}, 1),
    "rec_id": ("A recommendation's id", {}, 1),
    "event_id": ("A recorded event's id", {}, 1),
    "reservation_id": ("A reservation's id", {}, 1),
    "lang": ("A language of the text: en or fr", {"type": "string", "enum": ["en", "fr"]}, "fr"),
    "party_code": (
        "The other party: its ISO 3166-1 alpha-3 code, or its number",
        {"type": "string"},
        "CAN",
    ),
}
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_ID}

Auth = Literal["public", "member", "writer"]
READ_ACTION = {"member": Action.READ_WORKING_DOCUMENTS}


@dataclass
class Operation:
    """What `document()` says about one view, and what its wrapper checks."""

    rule: str
    method: str
    summary: str
    responses: dict[int, Any]
    query: type[Query] | None = None
    body: type[Body] | None = None
    upload: type[BaseModel] | None = None
    auth: Auth = "public"
    errors: tuple[int, ...] = ()
    etag: bool = False
    example: dict[str, Any] | None = None
    description: str = ""
    extra: dict[int, str] = field(default_factory=dict)


def operation(
    rule: str,
    *,
    method: str = "GET",
    responses: dict[int, Any],
    summary: str = "",
    query: type[Query] | None = None,
    body: type[Body] | None = None,
    upload: type[BaseModel] | None = None,
    auth: Auth = "public",
    errors: Iterable[int] = (),
    etag: bool | None = None,
    example: dict[str, Any] | None = None,
    check_query: bool = True,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare an API view. `responses`: status -> Out model (None: no body described);
    `errors`: the error statuses it may answer (400 is added for a body or a query, 401 for a
    member's or a writer's route, 403 for a writer's); `auth`: public, member (a token or a
    session reads) or writer (a write-scope token in the request); `etag`: conditional GET
    (the default for a GET answering 200); `check_query=False`: the query model only
    describes parameters that the view reads itself, refusing none."""
    codes = set(errors)
    if body is not None or (query is not None and check_query) or upload is not None:
        codes.add(400)
    if auth != "public":
        codes.add(401)
    if auth == "writer":
        codes.add(403)

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        doc = (view.__doc__ or "").strip()
        op = Operation(
            rule=rule,
            method=method,
            summary=summary or doc.split("\n\n")[0].replace("\n", " "),
            description=doc if summary else "\n\n".join(doc.split("\n\n")[1:]),
            responses=responses,
            query=query,
            body=body,
            upload=upload,
            auth=auth,
            errors=tuple(sorted(codes)),
            etag=method == "GET" and 200 in responses if etag is None else etag,
            example=example,
        )

        def run(**kwargs: Any) -> Any:
            return _answer(op, view(**kwargs))

        if method != "GET":  # a write commits when it answers below 400, else rolls back
            run = transactional(run)

        @functools.wraps(view)
        def wrapped(**kwargs: Any) -> Any:
            if auth == "member" and not can(current_user, Action.READ_WORKING_DOCUMENTS):
                abort(401)
            if auth == "writer":
                api_writer()
            if query is not None and check_query:
                kwargs["query"] = read_query(query)
            return run(**kwargs)

        wrapped.api_operation = op  # type: ignore[attr-defined]
        return wrapped

    return decorate


def add_routes(bp: Blueprint, *views: Callable[..., Any]) -> None:
    """Put declared views on the API blueprint, each under its function's name."""
    for view in views:
        op: Operation = view.api_operation  # type: ignore[attr-defined]
        bp.add_url_rule(op.rule, view.__name__, view, methods=[op.method])


# --------------------------------------------------------------------------- reading requests


def refuse(status: int, message: str, field: str | None = None, **extra: Any) -> Any:
    """Stop the request with an error answer in the project's format (`abort` with a body)."""
    names = {400: "Bad Request", 403: "Forbidden", 404: "Not Found", 409: "Conflict"}
    payload = {"error": names.get(status, "Error"), "message": message, "field": field, **extra}
    answer = Problem.model_validate(payload).model_dump(exclude_unset=True)
    abort(make_response(jsonify(answer), status))


def _words(error: dict[str, Any]) -> str:
    """One pydantic error, in the project's words."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "missing":
        return "required"
    if kind == "extra_forbidden":
        return "not a member of this request"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "must be a whole number"
    if kind == "greater_than_equal":
        return f"must be at least {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"must be at most {ctx.get('le')}"
    if kind in ("string_type", "string_sub_type"):
        return "must be a string"
    if kind in ("bool_type", "bool_parsing"):
        return "must be true or false"
    if kind in ("list_type", "list_parsing"):
        return "must be a list"
    if kind == "string_too_long":
        return f"longer than {ctx.get('max_length', MAX_STRING):,} characters"
    if kind == "string_too_short":
        return "may not be empty"
    if kind == "string_pattern_mismatch":
        value = error.get("input")
        shown = f"“{value[:60]}” " if isinstance(value, str) and "\x00" not in value else ""
        return shown + PATTERN_WORDS.get(ctx.get("pattern", ""), "is not in the expected form")
    if kind in ("enum", "literal_error"):
        return "one of " + str(ctx.get("expected", "")).replace("'", "")
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind in ("none_required", "model_type", "dict_type"):
        return "must be a JSON object" if kind != "none_required" else "must be null"
    return error["msg"][:1].lower() + error["msg"][1:]


def problems(exc: ValidationError, model: type[BaseModel]) -> list[dict[str, str | None]]:
    """Every error of a validation, as {field, message}; unknown members first."""
    found: list[dict[str, str | None]] = []
    for error in sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden"):
        name = ".".join(str(part) for part in error["loc"]) or None
        message = _words(error)
        if error["type"] == "extra_forbidden":
            members = sorted(f.alias or n for n, f in model.model_fields.items())
            message += "; it takes " + ", ".join(members)
        found.append({"field": name, "message": f"{name}: {message}." if name else message})
    return found


M = TypeVar("M", bound=Body)
Q = TypeVar("Q", bound=Query)


def body(model: type[M], *, example: str = "") -> M:
    """The request's JSON object read through `model`; else a 400 naming the member."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        refuse(
            400,
            "Send a JSON object (Content-Type: application/json)"
            + (f", e.g. {example}." if example else "."),
        )
    try:
        return model.model_validate_json(request.get_data())
    except ValidationError as exc:
        found = problems(exc, model)
        refuse(400, found[0]["message"] or "", found[0]["field"], errors=found)
    raise AssertionError  # refuse() does not return


def read_query(model: type[Q]) -> Q:
    """The query string read through `model`; else a 400 naming the parameter."""
    values: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        wanted = info.alias or name
        if request.args.get(wanted):  # an empty parameter is as if it were not given
            values[wanted] = request.args[wanted]
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        error = exc.errors()[0]
        name = ".".join(str(part) for part in error["loc"])
        words = f"required (missing {name})" if error["type"] == "missing" else _words(error)
        abort(400, description=f"{name}: {words}.")
    raise AssertionError


# --------------------------------------------------------------------------- answering


def _answer(op: Operation, result: Any) -> Any:
    """Check a view's answer against its declared model and write it out through it."""
    if isinstance(result, Response):
        return result
    status, headers = 200, None
    if isinstance(result, tuple):
        result, status, *rest = result
        headers = rest[0] if rest else None
    model = op.responses.get(status, Problem if status >= 400 else None)
    if model is None:
        raise LookupError(f"{op.method} {op.rule} answered {status}, which it does not declare")
    checked = result if isinstance(result, model) else model.model_validate(result)
    payload = checked.model_dump(mode="json", by_alias=True, exclude_unset=model is Problem)
    response = jsonify(payload)
    response.status_code = status
    if headers:
        response.headers.update(headers)
    if op.etag and status == 200:
        response.add_etag()
        response.headers["Cache-Control"] = "no-cache"
        response.vary.update(("Authorization", "Cookie"))
        return response.make_conditional(request)
    return response


# --------------------------------------------------------------------------- the document

CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
DESCRIPTION = (
    "The text of the Revised Kyoto Convention and its Guidelines: works, editions, contents, "
    "each unit's text at an edition or a date, its history, diffs between editions; the "
    "Contracting Parties and their record; amendments, their discussion and the merge queue; "
    "editions and the amendment procedure; the review register. Published data is public; "
    "the rest needs a member's token (Authorization: Bearer <token>), or a session to read. "
    "Writes need a token of the write scope in the request (a session cookie alone does not "
    "write), and are refused with 403 for a role that may not act, 409 for a write based on "
    "something that moved on, and 400 for a bad body (`field` names the member at fault); "
    "a refused write stores nothing. Answers to GET carry an ETag: send it back in "
    "If-None-Match to get 304 Not Modified. Errors are JSON objects with `error` and "
    "`message`. The text shipped with rkc is an unofficial working text unless an edition "
    "says it is authentic."
)


def _path_of(rule: str) -> tuple[str, list[dict[str, Any]]]:
    parameters = []

    def replace(match: re.Match[str]) -> str:
        converter, name = match.group(1), match.group(2)
        description, schema, example = PATH_PARAMETERS[name]
        if converter == "id":
            schema = ID_SCHEMA
        parameters.append(
            {
                "name": name,
                "in": "path",
                "required": True,
                "description": description,
                "schema": schema,
                "example": example,
            }
        )
        return "{" + name + "}"

    return CONVERTER.sub(replace, rule), parameters


def _query_parameters(model: type[Query], schemas: dict[str, Any]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(schema.pop("$defs", {}))
    required = set(schema.get("required", ()))
    parameters = []
    for name, prop in schema["properties"].items():
        prop = dict(prop)
        options = [o for o in prop.pop("anyOf", ()) if o.get("type") != "null"]
        if options:  # an optional parameter is left out, never null
            prop.update(options[0] if len(options) == 1 else {"anyOf": options})
        if prop.get("default", "") is None:
            del prop["default"]
        description = prop.pop("description", "")
        examples = prop.pop("examples", None)
        prop.pop("title", None)
        parameter = {
            "name": name,
            "in": "query",
            "required": name in required,
            "description": description,
            "schema": prop,
        }
        if examples:
            parameter["example"] = examples[0]
        parameters.append(parameter)
    return parameters


def _json(schema: Any, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def document(app: Flask) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every declared route of the API blueprint (made once
    per application)."""
    if "rkc_openapi" not in app.extensions:
        app.extensions["rkc_openapi"] = _document(app)
    return app.extensions["rkc_openapi"]


def _document(app: Flask) -> dict[str, Any]:
    ops: list[tuple[str, Operation]] = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        op = getattr(app.view_functions[rule.endpoint], "api_operation", None)
        if op is None:
            raise LookupError(f"{rule.rule} ({rule.endpoint}) is not declared with @operation")
        ops.append((rule.endpoint, op))
    models: list[tuple[type[BaseModel], Literal["validation", "serialization"]]] = [
        (Problem, "serialization")
    ]
    for _endpoint, op in ops:
        models += [(m, "serialization") for m in op.responses.values() if m is not None]
        models += [(m, "validation") for m in (op.body, op.upload) if m is not None]
    keyed, top = models_json_schema(
        list(dict.fromkeys(models)), ref_template="#/components/schemas/{model}"
    )
    schemas: dict[str, Any] = dict(top.get("$defs", {}))
    paths: dict[str, dict[str, Any]] = {}
    for endpoint, op in sorted(ops, key=lambda pair: pair[1].rule):
        path, parameters = _path_of(op.rule)
        if op.query is not None:
            parameters += _query_parameters(op.query, schemas)
        responses: dict[str, Any] = {}
        for status, model in sorted(op.responses.items()):
            words = {200: "OK", 201: "Stored"}.get(status, "OK")
            if model is None:
                responses[str(status)] = {"description": words}
            else:
                responses[str(status)] = _json(keyed[(model, "serialization")], words)
        if op.etag:
            responses["304"] = {
                "description": "Not modified: the ETag sent in If-None-Match still matches"
            }
        for status in op.errors:
            responses[str(status)] = _json(
                keyed[(Problem, "serialization")], "Error, with a message saying what was wrong"
            )
        entry: dict[str, Any] = {
            "operationId": endpoint.removeprefix("api."),
            "summary": op.summary,
            "parameters": parameters,
            "responses": responses,
        }
        if op.description:
            entry["description"] = op.description
        if op.auth != "public":
            entry["security"] = [{"token": []}]
        if op.body is not None:
            content: dict[str, Any] = {"schema": keyed[(op.body, "validation")]}
            if op.example is not None:
                content["example"] = op.example
            entry["requestBody"] = {"required": True, "content": {"application/json": content}}
        if op.upload is not None:
            entry["requestBody"] = {
                "required": True,
                "content": {"multipart/form-data": {"schema": keyed[(op.upload, "validation")]}},
            }
        paths.setdefault(path, {})[op.method.lower()] = entry
    return {
        "openapi": "3.1.0",
        "info": {"title": "rkc API", "version": "1", "description": DESCRIPTION},
        "servers": [{"url": "/api/v1"}],
        "components": {
            "schemas": schemas,
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        },
        "paths": paths,
    }
