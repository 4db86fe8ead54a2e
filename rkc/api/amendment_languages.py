"""JSON API of an amendment's languages (issue 13): its words in each language of the draft,
as the translation form has them (rkc/amendments/language_views.py).

The Secretariat supplies or corrects a translation and a second member of the Secretariat
checks it (four eyes, `Action.TRANSLATE_AMENDMENT`); the proposing party's delegate revises its
own original written in another language than English. The rules are in
rkc/amendments/languages.py; the answer is the amendment as rkc/api/amendments.py shows it,
whose `languages` carry each version's status.
"""

from __future__ import annotations

from flask import Blueprint, abort

from rkc.amendments import languages
from rkc.amendments.errors import AmendmentError
from rkc.amendments.models import Amendment, AmendmentVersion
from rkc.api import spec
from rkc.api.amendments import amendment_of, deny, fresh_detail, problem
from rkc.api.schemas import amendments as s
from rkc.api.spec import operation, refuse
from rkc.auth.permissions import Action, can
from rkc.auth.session import api_writer


def register(bp: Blueprint) -> None:
    """Add this module's routes to the API blueprint."""
    spec.add_routes(bp, write_language, check_language)


def _language_version(amendment: Amendment, lang: str) -> AmendmentVersion:
    """The amendment's version in `lang` (an unknown code, or a language the draft does not
    hold: 400 naming `lang`)."""
    try:
        code = languages.check_language(amendment.edition, lang, field="lang")
    except AmendmentError as error:
        refuse(400, str(error), "lang")
    version = languages.versions_of(amendment).get(code)
    if version is None:
        refuse(400, f"lang: {amendment.label} has no {languages.name_of(code)} version.", "lang")
    return version


@operation(
    "/amendments/<id:amendment_id>/languages/<lang>",
    method="PUT",
    responses={200: s.AmendmentDetail},
    body=s.LanguageWrite,
    auth="writer",
    errors=[404, 409],
    example={"expected_seq": 1, "text": "Les bureaux de douane sont publiés."},
)
def write_language(amendment_id: int, lang: str):  # type: ignore[no-untyped-def]
    """Write the amendment's words in one language, as the translation form does: the
    Secretariat supplies or corrects a translation (it is then `translated`, waiting for
    another member's check); the proposing party's delegate revises its own original written
    in another language than English (the translations go back to `to_translate`). A stale
    expected_seq answers 409 with latest_seq."""
    me = api_writer()
    amendment = amendment_of(amendment_id)
    if not can(me, Action.TRANSLATE_AMENDMENT, amendment) and not (
        can(me, Action.EDIT_AMENDMENT, amendment) and lang == amendment.language and lang != "en"
    ):
        abort(403, description="Only the Secretariat supplies the versions in other languages.")
    body = spec.body(s.LanguageWrite, example='{"expected_seq": 1, "text": "..."}')
    version = _language_version(amendment, lang)
    try:
        languages.save_version(
            amendment,
            version,
            user=me,
            expected_seq=body.expected_seq,
            text=body.text,
            title=body.title,
            note=body.note or "",
        )
    except AmendmentError as error:
        return problem(error)
    return fresh_detail(amendment_id)


@operation(
    "/amendments/<id:amendment_id>/languages/<lang>/check",
    method="POST",
    responses={200: s.AmendmentDetail},
    body=s.LanguageCheck,
    auth="writer",
    errors=[404, 409],
    example={"expected_seq": 2},
)
def check_language(amendment_id: int, lang: str):  # type: ignore[no-untyped-def]
    """Confirm that a translation says what the original says: a member of the Secretariat
    other than its translator (four eyes). A merge needs every language checked."""
    me = api_writer()
    amendment = amendment_of(amendment_id)
    deny(me, Action.TRANSLATE_AMENDMENT, amendment)
    body = spec.body(s.LanguageCheck, example='{"expected_seq": 2}')
    version = _language_version(amendment, lang)
    try:
        languages.check_translation(
            amendment, version.language, user=me, expected_seq=body.expected_seq
        )
    except AmendmentError as error:
        return problem(error)
    return fresh_detail(amendment_id)
