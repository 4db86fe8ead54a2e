"""Reads about people."""

from __future__ import annotations

from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from rkc.auth.models import ApiToken, User
from rkc.extensions import db
from rkc.parties.models import Party


def user_by_id(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def all_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.role, User.username)))


def tokens_of(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)
        )
    )


def party_choices() -> list[SelectChoice]:
    parties = db.session.scalars(select(Party).order_by(Party.name))
    return [SelectChoice(value=0, label="— none —")] + [
        SelectChoice(value=p.id, label=p.name) for p in parties
    ]


def party_by_id(party_id: int | None) -> Party | None:
    return db.session.get(Party, party_id) if party_id else None
