"""Hostile archives and documents, built small: compression bombs, lying zip headers, deep
nesting, many members. Shared by the tests (which refuse them) and `bench/hostile_files.py`
(which times the refusals).

Each builder streams what it compresses, so that a bomb of hundreds of megabytes costs this
process only its compressed size.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

MIB = 1024 * 1024
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
AKN = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" '
    b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    b"</Types>"
)
RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
DOCUMENT_OPEN = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body>'.encode()
DOCUMENT_CLOSE = b"</w:body></w:document>"


def deflated(head: bytes, piece: bytes, total: int, tail: bytes = b"") -> tuple[bytes, int, int]:
    """(raw deflate stream, crc32, size) of `head`, `piece` repeated to about `total` bytes,
    and `tail`. The repeated mebibyte is compressed once: a full flush makes its compressed
    form independent of what came before, so it can simply be repeated."""
    block = piece * (MIB // len(piece)) if piece else b""
    count = total // len(block) if block else 0
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    middle = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    last = compressor.compress(tail) + compressor.flush()
    crc = zlib.crc32(head)
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    return first + middle * count + last, crc, len(head) + len(block) * count + len(tail)


def raw_zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip written by hand, each member (name, deflate stream, crc, declared size) with
    whatever size it is said to have, in the local header and the central directory alike."""
    out, directory = io.BytesIO(), []
    for name, stream, crc, declared in members:
        encoded = name.encode()
        offset = out.tell()
        fields = (zipfile.ZIP_DEFLATED, 0, 0x21, crc, len(stream), declared, len(encoded))
        out.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, *fields, 0))
        out.write(encoded + stream)
        directory.append(
            struct.pack(
                "<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, *fields, 0, 0, 0, 0, 0, offset
            )
            + encoded
        )
    start = out.tell()
    out.write(b"".join(directory))
    size = out.tell() - start
    n = len(members)
    out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, n, n, size, start, 0))
    return out.getvalue()


def member_of(name: str, data: bytes) -> tuple[str, bytes, int, int]:
    """An honest member, for `raw_zip`."""
    return (name, *deflated(data, b"", 0))


def word_package(document: tuple[bytes, int, int], *, declared: int | None = None) -> bytes:
    """A minimal .docx whose word/document.xml is the deflated `document`; `declared`: the
    size its headers claim instead of the true one."""
    stream, crc, size = document
    return raw_zip(
        [
            member_of("[Content_Types].xml", CONTENT_TYPES),
            member_of("_rels/.rels", RELS),
            ("word/document.xml", stream, crc, size if declared is None else declared),
        ]
    )


def paragraphs_bomb(total: int = 78 * MIB) -> bytes:
    """A .docx whose document part is `total` bytes of empty paragraphs (`<w:p/>`)."""
    return word_package(deflated(DOCUMENT_OPEN, b"<w:p/>", total, DOCUMENT_CLOSE))


def elements_bomb(total: int = 78 * MIB) -> bytes:
    """A .docx whose document part is `total` bytes of empty foreign elements (`<a/>`)."""
    return word_package(deflated(DOCUMENT_OPEN, b"<a/>", total, DOCUMENT_CLOSE))


def lying_docx(total: int = 1900 * MIB, declared: int = 31 * 1024) -> bytes:
    """A .docx whose document part claims `declared` bytes and inflates to `total`."""
    document = deflated(DOCUMENT_OPEN, b"<w:p/>", total, DOCUMENT_CLOSE)
    return word_package(document, declared=declared)


def deep_document(depth: int) -> bytes:
    """A .docx whose body holds elements nested `depth` deep."""
    nested = DOCUMENT_OPEN + b"<a>" * depth + b"</a>" * depth + DOCUMENT_CLOSE
    return word_package(deflated(nested, b"", 0))


def many_members(count: int, base: bytes | None = None) -> bytes:
    """A .docx (or `base` archive) with `count` more tiny members."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as package:
        if base is None:
            package.writestr("[Content_Types].xml", CONTENT_TYPES)
            package.writestr("_rels/.rels", RELS)
            package.writestr("word/document.xml", DOCUMENT_OPEN + DOCUMENT_CLOSE)
        else:
            with zipfile.ZipFile(io.BytesIO(base)) as source:
                for info in source.infolist():
                    package.writestr(info, source.read(info))
        for n in range(count):
            package.writestr(f"x/{n}", b"")
    return out.getvalue()


# --------------------------------------------------------------------------- Akoma Ntoso


def akn_elements(total: int) -> bytes:
    """An Akoma Ntoso document of about `total` bytes, nearly all empty `<a/>` elements."""
    head = f'<?xml version="1.0" encoding="UTF-8"?><akomaNtoso xmlns="{AKN}"><act><body>'
    return head.encode() + b"<a/>" * (total // 4) + b"</body></act></akomaNtoso>"


def akn_deep(depth: int) -> bytes:
    """An Akoma Ntoso document whose body nests `depth` elements."""
    head = f'<?xml version="1.0" encoding="UTF-8"?><akomaNtoso xmlns="{AKN}"><act><body>'
    tail = "</body></act></akomaNtoso>"
    return (head + "<chapter>" * depth + "</chapter>" * depth + tail).encode()


# --------------------------------------------------------------------------- memory, measured

#: Run in a fresh interpreter: each case's outcome and how far its resident memory peaked
#: above what the process held before it (VmHWM after, reset between cases where the kernel
#: allows it, minus VmRSS before: never less than the true growth).
_PROBE = """
import json, sys

def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    raise KeyError(key)

SETUP
results = {}
for label, call in CASES.items():
    try:
        open("/proc/self/clear_refs", "w").write("5")
    except OSError:
        pass
    before = status("VmRSS")
    try:
        call()
        outcome = "accepted"
    except Exception as exc:
        outcome = type(exc).__name__ + ": " + str(exc)
    results[label] = {"outcome": outcome, "growth": status("VmHWM") - before}
print(json.dumps(results))
"""


def peak_growth(setup: str, cwd: str, timeout: float = 600) -> dict[str, dict[str, object]]:
    """Run `setup` (which defines CASES, a dict of label -> callable) in a child Python;
    return, per label, its outcome ("accepted" or "ExceptionName: message") and the growth
    of its peak resident memory in bytes."""
    import json
    import subprocess
    import sys

    code = _PROBE.replace("SETUP", setup)
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
