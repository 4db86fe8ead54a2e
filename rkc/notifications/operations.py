"""Writing notifications and sending them: in the app at once, by e-mail per preference.

`notify` adds one row per member (in the caller's transaction). E-mail to members who want
each event goes out right after that transaction commits (`after_commit`): a rolled-back
event sends nothing. A failed send leaves `emailed_at` empty, and the next `rkc notify` run
sends it. Members who chose the daily digest get one mail from `rkc notify` with everything
not yet sent; "off" sends nothing (the app still shows them).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from rkc import audit
from rkc.auth.models import Role, User
from rkc.convention.models import utcnow
from rkc.extensions import db
from rkc.notifications import mail
from rkc.notifications.models import EMAIL_MODES, Notification, NotificationPreference

log = logging.getLogger(__name__)

_OUTBOX = "rkc_mail_outbox"


class NotificationError(ValueError):
    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


# --------------------------------------------------------------------------- preferences


def preference(user: User) -> NotificationPreference:
    """The member's preference row (made with the default, "each", on first use)."""
    found = db.session.get(NotificationPreference, user.id)
    if found is None:
        found = NotificationPreference(
            user_id=user.id, email_mode="each", unsubscribe_token=secrets.token_urlsafe(32)
        )
        db.session.add(found)
        db.session.flush()
    return found


def set_email_mode(user: User, mode: str) -> NotificationPreference:
    if mode not in EMAIL_MODES:
        raise NotificationError("email_mode", f"E-mail: “{mode}” is not each, digest or off.")
    row = preference(user)
    row.email_mode = mode
    row.updated_at = utcnow()
    db.session.flush()
    audit.record("notifications.preference", "user", user.id, email_mode=mode)
    return row


def unsubscribe(token: str) -> User | None:
    """One-click unsubscribe: the secret from the mail turns e-mail off (None: unknown)."""
    row = db.session.scalar(
        select(NotificationPreference).where(NotificationPreference.unsubscribe_token == token)
    )
    if row is None or not token:
        return None
    row.email_mode = "off"
    row.updated_at = utcnow()
    db.session.flush()
    user = db.session.get(User, row.user_id)
    audit.record("notifications.unsubscribe", "user", row.user_id)
    return user


def mark_read(user: User, ids: Iterable[int] | None = None) -> int:
    stmt = update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    if ids is not None:
        stmt = stmt.where(Notification.id.in_(list(ids)))
    return db.session.execute(stmt.values(read_at=utcnow())).rowcount or 0


# --------------------------------------------------------------------------- notifying


def notify(
    users: Iterable[User],
    kind: str,
    subject: str,
    *,
    body: str = "",
    link: str = "",
    dedupe: str | None = None,
    skip: User | None = None,
) -> list[Notification]:
    """One notification per member (never to `skip`, who caused the event; never twice for
    one `dedupe` key). E-mail follows the commit."""
    made = []
    for user in {u.id: u for u in users}.values():
        if (skip is not None and user.id == skip.id) or user.is_disabled:
            continue
        key = f"{user.id}:{dedupe}" if dedupe else None
        if key and db.session.scalar(select(Notification.id).where(Notification.dedupe == key)):
            continue
        row = Notification(
            user_id=user.id, kind=kind, subject=subject[:300], body=body, link=link, dedupe=key
        )
        db.session.add(row)
        made.append(row)
    if made:
        db.session.flush()
        db.session.info.setdefault(_OUTBOX, set()).update(r.id for r in made)
    return made


def party_delegates(party_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.party_id == party_id, User.role == Role.DELEGATE)
        )
    )


def secretariat() -> list[User]:
    return list(db.session.scalars(select(User).where(User.role == Role.SECRETARIAT)))


# --------------------------------------------------------------------------- e-mail


def _absolute(link: str) -> str:
    base = current_app.config.get("PUBLIC_URL", "") if has_app_context() else ""
    return f"{base}{link}" if link.startswith("/") else link


def _footer(pref: NotificationPreference) -> tuple[str, dict[str, str]]:
    url = _absolute(f"/notifications/unsubscribe/{pref.unsubscribe_token}")
    text = (
        "\n\n--\nYou receive this because of your notification settings in rkc "
        f"({_absolute('/notifications')}).\nStop all e-mail with one click: {url}\n"
    )
    headers = {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return text, headers


def _each_mails(ids: Iterable[int]) -> list[tuple[list[int], str, str, str, dict[str, str]]]:
    """(ids, to, subject, body, headers) for the unsent notifications of members who want
    each event by e-mail."""
    rows = db.session.execute(
        select(Notification, User)
        .join(User, User.id == Notification.user_id)
        .where(Notification.id.in_(list(ids)), Notification.emailed_at.is_(None))
    ).all()
    mails = []
    for note, user in rows:
        pref = preference(user)
        if pref.email_mode != "each" or not user.email:
            continue
        footer, headers = _footer(pref)
        text = note.body + (f"\n\n{_absolute(note.link)}" if note.link else "") + footer
        mails.append(([note.id], user.email, f"[rkc] {note.subject}", text.strip() + "\n", headers))
    return mails


def _send_all(mails: list[tuple[list[int], str, str, str, dict[str, str]]]) -> int:
    """Send; mark what went out as emailed (in its own transaction). Returns mails sent."""
    config = current_app.config
    if not mail.configured(config):
        return 0
    sent: list[int] = []
    count = 0
    for ids, to, subject, body, headers in mails:
        try:
            mail.send(config, to, subject, body, headers)
        except mail.MailError as exc:
            log.warning("%s (the next `rkc notify` tries again)", exc)
            continue
        sent += ids
        count += 1
    if sent:
        with db.engine.begin() as conn:
            conn.execute(
                update(Notification).where(Notification.id.in_(sent)).values(emailed_at=utcnow())
            )
    return count


def _before_commit(session: Session) -> None:
    ids = session.info.pop(_OUTBOX, None)
    if ids and has_app_context():
        session.info["rkc_mail_ready"] = _each_mails(ids)


def _after_commit(session: Session) -> None:
    mails = session.info.pop("rkc_mail_ready", None)
    if mails:
        try:
            _send_all(mails)
        except Exception:  # never fail the committed request
            log.exception("notification mail not sent (the next `rkc notify` tries again)")


def _after_rollback(session: Session) -> None:
    session.info.pop(_OUTBOX, None)
    session.info.pop("rkc_mail_ready", None)


def track(target: Any) -> None:
    for name, listener in (
        ("before_commit", _before_commit),
        ("after_commit", _after_commit),
        ("after_soft_rollback", lambda s, _p: _after_rollback(s)),
    ):
        if not event.contains(target, name, listener):
            event.listen(target, name, listener)


# --------------------------------------------------------------------------- rkc notify


def send_pending_each() -> int:
    """Each-event mails that failed earlier (the server was down): try again."""
    ids = db.session.scalars(select(Notification.id).where(Notification.emailed_at.is_(None))).all()
    mails = _each_mails(ids)
    db.session.commit()
    return _send_all(mails)


def send_digests(now: datetime | None = None) -> int:
    """One mail per digest member with every notification not yet sent. Returns mails sent."""
    now = now or utcnow()
    rows = db.session.execute(
        select(Notification, User)
        .join(User, User.id == Notification.user_id)
        .join(NotificationPreference, NotificationPreference.user_id == User.id)
        .where(
            NotificationPreference.email_mode == "digest",
            Notification.emailed_at.is_(None),
            Notification.created_at <= now,
        )
        .order_by(User.id, Notification.created_at)
    ).all()
    by_user: dict[int, tuple[User, list[Notification]]] = {}
    for note, user in rows:
        by_user.setdefault(user.id, (user, []))[1].append(note)
    mails = []
    for user, notes in by_user.values():
        if not user.email:
            continue
        footer, headers = _footer(preference(user))
        lines = [f"{len(notes)} event(s) since the last digest:", ""]
        for note in notes:
            lines.append(f"- {note.subject}" + (f"\n  {_absolute(note.link)}" if note.link else ""))
        subject = f"[rkc] Daily digest: {len(notes)} event(s)"
        text = "\n".join(lines) + footer
        mails.append(([n.id for n in notes], user.email, subject, text, headers))
    db.session.commit()
    return _send_all(mails)
