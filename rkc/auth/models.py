"""Accounts, personal API tokens and failed log-in records."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from flask_babel import lazy_gettext
from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rkc.convention.models import utcnow
from rkc.extensions import db
from rkc.parties.models import Party


class Role(enum.StrEnum):
    DELEGATE = "delegate"
    OBSERVER = "observer"
    SECRETARIAT = "secretariat"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return {
            "delegate": lazy_gettext("Delegate"),
            "observer": lazy_gettext("Observer"),
            "secretariat": lazy_gettext("Secretariat"),
            "admin": lazy_gettext("Administrator"),
        }[self.value]


class TokenScope(enum.StrEnum):
    READ = "read"
    WRITE = "write"


class User(db.Model):
    """A person with an account. Anonymous visitors have none."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Log-in name, stored lower-case.
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(
        Enum(
            Role,
            native_enum=False,
            length=20,
            validate_strings=True,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    #: A delegate acts for exactly one party; other roles have none.
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"), index=True)
    #: An observer's organisation (e.g. "WTO Secretariat").
    organisation: Mapped[str] = mapped_column(String(200), default="")
    is_disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Bumped on every password change: sessions carry it, so older sessions end.
    session_epoch: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: The interface language the member chose ("en", "fr"); None: never chose (rkc/i18n.py).
    interface_locale: Mapped[str | None] = mapped_column(String(8))

    party: Mapped[Party | None] = relationship()

    # flask-login protocol ---------------------------------------------------------------
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return not self.is_disabled

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch}"

    # convenience ------------------------------------------------------------------------
    @property
    def is_member(self) -> bool:
        """Members read working documents: every signed-in role."""
        return self.is_active

    def __str__(self) -> str:
        return self.display_name or self.username


class ApiToken(db.Model):
    """A personal API token. Only its hash is stored; the token is shown once."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    #: First characters of the token, to recognise it in lists.
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: "read" or "write" (write includes read). Tokens made before scopes existed could write.
    scope: Mapped[TokenScope] = mapped_column(
        Enum(
            TokenScope,
            native_enum=False,
            length=10,
            validate_strings=True,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=TokenScope.WRITE,
        server_default=TokenScope.WRITE.value,
    )
    #: After this moment the token is refused; None: until revoked or the password changes.
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def is_expired(self, now: datetime) -> bool:
        if self.expires_at is None:
            return False
        expires = self.expires_at
        if expires.tzinfo is None:  # SQLite hands back naive UTC
            expires = expires.replace(tzinfo=UTC)
        return expires <= now

    @property
    def may_write(self) -> bool:
        return self.scope is TokenScope.WRITE


class LoginThrottle(db.Model):
    """Failed log-ins counted for one (account, address) pair, or for one address across all
    accounts (`username` empty). Counted with one atomic statement per attempt (see
    `operations.begin_login`), so parallel requests cannot slip past the count."""

    __tablename__ = "login_throttle"

    #: Lower-case name as typed (it need not exist); "" for the address-wide count.
    username: Mapped[str] = mapped_column(String(80), primary_key=True)
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: Attempts since the last success (or since the count was last forgotten).
    failures: Mapped[int] = mapped_column(Integer)
    #: Unix times in milliseconds: the last attempt, and the earliest the next may be checked.
    last_ms: Mapped[int] = mapped_column(BigInteger)
    not_before_ms: Mapped[int] = mapped_column(BigInteger)


class LoginFailure(db.Model):
    """One failed log-in, kept for throttling per account and per address."""

    __tablename__ = "login_failure"
    __table_args__ = (
        Index("ix_login_failure_username_at", "username", "at"),
        Index("ix_login_failure_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
