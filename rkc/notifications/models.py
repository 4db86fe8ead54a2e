"""Notifications (in the app, and by e-mail), each member's mail preference, password resets.

- A **Notification** is one event for one member: what happened, where to look, when it was
  read in the app and when (if ever) it went out by e-mail. Reminders of deadlines carry a
  `dedupe` key so that `rkc notify`, run every day, reminds once.
- A **NotificationPreference** says how a member wants e-mail: "each" (one mail per event),
  "digest" (one mail a day) or "off"; `unsubscribe_token` is the secret of the one-click
  unsubscribe link (random, per member, kept until used).
- A **PasswordReset** is a single-use, expiring token; only its SHA-256 is stored.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rkc.auth.models import User
from rkc.convention.models import utcnow
from rkc.extensions import db

EMAIL_MODES = ("each", "digest", "off")


class Notification(db.Model):
    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    #: What kind of event: "sponsor_request", "reply", "status", "conflict", "merged",
    #: "reminder", ...
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    #: A path on this site ("/amendments/12"), made absolute with PUBLIC_URL in e-mail.
    link: Mapped[str] = mapped_column(String(500), default="")
    #: Reminders: one per (member, key), e.g. "objections:7:2026-05-01" or, per lead in days,
    #: "review:<party>:2027-02-03:30".
    dedupe: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)

    user: Mapped[User] = relationship()


class NotificationPreference(db.Model):
    __tablename__ = "notification_preference"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    email_mode: Mapped[str] = mapped_column(String(10), default="each")
    unsubscribe_token: Mapped[str] = mapped_column(String(64), unique=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PasswordReset(db.Model):
    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()
