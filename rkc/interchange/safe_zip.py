"""Read zip archives from outside without trusting them: the one way rkc inflates a member.

A zip's headers say how large each member is, but nothing obliges them to tell the truth,
and a deflate stream can inflate a thousandfold: a 150 KB upload can hold gigabytes. So:

- the central directory is walked before `zipfile` builds anything from it, and an archive
  with more members than `ZipLimits.members` is refused;
- only stored and deflated members are read (bzip2 and lzma inflate without a bound in
  `zipfile`), never encrypted ones;
- every member is inflated a slice at a time (`CHUNK`), and the bytes actually produced, not
  the sizes the headers declare, are counted against one running budget for the whole
  archive (`ZipLimits.unpacked`) and, where asked, against a ceiling for the member: past
  either, reading stops at once. zipfile's own `read()` asks zlib for up to 2 GiB in one
  call, so a header that claims 31 KB for a 1.9 GB stream is inflated whole before the
  checksum fails; a slice at a time it is stopped at the budget.

Everything that goes wrong is a `ZipRefused`, whose message says what and why in a sentence
(a damaged member, a method, a count, the budget); callers turn it into their own report.
No Flask here beyond reading the configured limits.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from rkc.interchange.safe_xml import setting

#: Bytes inflated per call: the most a member can overshoot the budget by.
CHUNK = 64 * 1024
METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}

#: What zipfile and zlib raise for a damaged archive besides BadZipFile: a garbled deflate
#: stream, a truncated member, an offset pointing outside the file, a bad checksum.
DAMAGED = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    OSError,
    struct.error,
)

_END = b"PK\x05\x06"
_END64 = b"PK\x06\x06"
_LOCATOR64 = b"PK\x06\x07"
_ENTRY = b"PK\x01\x02"


class ZipRefused(ValueError):
    """The archive is not read: the message says what and why."""


@dataclass(frozen=True)
class ZipLimits:
    """The most members an archive may hold and the most bytes it may inflate to in all."""

    members: int
    unpacked: int

    @classmethod
    def for_imports(cls) -> ZipLimits:
        """IMPORT_MAX_ZIP_MEMBERS and IMPORT_MAX_UNPACKED_BYTES (Word files)."""
        return cls(
            int(setting("IMPORT_MAX_ZIP_MEMBERS")), int(setting("IMPORT_MAX_UNPACKED_BYTES"))
        )

    @classmethod
    def for_backups(cls) -> ZipLimits:
        """BACKUP_MAX_ZIP_MEMBERS and BACKUP_MAX_UNPACKED_BYTES (backup archives)."""
        return cls(
            int(setting("BACKUP_MAX_ZIP_MEMBERS")), int(setting("BACKUP_MAX_UNPACKED_BYTES"))
        )


def size_text(n: int) -> str:
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= factor:
            return f"{n / factor:.1f} {unit}".replace(".0 ", " ")
    return f"{n} bytes"


class BoundedZip:
    """An archive opened for bounded reading (bytes in memory, or a file by its path)."""

    def __init__(self, source: bytes | str | Path, limits: ZipLimits):
        self.limits = limits
        #: Bytes inflated so far: each entry of the directory counted once, however often it
        #: is read (a restore reads every table twice).
        self.inflated = 0
        self._counted: dict[int, int] = {}
        self._file: BinaryIO = (
            io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")  # noqa: SIM115
        )
        try:
            _refuse_many_members(self._file, limits.members)
            self.zip = zipfile.ZipFile(self._file)
        except ZipRefused:
            self._file.close()
            raise
        except DAMAGED as exc:
            self._file.close()
            raise ZipRefused(f"the zip archive is damaged: {exc}") from None
        for info in self.zip.infolist():
            if info.compress_type not in METHODS:
                self.close()
                raise ZipRefused(
                    f"the zip archive is damaged or not supported: {info.filename} is "
                    f"compressed with method {info.compress_type}, and only stored and "
                    "deflated members are read"
                )
            if info.flag_bits & 0x1:
                self.close()
                raise ZipRefused(
                    f"the zip archive is damaged or encrypted: {info.filename} cannot be read"
                )

    def infolist(self) -> list[zipfile.ZipInfo]:
        return self.zip.infolist()

    def names(self) -> set[str]:
        return set(self.zip.namelist())

    def open(self, member: str | zipfile.ZipInfo, *, most: int | None = None) -> io.BufferedReader:
        """A stream of the member's inflated bytes, counted against the budget as it is read
        (`readline` and `read` as on any file). `most`: a ceiling for this member alone."""
        info = member if isinstance(member, zipfile.ZipInfo) else self.zip.getinfo(member)
        try:
            inner = self.zip.open(info)
        except DAMAGED as exc:
            raise ZipRefused(f"the zip member {info.filename} is damaged: {exc}") from None
        return io.BufferedReader(_Counted(self, inner, info, most), CHUNK)

    def read(self, member: str | zipfile.ZipInfo, *, most: int | None = None) -> bytes:
        """The member's inflated bytes, read through the budget (see `open`)."""
        chunks = []
        with self.open(member, most=most) as stream:
            while chunk := stream.read(CHUNK):
                chunks.append(chunk)
        return b"".join(chunks)

    def _spend(self, info: zipfile.ZipInfo, member_total: int, most: int | None) -> None:
        """Count a member's bytes read so far (`member_total`) against the limits."""
        name, counted = info.filename, self._counted.get(id(info), 0)
        if member_total > counted:
            self.inflated += member_total - counted
            self._counted[id(info)] = member_total
        if most is not None and member_total > most:
            raise ZipRefused(
                f"{name} unpacks to more than {size_text(most)}, the most such a part may "
                "hold; the archive is refused"
            )
        if self.inflated > self.limits.unpacked:
            raise ZipRefused(
                f"the archive unpacks to more than {size_text(self.limits.unpacked)}, the most "
                f"accepted (reading stopped in {name}); it is refused"
            )

    def close(self) -> None:
        try:
            if hasattr(self, "zip"):
                self.zip.close()
        finally:
            self._file.close()

    def __enter__(self) -> BoundedZip:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


class _Counted(io.RawIOBase):
    """One member's inflated bytes, a slice at a time, each slice paid for before use."""

    def __init__(
        self, owner: BoundedZip, inner: zipfile.ZipExtFile, info: zipfile.ZipInfo, most: int | None
    ):
        self.owner, self.inner, self.info, self.most = owner, inner, info, most
        self.total = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        try:
            data = self.inner.read(min(len(buffer), CHUNK))
        except DAMAGED as exc:
            raise ZipRefused(f"the zip member {self.info.filename} is damaged: {exc}") from None
        self.total += len(data)
        self.owner._spend(self.info, self.total, self.most)
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.inner.close()
        super().close()


def _refuse_many_members(file: BinaryIO, most: int) -> None:
    """ZipRefused if the central directory lists more than `most` members.

    Both the count the end record declares and the entries actually there are checked, so
    that zipfile never builds a record for each of a hundred thousand tiny entries. Anything
    unreadable is left to zipfile, which says the archive is damaged.
    """
    file.seek(0, io.SEEK_END)
    size = file.tell()
    tail_start = max(0, size - (22 + 0xFFFF))
    file.seek(tail_start)
    tail = file.read()
    at = tail.rfind(_END)
    if at < 0 or len(tail) - at < 22:
        return
    end_at = tail_start + at
    entries, directory_size = struct.unpack("<HI", tail[at + 10 : at + 16])
    directory_at = end_at - directory_size
    if entries == 0xFFFF or directory_size == 0xFFFFFFFF:
        file.seek(max(0, end_at - 20))
        if file.read(4) == _LOCATOR64 and end_at >= 76:
            file.seek(end_at - 76)
            record = file.read(56)
            if record[:4] == _END64:
                entries, directory_size = struct.unpack("<QQ", record[32:48])
                directory_at = end_at - 76 - directory_size
    if entries > most:
        raise ZipRefused(f"the archive lists {entries:,} members; at most {most:,} are read")
    if directory_at < 0:
        return
    file.seek(directory_at)
    counted = 0
    while file.tell() < directory_at + directory_size:
        header = file.read(46)
        if len(header) < 46 or header[:4] != _ENTRY:
            return
        counted += 1
        if counted > most:
            raise ZipRefused(f"the archive holds more than {most:,} members; it is refused")
        name, extra, comment = struct.unpack("<HHH", header[28:34])
        file.seek(name + extra + comment, io.SEEK_CUR)
