"""What day it is, for the law: the calendar date at the depositary's seat.

Everything that asks "in force today?" asks here, so that all servers agree whatever their
own time zone, and so that tests can see one place.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

#: The WCO Secretary General, the depositary, sits in Brussels.
LEGAL_TIMEZONE = ZoneInfo("Europe/Brussels")


def today() -> date:
    return datetime.now(LEGAL_TIMEZONE).date()
