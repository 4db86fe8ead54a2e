"""Every write about people: accounts, passwords, tokens, failed log-ins. No Flask here."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from rkc import audit
from rkc.auth.models import ApiToken, LoginFailure, Role, User
from rkc.convention.models import utcnow
from rkc.extensions import db
from rkc.parties.models import Party

#: Throttling: this many failures within the window lock further attempts for the window.
ACCOUNT_FAILURES = 5
ADDRESS_FAILURES = 20
FAILURE_WINDOW = timedelta(minutes=15)

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
    db.session.flush()
    audit.record("user.change_password", "user", user.id, by_admin=current is None)
    return user


def end_sessions(user: User) -> User:
    """Log out: every session cookie issued so far for this account stops working."""
    user.session_epoch += 1
    db.session.flush()
    audit.record("user.log_out", "user", user.id)
    return user


# --------------------------------------------------------------------------- log-in


def is_throttled(username: str, address: str, now: datetime | None = None) -> bool:
    since = (now or utcnow()) - FAILURE_WINDOW
    by_account = db.session.scalar(
        select(func.count(LoginFailure.id)).where(
            LoginFailure.username == username.strip().lower(), LoginFailure.at >= since
        )
    )
    by_address = db.session.scalar(
        select(func.count(LoginFailure.id)).where(
            LoginFailure.address == address, LoginFailure.at >= since
        )
    )
    return by_account >= ACCOUNT_FAILURES or by_address >= ADDRESS_FAILURES


def authenticate(username: str, password: str, address: str) -> User | None:
    """The user for these credentials, or None. Records failures; discloses nothing.

    The caller checks `is_throttled` first. Unknown names, wrong passwords and disabled
    accounts all look alike from outside.
    """
    name = username.strip().lower()
    user = db.session.scalar(select(User).where(User.username == name))
    ok = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not ok or user.is_disabled:
        db.session.add(LoginFailure(username=name[:80], address=address[:64]))
        db.session.flush()
        return None
    user.last_login_at = utcnow()
    db.session.execute(delete(LoginFailure).where(LoginFailure.username == name))
    db.session.flush()
    return user


# --------------------------------------------------------------------------- API tokens

TOKEN_PREFIX = "rkc_"  # noqa: S105 (a marker, not a secret)


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; returns the row and the token itself, which is never stored."""
    name = name.strip()
    if not name:
        raise AccountError("name", "Token name: required, so that you can tell tokens apart.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id, name=name[:100], prefix=secret[:10], token_hash=_hash_token(secret)
    )
    db.session.add(token)
    db.session.flush()
    audit.record("token.issue", "api_token", token.id, name=token.name)
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


def user_for_token(secret: str, *, record_use: bool = True) -> User | None:
    """The owner of a valid token; `record_use` also notes when it was last used (a write)."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash_token(secret)))
    if token is None or token.revoked_at is not None or token.user.is_disabled:
        return None
    if record_use:
        token.last_used_at = utcnow()
        db.session.flush()
    return token.user
