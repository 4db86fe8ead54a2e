"""The kinds of unit the text store knows, and how they nest.

Kept as data so that templates, the corpus parser, importers and exporters agree.
"""

from __future__ import annotations

#: The word a corpus heading starts with -> the stored kind.
KIND_WORDS: dict[str, str] = {
    "Instrument": "instrument",
    "Preamble": "preamble",
    "Annex": "annex",
    "Chapter": "chapter",
    "Section": "section",
    "Article": "article",
    "Definition": "definition",
    "Standard": "standard",
    "Transitional Standard": "transitional_standard",
    "Recommended Practice": "recommended_practice",
    "Note": "note",
    "Guidelines": "guidelines",
    "Guideline": "guideline",
}

#: The French kind words (corpus/README.md, "Two languages") -> the stored kind.
KIND_WORDS_FR: dict[str, str] = {
    "Instrument": "instrument",
    "Préambule": "preamble",
    "Annexe": "annex",
    "Chapitre": "chapter",
    "Section": "section",
    "Article": "article",
    "Définition": "definition",
    "Norme": "standard",
    "Norme transitoire": "transitional_standard",
    "Pratique recommandée": "recommended_practice",
    "Note": "note",
    "Directives": "guidelines",
    "Directive": "guideline",
}

#: Kind words per language of the corpus.
KIND_WORDS_BY_LANGUAGE: dict[str, dict[str, str]] = {"en": KIND_WORDS, "fr": KIND_WORDS_FR}

#: The stored kind -> its label for people (and the corpus heading word).
KIND_LABELS: dict[str, str] = {v: k for k, v in KIND_WORDS.items()}
KIND_LABELS["guideline"] = "Guideline paragraph"
KIND_LABELS_FR: dict[str, str] = {v: k for k, v in KIND_WORDS_FR.items()}
KIND_LABELS_FR["guideline"] = "Paragraphe de directive"
#: Labels per language.
KIND_LABELS_BY_LANGUAGE: dict[str, dict[str, str]] = {"en": KIND_LABELS, "fr": KIND_LABELS_FR}

#: Kinds that carry normative or explanatory content and are numbered within a chapter.
PROVISION_KINDS = frozenset(
    {"definition", "standard", "transitional_standard", "recommended_practice"}
)

#: Kinds that group other units; their own text is optional.
STRUCTURAL_KINDS = frozenset({"instrument", "annex", "chapter", "section", "guidelines"})

#: Kinds whose page shows a consolidated run of their descendants.
CONTAINER_KINDS = STRUCTURAL_KINDS

#: Kinds that may be a reservation's object (DOMAIN.md section 3).
RESERVABLE_KINDS = frozenset({"recommended_practice"})

_PROVISIONS = PROVISION_KINDS

ALLOWED_CHILDREN: dict[str, frozenset[str]] = {
    "instrument": frozenset({"preamble", "chapter", "article"}),
    "annex": frozenset({"chapter"}),
    "chapter": frozenset({"section", "article"}) | _PROVISIONS,
    "section": frozenset({"section", "guideline"}) | _PROVISIONS,
    "article": frozenset({"note"}),
    "definition": frozenset({"note"}),
    "standard": frozenset({"note"}),
    "transitional_standard": frozenset({"note"}),
    "recommended_practice": frozenset({"note"}),
    "guidelines": frozenset({"section", "guideline"}),
    "guideline": frozenset({"note"}),
    "preamble": frozenset(),
    "note": frozenset(),
}

#: CSS class stem per kind, so that kinds are visibly distinct on every page.
KIND_CSS: dict[str, str] = {
    "standard": "std",
    "transitional_standard": "tstd",
    "recommended_practice": "rp",
    "definition": "def",
    "article": "art",
    "note": "note",
    "guideline": "gl",
}
