"""Footnotes at the bottoms of PDF pages.

A page's notes are the lines in type smaller than the body's below its last line of body type,
each note starting with its number at the left edge of the notes. A note that does not fit on its
page goes on at the bottom of the next one, above that page's first note and without a number;
those lines are joined to the note they continue instead of staying in the body text (the test
moves the second line of a real note to the next page, as a typesetter does with a long note).
On a two-column page each column keeps its own notes under it: the notes are read column by
column, each from the top, and a note starts at its column's left edge.
"""

from __future__ import annotations

import re

from brieven.kernel.types import Footnote
from ingest.formats.lines import join_lines
from ingest.formats.notes import make_footnote, urls_in
from ingest.formats.pdf_page import Line, Page

# Footnote type is smaller than this fraction of the body type (a 2011 JenV letter set its notes
# in 8 pt under 9 pt body text: 0.89).
SMALL = 0.95
# Lines of one note lie at most this many type sizes apart (1.7 in the KOOP answers' notes).
NOTE_LEADING = 2.5
# Columns of notes lie further apart than this (points); a note's own lines are indented by 6.
COLUMN_GAP = 100.0
_NOTE_START = re.compile(r"^(\d{1,3})(?!\d)\s*(?=\S)")


def split_footnotes(
    page: Page, body_size: float, earlier: list[Footnote], open_note: Footnote | None = None
) -> tuple[list[Line], list[Footnote]]:
    """Body lines of the page, and the footnotes found below its last line of body type.

    `open_note` is the last note of the page before, if that page ended with notes. When this
    page's notes open with its rest, the first note returned is `open_note` whole, under its own
    number, to replace it.
    """
    normal = [line for line in page.lines if line.size >= SMALL * body_size]
    lowest = min((line.y for line in normal), default=page.top)
    below = [line for line in page.lines if line.size < SMALL * body_size and line.y < lowest - 1]
    if not below:
        return page.lines, []
    edges = _column_edges(below)
    column = {id(line): max(i for i, x in enumerate(edges) if line.x >= x - 1.5) for line in below}
    below.sort(key=lambda line: (column[id(line)], -line.y))
    last = int(earlier[-1].number) if earlier and earlier[-1].number.isdigit() else 0
    groups: list[tuple[str, list[Line]]] = []
    rest: list[Line] = []  # lines above the page's first note
    for line in below:
        start = _NOTE_START.match(line.text)
        number = int(start.group(1)) if start else -1
        plausible = last < number <= last + 3 or (number == 1 and not groups)
        if start and plausible and line.x <= edges[column[id(line)]] + 1.5:
            groups.append((str(number), [line]))
            last = number
        elif groups:
            groups[-1][1].append(line)
        else:
            rest.append(line)
    notes = [_note(number, lines, page, numbered=True) for number, lines in groups]
    if open_note is not None and _continues(rest, groups):
        more = _note(open_note.number, rest, page, numbered=False)
        text = join_lines([open_note.text, more.text])
        links = [url for url in open_note.urls if url not in urls_in(open_note.text)]
        notes.insert(0, make_footnote(open_note.number, text, links + list(more.urls)))
    else:
        rest = []
    claimed = {id(line) for _, lines in groups for line in lines} | {id(line) for line in rest}
    return [line for line in page.lines if id(line) not in claimed], notes


def _column_edges(below: list[Line]) -> list[float]:
    """Left edges of the columns of notes, left to right: the leftmost line, and each line that
    starts with a number more than COLUMN_GAP to the right of the column before (notes under the
    right column of a two-column page)."""
    edges = [min(line.x for line in below)]
    for x in sorted(line.x for line in below if _NOTE_START.match(line.text)):
        if x > edges[-1] + COLUMN_GAP:
            edges.append(x)
    return edges


def _continues(rest: list[Line], groups: list[tuple[str, list[Line]]]) -> bool:
    """Whether the lines above a page's first note are one block that runs on into the notes
    (or, on a page without notes of its own, is the page's last block), as a continued note is;
    a table in small type ends far above the notes."""
    if not rest or rest[0].text.startswith(("•", "–", "-")):
        return False
    chain = rest + [lines[0] for _, lines in groups[:1]]
    return all(
        0 < a.y - b.y <= NOTE_LEADING * a.size for a, b in zip(chain, chain[1:], strict=False)
    )


def _note(number: str, lines: list[Line], page: Page, numbered: bool) -> Footnote:
    """The note on `lines` (the first starting with its number when `numbered`), with the
    addresses of the page's links over them."""
    first = lines[0].text
    if numbered:
        first = first[_NOTE_START.match(first).end() :]
    texts = [first] + [line.text for line in lines[1:]]
    high, low = lines[0].y + lines[0].size, lines[-1].y - 2
    links = [uri for y0, y1, uri in page.links if low <= (y0 + y1) / 2 <= high]
    return make_footnote(number, join_lines(texts), links)
