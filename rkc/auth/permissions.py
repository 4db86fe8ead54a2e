"""The one answer to "may this user do this to this object?".

Views, the API and templates all ask `can(user, action, obj)`. Nothing else decides access.
Anonymous visitors are represented by flask-login's AnonymousUserMixin (or None).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user

from rkc.auth.models import Role
from rkc.convention.models import Edition


class Action(enum.StrEnum):
    READ_EDITION = "read_edition"
    READ_WORKING_DOCUMENTS = "read_working_documents"
    PROPOSE_AMENDMENT = "propose_amendment"
    EDIT_AMENDMENT = "edit_amendment"
    READ_AMENDMENT = "read_amendment"
    CO_SPONSOR = "co_sponsor"
    TAKE_POSITION = "take_position"
    COMMENT = "comment"
    RESOLVE_COMMENT = "resolve_comment"
    RUN_WORKFLOW = "run_workflow"
    MERGE = "merge"
    #: Supply and check an amendment's version in another language (issue 13).
    TRANSLATE_AMENDMENT = "translate_amendment"
    PUBLISH = "publish"
    RECORD_PARTY_EVENT = "record_party_event"
    VIEW_AUDIT = "view_audit"
    MANAGE_USERS = "manage_users"
    MANAGE_PARTIES = "manage_parties"
    MANAGE_OWN_ACCOUNT = "manage_own_account"
    IMPORT_TEXT = "import_text"
    #: The review register: meetings, agendas, documents (members read, the Secretariat keeps it).
    READ_MEETINGS = "read_meetings"
    MANAGE_MEETINGS = "manage_meetings"
    READ_DOCUMENT = "read_document"
    #: A written comment on a framework component while its consultation is open (issue 20).
    COMMENT_ON_COMPONENT = "comment_on_component"


def role_of(user: Any) -> Role | None:
    """The user's role, or None for an anonymous visitor or a disabled account."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if not getattr(user, "is_active", False):
        return None
    return user.role


def _roles(*roles: Role) -> Callable[[Any, Any], bool]:
    def rule(user: Any, _obj: Any) -> bool:
        return role_of(user) in roles

    return rule


def _members(user: Any, _obj: Any) -> bool:
    return role_of(user) is not None


def _read_edition(user: Any, edition: Edition | None) -> bool:
    if edition is None:
        return False
    return edition.is_published or _members(user, edition)


def _delegate_with_party(user: Any, _obj: Any) -> bool:
    return role_of(user) is Role.DELEGATE and user.party_id is not None


def _same_party_delegate(user: Any, obj: Any) -> bool:
    """A delegate acting on an object that belongs to their own party."""
    return _delegate_with_party(user, obj) and getattr(obj, "party_id", None) == user.party_id


def _read_amendment(user: Any, amendment: Any) -> bool:
    if role_of(user) is None:
        return False
    if getattr(amendment, "is_draft", False):
        # A draft amendment is visible to its own party only (and to nobody else).
        return _same_party_delegate(user, amendment)
    return True


def _co_sponsor(user: Any, amendment: Any) -> bool:
    return (
        _delegate_with_party(user, amendment)
        and getattr(amendment, "party_id", None) != user.party_id
    )


def _take_position(user: Any, amendment: Any) -> bool:
    """A delegate of a party other than the proposing one (a party does not judge its own)."""
    return _co_sponsor(user, amendment) and not getattr(amendment, "is_draft", False)


def _comment(user: Any, amendment: Any) -> bool:
    if amendment is not None and not _read_amendment(user, amendment):
        return False
    return _delegate_with_party(user, amendment) or role_of(user) is Role.SECRETARIAT


def _resolve_comment(user: Any, comment: Any) -> bool:
    """The thread's author, a delegate of the amendment's party, or the Secretariat."""
    if role_of(user) is Role.SECRETARIAT:
        return True
    if comment is None or role_of(user) is None:
        return False
    if getattr(comment, "author_id", None) == user.id:
        return True
    return _same_party_delegate(user, getattr(comment, "amendment", None))


#: Who reads a review document of each distribution level (rkc.review.models.DocumentLevel).
DOCUMENT_READERS: dict[str, frozenset[Role | None]] = {
    "public": frozenset({None, *Role}),
    "parties_and_observers": frozenset(Role),
    "parties": frozenset({Role.DELEGATE, Role.SECRETARIAT}),
    "secretariat": frozenset({Role.SECRETARIAT}),
}


def _read_document(user: Any, document: Any) -> bool:
    """A review document, by its distribution level; nobody reads one without a level."""
    level = getattr(getattr(document, "level", None), "value", None)
    return level in DOCUMENT_READERS and role_of(user) in DOCUMENT_READERS[level]


RULES: dict[Action, Callable[[Any, Any], bool]] = {
    Action.READ_EDITION: _read_edition,
    Action.READ_WORKING_DOCUMENTS: _members,
    Action.PROPOSE_AMENDMENT: _delegate_with_party,
    Action.EDIT_AMENDMENT: _same_party_delegate,
    Action.READ_AMENDMENT: _read_amendment,
    Action.CO_SPONSOR: _co_sponsor,
    Action.TAKE_POSITION: _take_position,
    Action.COMMENT: _comment,
    Action.RESOLVE_COMMENT: _resolve_comment,
    Action.RUN_WORKFLOW: _roles(Role.SECRETARIAT),
    Action.MERGE: _roles(Role.SECRETARIAT),
    Action.TRANSLATE_AMENDMENT: _roles(Role.SECRETARIAT),
    Action.PUBLISH: _roles(Role.SECRETARIAT),
    Action.RECORD_PARTY_EVENT: _roles(Role.SECRETARIAT),
    Action.VIEW_AUDIT: _roles(Role.SECRETARIAT, Role.ADMIN),
    Action.MANAGE_USERS: _roles(Role.ADMIN),
    Action.MANAGE_PARTIES: _roles(Role.ADMIN),
    Action.MANAGE_OWN_ACCOUNT: _members,
    Action.IMPORT_TEXT: _roles(Role.SECRETARIAT),
    Action.READ_MEETINGS: _members,
    Action.MANAGE_MEETINGS: _roles(Role.SECRETARIAT),
    Action.READ_DOCUMENT: _read_document,
    Action.COMMENT_ON_COMPONENT: _roles(Role.DELEGATE, Role.OBSERVER, Role.SECRETARIAT),
}


def can(user: Any, action: Action | str, obj: Any = None) -> bool:
    """Whether `user` may do `action` (to `obj`, where the answer depends on it)."""
    return RULES[Action(action)](user, obj)


def require(action: Action) -> Callable:
    """View decorator: 401 (log in) for anonymous visitors, 403 for members who may not."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not can(current_user, action):
                abort(401 if role_of(current_user) is None else 403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def ensure(action: Action, obj: Any = None) -> None:
    """Abort the request unless the current user may do `action` to `obj`."""
    if not can(current_user, action, obj):
        abort(401 if role_of(current_user) is None else 403)
