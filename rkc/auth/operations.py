"""Every write about people: accounts, passwords, tokens, failed log-ins. No Flask here."""

from __future__ import annotations

import hashlib
import math
import re
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from rkc import audit
from rkc.auth.models import ApiToken, LoginFailure, LoginThrottle, Role, TokenScope, User
from rkc.convention.models import utcnow
from rkc.extensions import db
from rkc.parties.models import Party

#: Throttling slows guessing and locks nobody out. One (account, address) pair has this many
#: attempts at once; after them each further attempt of the pair waits 2, 4, 8 ... seconds, at
#: most PAIR_MAX_DELAY. Another address is not affected: an attacker cannot lock a victim out.
PAIR_FREE_ATTEMPTS = 5
PAIR_MAX_DELAY = 15 * 60
#: One address, whatever the accounts (a password spray), is slowed after this many failures,
#: to one attempt per ADDRESS_MAX_DELAY seconds at worst.
ADDRESS_FREE_ATTEMPTS = 20
ADDRESS_MAX_DELAY = 60
#: Seconds after the last failure when a count is forgotten.
PAIR_MEMORY = 24 * 3600
ADDRESS_MEMORY = 3600


def clock() -> float:
    """Now, in Unix seconds, for throttling (tests may stop it)."""
    return time.time()


MIN_PASSWORD_LENGTH = 12
#: zxcvbn's score (0-4) a password needs: 3 is "safely unguessable" against an online attack
#: (about 10^8 guesses), which throttling keeps to a few dozen a day.
MIN_PASSWORD_SCORE = 3
#: zxcvbn looks at this many characters; a longer password is not weaker for its tail.
_ESTIMATED_CHARS = 64
#: Words anyone would try against this site, whoever the user is.
_SITE_WORDS = ("kyoto", "convention", "customs", "rkc", "wco", "revised", "delegate")
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")

#: A fixed hash used when the account does not exist, so that timing discloses nothing.
_DUMMY_HASH = generate_password_hash("not-a-real-password-0123456789")


class AccountError(ValueError):
    """Bad input for an account operation. `field` names the form field at fault."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


# --------------------------------------------------------------------------- passwords


def password_problems(password: str, username: str = "", personal: Iterable[str] = ()) -> list[str]:
    """Everything wrong with a proposed password (empty list: acceptable).

    Besides the length, a strength estimate (zxcvbn) that knows common passwords, keyboard
    patterns, repeats, dates and sequences, and the user's own name, user name and e-mail
    address (`personal`): a password built from those is refused even if long.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return [f"use at least {MIN_PASSWORD_LENGTH} characters"]
    if len(password) > 512:
        return ["use at most 512 characters"]
    if username and username.lower() in password.lower():
        return ["the password must not contain the user name"]
    words = _personal_words(username, *personal)
    estimate = zxcvbn(password[:_ESTIMATED_CHARS], user_inputs=[*words, *_SITE_WORDS])
    if estimate["score"] < MIN_PASSWORD_SCORE:
        return ["this password is too easy to guess" + _advice(estimate)]
    # Long enough to score well, yet made of the person's own names with a little around them:
    # what is left without them must be strong on its own.
    rest = password[:_ESTIMATED_CHARS].lower()
    for word in sorted((w for w in words if len(w) >= 3), key=len, reverse=True):
        rest = rest.replace(word, "")
    if len(rest) < len(password[:_ESTIMATED_CHARS]) and zxcvbn(rest)["score"] < MIN_PASSWORD_SCORE:
        return ["the password is built from your name or e-mail address"]
    return []


def _personal_words(*items: str) -> set[str]:
    """The user's names and e-mail address, whole and in parts, lower-case."""
    words = set()
    for item in items:
        item = item.strip().lower()
        if item:
            words.add(item)
            words.update(part for part in re.split(r"[^a-z0-9]+|(?<=\D)(?=\d)", item) if part)
            words.add(item.split("@")[0])  # an e-mail address's local part
    return {w for w in words if w}


def _advice(estimate: dict) -> str:
    """zxcvbn's warning and suggestions, as one clause."""
    feedback = estimate["feedback"]
    said = [feedback.get("warning") or "", *feedback.get("suggestions", [])]
    said = [text.rstrip(".") for text in said if text]
    return (": " + "; ".join(said)) if said else ""


def _check_password(password: str, user: User | None = None, **names: str) -> None:
    """Refuse a weak password, naming why; `user` (or `names`) gives the personal words."""
    if user is not None:
        names = {"username": user.username, "name": user.display_name, "email": user.email}
    username = names.pop("username", "")
    problems = password_problems(password, username, names.values())
    if problems:
        raise AccountError("password", "Password: " + "; ".join(problems) + ".")


# --------------------------------------------------------------------------- accounts


def create_user(
    *,
    username: str,
    display_name: str,
    password: str,
    role: Role | str,
    party: Party | None = None,
    organisation: str = "",
    email: str = "",
    is_demo: bool = False,
) -> User:
    username = username.strip().lower()
    if not _USERNAME.match(username):
        raise AccountError(
            "username", "User name: 2-80 characters, lower-case letters, digits, '.', '_' or '-'."
        )
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise AccountError("username", f"User name: “{username}” is already taken.")
    if not display_name.strip():
        raise AccountError("display_name", "Name: required.")
    role = Role(role)
    _check_role_party(role, party)
    _check_password(password, username=username, name=display_name, email=email)
    user = User(
        username=username,
        display_name=display_name.strip(),
        email=email.strip(),
        password_hash=generate_password_hash(password),
        role=role,
        party_id=party.id if party else None,
        organisation=organisation.strip(),
        is_demo=is_demo,
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        "user.create",
        "user",
        user.id,
        username=username,
        role=role.value,
        party=party.name if party else None,
    )
    return user


def _check_role_party(role: Role, party: Party | None) -> None:
    if role is Role.DELEGATE and party is None:
        raise AccountError("party", "Party: a delegate acts for exactly one Contracting Party.")
    if role is not Role.DELEGATE and party is not None:
        raise AccountError("party", "Party: only delegates belong to a party.")


def change_role(user: User, role: Role | str, party: Party | None = None) -> User:
    role = Role(role)
    _check_role_party(role, party)
    before = (user.role.value, user.party_id)
    user.role = role
    user.party_id = party.id if party else None
    user.session_epoch += 1  # a new role starts new sessions
    db.session.flush()
    audit.record(
        "user.change_role", "user", user.id, before=before, after=(role.value, user.party_id)
    )
    return user


def set_disabled(user: User, disabled: bool) -> User:
    user.is_disabled = disabled
    user.session_epoch += 1
    db.session.flush()
    audit.record("user.disable" if disabled else "user.enable", "user", user.id)
    return user


def update_profile(user: User, *, display_name: str, organisation: str, email: str) -> User:
    if not display_name.strip():
        raise AccountError("display_name", "Name: required.")
    user.display_name = display_name.strip()[:200]
    user.organisation = organisation.strip()[:200]
    user.email = email.strip()[:254]
    db.session.flush()
    audit.record("user.update_profile", "user", user.id)
    return user


def change_password(user: User, *, current: str | None, new: str) -> User:
    """Change a password; `current=None` only for administrators resetting it."""
    if current is not None and not check_password_hash(user.password_hash, current):
        raise AccountError("current_password", "Current password: that is not your password.")
    _check_password(new, user)
    user.password_hash = generate_password_hash(new)
    user.password_changed_at = utcnow()
    user.session_epoch += 1  # every other session ends
    ended = _revoke_all_tokens(user)  # and every API token: whoever held them, no longer
    db.session.flush()
    audit.record(
        "user.change_password", "user", user.id, by_admin=current is None, tokens_revoked=ended
    )
    return user


def end_sessions(user: User) -> User:
    """Log out: every session cookie issued so far for this account stops working."""
    user.session_epoch += 1
    db.session.flush()
    audit.record("user.log_out", "user", user.id)
    return user


# --------------------------------------------------------------------------- log-in


@dataclass(frozen=True)
class LoginAttempt:
    """A log-in attempt let through, or refused (`wait` > 0: seconds to wait)."""

    username: str
    address: str
    wait: int = 0
    pair_count: int = 0
    address_count: int = 0


def begin_login(username: str, address: str) -> LoginAttempt:
    """Count one attempt, before its password is looked at; refuse it while it must wait.

    Each count is one atomic upsert (INSERT ... ON CONFLICT DO UPDATE ... WHERE not_before_ms
    <= now RETURNING), not a read then a write: parallel attempts queue on the row, and once
    the free attempts are used the row's `not_before_ms` refuses the rest. The caller commits a
    let-through attempt before checking the password, and rolls back a refused one (which
    then counts for nothing, not even for the address).
    """
    name, address = username.strip().lower()[:80], address[:64]
    now = round(clock() * 1000)  # milliseconds
    counts = []
    for who, free, longest, memory in (
        ("", ADDRESS_FREE_ATTEMPTS, ADDRESS_MAX_DELAY, ADDRESS_MEMORY),
        (name, PAIR_FREE_ATTEMPTS, PAIR_MAX_DELAY, PAIR_MEMORY),
    ):
        count = _count_attempt(who, address, now, memory)
        if count is None:
            row = db.session.get(LoginThrottle, (who, address), populate_existing=True)
            wait = math.ceil((row.not_before_ms - now) / 1000) if row else 1
            return LoginAttempt(name, address, wait=max(1, wait))
        delay = _delay(count, free, longest)
        if delay:
            db.session.execute(
                update(LoginThrottle)
                .where(LoginThrottle.username == who, LoginThrottle.address == address)
                .values(not_before_ms=now + 1000 * delay)
            )
        counts.append(count)
    return LoginAttempt(name, address, address_count=counts[0], pair_count=counts[1])


def _delay(count: int, free: int, longest: int) -> int:
    """Seconds the next attempt waits after `count` attempts: none, then doubling."""
    if count < free:
        return 0
    return min(2 ** min(count - free + 1, 30), longest)


def _count_attempt(username: str, address: str, now: int, memory: int) -> int | None:
    """Add one attempt to a count, atomically; None when the count says "not yet".

    `now` in milliseconds, `memory` in seconds."""
    table = LoginThrottle.__table__
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    forgotten = table.c.last_ms < now - 1000 * memory
    statement = (
        insert(table)
        .values(username=username, address=address, failures=1, last_ms=now, not_before_ms=now)
        .on_conflict_do_update(
            index_elements=[table.c.username, table.c.address],
            set_={
                "failures": case((forgotten, 1), else_=table.c.failures + 1),
                "last_ms": now,
            },
            where=or_(table.c.not_before_ms <= now, forgotten),
        )
        .returning(table.c.failures)
    )
    return db.session.execute(statement).scalar_one_or_none()


def authenticate(attempt: LoginAttempt, password: str) -> User | None:
    """The user for these credentials, or None. Records failures; discloses nothing.

    `attempt` comes from `begin_login`, committed. Unknown names, wrong passwords and
    disabled accounts all look alike from outside. When a failure makes the pair or the
    address wait, the audit log says so (for the Secretariat).
    """
    name, address = attempt.username, attempt.address
    user = db.session.scalar(select(User).where(User.username == name))
    ok = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not ok or user.is_disabled:
        db.session.add(LoginFailure(username=name, address=address))
        if wait := _delay(attempt.pair_count, PAIR_FREE_ATTEMPTS, PAIR_MAX_DELAY):
            audit.record(
                "login.delayed", "login", name, address=address,
                failures=attempt.pair_count, wait_seconds=wait,
            )  # fmt: skip
        if wait := _delay(attempt.address_count, ADDRESS_FREE_ATTEMPTS, ADDRESS_MAX_DELAY):
            audit.record(
                "login.address_delayed", "login", address, address=address,
                failures=attempt.address_count, wait_seconds=wait,
            )  # fmt: skip
        db.session.flush()
        return None
    user.last_login_at = utcnow()
    # The pair starts afresh. The address gives this attempt back: it keeps the count of its
    # failures (other accounts may be sprayed), but a room of delegates behind one address
    # is never slowed by its own successful log-ins.
    db.session.execute(
        delete(LoginThrottle).where(
            LoginThrottle.username == name, LoginThrottle.address == address
        )
    )
    table = LoginThrottle.__table__
    db.session.execute(
        update(table)
        .where(table.c.username == "", table.c.address == address, table.c.failures > 0)
        .values(
            failures=table.c.failures - 1,
            # Below the free attempts again: the wait this attempt may have set is lifted.
            not_before_ms=case(
                (table.c.failures - 1 < ADDRESS_FREE_ATTEMPTS, 0), else_=table.c.not_before_ms
            ),
        )
    )
    db.session.flush()
    return user


# --------------------------------------------------------------------------- API tokens

TOKEN_PREFIX = "rkc_"  # noqa: S105 (a marker, not a secret)


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


#: Lifetimes offered for a new token, in days (None: until revoked or the password changes).
TOKEN_LIFETIMES = (7, 30, 90, 365, None)


def issue_token(
    user: User,
    name: str,
    *,
    scope: TokenScope | str = TokenScope.WRITE,
    expires_in_days: int | None = None,
) -> tuple[ApiToken, str]:
    """Create a token; returns the row and the token itself, which is never stored."""
    name = name.strip()
    if not name:
        raise AccountError("name", "Token name: required, so that you can tell tokens apart.")
    try:
        scope = TokenScope(scope)
    except ValueError:
        raise AccountError("scope", "Scope: read or write.") from None
    if expires_in_days is not None and not 0 < expires_in_days <= 366:
        raise AccountError("expires_in", "Expires: after 1 to 366 days, or never.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name[:100],
        prefix=secret[:10],
        token_hash=_hash_token(secret),
        scope=scope,
        expires_at=utcnow() + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        "token.issue", "api_token", token.id, name=token.name, scope=scope.value,
        expires_at=token.expires_at,
    )  # fmt: skip
    return token, secret


def revoke_token(user: User, token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise AccountError("token", "Token: no such token of yours.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
        audit.record("token.revoke", "api_token", token.id)
    return token


def _revoke_all_tokens(user: User) -> int:
    """End every token of this account (its password changed); returns how many."""
    result = db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount


def token_for_secret(secret: str, *, record_use: bool = True) -> tuple[ApiToken | None, str]:
    """The valid token for this secret, or None and why not ("unknown", "revoked",
    "expired"); `record_use` also notes when it was last used (a write)."""
    if not secret.startswith(TOKEN_PREFIX):
        return None, "unknown"
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash_token(secret)))
    if token is None or token.user.is_disabled:
        return None, "unknown"
    if token.revoked_at is not None:
        return None, "revoked"
    if token.is_expired(utcnow()):
        return None, "expired"
    if record_use:
        token.last_used_at = utcnow()
        db.session.flush()
    return token, ""


def user_for_token(secret: str, *, record_use: bool = True) -> User | None:
    """The owner of a valid token; `record_use` also notes when it was last used (a write)."""
    token, _why = token_for_secret(secret, record_use=record_use)
    return token.user if token is not None else None
