"""Amendments in the Convention's two authentic languages (issue 13). No Flask here.

Size: about 800 lines, kept whole: a version's life (open, translate, check, send back), its
rebase and conflicts, and the merge's readiness check read the same rows and rules; the
rebase of versions is the part to move out first.

The rules (docs/amendments.md, "Languages"):

- A delegate proposes in English or French; `Amendment.language` records which. The amendment
  then holds one `AmendmentVersion` per language of its working draft (`open_versions`): the
  original, `checked` from the start (it is the proposer's own text), and the others `to
  translate`, pre-filled with the provision's current text in that language (modification) or
  heading (heading change) as the translator's starting point. A deletion has no words: every
  version of it is checked at once.
- The Secretariat supplies a translation (`write_translation`: status `translated`, who and
  when) and another member of the Secretariat checks it (`check_translation`: `checked`). A
  translator does not check their own translation (four eyes, as in any language service).
- When the proposer changes the original's text or heading, every translation of it that was
  translated or checked goes back to `to translate`: it no longer matches. A change of the
  justification or the concept only does not touch the translations.
- The amendment row keeps carrying the English text (so the English rebase and merge read one
  place); the English version mirrors it (`follow_english`). Until the English of a French
  proposal is supplied, the row proposes the current English text, i.e. no change.
- A merge needs every language version checked and free of conflict (`require_ready`), and
  writes every language's revision in the merge's own transaction (`merge_versions`).
- Rebasing is per language: when a unit's French text moves on, the French versions of the
  amendments that follow it are carried over by the same three-way merge, or flagged in
  conflict for French only (`rebase_versions`).

Every change of a version is kept as an `AmendmentVersionRevision`. Errors are the amendment
errors (`rkc.amendments.errors`): bad input names the field, the amendment and the language.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from rkc import audit
from rkc.amendments.common import (
    MAX_TEXT,
    MAX_TITLE,
    add_revision,
    check_length,
    clean_text,
    clear_conflict,
    refuse_unless,
    touch,
)
from rkc.amendments.errors import AmendmentError, StaleAmendmentError
from rkc.amendments.models import (
    FOLLOWING,
    Amendment,
    AmendmentAction,
    AmendmentVersion,
    AmendmentVersionRevision,
    TranslationStatus,
)
from rkc.auth.models import User
from rkc.auth.permissions import Action
from rkc.convention import operations as text_store
from rkc.convention.kinds import STRUCTURAL_KINDS
from rkc.convention.languages import LANGUAGES
from rkc.convention.models import Edition, EditionEntry, Node, Revision, utcnow
from rkc.convention.queries import languages_of
from rkc.extensions import db
from rkc.text.merge import MergeResult, rebase

#: How messages (in English) name each language.
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "fr": "French"}

#: Origins of a version's history row.
ORIGINS = ("proposal", "revision", "translation", "check", "outdated", "rebase")


class StaleTranslationError(StaleAmendmentError):
    """The version changed since the form showed it (HTTP 409); `version` is what it holds now."""

    def __init__(self, version: AmendmentVersion, message: str):
        self.version = version
        super().__init__("seq", message)


def name_of(language: str) -> str:
    return LANGUAGE_NAMES.get(language, language)


def draft_languages(edition: Edition) -> list[str]:
    """The languages of a draft's text, English first: an amendment needs a version in each.

    Read once per loaded edition object (the merge queue and a merge ask for every amendment;
    a draft does not gain a language while a request runs)."""
    cached = edition.__dict__.get("_rkc_languages")
    if cached is None:
        cached = tuple(languages_of(edition))
        edition.__dict__["_rkc_languages"] = cached
    return list(cached)


def check_language(edition: Edition, raw: str | None, *, field: str = "language") -> str:
    """The language code `raw` names, if the draft holds text in it; else a clear error."""
    code = (raw or "").strip().lower()
    if code not in LANGUAGES:
        raise AmendmentError(
            field,
            f"Language: “{raw}” is not a language of the Convention; use one of "
            f"{', '.join(LANGUAGES)}.",
        )
    if code not in draft_languages(edition):
        raise AmendmentError(
            field,
            f"Language: the working draft “{edition.title}” holds no {name_of(code)} text, so "
            f"an amendment to it has no {name_of(code)} version.",
        )
    return code


def versions_of(amendment: Amendment) -> dict[str, AmendmentVersion]:
    """language -> version, English first."""
    rows = db.session.scalars(
        select(AmendmentVersion).where(AmendmentVersion.amendment_id == amendment.id)
    )
    return dict(sorted(((v.language, v) for v in rows), key=lambda p: (p[0] != "en", p[0])))


def versions_for(amendments: Iterable[Amendment]) -> dict[int, dict[str, AmendmentVersion]]:
    """amendment id -> language -> version, in one query (lists and queues)."""
    ids = [a.id for a in amendments]
    found: dict[int, dict[str, AmendmentVersion]] = {i: {} for i in ids}
    if ids:
        for v in db.session.scalars(
            select(AmendmentVersion)
            .where(AmendmentVersion.amendment_id.in_(ids))
            .order_by(AmendmentVersion.language != "en", AmendmentVersion.language)
        ):
            found[v.amendment_id][v.language] = v
    return found


def history_of(version: AmendmentVersion) -> list[AmendmentVersionRevision]:
    return list(
        db.session.scalars(
            select(AmendmentVersionRevision)
            .where(AmendmentVersionRevision.version_id == version.id)
            .order_by(AmendmentVersionRevision.seq)
        )
    )


def _current(edition: Edition, node: Node | None, language: str) -> Revision | None:
    return text_store.current_revision(edition, node, language) if node is not None else None


def _record(
    version: AmendmentVersion, origin: str, author: User | None, note: str = ""
) -> AmendmentVersionRevision:
    row = AmendmentVersionRevision(
        version_id=version.id,
        seq=version.seq,
        origin=origin,
        status=version.status,
        base_revision_id=version.base_revision_id,
        proposed_text=version.proposed_text,
        proposed_title=version.proposed_title,
        author_id=author.id if author is not None else None,
        note=note,
        created_at=utcnow(),
    )
    db.session.add(row)
    return row


def _bump(version: AmendmentVersion, origin: str, author: User | None, note: str = "") -> None:
    version.seq += 1
    _record(version, origin, author, note)


def _starting_point(amendment: Amendment, current: Revision | None) -> tuple[str, str | None]:
    """What a version to translate holds before the translator writes: the provision's current
    text (modification) or heading (heading change), so that it proposes no change yet."""
    if current is not None and amendment.action is AmendmentAction.MODIFY:
        return current.text, None
    if current is not None and amendment.action is AmendmentAction.HEADING:
        return "", current.title
    return "", None


# --------------------------------------------------------------------------- proposing


def english_placeholder(
    action: AmendmentAction, current_en: Revision | None
) -> tuple[str, str | None]:
    """What the amendment row (the English text) holds for a proposal written in another
    language, until its English version is supplied: no change to the English text."""
    if current_en is None:
        return "", None
    if action is AmendmentAction.MODIFY:
        return current_en.text, None
    if action is AmendmentAction.HEADING:
        return "", current_en.title
    return "", None


def open_versions(
    amendment: Amendment,
    user: User,
    *,
    text: str = "",
    title: str | None = None,
    base: Revision | None = None,
) -> dict[str, AmendmentVersion]:
    """A new amendment's versions, one per language of its draft. `text`, `title` and `base`
    are the original's when it is not English (the row carries an English original)."""
    edition = amendment.edition
    node = amendment.node
    now = utcnow()
    made: dict[str, AmendmentVersion] = {}
    for language in draft_languages(edition):
        original = language == amendment.language
        version = AmendmentVersion(
            amendment_id=amendment.id,
            language=language,
            seq=1,
            has_conflict=False,
            conflict_detail="",
        )
        if language == "en":
            version.base_revision_id = amendment.base_revision_id
            version.proposed_text = amendment.proposed_text
            version.proposed_title = amendment.proposed_title
        elif original:
            version.base_revision_id = base.id if base is not None else None
            version.proposed_text = text
            version.proposed_title = title
        else:
            current = _current(edition, node, language)
            version.base_revision_id = current.id if current is not None else None
            version.proposed_text, version.proposed_title = _starting_point(amendment, current)
        if original or amendment.action is AmendmentAction.DELETE:
            version.status = TranslationStatus.CHECKED
            version.checked_at = now
        else:
            version.status = TranslationStatus.TO_TRANSLATE
        db.session.add(version)
        db.session.flush()
        note = "" if original else "Nothing to translate: a deletion has no words."
        if not original and amendment.action is not AmendmentAction.DELETE:
            note = f"Translation of the {name_of(amendment.language)} original to be supplied."
        _record(version, "proposal", user if original else None, note)
        made[language] = version
    return made


def english_pending(amendment: Amendment) -> bool:
    """Whether the amendment was proposed in another language and its English is still to be
    supplied (the row then proposes no change to the English text)."""
    if amendment.language == "en":
        return False
    version = versions_of(amendment).get("en")
    return version is not None and version.status is TranslationStatus.TO_TRANSLATE


# --------------------------------------------------------------------------- translating


def _version(amendment: Amendment, language: str) -> AmendmentVersion:
    language = check_language(amendment.edition, language)
    version = versions_of(amendment).get(language)
    if version is None:
        raise AmendmentError(
            "language", f"{amendment.label} has no {name_of(language)} version to work on."
        )
    return version


def _check_seq(amendment: Amendment, version: AmendmentVersion, expected_seq: int | None) -> None:
    """Refuse a write based on another state of `version` than the one it holds now.

    The version's row is first locked for the rest of the transaction and read again, so two
    writers of one version take turns (PostgreSQL: the second waits for the first's commit;
    SQLite writes one transaction at a time): the second then sees the number the first left
    and is refused (409), instead of both numbering their revision alike (a 500 under load)."""
    db.session.execute(
        select(AmendmentVersion)
        .where(AmendmentVersion.id == version.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    if expected_seq is not None and expected_seq != version.seq:
        raise StaleTranslationError(
            version,
            f"The {name_of(version.language)} version of {amendment.label} changed since you "
            f"opened it (you had version {expected_seq}, it is now at version {version.seq}). "
            "Its text now and yours are both shown: apply your change to it again.",
        )


def _content(
    amendment: Amendment, version: AmendmentVersion, current: Revision | None, text, title
) -> tuple[str, str | None]:
    """Check a version's new text and heading against the provision in its language."""
    where = f"{name_of(version.language)} version of {amendment.label}"
    text = clean_text(text)
    title = " ".join((title or "").split()) or None
    check_length("text", f"Text ({where})", text, MAX_TEXT)
    if title is not None:
        check_length("title", f"Heading ({where})", title, MAX_TITLE)
    action = amendment.action
    if action is AmendmentAction.DELETE:
        raise AmendmentError(
            "text", f"{amendment.label} is a deletion: it has no words to translate."
        )
    if action is AmendmentAction.MODIFY:
        if not text:
            raise AmendmentError("text", f"Text: empty. Write the {where}.")
        if current is not None and text == clean_text(current.text):
            raise AmendmentError(
                "text",
                f"Text: it is the same as the current {name_of(version.language)} text; the "
                f"{where} must say what the amendment changes.",
            )
        return text, None
    if action is AmendmentAction.HEADING:
        if title is None:
            raise AmendmentError("title", f"Heading: empty. Write the heading in the {where}.")
        if current is not None and title == (current.title or ""):
            raise AmendmentError(
                "title",
                f"Heading: it is the same as the current {name_of(version.language)} heading.",
            )
        return "", title
    if not text and (amendment.proposed_kind not in STRUCTURAL_KINDS or title is None):
        raise AmendmentError("text", f"Text: empty. Write the new unit's text in the {where}.")
    return text, title


def _require_following(amendment: Amendment, what: str) -> None:
    if amendment.status not in FOLLOWING:
        raise AmendmentError(
            "status",
            f"{amendment.label} is {amendment.status.label.lower()}: its versions cannot be "
            f"{what} any more.",
        )


def write_translation(
    amendment: Amendment,
    language: str,
    *,
    user: User,
    expected_seq: int | None,
    text: str | None = None,
    title: str | None = None,
    note: str = "",
) -> AmendmentVersion:
    """The Secretariat supplies (or corrects) the version of `amendment` in `language`.

    The version is then `translated` (by `user`) and waits for another member's check. The
    original is not translated: its proposer revises it (`revise_original`, or the English
    revise form).
    """
    refuse_unless(
        user,
        Action.TRANSLATE_AMENDMENT,
        amendment,
        "Only the Secretariat supplies and checks the versions of an amendment in other languages.",
    )
    version = _version(amendment, language)
    if version.is_original:
        raise AmendmentError(
            "language",
            f"The {name_of(language)} version is the original of {amendment.label}: only its "
            "proposer changes it (by revising the amendment).",
        )
    _require_following(amendment, "translated")
    _check_seq(amendment, version, expected_seq)
    current = _current(amendment.edition, amendment.node, version.language)
    text, title = _content(amendment, version, current, text, title)
    if (text, title) == (version.proposed_text, version.proposed_title) and (
        version.status is not TranslationStatus.TO_TRANSLATE
    ):
        raise AmendmentError(
            "text", f"Nothing changed: the {name_of(language)} version already says exactly this."
        )
    now = utcnow()
    version.proposed_text, version.proposed_title = text, title
    version.base_revision_id = current.id if current is not None else None
    _clear_version_conflict(version)
    version.status = TranslationStatus.TRANSLATED
    version.translated_by_id, version.translated_at = user.id, now
    version.checked_by_id = version.checked_at = None
    _bump(version, "translation", user, clean_text(note))
    if version.language == "en":
        _english_into_row(amendment, version, user, "English version supplied by the Secretariat.")
    touch(amendment)
    db.session.flush()
    audit.record(
        "amendment.translate", "amendment", amendment.id, language=version.language, seq=version.seq
    )
    return version


def check_translation(
    amendment: Amendment, language: str, *, user: User, expected_seq: int | None
) -> AmendmentVersion:
    """Another member of the Secretariat confirms the translation matches the original."""
    refuse_unless(
        user,
        Action.TRANSLATE_AMENDMENT,
        amendment,
        "Only the Secretariat supplies and checks the versions of an amendment in other languages.",
    )
    version = _version(amendment, language)
    _check_seq(amendment, version, expected_seq)
    where = f"the {name_of(version.language)} version of {amendment.label}"
    if version.is_original or version.status is TranslationStatus.CHECKED:
        raise AmendmentError("status", f"Nothing to check: {where} is checked already.")
    if version.status is TranslationStatus.TO_TRANSLATE:
        raise AmendmentError(
            "status", f"Nothing to check yet: {where} is to translate; supply it first."
        )
    if version.translated_by_id == user.id:
        raise AmendmentError(
            "user",
            f"You translated {where}: another member of the Secretariat checks it (four eyes).",
        )
    _require_following(amendment, "checked")
    version.status = TranslationStatus.CHECKED
    version.checked_by_id, version.checked_at = user.id, utcnow()
    _bump(version, "check", user)
    touch(amendment)
    db.session.flush()
    audit.record(
        "amendment.translation_checked",
        "amendment",
        amendment.id,
        language=version.language,
        seq=version.seq,
    )
    return version


def revise_original(
    amendment: Amendment,
    language: str,
    *,
    user: User,
    expected_seq: int | None,
    text: str | None = None,
    title: str | None = None,
) -> AmendmentVersion:
    """The proposer revises an original written in another language than English (an English
    original is revised through `proposing.revise_amendment`). Its translations go back to
    `to translate`."""
    refuse_unless(
        user,
        Action.EDIT_AMENDMENT,
        amendment,
        "Only a delegate of the proposing party may revise this amendment.",
    )
    version = _version(amendment, language)
    if not version.is_original or version.language == "en":
        raise AmendmentError(
            "language",
            f"The {name_of(version.language)} version of {amendment.label} is not an original "
            "written in another language than English; revise the amendment instead.",
        )
    if not amendment.status.is_pending:
        raise AmendmentError(
            "status",
            f"{amendment.label} is {amendment.status.label.lower()}: a decided amendment cannot "
            "be revised. Propose a new amendment instead.",
        )
    _check_seq(amendment, version, expected_seq)
    current = _current(amendment.edition, amendment.node, version.language)
    text, title = _content(amendment, version, current, text, title)
    if (text, title) == (version.proposed_text, version.proposed_title):
        raise AmendmentError(
            "text", f"Nothing changed: {amendment.label} already says exactly this."
        )
    version.proposed_text, version.proposed_title = text, title
    version.base_revision_id = current.id if current is not None else None
    _clear_version_conflict(version)
    _bump(version, "revision", user)
    _outdate_translations(amendment, version)
    touch(amendment)
    db.session.flush()
    audit.record(
        "amendment.revise", "amendment", amendment.id, language=version.language, seq=version.seq
    )
    return version


def save_version(
    amendment: Amendment,
    version: AmendmentVersion,
    *,
    user: User,
    expected_seq: int | None,
    text: str | None = None,
    title: str | None = None,
    note: str = "",
) -> AmendmentVersion:
    """Save an edit of one language version, whichever it is: an original is revised by its
    proposer (`revise_original`), a translation is written by the Secretariat
    (`write_translation`). The form and the API both come through here."""
    if version.is_original:
        return revise_original(
            amendment,
            version.language,
            user=user,
            expected_seq=expected_seq,
            text=text,
            title=title,
        )
    return write_translation(
        amendment,
        version.language,
        user=user,
        expected_seq=expected_seq,
        text=text,
        title=title,
        note=note,
    )


def _outdate_translations(amendment: Amendment, original: AmendmentVersion) -> None:
    for other in versions_of(amendment).values():
        if other.id == original.id or other.status is TranslationStatus.TO_TRANSLATE:
            continue
        if amendment.action is AmendmentAction.DELETE:
            continue
        other.status = TranslationStatus.TO_TRANSLATE
        other.checked_by_id = other.checked_at = None
        _bump(
            other,
            "outdated",
            None,
            f"The {name_of(original.language)} original changed (its version {original.seq}): "
            "this translation no longer matches it; translate it again.",
        )


def _english_into_row(
    amendment: Amendment, version: AmendmentVersion, user: User, note: str
) -> None:
    """An English version written here is the row's English text (what the merge applies)."""
    amendment.proposed_text = version.proposed_text
    amendment.proposed_title = version.proposed_title
    amendment.base_revision_id = version.base_revision_id
    clear_conflict(amendment)
    amendment.latest_seq += 1
    add_revision(amendment, "translation", user, note)


def _clear_version_conflict(version: AmendmentVersion) -> None:
    version.has_conflict = False
    version.conflict_revision_id = None
    version.conflict_detail = ""


# --------------------------------------------------------------------------- the English row


def follow_english(amendment: Amendment, origin: str, user: User | None, note: str = "") -> None:
    """After the amendment row changed (revised by its proposer, carried over or flagged by the
    English rebase): its English version follows, and a changed English original sends the
    translations back to `to translate`."""
    version = versions_of(amendment).get("en")
    if version is None:
        return
    before = (version.proposed_text, version.proposed_title, version.base_revision_id)
    version.has_conflict = amendment.has_conflict
    version.conflict_revision_id = amendment.conflict_revision_id
    version.conflict_detail = amendment.conflict_detail
    after = (amendment.proposed_text, amendment.proposed_title, amendment.base_revision_id)
    if before == after:
        return
    words_changed = before[:2] != after[:2]
    version.proposed_text, version.proposed_title, version.base_revision_id = after
    if origin == "revision" and words_changed and not version.is_original:
        # The proposer wrote the English of their own French proposal: the Secretariat checks it.
        version.status = TranslationStatus.TRANSLATED
        version.translated_by_id = user.id if user is not None else None
        version.translated_at = utcnow()
        version.checked_by_id = version.checked_at = None
        origin = "translation"
    _bump(version, origin, user, note)
    if version.is_original and words_changed and origin == "revision":
        _outdate_translations(amendment, version)


# --------------------------------------------------------------------------- rebasing


def _merge_version(
    amendment: Amendment, version: AmendmentVersion, base: Revision, current: Revision
) -> MergeResult:
    if amendment.action is AmendmentAction.HEADING:
        return rebase(base.title or "", current.title or "", version.proposed_title or "")
    if amendment.action is AmendmentAction.DELETE:
        return rebase(base.text, current.text, "")
    return rebase(base.text, current.text, version.proposed_text)


def _flag_version(
    amendment: Amendment,
    version: AmendmentVersion,
    current: Revision | None,
    reason: str,
    regions: list[dict],
) -> None:
    version.has_conflict = True
    version.conflict_revision_id = current.id if current is not None else None
    version.conflict_detail = json.dumps(
        {"reason": reason, "regions": regions, "language": version.language}, ensure_ascii=False
    )
    touch(amendment)
    audit.record(
        "amendment.conflict",
        "amendment",
        amendment.id,
        language=version.language,
        revision=current.id if current is not None else None,
    )


def rebase_versions(edition: Edition, node_ids: Iterable[int] | None = None) -> list[int]:
    """Carry the versions in languages other than English (English: `rebasing`) of the
    following amendments of `edition` over to their unit's current text in that language.

    Limited to the amendments on `node_ids` when given. Returns the ids of the versions it
    flagged in conflict.
    """
    stmt = (
        select(AmendmentVersion, Amendment, EditionEntry.revision_id)
        .join(Amendment, Amendment.id == AmendmentVersion.amendment_id)
        .outerjoin(
            EditionEntry,
            (EditionEntry.edition_id == Amendment.edition_id)
            & (EditionEntry.node_id == Amendment.node_id)
            & (EditionEntry.language == AmendmentVersion.language),
        )
        .where(
            Amendment.edition_id == edition.id,
            Amendment.status.in_(FOLLOWING),
            Amendment.action != AmendmentAction.INSERT,
            Amendment.node_id.is_not(None),
            AmendmentVersion.language != "en",
        )
        .order_by(Amendment.id, AmendmentVersion.language)
    )
    if node_ids is not None:
        stmt = stmt.where(Amendment.node_id.in_(list(node_ids)))
    flagged: list[int] = []
    for version, amendment, current_id in db.session.execute(stmt).all():
        if current_id == version.base_revision_id or (
            version.has_conflict and version.conflict_revision_id == current_id
        ):
            continue
        node_key = amendment.node.key if amendment.node is not None else ""
        language = name_of(version.language)
        if current_id is None:
            _flag_version(
                amendment, version, None, f"{node_key} has no {language} text in the draft.", []
            )
            flagged.append(version.id)
            continue
        current = db.session.get(Revision, current_id)
        base = (
            db.session.get(Revision, version.base_revision_id) if version.base_revision_id else None
        )
        assert current is not None
        if base is None:
            version.base_revision_id = current.id
            _bump(version, "rebase", None, f"Written against revision {current.id} now.")
            continue
        result = _merge_version(amendment, version, base, current)
        if result.is_clean:
            assert result.text is not None
            if amendment.action is AmendmentAction.MODIFY:
                version.proposed_text = result.text
            elif amendment.action is AmendmentAction.HEADING:
                version.proposed_title = result.text
            old = version.base_revision_id
            version.base_revision_id = current.id
            _clear_version_conflict(version)
            _bump(
                version,
                "rebase",
                None,
                f"Carried over from revision {old} to revision {current.id} of the {language} "
                "text.",
            )
            touch(amendment)
        else:
            regions = [
                {"base": c.base, "current": c.ours, "proposed": c.theirs} for c in result.conflicts
            ]
            what = "heading" if amendment.action is AmendmentAction.HEADING else "text"
            _flag_version(
                amendment,
                version,
                current,
                f"The {language} {what} of {node_key} changed where this amendment's {language} "
                f"version changes it too.",
                regions,
            )
            flagged.append(version.id)
    db.session.flush()
    return flagged


# --------------------------------------------------------------------------- merging


@dataclass(frozen=True)
class NotReady:
    """Why an amendment cannot be merged yet, for one language."""

    language: str
    message: str


def not_ready(
    amendment: Amendment, found: dict[str, AmendmentVersion] | None = None
) -> list[NotReady]:
    """The languages that keep `amendment` from the merge, each with the reason."""
    found = versions_of(amendment) if found is None else found
    reasons: list[NotReady] = []
    for language in draft_languages(amendment.edition):
        version = found.get(language)
        name = name_of(language)
        if version is None or version.status is not TranslationStatus.CHECKED:
            status = version.status.label.lower() if version is not None else "missing"
            reasons.append(
                NotReady(
                    language,
                    f"{amendment.label} cannot be merged: its {name} version is {status}; the "
                    f"Secretariat supplies and checks it first.",
                )
            )
        elif version.has_conflict and language != "en":
            reasons.append(
                NotReady(
                    language,
                    f"{amendment.label} cannot be merged: its {name} version conflicts with the "
                    f"current {name} text; translate it again against that text.",
                )
            )
    return reasons


def require_ready(amendment: Amendment) -> None:
    """Refuse the merge of an amendment while a language version is not checked."""
    reasons = not_ready(amendment)
    if reasons:
        raise AmendmentError("amendments", reasons[0].message)


def merge_versions(
    edition: Edition,
    amendment: Amendment,
    english: Revision | None,
    *,
    origin_ref: str,
) -> list[Revision]:
    """Write the amendment's versions in the draft's other languages, after its English one
    (`english`: the revision the English merge wrote, None for a deletion), in the caller's
    transaction. Returns the revisions written."""
    written: list[Revision] = []
    found = versions_of(amendment)
    for language in draft_languages(edition):
        if language == "en":
            continue
        version = found[language]
        name = name_of(language)
        if amendment.action is AmendmentAction.INSERT:
            assert english is not None
            assert amendment.parent_node is not None
            try:
                written.append(
                    text_store.insert_node(
                        edition,
                        key=english.node.key,
                        parent=amendment.parent_node,
                        after=amendment.after_node,
                        kind=english.kind,
                        number=english.number,
                        title=version.proposed_title,
                        text=version.proposed_text,
                        language=language,
                        origin="amendment",
                        origin_ref=origin_ref,
                        twin_of=english.node,
                    )
                )
            except text_store.TextStoreError as exc:
                raise AmendmentError("amendments", f"{amendment.label} ({name}): {exc}") from exc
            continue
        node = amendment.node
        assert node is not None
        current = _current(edition, node, language)
        if current is None:
            raise AmendmentError(
                "amendments", f"{amendment.label}: {node.key} has no {name} text in the draft."
            )
        if version.has_conflict or version.base_revision_id != current.id:
            raise AmendmentError(
                "amendments",
                f"{amendment.label}: its {name} version does not apply to the current {name} "
                f"text of {node.key}; translate it again against that text.",
            )
        if amendment.action is AmendmentAction.DELETE:
            text_store.remove_node(edition, node, language=language)
            continue
        changes: dict[str, object] = (
            {"text": version.proposed_text}
            if amendment.action is AmendmentAction.MODIFY
            else {"title": version.proposed_title or ""}
        )
        written.append(
            text_store.revise(
                edition,
                node,
                language=language,
                expected_revision_id=current.id,
                origin="amendment",
                origin_ref=origin_ref,
                **changes,
            )
        )
    return written
