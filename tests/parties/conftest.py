"""Writes made by a test body run as a named system actor.

The audit actor is a context variable that each request sets; a request made earlier in the
same thread would otherwise still be "the actor" (with an account another test's database
may not have).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from rkc.audit import Actor, acting_as


@pytest.fixture(autouse=True)
def _test_actor() -> Iterator[None]:
    with acting_as(Actor(None, "test", "system")):
        yield
