"""Helpers for the interchange tests: comparing stored text with what a format gave back."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import func, select

from rkc.audit import Actor, acting_as
from rkc.convention import operations as ops
from rkc.convention import queries
from rkc.convention.corpus import Unit
from rkc.convention.models import Edition, Node, Revision
from rkc.extensions import db

SECRETARIAT = Actor(None, "test-secretariat", "secretariat")


def stored(edition: Edition, node_key: str | None = None) -> list[tuple]:
    """Every unit of an edition (or of one unit's subtree): the fields a format must keep."""
    if node_key is None:
        items = queries.contents(edition)
    else:
        entry = queries.entry_of(edition, queries.node_by_key(node_key))
        items = queries.subtree(edition, entry)
    return [
        (
            i.key,
            i.kind,
            i.number,
            i.number_alt,
            i.title,
            i.text,
            i.explains,
            i.depth - items[0].depth,
        )
        for i in items
    ]


def parsed(roots: Iterable[Unit]) -> list[tuple]:
    """The same fields from parsed corpus units (depth counted from the first root)."""
    out: list[tuple] = []

    def visit(unit: Unit, depth: int) -> None:
        out.append(
            (
                unit.key,
                unit.kind,
                unit.number,
                unit.number_alt,
                unit.title,
                unit.text,
                unit.explains,
                depth,
            )
        )
        for child in unit.children:
            visit(child, depth + 1)

    for root in roots:
        visit(root, 0)
    return out


def counts() -> tuple[int, int, int]:
    """(editions, nodes, revisions): a refused import changes none of them."""
    from rkc.convention.models import Edition as E

    return (
        db.session.scalar(select(func.count()).select_from(E)),
        db.session.scalar(select(func.count()).select_from(Node)),
        db.session.scalar(select(func.count()).select_from(Revision)),
    )


def edition(work_key: str, slug: str) -> Edition:
    found = queries.edition_by_slug(queries.work_by_key(work_key), slug)
    assert found is not None
    return found


def revise_draft(key: str, text: str) -> None:
    """Change one unit of the review draft and commit (as the Secretariat would)."""
    draft = edition("rkc", "review-draft")
    node = queries.node_by_key(key)
    with acting_as(SECRETARIAT):
        ops.revise(
            draft,
            node,
            expected_revision_id=ops.current_revision(draft, node).id,
            text=text,
            origin="edit",
        )
    db.session.commit()


def compiled_amendments(people: dict) -> dict[str, int]:
    """Tabled amendments of each kind to chapter 3 of the review draft, by two parties, with
    positions, and one draft (never compiled); committed. Returns their ids by kind."""
    from rkc.amendments.discussion import take_position
    from rkc.amendments.lifecycle import change_status
    from rkc.amendments.proposing import (
        propose_deletion,
        propose_heading,
        propose_insertion,
        propose_modification,
    )

    from ..helpers import user

    draft = edition("rkc", "review-draft")
    a, b, c = (user(people[k]) for k in ("delegate_a", "delegate_b", "delegate_c"))

    def node(key: str) -> Node:
        found = queries.node_by_key(key)
        assert found is not None, key
        return found

    current = ops.current_revision(draft, node("ga/3/3.1"))
    with acting_as(Actor(None, "test-setup", "system")):
        modify = propose_modification(
            draft,
            node("ga/3/3.1"),
            user=a,
            text=current.text.replace("Customs shall", "The Customs shall", 1)
            + "\n\n- in every port;\n- at inland clearance offices.",
            justification="Name the offices *clearly*.",
            concept="Customs offices",
        )
        heading = propose_heading(
            draft,
            node("ga/3/s-a"),
            user=b,
            title="Customs offices and their opening hours",
            justification="A shorter heading.",
        )
        insert = propose_insertion(
            draft,
            node("ga/3/s-a"),
            user=a,
            after=node("ga/3/3.2"),
            kind="standard",
            number="3.2A",
            text="Customs shall answer written enquiries within five working days.",
            justification="Enquiries go unanswered.",
        )
        delete = propose_deletion(
            draft, node("ga/3/3.4"), user=b, justification="Covered elsewhere."
        )
        for amendment, by in ((modify, a), (heading, b), (insert, a), (delete, b)):
            change_status(amendment, "tabled", user=by)
        take_position(modify, user=c, stance="support", statement="Useful.")
        take_position(modify, user=b, stance="objection")
        held = propose_modification(
            draft,
            node("ga/3/3.2"),
            user=a,
            text="A draft that no compilation shows.",
            justification="Not yet.",
        )
    db.session.commit()
    return {
        "modify": modify.id,
        "heading": heading.id,
        "insert": insert.id,
        "delete": delete.id,
        "draft": held.id,
    }


def libreoffice(folder: Path, files: dict[str, bytes], to: str = "pdf") -> dict[str, Path]:
    """Convert files with `libreoffice --headless --convert-to`; the converted files by name.

    Fails when LibreOffice is missing, exits with an error or says "Error".
    """
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, (
        "LibreOffice is needed: apt-get install -y libreoffice-writer-nogui (see .ci/run)"
    )
    source = folder / "in"
    source.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (source / name).write_bytes(data)
    out = folder / "out"
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            to,
            "--outdir",
            str(out),
            *[str(source / name) for name in files],
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "HOME": str(folder)},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Error" not in result.stdout + result.stderr, result.stdout + result.stderr
    converted = {}
    for name in files:
        path = out / (name.rsplit(".", 1)[0] + "." + to.split(":", 1)[0])
        assert path.exists(), result.stdout
        converted[name] = path
    return converted
