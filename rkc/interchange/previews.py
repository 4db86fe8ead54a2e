"""Uploads kept between an import's preview and its confirmation (web import page).

The import page checks a file and shows what it would store (the PDF fidelity report, the
summary per chapter, the warnings to accept) before anything is stored; confirming must not
ask for the file again. The upload waits in the instance folder under a random token, in
one file per token named after the user who uploaded it: only that user may confirm it, and
only within `MAX_AGE` seconds. Every new preview sweeps older ones away. No Flask here.
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

MAX_AGE = 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def keep_upload(folder: Path, user_id: int, source: str, data: bytes) -> str:
    """Keep an upload; the token that finds it again."""
    folder.mkdir(parents=True, exist_ok=True)
    _sweep(folder)
    token = secrets.token_urlsafe(24)
    (folder / f"{user_id}-{token}.upload").write_bytes(data)
    (folder / f"{user_id}-{token}.name").write_text(source[:200], encoding="utf-8")
    return token


def take_upload(folder: Path, user_id: int, token: str) -> tuple[str, bytes] | None:
    """(file name, bytes) of a kept upload of this user, or None (unknown, expired, other)."""
    if not _TOKEN.match(token or ""):
        return None
    data_path = folder / f"{user_id}-{token}.upload"
    try:
        if time.time() - data_path.stat().st_mtime > MAX_AGE:
            return None
        return (folder / f"{user_id}-{token}.name").read_text(
            encoding="utf-8"
        ), data_path.read_bytes()
    except OSError:
        return None


def drop_upload(folder: Path, user_id: int, token: str) -> None:
    """Forget a kept upload (after it was stored)."""
    if not _TOKEN.match(token or ""):
        return
    for suffix in (".upload", ".name"):
        (folder / f"{user_id}-{token}{suffix}").unlink(missing_ok=True)


def _sweep(folder: Path) -> None:
    limit = time.time() - MAX_AGE
    for path in folder.glob("*-*.*"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except OSError:
            continue
