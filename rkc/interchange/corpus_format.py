"""Export an edition in the corpus format (corpus/README.md), loadable by `load_corpus`.

One Markdown file per top-level unit of the work, every heading with its explicit `{#key}`,
and a `corpus.toml` naming the work and the one edition exported. When the exported units
explain units of another work (Guidelines explain the Convention), that work's edition in
force on the same date (or its latest published one) is exported with it, so that the
directory loads on its own.

No Flask here: callers pass editions and a directory.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

from rkc.convention import queries as convention_queries
from rkc.convention.kinds import KIND_WORDS
from rkc.convention.models import Edition, EditionStatus
from rkc.interchange.queries import Snapshot, TreeNode, snapshot

KIND_HEADING = {kind: word for word, kind in KIND_WORDS.items()}
_NUMBER = re.compile(r"^[^\s:{}/]+$")
_KEY = re.compile(r"^[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*$")

UNOFFICIAL_NOTICE = (
    "Unofficial working text exported from rkc. Its structure, numbering and provision kinds "
    "follow the Revised Kyoto Convention; its wording is not the authentic text deposited with "
    "the Secretary General of the World Customs Organization."
)


class ExportError(ValueError):
    """The edition holds something the target format cannot say; the message names it."""


def heading(node: TreeNode, level: int) -> str:
    """The corpus heading line of one unit: kind, number, title and explicit attributes."""
    item = node.item
    problems = []
    word = KIND_HEADING.get(item.kind)
    if word is None:
        problems.append(f"unknown kind {item.kind!r}")
        word = item.kind
    number = item.number or ""
    if number and not _NUMBER.match(number):
        problems.append(f"number {number!r} holds a space, ':', '/' or a brace")
    if item.number_alt:
        if not _NUMBER.match(item.number_alt):
            problems.append(f"second number {item.number_alt!r} holds a space, ':' or a brace")
        number = f"{number}/{item.number_alt}"
    title = (item.title or "").strip()
    if any(c in title for c in "{}\n"):
        problems.append("the title holds a brace or a line break")
    if not _KEY.match(item.key):
        problems.append(f"key {item.key!r} is not a valid corpus key")
    if level > 6:
        problems.append("nested more than six levels deep")
    if problems:
        raise ExportError(f"{item.key}: " + "; ".join(problems))
    line = "#" * level + " " + word
    if number:
        line += " " + number
    if title:
        line += ": " + title
    attrs = [f"#{item.key}"]
    if item.explains:
        attrs.append("explains=" + ",".join(item.explains))
    return line + " {" + " ".join(attrs) + "}"


def render_root(root: TreeNode) -> str:
    """One corpus file: the root unit and everything under it."""
    parts: list[str] = []
    base = root.item.depth

    def visit(node: TreeNode) -> None:
        parts.append(heading(node, node.item.depth - base + 1))
        if node.item.text:
            parts.append(node.item.text)
        for child in node.children:
            visit(child)

    visit(root)
    return "\n\n".join(parts) + "\n"


def _file_name(work_key: str, root: TreeNode) -> str:
    return f"{work_key}/{root.item.key.replace('/', '-')}.md"


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def companion_editions(edition: Edition) -> list[Edition]:
    """Editions of other works whose units the given edition explains (see module doc)."""
    snap = snapshot(edition)
    assert snap is not None
    targets = {key for item in snap.items() for key in item.explains}
    if not targets:
        return []
    found: list[Edition] = []
    for work in convention_queries.all_works():
        if work.id == edition.work_id:
            continue
        day = edition.in_force_from or edition.adopted_on
        other = convention_queries.in_force_on(work, day) if day else None
        if other is None:
            published = convention_queries.editions_of(work)
            other = published[-1] if published else None
        if other is not None:
            found.append(other)
    return found


def corpus_files(editions: Sequence[Edition]) -> dict[str, str]:
    """File name -> content of a corpus directory holding these editions (one per work)."""
    files: dict[str, str] = {}
    works_toml: list[str] = []
    editions_toml: list[str] = []
    ordered = sorted(editions, key=lambda e: e.work.position)
    for edition in ordered:
        snap: Snapshot | None = snapshot(edition)
        assert snap is not None
        work = edition.work
        names = []
        for root in snap.roots:
            name = _file_name(work.key, root)
            files[name] = render_root(root)
            names.append(name)
        works_toml.append(
            "[[works]]\n"
            f"key = {_toml_string(work.key)}\n"
            f"title = {_toml_string(work.title)}\n"
            f"short_title = {_toml_string(work.short_title)}\n"
            f"description = {_toml_string(work.description)}\n"
            "files = [\n" + "".join(f"    {_toml_string(n)},\n" for n in names) + "]\n"
        )
        status = edition.status
        if status is EditionStatus.SUPERSEDED:
            status = EditionStatus.IN_FORCE
        lines = [
            "[[editions]]",
            f"work = {_toml_string(work.key)}",
            f"slug = {_toml_string(edition.slug)}",
            f"title = {_toml_string(edition.title)}",
            f"status = {_toml_string(status.value)}",
        ]
        if edition.adopted_on:
            lines.append(f"adopted_on = {_toml_string(edition.adopted_on.isoformat())}")
        if edition.in_force_from:
            lines.append(f"in_force_from = {_toml_string(edition.in_force_from.isoformat())}")
        lines.append(f"authentic = {'true' if edition.is_authentic else 'false'}")
        lines.append(f"description = {_toml_string(edition.description)}")
        editions_toml.append("\n".join(lines) + "\n")
    authentic = all(e.is_authentic for e in editions)
    notice = "Exported from rkc." if authentic else UNOFFICIAL_NOTICE
    files["corpus.toml"] = (
        f"[corpus]\nnotice = {_toml_string(notice)}\n\n"
        + "\n".join(works_toml)
        + "\n"
        + "\n".join(editions_toml)
    )
    return files


def export_edition(edition: Edition) -> dict[str, str]:
    """The corpus files for one edition, with the editions it explains (see module doc)."""
    return corpus_files([edition, *companion_editions(edition)])


def write_directory(files: dict[str, str], directory: Path) -> list[Path]:
    """Write corpus files under `directory` (created if missing); returns the paths written."""
    written = []
    for name, content in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return written


def zip_bytes(files: dict[str, str], folder: str) -> bytes:
    """The corpus files as a zip archive, inside one top-level folder."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in sorted(files.items()):
            archive.writestr(f"{folder}/{name}", content)
    return buffer.getvalue()
