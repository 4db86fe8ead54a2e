"""Amendments: proposals to a working draft, their discussion, rebasing and compilations."""
