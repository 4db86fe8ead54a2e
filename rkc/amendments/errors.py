"""The errors every amendment write raises, and what the callers make of them.

Bad input raises `AmendmentError` (a ValueError naming the form field at fault and the
provision) before anything is written; a role that may not act raises `AmendmentRefused` (HTTP
403); a write based on something that moved on raises `StaleAmendmentError` (HTTP 409).
"""

from __future__ import annotations

from rkc.convention.models import Revision


class AmendmentError(ValueError):
    """Bad input for an amendment write; `field` names the form field at fault."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


class AmendmentRefused(AmendmentError):
    """The user's role may not do this to this amendment (HTTP 403)."""


class StaleAmendmentError(AmendmentError):
    """What the writer read moved on meanwhile (HTTP 409); reload and try again."""


class StaleTargetError(StaleAmendmentError):
    """The provision changed since the form showed it; `current` is its revision now."""

    def __init__(self, label: str, current: Revision):
        self.current = current
        super().__init__(
            "base",
            f"{label} changed since you opened this form; its current text is shown now. "
            "Check your proposal against it and submit again.",
        )
