"""One place that imports every area's models, so metadata and Alembic see all tables."""

from __future__ import annotations

import importlib

#: Every module that declares tables, lowest layer first.
MODEL_MODULES = (
    "rkc.convention.models",
    "rkc.parties.models",
    "rkc.auth.models",
    "rkc.audit.models",
    "rkc.amendments.models",
    "rkc.procedure.models",
    "rkc.search.models",
    "rkc.notifications.models",
    "rkc.review.models",
    "rkc.review.framework_models",
)


def import_all_models() -> None:
    """Import each area's models module for its side effect of registering tables."""
    for name in MODEL_MODULES:
        importlib.import_module(name)
