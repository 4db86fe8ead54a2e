"""Item 5 of issue 15: `rkc notify` reminds of a closing objection window, once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from rkc.audit import Actor, acting_as
from rkc.clock import today
from rkc.extensions import db
from rkc.notifications.cli import notify_command
from rkc.notifications.models import Notification
from rkc.parties.periods import add_months
from rkc.procedure import operations as procedure_ops

from ..procedure.test_procedure import _adopted_edition, _join
from .conftest import body
from .test_mail import _people


def test_rkc_notify_reminds_of_a_closing_objection_window_once(small_app, smtp):
    _people()
    with acting_as(Actor(None, "test", "system")):
        edition = _adopted_edition(adopted_on=add_months(today(), -7))
        _join("AUT")
        _join("CAN")
        communicated = add_months(today(), -6) + timedelta(days=7)
        procedure_ops.recommend(
            edition,
            procedure="annex",
            session="Management Committee, 30th meeting",
            decided_on=communicated - timedelta(days=30),
            communicated_on=communicated,
        )
    db.session.commit()

    first = small_app.test_cli_runner().invoke(notify_command)
    assert first.exit_code == 0, first.output
    reminders = db.session.scalar(
        select(func.count()).select_from(Notification).where(Notification.kind == "reminder")
    )
    assert reminders >= 4  # three delegates and the Secretariat
    (mail,) = smtp.to("delegate-a@example.org")
    assert "close on" in mail["Subject"]
    assert "/recommendations/" in body(mail)

    again = small_app.test_cli_runner().invoke(notify_command)
    assert "0 reminder(s) written" in again.output
    assert len(smtp.to("delegate-a@example.org")) == 1
