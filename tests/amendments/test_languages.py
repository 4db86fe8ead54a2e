"""Amendments in two languages (issue 13): versions, translation and its check, the merge of
both languages in one transaction, rebasing and conflicts per language, and bad input.

These run on the full corpus, whose working draft holds English and French."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from rkc.amendments import languages, merging
from rkc.amendments.errors import AmendmentError, AmendmentRefused
from rkc.amendments.lifecycle import change_status
from rkc.amendments.models import (
    Amendment,
    AmendmentRevision,
    AmendmentStatus,
    AmendmentVersion,
    AmendmentVersionRevision,
    RevisionSource,
    TranslationStatus,
)
from rkc.amendments.proposing import (
    propose_deletion,
    propose_insertion,
    propose_modification,
    revise_amendment,
)
from rkc.audit.models import AuditEvent
from rkc.convention import operations as text_store
from rkc.convention import queries as text_queries
from rkc.convention.models import EditionEntry, Revision
from rkc.extensions import db

from ..helpers import create_people
from .conftest import World
from .translations import (
    EN_31,
    EN_NEW,
    FR_31,
    FR_NEW,
    check_every_language,
    french_proposal,
    secretariat_member,
)


def stored() -> dict[str, int]:
    tables = [
        Amendment,
        AmendmentRevision,
        AmendmentVersion,
        AmendmentVersionRevision,
        Revision,
        RevisionSource,
        AuditEvent,
    ]
    return {t.__tablename__: db.session.scalar(select(func.count()).select_from(t)) for t in tables}


def fr_text(world: World, key: str) -> str:
    current = text_store.current_revision(world.draft, world.node(key), "fr")
    assert current is not None
    return current.text


def agree(world: World, amendment: Amendment) -> Amendment:
    change_status(amendment, "tabled", user=amendment.delegate)
    change_status(amendment, "under_discussion", user=world.user("secretariat"))
    change_status(amendment, "agreed", user=world.user("secretariat"))
    db.session.flush()
    return amendment


def expected(world: World, *keys: str) -> dict[int, int]:
    return {world.node(k).id: world.revision_id(k) for k in keys}


# --------------------------------------------------------------------------- versions


def test_a_proposal_in_french_keeps_its_original_and_asks_for_the_english(bi, actor):
    amendment = french_proposal(bi)
    db.session.commit()
    assert amendment.language == "fr"
    versions = languages.versions_of(amendment)
    assert list(versions) == ["en", "fr"]
    fr, en = versions["fr"], versions["en"]
    assert fr.is_original
    assert fr.status is TranslationStatus.CHECKED
    assert fr.proposed_text == FR_NEW
    fr_base = text_store.current_revision(bi.draft, bi.node("ga/3/3.1"), "fr")
    assert fr.base_revision_id == fr_base.id
    assert fr_base.language == "fr"
    # The English is to translate; until then the amendment proposes no change to the English.
    assert en.status is TranslationStatus.TO_TRANSLATE
    assert not en.is_original
    assert en.base_revision_id == bi.revision_id("ga/3/3.1")
    assert amendment.proposed_text == EN_31 == en.proposed_text
    assert [h.origin for h in languages.history_of(fr)] == ["proposal"]
    assert [h.origin for h in languages.history_of(en)] == ["proposal"]


def test_a_proposal_in_english_asks_for_the_french_starting_from_the_current_french(bi, actor):
    amendment = propose_modification(
        bi.draft, bi.node("ga/3/3.1"), user=bi.user("delegate_a"), text=EN_NEW
    )
    versions = languages.versions_of(amendment)
    assert amendment.language == "en"
    assert versions["en"].status is TranslationStatus.CHECKED
    assert versions["en"].proposed_text == EN_NEW
    assert versions["fr"].status is TranslationStatus.TO_TRANSLATE
    assert versions["fr"].proposed_text == FR_31


def test_a_deletion_has_nothing_to_translate(bi, actor):
    amendment = propose_deletion(bi.draft, bi.node("ga/3/3.2"), user=bi.user("delegate_a"))
    statuses = {k: v.status for k, v in languages.versions_of(amendment).items()}
    assert statuses == {"en": TranslationStatus.CHECKED, "fr": TranslationStatus.CHECKED}
    with pytest.raises(AmendmentError, match="no words to translate"):
        languages.write_translation(
            amendment, "fr", user=bi.user("secretariat"), expected_seq=1, text="x"
        )


def test_the_secretariat_translates_and_another_member_checks(bi, actor):
    amendment = french_proposal(bi)
    translator = bi.user("secretariat")
    en = languages.write_translation(amendment, "en", user=translator, expected_seq=1, text=EN_NEW)
    assert en.status is TranslationStatus.TRANSLATED
    assert en.translated_by_id == translator.id
    assert en.translated_at is not None
    # The English version is what the English merge applies: the row carries it.
    assert amendment.proposed_text == EN_NEW
    assert amendment.latest_seq == 2
    db.session.commit()
    before = stored()
    with pytest.raises(AmendmentError, match="You translated the English version"):
        languages.check_translation(amendment, "en", user=translator, expected_seq=en.seq)
    db.session.rollback()
    assert stored() == before
    reviser = secretariat_member("reviser")
    checked = languages.check_translation(amendment, "en", user=reviser, expected_seq=en.seq)
    assert checked.status is TranslationStatus.CHECKED
    assert checked.checked_by_id == reviser.id
    assert checked.checked_at is not None
    origins = [h.origin for h in languages.history_of(checked)]
    assert origins == ["proposal", "translation", "check"]


@pytest.mark.parametrize("who", ["delegate_a", "delegate_b", "observer", "admin"])
def test_only_the_secretariat_translates_or_checks(bi, actor, who):
    amendment = french_proposal(bi)
    db.session.commit()
    before = stored()
    with pytest.raises(AmendmentRefused):
        languages.write_translation(amendment, "en", user=bi.user(who), expected_seq=1, text="x")
    with pytest.raises(AmendmentRefused):
        languages.check_translation(amendment, "en", user=bi.user(who), expected_seq=1)
    db.session.rollback()
    assert stored() == before


def test_a_stale_translation_is_refused_with_what_the_version_holds_now(bi, actor):
    amendment = french_proposal(bi)
    languages.write_translation(
        amendment, "en", user=bi.user("secretariat"), expected_seq=1, text=EN_NEW
    )
    db.session.commit()
    before = stored()
    with pytest.raises(languages.StaleTranslationError) as caught:
        languages.write_translation(
            amendment, "en", user=bi.user("secretariat"), expected_seq=1, text=EN_NEW + " Also."
        )
    assert caught.value.version.proposed_text == EN_NEW
    db.session.rollback()
    assert stored() == before


def test_changing_the_english_original_sends_the_french_back_to_translate(bi, actor):
    amendment = propose_modification(
        bi.draft, bi.node("ga/3/3.1"), user=bi.user("delegate_a"), text=EN_NEW
    )
    check_every_language(amendment)
    assert languages.versions_of(amendment)["fr"].status is TranslationStatus.CHECKED
    # The justification alone: the translation still matches.
    revise_amendment(
        amendment,
        user=bi.user("delegate_a"),
        expected_seq=amendment.latest_seq,
        justification="Why.",
    )
    assert languages.versions_of(amendment)["fr"].status is TranslationStatus.CHECKED
    revise_amendment(
        amendment,
        user=bi.user("delegate_a"),
        expected_seq=amendment.latest_seq,
        text=EN_NEW + " It publishes them.",
    )
    versions = languages.versions_of(amendment)
    assert versions["en"].proposed_text == EN_NEW + " It publishes them."
    assert versions["fr"].status is TranslationStatus.TO_TRANSLATE
    assert versions["fr"].checked_by_id is None
    assert languages.history_of(versions["fr"])[-1].origin == "outdated"


def test_changing_a_french_original_sends_the_english_back_to_translate(bi, actor):
    amendment = french_proposal(bi)
    check_every_language(amendment, {"en": (EN_NEW, None)})
    fr = languages.versions_of(amendment)["fr"]
    languages.revise_original(
        amendment,
        "fr",
        user=bi.user("delegate_a"),
        expected_seq=fr.seq,
        text=FR_NEW + " Elle les publie.",
    )
    versions = languages.versions_of(amendment)
    assert versions["fr"].status is TranslationStatus.CHECKED
    assert versions["en"].status is TranslationStatus.TO_TRANSLATE
    with pytest.raises(AmendmentRefused):
        languages.revise_original(
            amendment, "fr", user=bi.user("delegate_b"), expected_seq=versions["fr"].seq, text="x"
        )


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("code", ["de", "xx", "", "EN,FR"])
def test_an_unknown_language_is_a_clear_error_and_nothing_is_stored(bi, actor, code):
    db.session.commit()
    before = stored()
    with pytest.raises(AmendmentError, match=r"Language: .* is not a language of the Convention"):
        propose_modification(
            bi.draft, bi.node("ga/3/3.1"), user=bi.user("delegate_a"), text=FR_NEW, language=code
        )
    db.session.rollback()
    assert stored() == before


def test_a_french_version_in_an_english_only_draft_is_refused(small_app, actor):
    world = World(
        create_people(),
        text_queries.edition_by_slug(text_queries.work_by_key("rkc"), "review-draft"),
    )
    before = stored()
    with pytest.raises(AmendmentError, match="holds no French text"):
        propose_modification(
            world.draft,
            world.node("ga/3/3.1"),
            user=world.user("delegate_a"),
            text="La douane désigne les bureaux.",
            language="fr",
        )
    english = propose_modification(
        world.draft, world.node("ga/3/3.1"), user=world.user("delegate_a"), text="New words."
    )
    assert list(languages.versions_of(english)) == ["en"]
    db.session.commit()
    before = stored()
    with pytest.raises(AmendmentError, match="holds no French text"):
        languages.write_translation(
            english, "fr", user=world.user("secretariat"), expected_seq=1, text="x"
        )
    db.session.rollback()
    assert stored() == before


def test_a_translation_must_change_the_text_it_translates(bi, actor):
    amendment = french_proposal(bi)
    with pytest.raises(AmendmentError, match="same as the current English text"):
        languages.write_translation(
            amendment, "en", user=bi.user("secretariat"), expected_seq=1, text=EN_31
        )
    with pytest.raises(AmendmentError, match="the original"):
        languages.write_translation(
            amendment, "fr", user=bi.user("secretariat"), expected_seq=1, text=FR_31 + " x"
        )


# --------------------------------------------------------------------------- merging


def test_a_merge_with_an_unchecked_translation_is_refused_naming_the_language(bi, actor):
    amendment = agree(bi, french_proposal(bi))
    languages.write_translation(
        amendment, "en", user=bi.user("secretariat"), expected_seq=1, text=EN_NEW
    )
    db.session.commit()
    before = stored()
    with pytest.raises(merging.MergeError) as caught:
        merging.merge(
            bi.draft, [amendment], expected=expected(bi, "ga/3/3.1"), user=bi.user("secretariat")
        )
    assert str(caught.value) == (
        f"{amendment.label} cannot be merged: its English version is translated; the "
        "Secretariat supplies and checks it first."
    )
    db.session.rollback()
    assert stored() == before
    assert bi.text("ga/3/3.1") == EN_31


def test_a_merge_writes_both_languages_with_their_sources(bi, actor):
    amendment = agree(bi, french_proposal(bi))
    check_every_language(amendment, {"en": (EN_NEW, None)})
    outcome = merging.merge(
        bi.draft, [amendment], expected=expected(bi, "ga/3/3.1"), user=bi.user("secretariat")
    )
    db.session.commit()
    assert bi.text("ga/3/3.1") == EN_NEW
    assert fr_text(bi, "ga/3/3.1") == FR_NEW
    assert amendment.status is AmendmentStatus.MERGED
    sources = db.session.execute(
        select(Revision.language, Revision.origin_ref)
        .join(RevisionSource, RevisionSource.revision_id == Revision.id)
        .where(RevisionSource.amendment_id == amendment.id)
        .order_by(Revision.language)
    ).all()
    assert [lang for lang, _ref in sources] == ["en", "fr"]
    assert all(amendment.label in ref for _lang, ref in sources)
    assert [r.language for r in outcome.revisions] == ["en", "fr"]


def test_both_languages_of_the_whole_batch_or_nothing(bi, actor):
    """The batch's first amendment (3.1) is written in both languages, then the French of the
    second one (3.2) turns out not to apply: nothing of the batch stays."""
    first = agree(bi, french_proposal(bi))
    check_every_language(first, {"en": (EN_NEW, None)})
    node = bi.node("ga/3/3.2")
    fr_32 = fr_text(bi, "ga/3/3.2")
    second = agree(
        bi,
        propose_modification(
            bi.draft,
            node,
            user=bi.user("delegate_b"),
            text=bi.text("ga/3/3.2").replace("the Customs shall weigh", "the Customs weigh"),
            justification="Plainer.",
        ),
    )
    check_every_language(
        second, {"fr": (fr_32.replace("la douane tient compte", "la douane pèse"), None)}
    )
    # Someone changes the same French words directly, without carrying the amendments over.
    current_fr = text_store.current_revision(bi.draft, node, "fr")
    text_store.revise(
        bi.draft,
        node,
        language="fr",
        expected_revision_id=current_fr.id,
        text=fr_32.replace("la douane tient compte", "l'administration tient compte"),
    )
    db.session.commit()
    before = stored()
    en_32, fr_32_now = bi.text("ga/3/3.2"), fr_text(bi, "ga/3/3.2")
    with pytest.raises(merging.MergeConflict, match=f"{second.label} cannot be merged: its French"):
        merging.merge(
            bi.draft,
            [first, second],
            expected=expected(bi, "ga/3/3.1", "ga/3/3.2"),
            user=bi.user("secretariat"),
        )
    db.session.rollback()
    assert stored() == before
    assert (bi.text("ga/3/3.1"), fr_text(bi, "ga/3/3.1")) == (EN_31, FR_31)
    assert (bi.text("ga/3/3.2"), fr_text(bi, "ga/3/3.2")) == (en_32, fr_32_now)
    assert first.status is AmendmentStatus.AGREED
    assert second.status is AmendmentStatus.AGREED


def test_an_insertion_and_a_deletion_are_merged_in_both_languages(bi, actor):
    parent = db.session.get(Revision, bi.revision_id("ga/3/3.1")).parent  # its section
    insertion = propose_insertion(
        bi.draft,
        parent,
        after=bi.node("ga/3/3.1"),
        kind="standard",
        number="3.1A",
        text="Customs shall publish the list of its offices.",
        user=bi.user("delegate_a"),
        justification="Traders need the list.",
    )
    deletion = propose_deletion(
        bi.draft, bi.node("ga/3/3.2"), user=bi.user("delegate_a"), justification="Redundant."
    )
    for amendment in (insertion, deletion):
        agree(bi, amendment)
    check_every_language(insertion, {"fr": ("La douane publie la liste de ses bureaux.", None)})
    merging.merge(
        bi.draft,
        [insertion, deletion],
        expected=expected(bi, "ga/3/3.2"),
        user=bi.user("secretariat"),
    )
    db.session.commit()
    new_node = db.session.get(Revision, insertion.merged_revision_id).node
    fr = text_store.current_revision(bi.draft, new_node, "fr")
    assert fr is not None
    assert fr.text == "La douane publie la liste de ses bureaux."
    assert fr.number == "3.1A"
    for language in ("en", "fr"):
        assert text_store.current_revision(bi.draft, bi.node("ga/3/3.2"), language) is None
    # In French as in English, the new unit comes right after 3.1 in its section.
    order = {}
    for language in ("en", "fr"):
        rows = db.session.execute(
            select(EditionEntry.node_id)
            .join(Revision, Revision.id == EditionEntry.revision_id)
            .where(
                EditionEntry.edition_id == bi.draft.id,
                EditionEntry.language == language,
                Revision.parent_id == parent.id,
            )
            .order_by(EditionEntry.ordinal)
        ).scalars()
        order[language] = list(rows)
    assert order["en"] == order["fr"]
    assert order["fr"][:2] == [bi.node("ga/3/3.1").id, new_node.id]


# --------------------------------------------------------------------------- rebasing


def test_a_french_change_rebases_the_french_versions_and_flags_the_overlap_in_french(bi, actor):
    node = bi.node("ga/3/3.1")
    first = agree(bi, french_proposal(bi))
    check_every_language(first, {"en": (EN_NEW, None)})
    # Two pending amendments: one changes the end of the French sentence, one its start.
    clean = propose_modification(
        bi.draft, node, user=bi.user("delegate_b"), text=EN_31 + " Online.", language="en"
    )
    check_every_language(
        clean, {"fr": (FR_31.replace("dédouanées.", "dédouanées en ligne."), None)}
    )
    clash = propose_modification(
        bi.draft,
        node,
        user=bi.user("delegate_c"),
        text=EN_31.replace("goods may be produced", "goods are produced"),
        language="en",
    )
    check_every_language(
        clash, {"fr": (FR_31.replace("La douane désigne", "La douane nomme"), None)}
    )
    merging.merge(bi.draft, [first], expected=expected(bi, "ga/3/3.1"), user=bi.user("secretariat"))
    db.session.commit()
    fr_now = text_store.current_revision(bi.draft, node, "fr")
    clean_fr = languages.versions_of(clean)["fr"]
    assert clean_fr.base_revision_id == fr_now.id
    assert clean_fr.proposed_text == FR_NEW.replace("dédouanées.", "dédouanées en ligne.")
    assert clean_fr.status is TranslationStatus.CHECKED
    assert languages.history_of(clean_fr)[-1].origin == "rebase"
    clash_versions = languages.versions_of(clash)
    # The English words do not overlap: only the French version is in conflict.
    assert not clash.has_conflict
    assert not clash_versions["en"].has_conflict
    assert clash_versions["fr"].has_conflict
    assert clash_versions["fr"].conflict["language"] == "fr"
    assert "French text of ga/3/3.1" in clash_versions["fr"].conflict["reason"]
    assert clash_versions["fr"].proposed_text == FR_31.replace(
        "La douane désigne", "La douane nomme"
    )
    # And a French conflict keeps it from the merge, naming the language.
    reasons = languages.not_ready(clash)
    assert [r.language for r in reasons] == ["fr"]
    assert "French version conflicts" in reasons[0].message


def test_a_translation_written_meanwhile_is_seen_not_numbered_again(bi, actor):
    """Two members of the Secretariat write one version at once: the second writer's session
    still holds the number it read. Its write must neither reuse the first one's number (a
    database error, a 500 under load) nor overwrite it unseen: the version is read again,
    under a lock, before the number is checked."""
    amendment = french_proposal(bi)
    db.session.commit()
    english = languages.versions_of(amendment)["en"]
    assert english.seq == 1  # as the second request read it
    # The first writer's change, behind this session's back (its objects still say 1).
    table = AmendmentVersion.__table__
    db.session.connection().execute(update(table).where(table.c.id == english.id).values(seq=2))
    translator = bi.user("secretariat")
    with pytest.raises(languages.StaleTranslationError) as caught:
        languages.write_translation(
            amendment, "en", user=translator, expected_seq=1, text=EN_NEW + " Also."
        )
    assert caught.value.version.seq == 2
    # Without a number to check (the API may send none), it goes on from the first one's.
    version = languages.write_translation(
        amendment, "en", user=translator, expected_seq=None, text=EN_NEW
    )
    assert version.seq == 3
