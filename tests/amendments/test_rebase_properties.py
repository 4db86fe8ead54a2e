"""Rebasing stored amendments under random concurrent edits (hypothesis, on the database).

A tabled amendment proposes a random edit of the provision; meanwhile the provision itself
gets another random edit. Whatever the two are, the amendment ends either carried over to
exactly what the merge engine gives, against the new revision, or flagged as a conflict with
its proposed text and base left exactly as its author wrote them: never silently altered.

Long run: HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest -q tests/amendments/test_rebase_properties.py
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from rkc.amendments.models import AmendmentRevision
from rkc.extensions import db
from rkc.text.merge import merge3

from ..properties import examples
from ..text.test_merge_properties import edited, texts
from .conftest import World
from .test_rebase import KEY, _propose, _set_text

pytestmark = pytest.mark.usefixtures("actor")


@settings(max_examples=examples(25), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_rebased_amendment_is_the_merge_or_an_untouched_conflict(world: World, data) -> None:  # type: ignore[no-untyped-def]
    db.session.rollback()  # each example starts from the committed state
    base_tokens = data.draw(texts().filter(lambda tokens: len(tokens) > 2))
    base = "".join(base_tokens)
    proposed = "".join(data.draw(edited(base_tokens))).strip()
    current = "".join(data.draw(edited(base_tokens))).strip()
    # What is stored is what counts (texts are stored trimmed); each step must change the text.
    assume(base != world.text(KEY))
    _set_text(world, base)
    base, base_revision = world.text(KEY), world.revision_id(KEY)
    assume(proposed not in ("", base))
    amendment = _propose(world, proposed)
    proposed = amendment.proposed_text
    assume(current not in ("", base))
    revision, report = _set_text(world, current)
    current = world.text(KEY)
    assert revision.id == world.revision_id(KEY) != base_revision
    expected = merge3(base, current, proposed)
    if expected.is_clean:
        assert report.rebased == [amendment.id]
        assert not amendment.has_conflict
        assert amendment.proposed_text == expected.text
        assert amendment.base_revision_id == revision.id
    else:
        assert report.conflicts == [amendment.id]
        assert amendment.has_conflict
        assert amendment.proposed_text == proposed  # exactly as written
        assert amendment.base_revision_id == base_revision
        assert amendment.conflict_revision_id == revision.id
        regions = amendment.conflict["regions"]
        assert [r["proposed"] for r in regions] == [c.theirs for c in expected.conflicts]
        assert [r["current"] for r in regions] == [c.ours for c in expected.conflicts]
        # Its history holds the proposal only: no version was written for the conflict.
        versions = db.session.query(AmendmentRevision).filter_by(amendment_id=amendment.id)
        assert [v.proposed_text for v in versions] == [proposed]
    db.session.rollback()
