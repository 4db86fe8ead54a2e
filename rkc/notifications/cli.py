"""`rkc notify`: deadline reminders and the mail that waits (run by cron or a timer)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from rkc.audit import Actor, acting_as
from rkc.clock import today
from rkc.extensions import db
from rkc.notifications import operations as ops
from rkc.notifications.reminders import remind_deadlines


@click.command("notify")
@click.option("--digest/--no-digest", default=True, help="Also send the daily digests.")
@click.option("--within-days", default=14, show_default=True, help="Remind of deadlines this near.")
@click.option(
    "--remind-days",
    type=int,
    multiple=True,
    help="Days ahead to remind of a party's reservation reviews and implementation deadlines "
    "(repeat it; default: the NOTIFY_REMINDER_DAYS setting, 30 and 7).",
)
@with_appcontext
def notify_command(digest: bool, within_days: int, remind_days: tuple[int, ...]) -> None:
    """Write reminders of coming deadlines, send each-event mail that failed before and
    (once a day: run it daily with --digest, hourly with --no-digest) the daily digests."""
    with acting_as(Actor(None, "rkc notify", "system")):
        reminders = remind_deadlines(today(), within_days, remind_days or None)
        db.session.commit()
        resent = ops.send_pending_each()
        digests = ops.send_digests() if digest else 0
    click.echo(f"{reminders} reminder(s) written, {resent} mail(s) sent, {digests} digest(s) sent")
