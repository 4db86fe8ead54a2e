"""Test helper: give an amendment a checked version in every language of its draft.

A merge needs every language version checked (rkc/amendments/languages.py). Tests and benches
that merge amendments written in one language call `check_every_language` first: a member of
the Secretariat ("translator") supplies each missing version and another ("reviser") checks it,
through the real operations.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from rkc.amendments import languages
from rkc.amendments.models import Amendment, AmendmentAction, TranslationStatus
from rkc.amendments.proposing import propose_modification
from rkc.auth import operations as auth_ops
from rkc.auth.models import User
from rkc.convention import operations as text_store
from rkc.extensions import db

from ..helpers import PASSWORD


def secretariat_member(username: str) -> User:
    """A member of the Secretariat named `username`, made on first use."""
    found = db.session.scalar(select(User).where(User.username == username))
    if found is None:
        found = auth_ops.create_user(
            username=username,
            display_name=username.title(),
            password=PASSWORD,
            role="secretariat",
        )
        db.session.flush()
    return found


def default_translation(amendment: Amendment, language: str) -> tuple[str, str | None]:
    """A text for `language` that differs from the draft's current text there."""
    current = (
        text_store.current_revision(amendment.edition, amendment.node, language)
        if amendment.node is not None
        else None
    )
    if amendment.action is AmendmentAction.HEADING:
        return "", f"{current.title if current else ''} ({language})".strip()
    if amendment.action is AmendmentAction.INSERT:
        return f"[{language}] {amendment.proposed_text}", (
            f"[{language}] {amendment.proposed_title}" if amendment.proposed_title else None
        )
    return f"{current.text if current else ''} [{language}]".strip(), None


def check_every_language(
    amendment: Amendment, texts: dict[str, tuple[str, str | None]] | None = None
) -> None:
    """Supply (with `texts[language]` = (text, title), or a default) and check every version
    of `amendment` that is not checked yet."""
    translator = secretariat_member("translator")
    reviser = secretariat_member("reviser")
    for language, version in languages.versions_of(amendment).items():
        if version.status is TranslationStatus.CHECKED:
            continue
        if version.status is TranslationStatus.TO_TRANSLATE:
            text, title = (texts or {}).get(language) or default_translation(amendment, language)
            languages.write_translation(
                amendment,
                language,
                user=translator,
                expected_seq=version.seq,
                text=text,
                title=title,
            )
        languages.check_translation(amendment, language, user=reviser, expected_seq=version.seq)
    db.session.flush()


# --------------------------------------------------------------------------- the full corpus

EN_31 = (
    "The Customs shall designate the Customs offices at which goods may be produced, and those "
    "at which they may be cleared."
)
FR_31 = (
    "La douane désigne les bureaux de douane où les marchandises peuvent être présentées et "
    "ceux où elles peuvent être dédouanées."
)
FR_NEW = FR_31.replace("La douane désigne", "La douane désigne et publie")
EN_NEW = EN_31.replace("shall designate", "shall designate and publish")


def french_proposal(world: Any) -> Amendment:
    return propose_modification(
        world.draft,
        world.node("ga/3/3.1"),
        user=world.user("delegate_a"),
        text=FR_NEW,
        justification="Publier la liste des bureaux.",
        language="fr",
    )
