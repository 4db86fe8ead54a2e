"""The append-only audit log: who did what to which object, when and from where.

Operations call `record(...)`; the actor comes from a context variable that the request
(or the CLI command) sets, so operations stay free of Flask.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import Any

from rkc.extensions import db


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    role: str
    party_id: int | None = None
    address: str = ""


SYSTEM = Actor(user_id=None, username="system", role="system")

_actor: ContextVar[Actor] = ContextVar("rkc_actor", default=SYSTEM)


def current_actor() -> Actor:
    return _actor.get()


@contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    token = _actor.set(actor)
    try:
        yield actor
    finally:
        _actor.reset(token)


def set_actor(actor: Actor) -> Token[Actor]:
    """Set the actor until `reset_actor(token)`; a request sets it first and resets it last."""
    return _actor.set(actor)


def reset_actor(token: Token[Actor]) -> None:
    _actor.reset(token)


def record(action: str, object_type: str, object_id: Any = None, **detail: Any) -> None:
    """Append one event to the audit log in the current transaction."""
    from rkc.audit.models import AuditEvent

    actor = current_actor()
    db.session.add(
        AuditEvent(
            user_id=actor.user_id,
            username=actor.username,
            role=actor.role,
            party_id=actor.party_id,
            address=actor.address[:64],
            action=action,
            object_type=object_type,
            object_id=str(object_id) if object_id is not None else "",
            detail=json.dumps(detail, default=str, sort_keys=True) if detail else "",
        )
    )
