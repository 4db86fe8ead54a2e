"""Defect 3 and item 8 of issue 15: a freeze never strands work, shows a pre-flight and asks
for confirmation; an adopted edition not in force can be reopened (audited)."""

from __future__ import annotations

from sqlalchemy import select

from rkc.amendments import merging
from rkc.amendments.lifecycle import change_status
from rkc.amendments.models import AmendmentStatus
from rkc.amendments.proposing import propose_modification
from rkc.audit.models import AuditEvent
from rkc.convention.models import EditionStatus
from rkc.extensions import db

from ..helpers import csrf_token, log_in

MANAGE = "/w/rkc/editions/review-draft/manage"
FREEZE = "/w/rkc/editions/review-draft/freeze"
REOPEN = "/w/rkc/editions/review-draft/reopen"


def _tabled(world, key: str, text: str, by: str = "delegate_a"):  # type: ignore[no-untyped-def]
    amendment = propose_modification(
        world.draft, world.node(key), user=world.user(by), text=text, justification="Clearer."
    )
    change_status(amendment, "tabled", user=world.user(by))
    return amendment


def _agree(world, amendment) -> None:  # type: ignore[no-untyped-def]
    change_status(amendment, "under_discussion", user=world.user("secretariat"))
    change_status(amendment, "agreed", user=world.user("secretariat"))


def _secretariat(small_app):  # type: ignore[no-untyped-def]
    client = small_app.test_client()
    log_in(client, "secretariat")
    return client


def _freeze(client, **extra):  # type: ignore[no-untyped-def]
    data = {"csrf_token": csrf_token(client, FREEZE), "adopted_on": "2026-06-30", **extra}
    return client.post(FREEZE, data=data)


def test_an_agreed_unmerged_amendment_blocks_the_freeze(world, actor, small_app):
    agreed = _tabled(world, "ga/3/3.1", "Customs shall designate and publish its offices.")
    _agree(world, agreed)
    db.session.commit()
    client = _secretariat(small_app)

    page = client.get(FREEZE).get_data(as_text=True)
    assert "1</strong> agreed amendment(s) not merged" in page
    assert agreed.label in page
    assert "merge queue" in page

    refused = _freeze(client, confirm="y")
    assert refused.status_code == 400
    assert f"Agreed but not merged: {agreed.label}" in refused.get_data(as_text=True)
    db.session.rollback()  # end the test's read snapshot
    assert world.draft.status is EditionStatus.WORKING_DRAFT
    assert agreed.status is AmendmentStatus.AGREED

    merging.merge(
        world.draft,
        [agreed],
        expected={agreed.node_id: world.revision_id("ga/3/3.1")},
        user=world.user("secretariat"),
    )
    db.session.commit()
    assert _freeze(client).status_code == 302
    db.session.rollback()  # end the test's read snapshot
    assert world.draft.status is EditionStatus.ADOPTED


def test_open_amendments_need_a_confirmation(world, actor, small_app):
    pending = _tabled(world, "ga/3/3.2", "Customs shall publish its hours online.")
    db.session.commit()
    client = _secretariat(small_app)
    page = client.get(FREEZE).get_data(as_text=True)
    assert "1</strong> pending" in page
    assert pending.label in page

    unconfirmed = _freeze(client)
    assert unconfirmed.status_code == 400
    assert "tick the confirmation" in unconfirmed.get_data(as_text=True)
    db.session.rollback()  # end the test's read snapshot
    assert world.draft.status is EditionStatus.WORKING_DRAFT

    confirmed = _freeze(client, confirm="y")
    assert confirmed.status_code == 302, confirmed.get_data(as_text=True)
    assert confirmed.headers["Location"].endswith(MANAGE)
    db.session.rollback()  # end the test's read snapshot
    assert world.draft.status is EditionStatus.ADOPTED
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "edition.freeze"))
    assert pending.label in event.detail


def test_a_delegate_cannot_freeze_or_reopen(world, small_app):
    client = small_app.test_client()
    log_in(client, "delegate-a")
    assert client.get(FREEZE).status_code == 403
    token = csrf_token(client, "/amendments/")
    assert (
        client.post(FREEZE, data={"csrf_token": token, "adopted_on": "2026-06-30"}).status_code
        == 403
    )
    assert (
        client.post(REOPEN, data={"csrf_token": token, "reason": "x", "confirm": "y"}).status_code
        == 403
    )


def test_an_adopted_edition_not_in_force_is_reopened_and_audited(world, small_app):
    client = _secretariat(small_app)
    assert _freeze(client).status_code == 302
    manage = client.get(MANAGE).get_data(as_text=True)
    assert "Reopen as a working draft" in manage

    token = csrf_token(client, MANAGE)
    no_reason = client.post(REOPEN, data={"csrf_token": token, "reason": "", "confirm": "y"})
    assert no_reason.status_code == 400
    reopened = client.post(
        REOPEN,
        data={"csrf_token": token, "reason": "Frozen before the last merge.", "confirm": "y"},
    )
    assert reopened.status_code == 302
    db.session.rollback()  # end the test's read snapshot
    assert world.draft.status is EditionStatus.WORKING_DRAFT
    assert world.draft.adopted_on is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "edition.reopen"))
    assert "Frozen before the last merge." in event.detail

    # In force: no longer reopenable.
    assert _freeze(client, in_force_from="2026-07-01").status_code == 302
    refused = client.post(
        REOPEN, data={"csrf_token": csrf_token(client, MANAGE), "reason": "Again.", "confirm": "y"}
    )
    assert refused.status_code == 400
    assert "only an adopted edition that is not in force can be reopened" in refused.get_data(
        as_text=True
    )
    db.session.rollback()  # end the test's read snapshot
    assert world.draft.status is EditionStatus.IN_FORCE
