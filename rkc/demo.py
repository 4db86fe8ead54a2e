"""Demonstration data for a newcomer (`rkc init --demo`); refused in production by the CLI."""

from __future__ import annotations

import secrets

from sqlalchemy import select

from rkc.auth import operations as auth_ops
from rkc.auth.models import Role, User
from rkc.extensions import db
from rkc.parties.models import Party

#: username, display name, role, party ISO3 (delegates), organisation (observers)
DEMO_ACCOUNTS = (
    ("delegate-a", "Demo delegate (Austria)", Role.DELEGATE, "AUT", ""),
    ("delegate-b", "Demo delegate (Canada)", Role.DELEGATE, "CAN", ""),
    ("delegate-c", "Demo delegate (Cambodia)", Role.DELEGATE, "KHM", ""),
    ("observer", "Demo observer", Role.OBSERVER, None, "Observer organisation (demo)"),
    ("secretariat", "Demo Secretariat officer", Role.SECRETARIAT, None, ""),
    ("admin", "Demo administrator", Role.ADMIN, None, ""),
)


def create_demo_accounts() -> list[tuple[str, str, str]]:
    """Create the demo accounts that do not exist; returns (username, role, password)."""
    created = []
    for username, name, role, iso3, organisation in DEMO_ACCOUNTS:
        if db.session.scalar(select(User.id).where(User.username == username)):
            continue
        party = db.session.scalar(select(Party).where(Party.iso3 == iso3)) if iso3 else None
        if iso3 and party is None:
            party = Party(name=f"Demo party {iso3}", iso3=iso3)
            db.session.add(party)
            db.session.flush()
        password = "demo-" + secrets.token_urlsafe(12)
        auth_ops.create_user(
            username=username,
            display_name=name,
            password=password,
            role=role,
            party=party,
            organisation=organisation,
            is_demo=True,
        )
        created.append((username, role.value, password))
    return created
