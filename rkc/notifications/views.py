"""A member's own pages: "My work" (and, below, notifications): parse, check, call, render."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from rkc.auth.permissions import Action, require
from rkc.clock import today
from rkc.notifications import queries

bp = Blueprint("notifications", __name__)


@bp.get("/my-work")
@require(Action.MANAGE_OWN_ACCOUNT)
def my_work():  # type: ignore[no-untyped-def]
    """What awaits me, with counts: the page a member lands on after logging in."""
    work = queries.my_work(current_user, today())
    return render_template("notifications/my_work.html", work=work)
