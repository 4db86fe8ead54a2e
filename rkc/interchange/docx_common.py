"""What the Word exporter writes and the Word importer reads: one convention, kept here.

The convention (also in docs/interchange.md):

- Everything before the first paragraph styled **Heading 1** is front matter (title, edition,
  notices) and is not imported.
- A paragraph styled **Heading N** (N = 1..6) opens a unit at level N; a level-1 heading starts
  a top-level unit (the Body, an annex, a set of Guidelines). Its text reads like a corpus
  heading: `<Kind> [<number>][: <title>]`, e.g. `Chapter 3: Clearance and other Customs
  formalities`, `Standard 3.11`, `Definition E1/F23: appeal`, `Note`. rkc writes the unit's
  key (and `explains=`) after it as hidden text, `{#ga/3/3.11}`; without it the key is derived
  from the numbers as in the corpus, and a top-level heading takes the key of the base
  edition's top-level unit with the same heading.
- Other paragraphs are the text of the unit opened last. **List Bullet**, **List Bullet 2**,
  **List Bullet 3** are bulleted items at depth 1-3; **List Number** (2, 3) numbered items;
  **List Continue** (2, 3) are numbered items when they start with `1.`, `2.`, ... and else
  further paragraphs of the item above. Italic is emphasis, bold is strong emphasis. Every
  other style is an ordinary paragraph.
- Tables, pictures, text boxes and unresolved tracked changes are refused, with the number
  of the paragraph (counted from 1 over the document's body) where they stand.
"""

from __future__ import annotations

BULLET_STYLES = ("List Bullet", "List Bullet 2", "List Bullet 3")
NUMBER_STYLES = ("List Number", "List Number 2", "List Number 3")
CONTINUE_STYLES = ("List Continue", "List Continue 2", "List Continue 3")
MAX_HEADING = 6


def list_style(kind: str, depth: int) -> str:
    """The style of a list paragraph at nesting depth `depth` (1-based, capped at 3)."""
    styles = {"bullet": BULLET_STYLES, "number": NUMBER_STYLES, "continue": CONTINUE_STYLES}[kind]
    return styles[min(depth, 3) - 1]


def style_depth(name: str) -> int:
    """1, 2 or 3 from a list style's name."""
    last = name.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 1
