"""Hostile strings that every user text field must survive (shared by the browser tests)."""

from __future__ import annotations

#: Each would run script, load a resource or break the markup if output were not escaped.
PAYLOADS = (
    "<script>window.__xss = 1</script>",
    '"><img src=x onerror="window.__xss=2">',
    "<svg onload=window.__xss=3>",
    "javascript:window.__xss=4",
    "'; window.__xss=5; '",
    "</textarea><script>window.__xss=6</script>",
    "{{7*7}} {% raw %}",
    '<a href="javascript:window.__xss=8">click</a>',
    "[link](javascript:window.__xss=9)",
    '<iframe src="data:text/html,<script>parent.__xss=10</script>"></iframe>',
)
