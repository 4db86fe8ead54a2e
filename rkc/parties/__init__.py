"""Contracting Parties, acceptance, reservations and procedures.

``law.py`` holds the Convention's date rules as pure functions (no Flask, no database).
"""
