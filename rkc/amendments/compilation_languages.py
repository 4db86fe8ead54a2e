"""A compilation of amendments in one language, and two side by side (issue 13).

`rkc.amendments.queries.compilation` compiles in English (the amendment row carries the English
text). `in_language(comp, "fr")` gives the same compilation in French: the same groups and
amendments in the same order, each group's current text in French, and each amendment shown
through its French version (`InLanguage`), so that the page, the print view and the Word file
(`rkc.interchange.docx_compilation`) draw their tracked changes from the French text without
knowing about languages. A version not translated yet carries its status, and the outputs say
so instead of showing a change.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from rkc.amendments import languages, queries
from rkc.amendments.models import Amendment, AmendmentVersion, TranslationStatus
from rkc.amendments.queries import Change, Compilation, CompilationGroup, Target
from rkc.convention import operations as text_store
from rkc.convention import queries as text_queries
from rkc.convention.models import Revision


class InLanguage:
    """An amendment read in one language: its own attributes, except the text, heading, base
    and conflict, which are its version's in that language."""

    def __init__(self, amendment: Amendment, version: AmendmentVersion):
        self._amendment = amendment
        self.version = version

    def __getattr__(self, name: str) -> object:
        return getattr(self._amendment, name)

    @property
    def language(self) -> str:
        return self.version.language

    @property
    def translation_status(self) -> TranslationStatus:
        return self.version.status

    @property
    def is_translated(self) -> bool:
        """Whether the version says something yet (the original always does)."""
        return self.version.is_original or self.version.status is not TranslationStatus.TO_TRANSLATE

    @property
    def proposed_text(self) -> str:
        return self.version.proposed_text

    @property
    def proposed_title(self) -> str | None:
        return self.version.proposed_title

    @property
    def base_revision_id(self) -> int | None:
        return self.version.base_revision_id

    @property
    def base_revision(self) -> Revision | None:
        return self.version.base_revision

    @property
    def has_conflict(self) -> bool:
        return self._amendment.has_conflict or self.version.has_conflict

    @property
    def conflict(self) -> dict:
        return self.version.conflict or self._amendment.conflict


def in_language(comp: Compilation, language: str) -> Compilation:
    """`comp` (compiled from the amendment rows, i.e. in English) as read in `language`.

    In English only the amendments proposed in another language are read through their
    English version (so that one not translated yet says so); the others are the rows.
    """
    amendments = [c.amendment for g in comp.groups for c in g.changes]
    versions = languages.versions_for(amendments)
    edition = comp.edition
    groups: list[CompilationGroup] = []
    for group in comp.groups:
        current = group.current if language == "en" else _current(edition, group.key, language)
        proxies: list[Amendment] = []
        found: dict[int, Target] = {}
        for change in group.changes:
            version = versions[change.amendment.id].get(language)
            if version is None or (language == "en" and version.is_original):
                continue
            proxies.append(InLanguage(change.amendment, version))  # type: ignore[arg-type]
            target = change.target
            if language != "en":
                target = replace(
                    target, current=_current(edition, target.key, language) if target.key else None
                )
            found[change.amendment.id] = target
        redrawn = (
            {c.amendment.id: c for c in queries.changes(proxies, found=found)} if proxies else {}
        )
        changes = [
            redrawn.get(c.amendment.id, c)
            for c in group.changes
            if language == "en" or c.amendment.id in redrawn
        ]
        groups.append(CompilationGroup(group.label, group.key, current, changes))
    return Compilation(edition, comp.flt, groups, comp.chapter_label)


def _current(edition, key: str | None, language: str) -> Revision | None:  # type: ignore[no-untyped-def]
    if key is None:
        return None
    node = text_queries.node_by_key(key)
    return text_store.current_revision(edition, node, language) if node is not None else None


@dataclass
class PairedChange:
    """One amendment in two languages."""

    left: Change
    right: Change | None


@dataclass
class PairedGroup:
    label: str
    key: str | None
    left: Revision | None
    right: Revision | None
    changes: list[PairedChange]


def side_by_side(comp: Compilation, languages_: tuple[str, str]) -> list[PairedGroup]:
    """The groups of `comp` with both languages' current texts and each amendment in both."""
    left, right = (in_language(comp, lang) for lang in languages_)
    paired = []
    for lg, rg in zip(left.groups, right.groups, strict=True):
        by_id = {c.amendment.id: c for c in rg.changes}
        paired.append(
            PairedGroup(
                lg.label,
                lg.key,
                lg.current,
                rg.current,
                [PairedChange(c, by_id.get(c.amendment.id)) for c in lg.changes],
            )
        )
    return paired
