"""A member's day: the "My work" page (what awaits me, with counts) and notifications."""

from __future__ import annotations

from flask import Flask


def init_notifications(app: Flask) -> None:
    """E-mail of each-event notifications follows every commit (see operations.track)."""
    from rkc.extensions import db
    from rkc.notifications.operations import track

    track(db.session)
