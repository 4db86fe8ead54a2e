"""People: accounts, roles, log-in, API tokens, and the one permission module."""
