"""What importers say about a file they refuse: every finding, each with where it is."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """One thing wrong in an imported file: where (line, paragraph, element) and why.

    `context` quotes the text around the place (the headings before, at and after it). A
    `warning` (a gap in the numbering, a kind that changed) may be accepted by the user; any
    other finding must be fixed in the file.
    """

    where: str
    reason: str
    context: str = ""
    warning: bool = False

    def __str__(self) -> str:
        text = f"{self.where}: {self.reason}" if self.where else self.reason
        if self.warning:
            text = "warning: " + text
        return f"{text} [{self.context}]" if self.context else text


class ImportRefused(ValueError):
    """Raised with every finding; nothing has been stored.

    When every finding is a warning, the same import passes once the user accepts them
    (`accept_warnings`); `only_warnings` says so.
    """

    def __init__(self, source: str, findings: list[Finding]):
        self.source = source
        self.findings = findings
        count = len(findings)
        super().__init__(
            f"{source}: {count} problem{'s' if count != 1 else ''}, nothing was stored\n"
            + "\n".join(str(f) for f in findings)
        )

    @property
    def only_warnings(self) -> bool:
        return bool(self.findings) and all(f.warning for f in self.findings)


def refuse(source: str, where: str, reason: str) -> ImportRefused:
    """A refusal with a single finding."""
    return ImportRefused(source, [Finding(where, reason)])


def check_size(source: str, data: bytes, limit: int) -> None:
    """Refuse a file larger than `limit` bytes before reading any of it."""
    if len(data) > limit:
        raise refuse(
            source,
            "",
            f"the file is {_size(len(data))}; files up to {_size(limit)} are accepted",
        )


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MiB"
    if n >= 1024:
        return f"{n / 1024:.0f} KiB"
    return f"{n} bytes"
