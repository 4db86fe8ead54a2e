"""The languages the text store holds: the Convention is authentic in English and French.

One place for the codes, their names, and the parsing of a `lang` parameter, so that reading
pages, the API, search and exports accept and refuse the same values.
"""

from __future__ import annotations

from collections.abc import Mapping

from werkzeug.exceptions import BadRequest

#: Language code -> its name in that language, in display order.
LANGUAGES: dict[str, str] = {"en": "English", "fr": "Français"}

DEFAULT = "en"


class UnknownLanguage(ValueError):
    """A language code rkc does not hold."""

    def __init__(self, value: str, *, pair: bool = True):
        self.value = value
        super().__init__(
            f"unknown language {value!r}: use one of {', '.join(LANGUAGES)}"
            + (" (or two of them separated by a comma for a side-by-side view)" if pair else "")
        )


def parse_languages(raw: str | None, *, allow_pair: bool = True) -> tuple[str, ...] | None:
    """The languages a `lang` value names, in order; None when none was given.

    `en`, `fr` or (when `allow_pair`) `en,fr`; anything else raises UnknownLanguage.
    """
    if raw is None or not raw.strip():
        return None
    codes = tuple(part.strip().lower() for part in raw.split(","))
    if (
        any(code not in LANGUAGES for code in codes)
        or len(set(codes)) != len(codes)
        or len(codes) > (2 if allow_pair else 1)
    ):
        raise UnknownLanguage(raw, pair=allow_pair)
    return codes


def parse_language(raw: str | None) -> str:
    """One language (`en` or `fr`; English when none is given); else UnknownLanguage."""
    asked = parse_languages(raw, allow_pair=False)
    return asked[0] if asked else DEFAULT


def language_arg(args: Mapping[str, str]) -> str:
    """The `lang` of a query string (downloads, the API): one language, English by default;
    an unknown code is a 400 Bad Request whose message names the parameter."""
    try:
        return parse_language(args.get("lang"))
    except UnknownLanguage as exc:
        raise BadRequest(f"lang: {exc}") from None


#: The cookie that remembers a reader's choice of language(s), e.g. "fr" or "en,fr".
LANGUAGE_COOKIE = "rkc_lang"

#: "Unofficial working text" in each language, for banners and exports.
UNOFFICIAL: dict[str, str] = {
    "en": "Unofficial working text",
    "fr": "Texte de travail non officiel",
}
