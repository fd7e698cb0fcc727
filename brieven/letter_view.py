"""A letter's own page in the app: its whole text with footnotes, the cited section marked, and
the other documents of its dossier, newest first (tkconv's dossier pages, berthubert/tkconv#98).

Built from what the index keeps (each letter's chunks and the whole text of every indexed section),
as safe Markdown (`brieven.present.escape`). The page is addressed by query parameters,
`?letter=<id>&section=<n>`, so every view of a letter is a link that can be shared. Nothing here
imports Streamlit: `letter_page.py` places these pieces.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from brieven.kernel.types import Chunk, Footnote
from brieven.present import escape, footnote_markdown, format_date, section_label


@dataclass(frozen=True, slots=True)
class LetterSection:
    index: int  # position in the letter, as `Chunk.section_index`
    label: str  # "Section 7: Ga slim om …", plain text
    text: str  # the section's whole text


def href(letter_id: str, section: int | None = None) -> str:
    """The relative link to a letter's page, at one section when given."""
    params = {"letter": letter_id}
    if section is not None:
        params["section"] = str(section)
    return "?" + urlencode(params)


def letter_link(label: str, letter_id: str, section: int | None = None) -> str:
    """A Markdown link to a letter's page; the label escaped, the target URL-encoded."""
    return f"[{escape(label)}]({href(letter_id, section)})"


def dossier_of(chunk: Chunk) -> str | None:
    """The letter's dossier: its kamerstuk's, else the one the open data API links it to."""
    return chunk.dossier or (chunk.links.dossier if chunk.links else None)


def dossier_documents(letters: list[Chunk], letter: Chunk) -> list[Chunk]:
    """The other letters of `letter`'s dossier among `letters` (one chunk each), newest first;
    undated ones last. Empty when its dossier is unknown."""
    dossier = dossier_of(letter)
    if dossier is None:
        return []
    same = [c for c in letters if c.letter_id != letter.letter_id and dossier_of(c) == dossier]
    dated = sorted((c for c in same if c.date), key=lambda c: (c.date, c.letter_id), reverse=True)
    return dated + sorted((c for c in same if not c.date), key=lambda c: c.letter_id)


def dossier_line(chunk: Chunk) -> str:
    """One entry of a dossier listing: a link to the letter, then its type and date (Markdown)."""
    facts = [chunk.doc_type, format_date(chunk.date) or "date unknown"]
    if chunk.kamerstuk:
        facts.insert(0, f"Kamerstuk {chunk.kamerstuk}")
    return f"{letter_link(chunk.title, chunk.letter_id)} · {escape(' · '.join(facts))}"


def sections_of(chunks: list[Chunk], texts: dict[int, str]) -> list[LetterSection]:
    """The letter's indexed sections in order, each with its whole text (`texts` by index)."""
    seen: dict[int, LetterSection] = {}
    for chunk in chunks:
        if chunk.section_index not in seen:
            text = texts.get(chunk.section_index, chunk.text)
            seen[chunk.section_index] = LetterSection(
                chunk.section_index, section_label(chunk), text
            )
    return [seen[index] for index in sorted(seen)]


def footnotes_of(chunks: list[Chunk]) -> list[Footnote]:
    """Every footnote the letter's passages refer to, once each, in number order."""
    notes: dict[str, Footnote] = {}
    for chunk in chunks:
        for note in chunk.footnotes:
            notes.setdefault(note.number, note)
    return sorted(notes.values(), key=lambda note: (len(note.number), note.number))


def footnotes_markdown(notes: list[Footnote]) -> str:
    return "  \n".join(footnote_markdown(note) for note in notes)
