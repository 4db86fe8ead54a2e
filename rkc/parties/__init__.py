"""Contracting Parties, acceptance, reservations and procedures.

The Convention's date rules are pure functions (no Flask, no database): ``periods.py`` (dates
known to a precision, calendar months, the rules as data), ``entry_into_force.py`` (Art. 18) and
``deadlines.py`` (Arts. 12, 13 and 17). The amendment procedure's rules are in
``rkc/procedure/law.py``.
"""
