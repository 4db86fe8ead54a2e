"""The backup archive: one zip file, the same whichever database wrote it.

    manifest.json         format, schema revision, when, from which kind of database, and per
                          table: its columns, its row count and the sha256 of its file
    tables/<table>.jsonl  one JSON object per row, columns in table order, rows in primary-key
                          order

A row is written in a canonical form that does not depend on the database engine: integers,
floating-point numbers (shortest repr), strings, booleans and nulls as JSON; dates as
`YYYY-MM-DD`; timestamps in UTC as `YYYY-MM-DDTHH:MM:SS.ffffffZ`; enumerations and other
decorated types as the text stored in the column. The hash of a table is the sha256 of its
canonical lines, so computing it from a database (`TableCodec.line` over its rows) and from
an archive (the file's bytes) gives the same value exactly when the rows are identical: that
is how a restore is checked.

An archive is read through `rkc.interchange.safe_zip`: every member is inflated a slice at a
time against BACKUP_MAX_UNPACKED_BYTES (counted as inflated, whatever the headers declare), and
an archive of more than BACKUP_MAX_ZIP_MEMBERS members is refused before it is opened.

No Flask and no session here (beyond reading those two limits); SQLAlchemy only for the
column types.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Enum,
    Float,
    Integer,
    LargeBinary,
    String,
    Table,
    TypeDecorator,
)
from sqlalchemy.sql import ColumnElement, column, select
from sqlalchemy.sql import table as table_clause
from sqlalchemy.types import TypeEngine

from rkc.interchange.safe_zip import BoundedZip, ZipLimits, ZipRefused

FORMAT = "rkc-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
#: Largest manifest read (a real one is a few KiB): a hostile archive cannot exhaust memory.
MANIFEST_LIMIT = 1024 * 1024
#: Longest line read from a table file; the longest text field of a real row is far shorter.
LINE_LIMIT = 16 * 1024 * 1024


class ArchiveError(ValueError):
    """The archive cannot be read or does not say what its manifest says; nothing was stored."""


def member_name(table: str) -> str:
    return f"tables/{table}.jsonl"


# --------------------------------------------------------------------------- the row codec


def _raw_type(coltype: TypeEngine[Any]) -> TypeEngine[Any]:
    """The type as stored: decorated types and enumerations read and write their raw text."""
    while isinstance(coltype, TypeDecorator):
        coltype = coltype.impl_instance
    if isinstance(coltype, Enum):
        return String(coltype.length)
    return coltype


def _kind(coltype: TypeEngine[Any]) -> str:
    if isinstance(coltype, DateTime):
        return "datetime" if coltype.timezone else "naive_datetime"
    if isinstance(coltype, Date):
        return "date"
    if isinstance(coltype, Boolean):
        return "bool"
    if isinstance(coltype, Integer):
        return "int"
    if isinstance(coltype, Float):
        return "float"
    if isinstance(coltype, String):
        return "str"
    if isinstance(coltype, LargeBinary):
        return "bytes"  # as base64 text (a registered document's file)
    raise ArchiveError(f"column type {coltype!r} is not supported by the backup format")


def _encode(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "datetime":
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if kind == "naive_datetime":
        return value.replace(tzinfo=None).strftime("%Y-%m-%dT%H:%M:%S.%f")
    if kind == "date":
        return value.isoformat()
    if kind == "bool":
        return bool(value)
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    if kind == "bytes":
        return base64.b64encode(bytes(value)).decode("ascii")
    return str(value)


def _decode(kind: str, value: Any) -> Any:
    """The database value of an archive value; TypeError/ValueError when it is not one."""
    if value is None:
        return None
    if kind == "int":
        if type(value) is not int:
            raise TypeError("expected an integer")
        return value
    if kind == "float":
        if type(value) not in (int, float):
            raise TypeError("expected a number")
        return float(value)
    if kind == "bool":
        if type(value) is not bool:
            raise TypeError("expected true or false")
        return value
    if not isinstance(value, str):
        raise TypeError("expected a string")
    if kind == "datetime":
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    if kind == "naive_datetime":
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f")  # noqa: DTZ007 (stored naive)
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "bytes":
        try:
            return base64.b64decode(value, validate=True)
        except binascii.Error as error:
            raise ValueError("expected base64 text") from error
    return value


class TableCodec:
    """How one table's rows are read raw from a database and written as canonical lines."""

    def __init__(self, table: Table):
        self.table = table
        self.name = table.name
        self.columns = [c.name for c in table.columns]
        self.raw_types = [_raw_type(c.type) for c in table.columns]
        self.kinds = [_kind(t) for t in self.raw_types]
        #: The column's own type where it says more than the raw one (enumerations, dates
        #: with a precision): a value it does not accept is refused, not stored.
        self.checks = [
            c.type if c.type is not raw else None
            for c, raw in zip(table.columns, self.raw_types, strict=True)
        ]
        self.primary_key = [c.name for c in table.primary_key.columns]

    def raw_columns(self) -> list[ColumnElement[Any]]:
        return [column(n, t) for n, t in zip(self.columns, self.raw_types, strict=True)]

    def select_in_order(self, dialect_name: str):  # type: ignore[no-untyped-def]
        """SELECT every row, raw, in primary-key order (byte order for text on any engine)."""
        raw = table_clause(self.name, *self.raw_columns())
        order = []
        for name in self.primary_key:
            col = raw.c[name]
            text_key = self.kinds[self.columns.index(name)] == "str"
            order.append(col.collate("C") if text_key and dialect_name == "postgresql" else col)
        return select(*raw.c).order_by(*order)

    def line(self, row: Sequence[Any]) -> bytes:
        """The canonical line of one row (as read by `select_in_order`)."""
        values = {
            name: _encode(kind, value)
            for name, kind, value in zip(self.columns, self.kinds, row, strict=True)
        }
        return (
            json.dumps(values, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"
        ).encode("utf-8")

    def parse(self, line: bytes, where: str) -> dict[str, Any]:
        """The database values of one archive line; ArchiveError naming the line and column."""
        try:
            values = json.loads(line)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ArchiveError(f"{where}: not a JSON line ({exc})") from None
        if not isinstance(values, dict) or list(values) != self.columns:
            raise ArchiveError(
                f"{where}: the row's columns are not those of table {self.name} "
                f"({', '.join(self.columns)})"
            )
        row: dict[str, Any] = {}
        for name, kind, check in zip(self.columns, self.kinds, self.checks, strict=True):
            try:
                row[name] = _decode(kind, values[name])
                if check is not None and row[name] is not None:
                    _check(check, row[name])
            except (TypeError, ValueError) as exc:
                raise ArchiveError(f"{where}: column {name}: {values[name]!r}: {exc}") from None
        return row


def _check(coltype: TypeEngine[Any], value: Any) -> None:
    """ValueError unless the column's own type accepts the raw stored `value`."""
    if isinstance(coltype, Enum):
        if value not in coltype.enums:
            raise ValueError(f"not one of {', '.join(coltype.enums)}")
    elif isinstance(coltype, TypeDecorator):
        coltype.process_result_value(value, None)  # type: ignore[arg-type]


def digest_lines(lines: Iterator[bytes]) -> tuple[int, str]:
    """(row count, sha256) of canonical lines."""
    sha = hashlib.sha256()
    count = 0
    for line in lines:
        sha.update(line)
        count += 1
    return count, sha.hexdigest()


# --------------------------------------------------------------------------- the manifest


@dataclass
class TableEntry:
    name: str
    columns: list[str]
    rows: int
    sha256: str


@dataclass
class Manifest:
    schema_revision: str
    created_at: str
    source_dialect: str
    rkc_version: str
    tables: list[TableEntry] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)

    def to_json(self) -> bytes:
        data = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "schema_revision": self.schema_revision,
            "created_at": self.created_at,
            "source_dialect": self.source_dialect,
            "rkc_version": self.rkc_version,
            "tables": [t.__dict__ for t in self.tables],
        }
        return (json.dumps(data, indent=1) + "\n").encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        try:
            raw = json.loads(data)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ArchiveError(f"{MANIFEST} is not JSON: {exc}") from None
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            raise ArchiveError(f"{MANIFEST} does not describe an rkc backup")
        if raw.get("format_version") != FORMAT_VERSION:
            raise ArchiveError(
                f"backup format version {raw.get('format_version')!r} is not the one this rkc "
                f"reads ({FORMAT_VERSION})"
            )
        try:
            tables = [
                TableEntry(
                    name=_text(t["name"]),
                    columns=[_text(c) for c in t["columns"]],
                    rows=_count(t["rows"]),
                    sha256=_text(t["sha256"]),
                )
                for t in raw["tables"]
            ]
            return cls(
                schema_revision=_text(raw["schema_revision"]),
                created_at=_text(raw["created_at"]),
                source_dialect=_text(raw["source_dialect"]),
                rkc_version=_text(raw["rkc_version"]),
                tables=tables,
            )
        except (KeyError, TypeError) as exc:
            raise ArchiveError(f"{MANIFEST} is incomplete or damaged ({exc!r})") from None


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, found {value!r}")
    return value


def _count(value: Any) -> int:
    if type(value) is not int or value < 0:
        raise TypeError(f"expected a row count, found {value!r}")
    return value


# --------------------------------------------------------------------------- the zip file


class ArchiveWriter:
    """Writes tables one after the other, then the manifest."""

    def __init__(self, target: BinaryIO):
        self.zip = zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED)

    def write_table(self, codec: TableCodec, rows: Iterator[Sequence[Any]]) -> TableEntry:
        sha = hashlib.sha256()
        count = 0
        with self.zip.open(member_name(codec.name), "w", force_zip64=True) as out:
            for row in rows:
                line = codec.line(row)
                sha.update(line)
                out.write(line)
                count += 1
        return TableEntry(codec.name, codec.columns, count, sha.hexdigest())

    def finish(self, manifest: Manifest) -> None:
        self.zip.writestr(MANIFEST, manifest.to_json())
        self.zip.close()


class ArchiveReader:
    """An archive opened for reading; `manifest` is read and checked on opening.

    `limits`: the most members and inflated bytes (default: the configured backup limits).
    """

    def __init__(self, path: str | Path, limits: ZipLimits | None = None):
        self.path = Path(path)
        try:
            self.zip = BoundedZip(self.path, limits or ZipLimits.for_backups())
        except FileNotFoundError:
            raise ArchiveError(f"{self.path}: no such file") from None
        except (ZipRefused, OSError) as exc:
            raise ArchiveError(f"{self.path} is not an rkc backup archive ({exc})") from None
        if MANIFEST not in self.zip.names():
            self.zip.close()
            raise ArchiveError(f"{self.path} holds no {MANIFEST}: not an rkc backup")
        try:
            self.manifest = Manifest.from_json(self._read(MANIFEST))
        except ArchiveError:
            self.zip.close()
            raise

    def _read(self, name: str) -> bytes:
        try:
            return self.zip.read(name, most=MANIFEST_LIMIT)
        except ZipRefused as exc:  # a damaged member, or one that inflates too far
            raise ArchiveError(f"{name}: {exc}") from None

    def lines(self, entry: TableEntry) -> Iterator[tuple[int, bytes]]:
        """(line number, line) of a table file, as stored."""
        name = member_name(entry.name)
        try:
            with self.zip.open(name) as stream:
                number = 0
                while line := stream.readline(LINE_LIMIT):
                    number += 1
                    if not line.endswith(b"\n"):
                        raise ArchiveError(f"{name} line {number}: unfinished or too long")
                    yield number, line
        except KeyError:
            raise ArchiveError(f"the archive has no {name}, which its manifest lists") from None
        except ZipRefused as exc:
            raise ArchiveError(f"{name}: {exc}") from None

    def check(self, entry: TableEntry) -> None:
        """The file of a table holds what the manifest says (count and hash)."""
        rows, sha = digest_lines(self._declared_lines(entry))
        if (rows, sha) != (entry.rows, entry.sha256):
            raise ArchiveError(
                f"{member_name(entry.name)} does not match the manifest ({rows} rows, sha256 "
                f"{sha[:12]}…; the manifest says {entry.rows} rows, {entry.sha256[:12]}…): the "
                "archive is damaged or was changed"
            )

    def _declared_lines(self, entry: TableEntry) -> Iterator[bytes]:
        """The lines of a table file, refused as soon as there are more than declared."""
        for number, line in self.lines(entry):
            if number > entry.rows:
                raise ArchiveError(
                    f"{member_name(entry.name)} does not match the manifest (more than the "
                    f"{entry.rows} rows it declares): the archive is damaged or was changed"
                )
            yield line

    def close(self) -> None:
        self.zip.close()

    def __enter__(self) -> ArchiveReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
