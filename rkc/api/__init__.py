"""The JSON API under /api/v1 (token or session authentication)."""
