"""Derived files of published editions, built once and kept on disk.

A published edition never changes its text, so its PDF, Word and Akoma Ntoso files (whole or
one unit), its corpus zip and the comparison PDFs between two published editions are built
the first time someone asks and then served from `DERIVED_DIR` (default
`<instance>/derived`) with `send_file`; so are their side-by-side Word and PDF files
(two languages in two columns, `side_by_side_recipe`).

**Key.** Each file is named by a hash of what it is made from: the kind of file and its
options (format, unit, "show all"), and for each edition its identity, title, status, dates,
authenticity and a digest of its manifest (node -> revision per language). Files live in a
folder per release (the code and templates, `rkc.web.BUILD_TOKEN`, and `EXPORT_VERSION`), so
a new release builds new files and `rkc derived prune` removes the old folders.

**Single flight.** The first build of a file runs under an exclusive `flock` on
`<key>.lock` beside it: one process (or thread) builds, the others wait for the file and are
served it; a request that waited `DERIVED_WAIT_SECONDS` without seeing it gets
`DerivedBusy` (503 with Retry-After), never a second build. A file is written to a temporary
name and renamed into place, so a reader never sees half of one.

Working drafts are not cached: their files are built per request, for members only, and the
rate limit bounds them (keying them by the draft's change version would fill the cache with
files that are read once). A compilation's PDF and Word files are the exception
(`rkc.interchange.compilation.recipe`): each is keyed by what it shows (the HTML the PDF is
laid out from, the plan of the Word file), which holds only what the reader may see, so the
members who download the same compilation before a meeting get one file, built once. Each
change to what it shows makes a new file; `rkc derived prune` removes those built more than
`DERIVED_COMPILATION_DAYS` (7) days ago.
"""

from __future__ import annotations

import fcntl
import hashlib
import itertools
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from rkc.convention import queries
from rkc.convention.models import Edition, EditionEntry, Node
from rkc.extensions import db
from rkc.filelock import lock_exclusive

#: Bump when an exporter's output changes without a change to the code's files.
EXPORT_VERSION = "2"
#: Seconds a request waits for a file another process is building before it gets 503.
DEFAULT_WAIT_SECONDS = 10.0
#: What a 503 tells the client to wait before asking again (seconds).
RETRY_AFTER = 5

FORMAT_SUFFIXES = {"docx": "docx", "pdf": "pdf", "akn": "akn.xml", "zip": "zip"}


class DerivedBusy(Exception):
    """Another process is still building the file; ask again in `retry_after` seconds."""

    def __init__(self, retry_after: int = RETRY_AFTER):
        super().__init__(f"the file is being built; try again in {retry_after} s")
        self.retry_after = retry_after


class NotInEdition(LookupError):
    """The unit asked for is not part of the edition (found while building)."""


@dataclass(frozen=True)
class Recipe:
    """How to make one derived file, and the key that names it."""

    key: str
    suffix: str
    build: Callable[[], bytes]


def derived_dir() -> Path:
    configured = current_app.config.get("DERIVED_DIR") or ""
    return Path(configured) if configured else Path(current_app.instance_path) / "derived"


def release() -> str:
    """The folder of this release's files: code, templates and exporter version."""
    from rkc.web import BUILD_TOKEN

    token = f"{current_app.extensions[BUILD_TOKEN]}|{EXPORT_VERSION}"
    return hashlib.sha256(token.encode()).hexdigest()[:16]


# --------------------------------------------------------------------------- keys

#: Published editions do not change: their manifest digest is computed once per process.
_fingerprints: dict[tuple[str, int, str], str] = {}
_fingerprints_lock = threading.Lock()


def fingerprint(edition: Edition) -> str:
    """What an edition's files depend on: its identity, metadata and manifest."""
    metadata = "|".join(
        str(part)
        for part in (
            edition.id,
            edition.work.key,
            edition.slug,
            edition.title,
            edition.status.value,
            edition.adopted_on,
            edition.in_force_from,
            edition.is_authentic,
            edition.authentic_languages,
            edition.frozen_at,
        )
    )
    memo = (str(db.engine.url), edition.id, metadata)
    with _fingerprints_lock:
        known = _fingerprints.get(memo)
    if known is not None:
        return known
    digest = hashlib.sha256(metadata.encode())
    rows = db.session.execute(
        select(EditionEntry.node_id, EditionEntry.language, EditionEntry.revision_id)
        .where(EditionEntry.edition_id == edition.id)
        .order_by(EditionEntry.node_id, EditionEntry.language)
    )
    for node_id, language, revision_id in rows:
        digest.update(f"{node_id}:{language}:{revision_id};".encode())
    value = digest.hexdigest()
    with _fingerprints_lock:
        _fingerprints[memo] = value
    return value


def _key(kind: str, editions: Iterable[Edition], *options: str) -> str:
    parts = [release(), kind, *options, *(fingerprint(e) for e in editions)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]


def cacheable(*editions: Edition | None) -> bool:
    return all(e is not None and e.is_published for e in editions)


# --------------------------------------------------------------------------- recipes


def edition_recipe(
    edition: Edition, fmt: str, node: Node | None = None, language: str = "en"
) -> Recipe:
    """An edition (or one unit of it) as docx, pdf or akn in `language`, or as zip (the corpus
    format, which exports the English text only)."""
    if fmt == "zip":
        language = "en"
    from rkc.interchange import akn, corpus_format, docx_export, pdf
    from rkc.interchange.queries import snapshot

    def build() -> bytes:
        if fmt == "zip":
            name = f"{edition.work.key}-{edition.slug}"
            return corpus_format.zip_bytes(corpus_format.export_edition(edition), name)
        snap = snapshot(edition, node, language)
        if snap is None:
            raise NotInEdition(node.key if node is not None else "")
        if fmt == "docx":
            return docx_export.export(snap)
        if fmt == "pdf":
            return pdf.to_pdf(pdf.edition_html(snap))
        return akn.export(snap)

    # The language is part of the key: each language is its own file.
    key = _key("edition", [edition], fmt, node.key if node is not None else "", language)
    return Recipe(key, FORMAT_SUFFIXES[fmt], build)


def side_by_side_recipe(
    edition: Edition, fmt: str, node: Node | None, languages: tuple[str, ...]
) -> Recipe:
    """An edition (or one unit of it) as docx or pdf in two languages side by side."""
    from rkc.interchange import side_by_side

    def build() -> bytes:
        pair = side_by_side.pairing(edition, node, languages)
        if pair is None:
            raise NotInEdition(node.key if node is not None else "")
        return side_by_side.export(pair, fmt)

    # A kind of its own and both languages in order: never the key of a one-language file.
    options = (fmt, node.key if node is not None else "", ",".join(languages))
    return Recipe(_key("side-by-side", [edition], *options), FORMAT_SUFFIXES[fmt], build)


def compare_recipe(
    old: Edition, new: Edition, node: Node | None, show_all: bool, language: str = "en"
) -> Recipe:
    """The comparison redline of two editions as PDF, in `language`."""
    from rkc.interchange import pdf

    def build() -> bytes:
        comparison = queries.compare(old, new, language, node=node)
        rows = comparison.rows if show_all else comparison.changed_rows
        html = pdf.compare_html(comparison, rows, scope=node.key if node is not None else None)
        return pdf.to_pdf(html)

    options = (
        "pdf",
        node.key if node is not None else "",
        "all" if show_all else "changed",
        language,
    )
    return Recipe(_key("compare", [old, new], *options), "pdf", build)


# --------------------------------------------------------------------------- the store


def path_of(recipe: Recipe) -> Path:
    return derived_dir() / release() / f"{recipe.key}.{recipe.suffix}"


def obtain(recipe: Recipe, wait: float | None = None) -> Path:
    """The file of `recipe`, built now if nobody has yet (single flight, see the module)."""
    path = path_of(recipe)
    if path.exists():
        return path
    if wait is None:
        wait = float(current_app.config.get("DERIVED_WAIT_SECONDS", DEFAULT_WAIT_SECONDS))
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(recipe.key + ".lock"), "a+b") as lock:
        try:
            # Built meanwhile (its builder is letting go of the lock): no need to hold it.
            if not lock_exclusive(lock, wait, give_up=path.exists):
                return path
        except TimeoutError:
            raise DerivedBusy() from None
        try:
            if path.exists():  # built while we waited for the lock
                return path
            _build(recipe, path)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return path


def _build(recipe: Recipe, path: Path) -> None:
    started = time.perf_counter()
    data = recipe.build()
    temporary = path.with_name(f".{recipe.key}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with open(temporary, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    current_app.logger.info(
        "derived file built: %s (%d bytes, %.2f s)",
        path.name,
        len(data),
        time.perf_counter() - started,
    )


# --------------------------------------------------------------------------- ahead of time


def published_recipes() -> list[tuple[str, Recipe]]:
    """Every whole-edition file of every published edition, and the comparison of each
    published edition with the one before it: what `rkc derived warm` builds."""
    from rkc.interchange import side_by_side

    found: list[tuple[str, Recipe]] = []
    for work in queries.all_works():
        editions = [e for e in queries.editions_of(work, include_drafts=False) if e.is_published]
        for edition in editions:
            for fmt in FORMAT_SUFFIXES:
                for language in ["en"] if fmt == "zip" else queries.languages_of(edition):
                    name = f"{work.key} {edition.slug} {fmt}" + (
                        f" {language}" if language != "en" else ""
                    )
                    found.append((name, edition_recipe(edition, fmt, None, language)))
        for edition in editions:
            languages = tuple(queries.languages_of(edition))
            if len(languages) < 2:
                continue
            for fmt in side_by_side.FORMATS:
                name = f"{work.key} {edition.slug} {fmt} {','.join(languages[:2])}"
                found.append((name, side_by_side_recipe(edition, fmt, None, languages[:2])))
        for old, new in itertools.pairwise(editions):
            name = f"{work.key} compare {old.slug} {new.slug}"
            found.append((name, compare_recipe(old, new, None, show_all=False)))
    return found


#: The keys of compilations' files start with it (`rkc.interchange.compilation.recipe`).
COMPILATION_PREFIX = "compilation-"


def prune(*, compilation_days: float | None = None) -> list[Path]:
    """Remove the folders of other releases, temporary files left by a killed build, and the
    compilations' files built more than `compilation_days` ago (default
    `DERIVED_COMPILATION_DAYS`): each change to what a compilation shows makes a new file, so
    they would pile up in a release's folder. One asked for again is built again."""
    root = derived_dir()
    removed: list[Path] = []
    if not root.is_dir():
        return removed
    if compilation_days is None:
        compilation_days = float(current_app.config.get("DERIVED_COMPILATION_DAYS", 7))
    current = release()
    for entry in root.iterdir():
        if entry.is_dir() and entry.name != current:
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    now = time.time()
    for stale in (root / current).glob(".*.tmp"):
        if now - stale.stat().st_mtime > 3600:
            stale.unlink(missing_ok=True)
            removed.append(stale)
    for built in (root / current).glob(COMPILATION_PREFIX + "*"):
        if built.suffix != ".lock" and now - built.stat().st_mtime > compilation_days * 86400:
            built.unlink(missing_ok=True)
            built.with_suffix(".lock").unlink(missing_ok=True)
            removed.append(built)
    return removed
