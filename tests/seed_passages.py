"""Passages made by hand from the real text of the seed letter (kst-29362-354), for answer tests.

Each passage is one numbered section of the letter ("7. Ga slim om met structurele schaarste aan
menskracht"), read straight from data/letters, so the tests do not depend on the parser.
"""

from __future__ import annotations

import re

from conftest import SEED

from brieven.kernel.types import Chunk, Passage

_HEADING = re.compile(r"^(\d)\. (.+)$", re.MULTILINE)


def seed_sections() -> dict[str, tuple[str, str]]:
    """Section number -> (title, body) for the seven numbered sections of the seed letter."""
    text = SEED.read_text(encoding="utf-8")
    body_end = text.index("De Minister van Binnenlandse Zaken")
    headings = list(_HEADING.finditer(text, 0, body_end))
    sections = {}
    for heading, following in zip(headings, headings[1:] + [None], strict=True):
        end = following.start() if following else body_end
        sections[heading.group(1)] = (heading.group(2), text[heading.end() : end].strip())
    return sections


def seed_passages(*numbers: str, text_of: dict[str, str] | None = None) -> list[Passage]:
    """Passages for the given section numbers, ranked in the order given (score falls by rank).

    `text_of` replaces a section's text, to plant sentences in an otherwise real passage.
    """
    sections = seed_sections()
    passages = []
    for rank, number in enumerate(numbers, start=1):
        title, body = sections[number]
        text = (text_of or {}).get(number, body)
        chunk = Chunk(
            id=f"kst-29362-354#{number}",
            letter_id="kst-29362-354",
            title="Kabinetsreactie op het adviesrapport 'De uitvoering aan zet'",
            date="2024-03-25",
            kamerstuk="29362-354",
            doc_type="Kamerbrief",
            url="https://zoek.officielebekendmakingen.nl/kst-29362-354",
            source=str(SEED),
            section_index=int(number),
            section_number=number,
            section_title=title,
            pages=None,
            footnotes=(),
            text=text,
            embed_text=f"{title}\n{text}",
        )
        passages.append(Passage(rank=rank, score=1.0 - rank / 10, chunk=chunk))
    return passages
