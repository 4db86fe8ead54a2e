"""The corpus loaded in two languages: the parser's alignment check, and the store it fills."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from rkc.convention.corpus import CorpusError, load_corpus
from rkc.convention.models import Edition, EditionEntry, Node, Revision
from rkc.extensions import db

from ..conftest import make_app

ENGLISH = """# Annex: General Annex {#ga}

## Chapter 2: Definitions

### Definition E1/F2: appeal

Appeal text.

### Definition E2/F1: assessment

Assessment text.

## Chapter 3: Clearance

### Section: Declarant

#### Standard 3.1

The declarant text.

##### Note

A note.
"""

FRENCH = """# Annexe : Annexe générale {#ga}

## Chapitre 2 : Définitions

### Définition E1/F2 : recours

Texte du recours.

### Définition E2/F1 : détermination

Texte de la détermination.

## Chapitre 3 : Dédouanement

### Section : Déclarant

#### Norme 3.1

Le texte du déclarant.

##### Note

Une note.
"""


def _corpus(tmp_path: Path, french: str | None) -> Path:
    directory = tmp_path / "c"
    directory.mkdir()
    (directory / "ga.md").write_text(ENGLISH, encoding="utf-8")
    if french is not None:
        (directory / "ga.fr.md").write_text(french, encoding="utf-8")
    (directory / "corpus.toml").write_text(
        '[[works]]\nkey = "rkc"\ntitle = "T"\nfiles = ["ga.md"]\n'
        '[[editions]]\nwork = "rkc"\nslug = "one"\nstatus = "in_force"\n'
        'in_force_from = "2006-02-03"\n'
        '[[editions]]\nwork = "rkc"\nslug = "draft"\nstatus = "working_draft"\n'
        'based_on = "one"\n',
        encoding="utf-8",
    )
    return directory


def test_the_french_sibling_is_parsed_with_french_kind_words_and_the_same_keys(tmp_path):
    corpus = load_corpus(_corpus(tmp_path, FRENCH))
    (work,) = corpus.works
    assert work.languages() == ("en", "fr")
    english = [u.key for root in work.roots for u in root.walk()]
    french = [u.key for root in work.translations["fr"] for u in root.walk()]
    # Same keys, the unnumbered section's included (its French title would give another
    # slug), and the definitions in the order of their French numbers.
    assert sorted(english) == sorted(french)
    assert "ga/3/s-declarant" in french
    definitions = [u for root in work.translations["fr"] for u in root.walk()]
    definitions = [(u.number, u.number_alt, u.title) for u in definitions if u.kind == "definition"]
    assert definitions == [("F1", "E2", "détermination"), ("F2", "E1", "recours")]


@pytest.mark.parametrize(
    ("french", "where", "reason"),
    [
        (FRENCH.replace("##### Note\n\nUne note.\n", ""), "ga.md:21", "has no counterpart"),
        (FRENCH + "\n##### Note\n\nDeux.\n", "ga.fr.md:25", "has no counterpart in ga.md"),
        (FRENCH.replace("Norme 3.1", "Norme 3.2"), "ga.fr.md:17", "does not match ga.md:17"),
        (FRENCH.replace("E1/F2", "E1/F9"), "ga.fr.md:5", "does not match ga.md:5"),
        (
            FRENCH.replace("#### Norme", "#### Pratique recommandée"),
            "ga.fr.md:17",
            "recommended practice 3.1",
        ),
        (FRENCH.replace("Norme 3.1", "Standard 3.1"), "ga.fr.md:17", "does not start with a kind"),
    ],
)
def test_a_unit_in_one_language_only_is_an_error_naming_file_and_line(
    tmp_path, french, where, reason
):
    with pytest.raises(CorpusError) as caught:
        load_corpus(_corpus(tmp_path, french))
    found = [str(p) for p in caught.value.problems]
    assert any(p.startswith(where + ":") and reason in p for p in found), found


def test_a_work_without_french_files_loads_in_english_only(tmp_path):
    (work,) = load_corpus(_corpus(tmp_path, None)).works
    assert work.languages() == ("en",)


def test_init_refuses_a_misaligned_french_file_and_stores_nothing(empty_database, tmp_path):
    from rkc.convention.queries import all_works

    directory = _corpus(tmp_path, FRENCH.replace("##### Note\n\nUne note.\n", ""))
    app = make_app(empty_database, tmp_path / "inst")
    result = app.test_cli_runner().invoke(args=["init", "--corpus", str(directory)])
    assert result.exit_code == 1
    assert "ga.md:21: note" in result.output
    assert "nothing was stored" in result.output
    with app.app_context():
        assert all_works() == []
        db.engine.dispose()


def test_init_writes_both_languages_for_every_edition(empty_database, tmp_path):
    directory = _corpus(tmp_path, FRENCH)
    app = make_app(empty_database, tmp_path / "inst")
    result = app.test_cli_runner().invoke(args=["init", "--corpus", str(directory)])
    assert result.exit_code == 0, result.output
    assert "loaded 1 works, 8 units, 16 revisions, 2 editions" in result.output
    with app.app_context():
        languages = db.session.execute(
            select(Revision.language, func.count()).group_by(Revision.language)
        ).all()
        assert dict(languages) == {"en": 8, "fr": 8}
        for edition in db.session.scalars(select(Edition)):
            entries = db.session.execute(
                select(EditionEntry.language, func.count())
                .where(EditionEntry.edition_id == edition.id)
                .group_by(EditionEntry.language)
            ).all()
            assert dict(entries) == {"en": 8, "fr": 8}
        db.engine.dispose()


# ------------------------------------------------------------- the shipped corpus, in the store


def test_every_node_of_every_edition_has_an_entry_in_both_languages(app):
    for edition in db.session.scalars(select(Edition)):
        by_language = {
            language: set(
                db.session.scalars(
                    select(EditionEntry.node_id).where(
                        EditionEntry.edition_id == edition.id, EditionEntry.language == language
                    )
                )
            )
            for language in ("en", "fr")
        }
        assert by_language["en"], edition.slug
        assert by_language["en"] == by_language["fr"], edition.slug


def test_both_languages_agree_on_kind_and_parent_in_every_edition(app):
    en, fr = (
        select(EditionEntry.edition_id, EditionEntry.node_id, Revision.kind, Revision.parent_id)
        .join(Revision, Revision.id == EditionEntry.revision_id)
        .where(EditionEntry.language == language)
        for language in ("en", "fr")
    )
    assert set(db.session.execute(en).all()) == set(db.session.execute(fr).all())


def test_french_definitions_carry_both_numbers_and_follow_the_french_order(app):
    node = db.session.scalar(select(Node).where(Node.key == "ga/2/e1"))
    assert node is not None
    numbers = dict(
        db.session.execute(
            select(Revision.language, Revision.number + "/" + Revision.number_alt).where(
                Revision.node_id == node.id
            )
        ).all()
    )
    english, french = numbers["en"].split("/"), numbers["fr"].split("/")
    assert french == english[::-1]
    assert french[0].startswith("F")
    edition = db.session.scalar(select(Edition).where(Edition.slug == "2006"))
    chapter = db.session.scalar(select(Node).where(Node.key == "ga/2"))
    rows = db.session.execute(
        select(Revision.number)
        .join(EditionEntry, EditionEntry.revision_id == Revision.id)
        .where(
            EditionEntry.edition_id == edition.id,
            EditionEntry.language == "fr",
            Revision.kind == "definition",
            Revision.parent_id == chapter.id,
        )
        .order_by(EditionEntry.ordinal)
    ).scalars()
    order = [int(n[1:]) for n in rows]
    assert len(order) >= 20
    assert order == sorted(order)
