"""The import direction: no area of rkc imports one of a higher layer.

The layers, lowest first, are the one place the order is written (docs/architecture.md shows
the same list). A module may import modules of its own layer and of the layers below it. The
web layer on top (views, forms, the API, command lines, the app factory and the request
wiring) may import anything. Every import counts, those inside functions too: a lazy import
hides a dependency from the reader, it does not remove it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "rkc"

#: Lowest first. A module belongs to the layer of the longest prefix that names it.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    (
        "foundations",
        (
            "rkc.text",
            "rkc.clock",
            "rkc.config",
            "rkc.extensions",
            "rkc.database",
            "rkc.filelock",
            "rkc.migrate",
            "rkc.messages",
        ),
    ),
    ("the text store", ("rkc.convention",)),
    ("the audit log", ("rkc.audit",)),
    ("the parties and their dates", ("rkc.parties",)),
    # An account belongs to a party; what reaches a member (a notification, a mail) is sent to
    # an account, and the password reset mails through it: one layer, imports both ways.
    ("accounts and delivery", ("rkc.auth", "rkc.notifications")),
    ("work on the text", ("rkc.amendments", "rkc.procedure", "rkc.search")),
    ("formats", ("rkc.interchange",)),
    (
        "work across areas",
        (
            "rkc.review",
            "rkc.backup",
            "rkc.demo",
            "rkc.models",
            "rkc.notifications.queries",
            "rkc.notifications.reminders",
        ),
    ),
    (
        "web",
        (
            "rkc",
            "rkc.web",
            "rkc.i18n",
            "rkc.cli",
            "rkc.api",
            "rkc.auth.session",
            "rkc.auth.reset",
        ),
    ),
]

#: Modules of an area that belong to the web layer by their name.
WEB_NAMES = ("views", "forms", "cli")

#: (importing module, imported module): imports against the order, each with its reason.
EXCEPTIONS: dict[tuple[str, str], str] = {
    ("rkc.interchange.derived", "rkc.web"): (
        "derived files are kept per release; the web layer computes the release fingerprint "
        "once at start-up and `rkc.web.BUILD_TOKEN` is only the key it is stored under in "
        "app.extensions (read inside a request or a command, never at import)"
    ),
}


def _layer_of(module: str) -> int:
    last = module.rsplit(".", 1)[-1]
    if any(last == n or last.endswith("_" + n) for n in WEB_NAMES):
        return len(LAYERS) - 1
    best, index = "", None
    for i, (_name, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > len(best):
                best, index = prefix, i
    assert index is not None, f"{module} is in no layer: add it to LAYERS"
    return index


def _modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        if "migrations" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out.append((".".join(parts), path))
    return out


def _imports(module: str, path: Path) -> list[tuple[str, int]]:
    """Every rkc module `module` imports, with the line (relative imports resolved)."""
    found = []
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            # `from rkc.x import y` may name a module y: count the deepest that exists.
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.append((candidate if _is_module(candidate) else base, node.lineno))
    return [(name, line) for name, line in found if name == "rkc" or name.startswith("rkc.")]


def _is_module(name: str) -> bool:
    relative = Path(*name.split("."))
    return (ROOT.parent / relative).with_suffix(".py").exists() or (
        ROOT.parent / relative / "__init__.py"
    ).exists()


def test_every_module_is_in_a_layer() -> None:
    for module, _path in _modules():
        _layer_of(module)


def test_no_module_imports_a_higher_layer() -> None:
    wrong = []
    for module, path in _modules():
        mine = _layer_of(module)
        for imported, line in _imports(module, path):
            theirs = _layer_of(imported)
            if theirs > mine and (module, imported) not in EXCEPTIONS:
                wrong.append(
                    f"{path.relative_to(ROOT.parent)}:{line}: {module} ({LAYERS[mine][0]}) "
                    f"imports {imported} ({LAYERS[theirs][0]})"
                )
    assert not wrong, "imports against the layer order:\n" + "\n".join(wrong)


def test_every_exception_is_still_needed() -> None:
    """An exception whose import is gone is taken out, so the list stays true."""
    present = {
        (module, imported) for module, path in _modules() for imported, _ in _imports(module, path)
    }
    stale = sorted(set(EXCEPTIONS) - present)
    assert not stale, f"exceptions no longer needed: {stale}"


@pytest.mark.parametrize(
    ("module", "layer"),
    [
        ("rkc.text.merge", "foundations"),
        ("rkc.amendments.proposing", "work on the text"),
        ("rkc.amendments.views", "web"),
        ("rkc.convention.edition_views", "web"),
        ("rkc.notifications.queries", "work across areas"),
        ("rkc.notifications.operations", "accounts and delivery"),
    ],
)
def test_modules_fall_in_the_layer_the_docs_give(module: str, layer: str) -> None:
    assert LAYERS[_layer_of(module)][0] == layer
