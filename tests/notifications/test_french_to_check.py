"""My work's "French texts to check": units whose English a draft changed and whose French twin
still holds the text of the edition the draft came from."""

from __future__ import annotations

from rkc.convention import operations as text_ops
from rkc.convention import queries
from rkc.extensions import db
from rkc.notifications.queries import french_to_check


def _revise(draft, key: str, language: str, words: str) -> None:  # type: ignore[no-untyped-def]
    node = queries.node_by_key(key)
    current = text_ops.current_revision(draft, node, language=language)
    text_ops.revise(draft, node, language=language, expected_revision_id=current.id, text=words)


def test_an_english_change_without_its_french_twin_is_to_check(app):
    draft = queries.edition_by_slug(queries.work_by_key("rkc"), "review-draft")
    assert french_to_check() == []  # the corpus loads both languages aligned
    _revise(draft, "ga/3/3.1", "en", "The Customs name the offices where goods are cleared.")
    _revise(draft, "ga/3/3.2", "en", "Each office's competence is published.")
    _revise(draft, "ga/3/3.2", "fr", "La compétence de chaque bureau est publiée.")
    db.session.commit()
    found = french_to_check()
    assert [(d.slug, key) for d, key, _label in found] == [("review-draft", "ga/3/3.1")]
