"""The index on disk: open it, check it, catch it up from the change log, rebuild it.

Size: under 900 lines, kept whole: opening, checking, catching up and rebuilding share the
lock, the watermark and the schema version below (how a segment is written is in writer.py,
how a query is matched in matching.py); the checks of a damaged index are the part to move
out first.

The database is the truth; the index is derived from it and can always be rebuilt.

- **One writer at a time.** Every write (catch-up or rebuild) happens under an exclusive
  `flock` on `<INDEX_DIR>.lock` (beside the index, so deleting the index leaves it alone), held
  from reading the change log to the Whoosh commit. Gunicorn workers, CLI commands and threads
  all queue on it; Whoosh's own write lock is taken inside it with a timeout as a second guard.
- **Watermark inside the index.** A bookkeeping document (`STATE_DOC_ID`) records the last
  change-log row the index reflects, the schema version and which database it was built from.
  It is written in the same Whoosh commit as the documents, so the index and its watermark
  never disagree. Catching up means "apply the rows after the watermark"; applying a row twice
  is harmless (it reconciles an edition's manifest with the index), so a crash between the
  Whoosh commit and anything else loses nothing.
- **Membership beside the documents.** Each revision is indexed once; which editions hold it
  is read from the database (the editions' manifests), remembered per edition in this process
  and forgotten for the editions the change log names (`Membership`). Opening a draft or
  freezing an edition therefore writes no document: the catch-up only moves the watermark.
- **Checked at start.** The first use in a process opens every segment and reads every stored
  document; a missing, unreadable, foreign or old-schema index is rebuilt under the lock (and a
  process that finds the lock taken waits, then checks again before doing anything itself).
"""

from __future__ import annotations

import fcntl
import gc
import logging
import os
import re
import shutil
import threading
import time
import warnings
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, func, select
from whoosh import index as whoosh_index
from whoosh import writing
from whoosh.columns import MultiColumnReader
from whoosh.searching import Searcher

from rkc.filelock import lock_exclusive
from rkc.search import documents
from rkc.search.models import SearchChange
from rkc.search.schema import (
    FACET_FIELDS,
    SCHEMA_VERSION,
    STATE_DOC_ID,
    build_schema,
    spelling_analyzer,
    weighting,
)
from rkc.search.writer import IndexWriter, collector_paused

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Documents per batch when rebuilding (and per progress-bar step).
BATCH = 250

#: Open searchers kept per process (one per search running at once; more are closed).
IDLE_SEARCHERS = 8

_SPELLING = {"spell_en": spelling_analyzer("en"), "spell_fr": spelling_analyzer("fr")}


class IndexBusy(RuntimeError):
    """Another process holds the index for writing longer than we were willing to wait."""


class IndexProblem(RuntimeError):
    """The index cannot be used as it is: missing, unreadable, old schema, other database."""


@dataclass(frozen=True)
class IndexState:
    """What the bookkeeping document says, for one generation of the index."""

    generation: int
    applied_through: int
    schema_version: int
    origin: str
    documents: int


@dataclass
class Report:
    """What a catch-up or a rebuild did."""

    action: str  # "none", "caught up", "rebuilt"
    changes: int = 0
    written: int = 0
    deleted: int = 0
    through: int = 0
    reason: str = ""
    seconds: float = 0.0


@dataclass
class _Caches:
    """Per-generation memory of things that only change when the index does."""

    generation: int
    edition_docs: dict[int, frozenset[int]] = field(default_factory=dict)
    #: The same as bit masks (bit n set: document number n), for counting intersections.
    edition_masks: dict[int, int] = field(default_factory=dict)
    unions: dict[frozenset[int], frozenset[int]] = field(default_factory=dict)
    facet_rows: list[tuple[str, ...]] | None = None
    node_ids: list[int] | None = None
    #: revision id -> document number (live documents only).
    docnums: dict[int, int] | None = None
    #: Anything else worked out from this generation alone (see `IndexView.remembered`).
    derived: dict[Any, Any] = field(default_factory=dict)


class Membership:
    """Which revisions each edition holds, read from the database and remembered.

    An edition's manifest changes only in a transaction that logs its id in the change log
    (rkc/search/changes.py), so a remembered manifest stays right until a log row after
    `through` names its edition (or "all"). `refresh` reads those rows and forgets what they
    name; a manifest read between two refreshes may already hold later changes, which the
    next refresh forgets again: never stale for longer than one search.
    """

    def __init__(self) -> None:
        self.through = 0
        self.origin = ""
        self._manifests: dict[int, frozenset[int]] = {}
        self._derived: dict[Any, Any] = {}
        self._lock = threading.Lock()

    def derived(self, key: Any, compute: Callable[[], T]) -> T:
        """`compute()`, remembered until the change log moves (for what is read from the text
        store alone, e.g. the works and editions a search scope chooses from)."""
        with self._lock:
            if key in self._derived:
                return self._derived[key]  # type: ignore[no-any-return]
            through = self.through
        value = compute()
        with self._lock:
            if self.through == through and through:
                if len(self._derived) >= 16:
                    self._derived.clear()
                self._derived[key] = value
        return value

    def refresh(self, conn: Any, last: int, origin: str) -> None:
        with self._lock:
            if last != self.through or origin != self.origin:
                self._derived.clear()
            if origin != self.origin or last < self.through:
                self._manifests.clear()
            elif last > self.through:
                rows = conn.execute(
                    select(SearchChange.subject, SearchChange.subject_id).where(
                        SearchChange.id > self.through
                    )
                ).all()
                for subject, subject_id in rows:
                    if subject == "all":
                        self._manifests.clear()
                        break
                    if subject == "edition":
                        self._manifests.pop(subject_id, None)
            self.through, self.origin = last, origin

    def revisions(self, engine: Engine, edition_id: int) -> frozenset[int]:
        found = self._manifests.get(edition_id)
        if found is None:
            with engine.connect() as conn:
                found = frozenset(documents.manifest_revision_ids(conn, edition_id))
            with self._lock:
                self._manifests[edition_id] = found
        return found

    def forget(self) -> None:
        with self._lock:
            self._manifests.clear()
            self._derived.clear()
            self.through, self.origin = 0, ""


class SearchIndex:
    """One Whoosh index directory, as used by this process."""

    def __init__(self, directory: str | os.PathLike[str], *, lock_timeout: float = 30.0):
        self.directory = Path(directory)
        self.lock_path = self.directory.with_name(self.directory.name + ".lock")
        self.lock_timeout = lock_timeout
        self._mutex = threading.RLock()
        self._verified = False
        self._state: IndexState | None = None
        self._caches: _Caches | None = None
        #: The revision ids this process last left indexed, and the index's files as they
        #: stood then (`_signature`): while the files are exactly those, a catch-up needs not
        #: read every document's revision id to know which revisions are indexed.
        self._indexed: tuple[tuple[tuple[str, int, int, int], ...], frozenset[int]] | None = None
        self.membership = Membership()
        self._engine: Engine | None = None
        #: Searchers open on the index as its files stood (`_signature`), lent one per search.
        self._idle: list[Searcher] = []
        self._idle_signature: tuple[tuple[str, int, int, int], ...] | None = None
        weakref.finalize(self, _close_all, self._idle)

    # ------------------------------------------------------------------ locking

    @contextmanager
    def writing_lock(self, timeout: float | None = None) -> Iterator[None]:
        """Hold the exclusive write lock (across processes and threads) or raise IndexBusy."""
        wait = self.lock_timeout if timeout is None else timeout
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                lock_exclusive(fd, wait)
            except TimeoutError:
                raise IndexBusy(
                    f"the search index at {self.directory} is being written by another "
                    f"process (waited {wait:.0f} s)"
                ) from None
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    # ------------------------------------------------------------------ reading the index

    def exists(self) -> bool:
        """Whether an index was ever written here (it may still be damaged)."""
        return self.directory.is_dir() and any(self.directory.glob("_MAIN_*.toc"))

    def _open(self) -> Any:
        if not self.exists():
            raise IndexProblem("missing")
        return _guarded(lambda: whoosh_index.open_dir(str(self.directory)))

    def _read_state(self, searcher: Searcher) -> IndexState:
        docnum = searcher.document_number(doc_id=STATE_DOC_ID)
        if docnum is None:
            raise IndexProblem("no bookkeeping document (an interrupted build?)")
        stored = searcher.stored_fields(docnum)
        return IndexState(
            generation=searcher.reader().generation() or 0,
            applied_through=int(stored.get("applied_through", 0)),
            schema_version=int(stored.get("schema_version", 0)),
            origin=str(stored.get("origin", "")),
            documents=searcher.doc_count() - 1,
        )

    def _verify_everything(self, searcher: Searcher) -> None:
        """Touch every stored document, term list and column: a truncated file fails here."""
        reader = searcher.reader()
        for _ in reader.all_stored_fields():
            pass
        for fieldname in ("text", "title", "text_fr", "title_fr"):
            for term in reader.lexicon(fieldname):
                reader.postings(fieldname, term).all_ids()
        for fieldname in ("revision_id", "node_id", *FACET_FIELDS):
            column = column_reader(reader, fieldname)
            for docnum in range(reader.doc_count_all()):
                column[docnum]

    def state(self, *, deep: bool = False) -> IndexState:
        """The index's bookkeeping, or IndexProblem saying why it cannot be used."""
        ix = self._open()

        def read() -> IndexState:
            with ix.searcher() as searcher:
                state = self._read_state(searcher)
                if deep:
                    self._verify_everything(searcher)
                return state

        state = _guarded(read)
        if state.schema_version != SCHEMA_VERSION:
            raise IndexProblem(
                f"written with schema {state.schema_version}, this code uses {SCHEMA_VERSION}"
            )
        return state

    # ------------------------------------------------------------------ the database side

    @staticmethod
    def _log_bounds(conn: Any) -> tuple[int, str]:
        """The last change-log id and the identity of this database's change log."""
        last = conn.scalar(select(func.max(SearchChange.id))) or 0
        first = conn.execute(
            select(SearchChange.id, SearchChange.created_at).order_by(SearchChange.id).limit(1)
        ).first()
        origin = f"{first[0]}@{first[1]}" if first else ""
        return last, origin

    # ------------------------------------------------------------------ keeping current

    def ensure_current(self, engine: Engine, *, rebuild: bool = True) -> Report:
        """Make the index usable and in step with committed data.

        Called before every search (cheap when nothing changed: one look at the index's
        generation and one `max(id)` on the change log) and after every commit that logged a
        change (with `rebuild=False`: a broken index is left for the next search to rebuild).
        """
        with self._mutex:
            problem, behind = self._diagnose(engine)
            if problem is None and not behind:
                return Report("none", through=self._state.applied_through if self._state else 0)
            if problem is not None and not rebuild:
                raise IndexProblem(problem)
            timeout = None if rebuild else min(self.lock_timeout, 5.0)
            with self.writing_lock(timeout):
                # Someone else may have done the work while we waited for the lock.
                problem, behind = self._diagnose(engine)
                if problem is not None:
                    if not rebuild:
                        raise IndexProblem(problem)
                    level = logging.INFO if problem == "missing" else logging.WARNING
                    log.log(level, "search index %s: %s; rebuilding", self.directory, problem)
                    return self._rebuild_locked(engine, fresh=True, reason=problem)
                if behind:
                    return self._catch_up_locked(engine)
            return Report("none")

    def _diagnose(self, engine: Engine) -> tuple[str | None, bool]:
        """(problem or None, whether change-log rows wait to be applied)."""
        try:
            state = self._current_state()
        except IndexProblem as exc:
            return str(exc), False
        self._engine = engine
        with engine.connect() as conn:
            last, origin = self._log_bounds(conn)
            self.membership.refresh(conn, last, origin)
        if state.origin != origin:
            return "built from another database", False
        if state.applied_through > last:
            return "ahead of this database's change log", False
        return None, state.applied_through < last

    def _current_state(self) -> IndexState:
        """The state, re-read only when the index's generation moved (deep-checked once)."""
        if not self._verified:
            self._state = self.state(deep=True)
            self._verified = True
            return self._state
        generation = _latest_generation(self.directory)
        if generation is None:
            self._verified = False
            raise IndexProblem("missing")
        if self._state is None or self._state.generation != generation:
            self._state = self.state()
        return self._state

    def forget(self) -> None:
        """Drop what this process remembers: the next use checks the index from scratch."""
        with self._mutex:
            self._verified = False
            self._state = None
            self._caches = None
            self._indexed = None
            self.membership.forget()
            _close_all(self._idle)
            self._idle_signature = None

    def catch_up(self, engine: Engine) -> Report:
        """Apply the change-log rows the index has not seen (under the write lock)."""
        with self._mutex, self.writing_lock():
            return self._catch_up_locked(engine)

    def _catch_up_locked(self, engine: Engine) -> Report:
        """Index the revisions made since the watermark (and any an edition holds that the
        index lacks), then move the watermark. Membership changes write no document."""
        started = time.perf_counter()
        ix = self._open()
        with engine.connect() as conn, ExitStack() as stack:
            # The files are those this process last wrote: what it remembers of them holds,
            # and no searcher is needed unless the change log asks for a reconciliation.
            known, state = self._indexed, self._state
            remembered = (
                known is not None and state is not None and known[0] == _signature(self.directory)
            )
            searcher = None if remembered else stack.enter_context(ix.searcher())
            if searcher is not None:
                state = self._read_state(searcher)
            assert state is not None
            rows = conn.execute(
                select(SearchChange.id, SearchChange.subject, SearchChange.subject_id)
                .where(SearchChange.id > state.applied_through)
                .order_by(SearchChange.id)
            ).all()
            if not rows:
                return Report("none", through=state.applied_through)
            through = rows[-1].id
            _last, origin = self._log_bounds(conn)
            everything = any(r.subject == "all" for r in rows)
            if remembered and not everything:
                assert known is not None
                docnums: dict[int, int] = {}  # only a reconciliation deletes documents
                indexed = set(known[1])
            else:
                if searcher is None:
                    searcher = stack.enter_context(ix.searcher())
                docnums = _docnums(searcher.reader())
                indexed = set(docnums)
            extra: set[int] = set()
            if everything:
                # Reconcile every revision id (cheap: ids only, no text unless missing).
                in_db = set(documents.indexed_revision_ids(conn))
                wanted = in_db - indexed
                extra = indexed - in_db
            else:
                wanted = {r.subject_id for r in rows if r.subject == "revision"} - indexed
                for edition_id in sorted({r.subject_id for r in rows if r.subject == "edition"}):
                    wanted |= documents.manifest_revision_ids(conn, edition_id) - indexed
            wanted.discard(None)  # type: ignore[arg-type]
            docs, missing = (
                documents.documents(
                    conn, sorted(wanted), documents.load_outline(conn), documents.work_keys(conn)
                )
                if wanted
                else ([], [])
            )
        writer = IndexWriter(ix, timeout=self.lock_timeout, delay=0.1)
        try:
            for doc in docs:
                writer.add_document(**doc)
            # By document number: a revision's document has no unique term of its own (a
            # term per document was a fifth of the terms a rebuild wrote). The numbers are
            # this generation's, and nothing else writes while the lock is held.
            for revision_id in sorted(extra):
                writer.delete_document(docnums[revision_id])
            writer.update_document(**_state_document(through, origin))
        except BaseException:
            writer.cancel()
            self._indexed = None
            raise
        writer.commit()
        # Nothing else writes while the lock is held: these files are the ones just written,
        # and the state is the one the bookkeeping document now says.
        now_indexed = (indexed - extra) | {doc["revision_id"] for doc in docs}
        self._indexed = (_signature(self.directory), frozenset(now_indexed))
        generation = _latest_generation(self.directory)
        self._state = (
            IndexState(
                generation=generation,
                applied_through=through,
                schema_version=state.schema_version,
                origin=origin,
                documents=state.documents + len(docs) - len(extra),
            )
            if generation is not None
            else None
        )
        return Report(
            "caught up",
            changes=len(rows),
            written=len(docs),
            deleted=len(extra) + len(missing),
            through=through,
            seconds=time.perf_counter() - started,
        )

    # ------------------------------------------------------------------ rebuilding

    def rebuild(
        self,
        engine: Engine,
        *,
        progress: Callable[[int], None] | None = None,
        on_total: Callable[[int], None] | None = None,
    ) -> Report:
        """Rebuild from the database. A readable index is replaced in one commit (searches go
        on meanwhile); a missing or broken one is recreated."""
        with self._mutex, self.writing_lock():
            try:
                self.state()
                fresh, reason = False, "asked for"
            except IndexProblem as exc:
                fresh, reason = True, str(exc)
            return self._rebuild_locked(
                engine, fresh=fresh, reason=reason, progress=progress, on_total=on_total
            )

    def _rebuild_locked(
        self,
        engine: Engine,
        *,
        fresh: bool,
        reason: str,
        progress: Callable[[int], None] | None = None,
        on_total: Callable[[int], None] | None = None,
    ) -> Report:
        started = time.perf_counter()
        self._indexed = None  # read from the new files at the next catch-up
        with collector_paused():
            with engine.connect() as conn:
                # The watermark is read before the data: anything logged later is applied again
                # later, which is harmless.
                through, origin = self._log_bounds(conn)
                revision_ids = documents.indexed_revision_ids(conn)
                if on_total is not None:
                    on_total(len(revision_ids))
                outline = documents.load_outline(conn)
                works = documents.work_keys(conn)
                if fresh:
                    if self.directory.exists():
                        shutil.rmtree(self.directory)
                    self.directory.mkdir(parents=True)
                    ix = whoosh_index.create_in(str(self.directory), build_schema())
                else:
                    ix = self._open()
                writer = IndexWriter(ix, timeout=self.lock_timeout, delay=0.1)
                written = 0
                spelt: dict[str, set[str]] = {name: set() for name in SPELLING_FIELDS}
                lines: dict[tuple[str, str], set[str]] = {}
                plain: dict[str, str] = {}
                try:
                    for part in documents.chunks(revision_ids, BATCH):
                        docs, _orphans = documents.documents(conn, part, outline, works, plain)
                        for doc in docs:
                            _new_words_only(doc, spelt, lines)
                            writer.add_document(**doc)
                        written += len(docs)
                        if progress is not None:
                            progress(len(part))
                    writer.add_document(**_state_document(through, origin))
                except BaseException:
                    writer.cancel()
                    raise
            writer.commit(mergetype=writing.CLEAR)
        self.forget()
        return Report(
            "rebuilt",
            written=written,
            through=through,
            reason=reason,
            seconds=time.perf_counter() - started,
        )

    # ------------------------------------------------------------------ searching

    @contextmanager
    def searcher(self, engine: Engine | None = None) -> Iterator[IndexView]:
        """A searcher on the latest generation, with its caches. Edition membership is read
        through `engine` (by default the one `ensure_current` last saw).

        Opening a searcher reads the table of contents, every segment's term index and column
        offsets: a fifth of a short search. So searchers are kept open and lent one per search
        (one thread each), for as long as the index's files stay exactly as they were when the
        searcher was opened: every search first compares each file's size, modification time
        and inode with what they were (`_signature`, one `stat` per file). A new generation, a
        rebuild or a file truncated or replaced by damage changes that, and the next search
        opens the index afresh (and finds the damage, as before).
        """
        engine = engine or self._engine
        searcher, signature = self._lend()
        healthy = False
        try:
            generation = searcher.reader().generation() or 0
            with self._mutex:
                if self._caches is None or self._caches.generation != generation:
                    self._caches = _Caches(generation)
                caches = self._caches
            yield IndexView(searcher, caches, self._mutex, self.membership, engine)
            healthy = True
        finally:
            self._give_back(searcher, signature, healthy)

    def _lend(self) -> tuple[Searcher, tuple[tuple[str, int, int, int], ...]]:
        try:
            signature = _signature(self.directory)
        except FileNotFoundError:
            raise IndexProblem("missing") from None
        with self._mutex:
            if signature != self._idle_signature:
                _close_all(self._idle)
                self._idle_signature = signature
            elif self._idle:
                return self._idle.pop(), signature
        ix = self._open()
        return _guarded(lambda: ix.searcher(weighting=weighting())), signature

    def _give_back(
        self, searcher: Searcher, signature: tuple[tuple[str, int, int, int], ...], healthy: bool
    ) -> None:
        with self._mutex:
            if healthy and signature == self._idle_signature and len(self._idle) < IDLE_SEARCHERS:
                self._idle.append(searcher)
                return
        searcher.close()

    def stored_documents(self) -> list[dict[str, Any]]:
        """The stored fields of every revision document (for consistency checks: the whole
        index is read, so never on a request's path)."""
        ix = self._open()

        def read() -> list[dict[str, Any]]:
            with ix.searcher() as searcher:
                return [
                    dict(fields)
                    for fields in searcher.reader().all_stored_fields()
                    if fields.get("doctype") == "revision"
                ]

        return _guarded(read)

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.directory.glob("*") if p.is_file())


def _latest_generation(directory: Path) -> int | None:
    """The newest generation of the index in `directory` (the number in the name of its
    newest table of contents, as Whoosh finds it), or None when there is none: what
    `open_dir(...).latest_generation()` says, without reading the table of contents."""
    generations = [
        int(found[1])
        for path in directory.glob("_MAIN_*.toc")
        if (found := _TOC_NAME.fullmatch(path.name))
    ]
    return max(generations) if generations else None


_TOC_NAME = re.compile(r"_MAIN_(\d+)\.toc")


def _signature(directory: Path) -> tuple[tuple[str, int, int, int], ...]:
    """Name, size, modification time and inode of every file of the index (Whoosh's own
    write lock aside: it comes and goes while a writer works, the files it guards do not)."""
    found = []
    with os.scandir(directory) as entries:
        for entry in entries:
            if entry.name.endswith("WRITELOCK") or not entry.is_file():
                continue
            stat = entry.stat()
            found.append((entry.name, stat.st_size, stat.st_mtime_ns, stat.st_ino))
    return tuple(sorted(found))


def _close_all(searchers: list[Searcher]) -> None:
    while searchers:
        searchers.pop().close()


def _guarded(read: Callable[[], T]) -> T:
    """Call `read`; turn a failure to read the index's files into IndexProblem, leak-free.

    Whoosh leaves a file open when it fails half-way through reading a damaged one. The
    exception is dropped here (not chained: a chained traceback would keep the file alive) and
    collected while ResourceWarning is silenced, so the file is closed now rather than in a
    warning at some later moment.
    """
    problem = ""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            return read()
        except IndexProblem:
            raise
        except Exception as exc:  # any damage: a truncated, missing or garbled file
            problem = f"unreadable ({type(exc).__name__}: {exc})"
        gc.collect()
    raise IndexProblem(problem)


#: The fields of words as written ("did you mean" reads only which words they hold).
SPELLING_FIELDS = ("spell_en", "spell_fr")


def _new_words_only(
    doc: dict[str, Any], spelt: dict[str, set[str]], lines: dict[tuple[str, str], set[str]]
) -> None:
    """Keep in `doc`'s spelling field only the words no earlier document of this rebuild had.

    "Did you mean" asks which words the field holds (`terms_within`), never how many
    documents hold them, so each word is written once instead of once per document that has
    it: a rebuild writes about a fifth of the postings it wrote for these fields. `lines`
    remembers the words of each line (revisions share most of their lines).
    """
    for name, seen in spelt.items():
        value = doc.get(name)
        if not value:
            continue
        analyzer = _SPELLING[name]
        words: set[str] = set()
        for line in value.split("\n"):
            found = lines.get((name, line))
            if found is None:
                found = lines[(name, line)] = analyzer.word_set(line)
            words |= found
        words -= seen
        seen |= words
        doc[name] = " ".join(sorted(words))


def _state_document(through: int, origin: str) -> dict[str, Any]:
    return {
        "doc_id": STATE_DOC_ID,
        "doctype": "_state",
        "applied_through": through,
        "schema_version": SCHEMA_VERSION,
        "origin": origin,
    }


class IndexView:
    """A searcher plus the per-generation caches that make filters and facets cheap."""

    def __init__(
        self,
        searcher: Searcher,
        caches: _Caches,
        mutex: threading.RLock,
        membership: Membership | None = None,
        engine: Engine | None = None,
    ):
        self.searcher = searcher
        self._caches = caches
        self._mutex = mutex
        self._membership = membership
        self._engine = engine

    def docnums(self) -> dict[int, int]:
        """Revision id -> document number, for the live documents (read once per generation)."""
        found = self._caches.docnums
        if found is None:
            found = _docnums(self.searcher.reader())
            with self._mutex:
                self._caches.docnums = found
        return found

    def edition_docs(self, edition_id: int) -> frozenset[int]:
        """Document numbers of the revisions an edition holds: its manifest (remembered until
        the change log names the edition) mapped to this generation's documents."""
        cached = self._caches.edition_docs.get(edition_id)
        if cached is None:
            if self._membership is None or self._engine is None:
                raise RuntimeError("edition membership needs the database: pass an engine")
            docnums = self.docnums()
            revisions = self._membership.revisions(self._engine, edition_id)
            cached = frozenset(docnums[r] for r in revisions if r in docnums)
            with self._mutex:
                self._caches.edition_docs[edition_id] = cached
        return cached

    def edition_mask(self, edition_id: int) -> int:
        """`edition_docs` as a bit mask (see `bitmask`), remembered like it."""
        cached = self._caches.edition_masks.get(edition_id)
        if cached is None:
            cached = bitmask(self.edition_docs(edition_id))
            with self._mutex:
                self._caches.edition_masks[edition_id] = cached
        return cached

    def editions_docs(self, edition_ids: list[int]) -> frozenset[int]:
        """Document numbers of the revisions any of these editions holds (remembered)."""
        key = frozenset(edition_ids)
        cached = self._caches.unions.get(key)
        if cached is None:
            union: set[int] = set()
            for edition_id in key:
                union |= self.edition_docs(edition_id)
            cached = frozenset(union)
            with self._mutex:
                if len(self._caches.unions) >= 64:  # a bound on odd combinations of editions
                    self._caches.unions.clear()
                self._caches.unions[key] = cached
        return cached

    def facet_rows(self) -> list[tuple[str, ...]]:
        """Per document number, its values of FACET_FIELDS (read once per generation)."""
        rows = self._caches.facet_rows
        if rows is None:
            reader = self.searcher.reader()
            total = reader.doc_count_all()
            columns = [column_reader(reader, name) for name in FACET_FIELDS]
            rows = [tuple(_text(c[d]) for c in columns) for d in range(total)]
            with self._mutex:
                self._caches.facet_rows = rows
        return rows

    def remembered(self, key: Any, compute: Callable[[], T]) -> T:
        """`compute()`, once per index generation (e.g. each document's part of BM25F's
        denominator, rkc/search/matching.py)."""
        found = self._caches.derived.get(key)
        if found is None:
            found = compute()
            with self._mutex:
                self._caches.derived[key] = found
        return found  # type: ignore[no-any-return]

    def node_ids(self) -> list[int]:
        ids = self._caches.node_ids
        if ids is None:
            reader = self.searcher.reader()
            column = column_reader(reader, "node_id")
            ids = [column[d] for d in range(reader.doc_count_all())]
            with self._mutex:
                self._caches.node_ids = ids
        return ids


def bitmask(docnums: Iterable[int]) -> int:
    """An int whose bit n is set for each document number n: the size of a set's
    intersection with another is then `(a & b).bit_count()`, a few machine words per 64
    documents (the edition facet counts the matches in each of up to 100 editions)."""
    bits = bytearray()
    for docnum in docnums:
        byte = docnum >> 3
        if byte >= len(bits):
            bits.extend(bytes(byte + 1 - len(bits)))
        bits[byte] |= 1 << (docnum & 7)
    return int.from_bytes(bits, "little")


def _docnums(reader: Any) -> dict[int, int]:
    """Revision id -> document number of every live revision document: each segment's column
    read whole, deletions asked only of a segment that has some (per document, through the
    multi-segment reader, it was most of opening a draft on a large index)."""
    found: dict[int, int] = {}
    leaves = [(reader, 0)] if reader.is_atomic() else reader.leaf_readers()
    for leaf, offset in leaves:
        if not leaf.has_column("revision_id"):
            continue  # a segment of bookkeeping only (see column_reader)
        values = list(leaf.column_reader("revision_id"))
        deleted = leaf.is_deleted if leaf.has_deletions() else None
        for docnum, revision_id in enumerate(values):
            if revision_id and (deleted is None or not deleted(docnum)):
                found[revision_id] = docnum + offset
    return found


def column_reader(reader: Any, fieldname: str) -> Any:
    """A column over every document of `reader`, segment by segment.

    Whoosh's own multi-segment column reader leaves out the segments that hold no value for
    the column (a catch-up that only rewrites the bookkeeping document writes such a segment:
    after a freeze, an entry into force, an acceptance), so the documents of those segments
    were read from the previous segment's column: wrong values or `IndexError: array index
    out of range`. Here each segment answers for its own documents; a segment without the
    column gives the column's default value.
    """
    if reader.is_atomic():
        return reader.column_reader(fieldname)
    leaves = reader.leaf_readers()
    return MultiColumnReader(
        [leaf.column_reader(fieldname) for leaf, _offset in leaves],
        [offset for _leaf, offset in leaves],
    )


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return value or ""
