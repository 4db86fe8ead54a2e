"""`rkc init --demo` shows the amendment workflow at once: samples in every state."""

from __future__ import annotations

from sqlalchemy import select

from rkc.amendments.models import Amendment, AmendmentStatus
from rkc.demo import DEMO_CONCEPT, DEMO_NOTE
from rkc.extensions import db

from ..conftest import SMALL_CORPUS, make_app


def test_demo_creates_sample_amendments_in_every_state_once(empty_database, tmp_path):
    app = make_app(empty_database, tmp_path)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["init", "--demo", "--corpus", str(SMALL_CORPUS)])
    assert result.exit_code == 0, result.output
    assert "demonstration amendments:" in result.output
    with app.app_context():
        amendments = db.session.scalars(select(Amendment)).all()
        assert {a.status for a in amendments} == set(AmendmentStatus)
        assert all(a.justification.startswith(DEMO_NOTE) for a in amendments)
        assert all(a.concept.startswith(DEMO_CONCEPT) for a in amendments)
        # The draft written on the text the merged compromise replaced is flagged.
        assert [a.status for a in amendments if a.has_conflict] == [AmendmentStatus.DRAFT]
        count = len(amendments)
        db.session.remove()
    again = runner.invoke(args=["init", "--demo", "--corpus", str(SMALL_CORPUS)])
    assert again.exit_code == 0, again.output
    assert "demonstration amendments:" not in again.output
    with app.app_context():
        assert len(db.session.scalars(select(Amendment)).all()) == count
        db.engine.dispose()
