"""The domain types that flow through brieven, in one light module.

file or API record -> Letter -> Chunk -> (index) -> Passage -> Answer

Nothing here imports torch, faiss or a parser: every layer may import this module.

Dutch domain words kept as they are:
- *kamerstuk*: a parliamentary paper, cited as dossier and ondernummer, normalised here to
  "29362-354" (dossier 29362, nr. 354; a sub-dossier keeps its suffix, "21501-07-1187").
- *dossier*: the numbered file that groups kamerstukken about one subject ("29362").
- *ondernummer*: the paper's number within its dossier ("354").

Footnote markers in any text (section text, chunk text) are written as Unicode superscript digits
("beleid.¹⁰"), whatever the source format used; `brieven.kernel.refs.footnote_markers` reads
them back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Pages = tuple[int, int]


def heading_of(number: str | None, title: str) -> str:
    """ "7 Ga slim om …", "Antwoord 3 Bent u bekend …?", or the title alone."""
    if number and number != title:
        return f"{number} {title}".strip()
    return title


def dossier_of(kamerstuk: str | None) -> str | None:
    """The dossier of a kamerstuk: "29362-354" -> "29362", "21501-07-1187" -> "21501-07"."""
    return kamerstuk.rsplit("-", 1)[0] if kamerstuk else None


@dataclass(frozen=True, slots=True)
class Footnote:
    number: str
    text: str
    urls: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Section:
    """A part of a letter under one heading. `number` as printed ("7", "2.1", "Vraag 3") or None."""

    number: str | None
    title: str
    text: str
    pages: Pages | None = None
    footnotes: tuple[str, ...] = ()
    ocr: bool = False  # read by OCR from page images: the text may hold recognition errors

    @property
    def heading(self) -> str:
        return heading_of(self.number, self.title)


@dataclass(frozen=True, slots=True)
class Related:
    """Another document of the same Zaak (parliamentary case), as the open data API lists it."""

    number: str  # its DocumentNummer, "2024D45678"
    doc_type: str | None  # its Soort, "Schriftelijke vragen"
    date: str | None
    title: str | None


@dataclass(frozen=True, slots=True)
class PartyVote:
    party: str  # "GroenLinks-PvdA"
    seats: int | None  # the party's seats that voted so (FractieGrootte)


@dataclass(frozen=True, slots=True)
class Vote:
    """How the Kamer decided on a motie: the Besluit and its Stemmingen, per party."""

    outcome: str | None  # "adopted" or "rejected"; None when the decision says neither
    date: str | None  # day of the vote, when the API states it
    decision: str | None  # the decision in the Kamer's words, "Aangenomen."
    voted_for: tuple[PartyVote, ...] = ()
    voted_against: tuple[PartyVote, ...] = ()

    @property
    def seats_for(self) -> int:
        return sum(party.seats or 0 for party in self.voted_for)

    @property
    def seats_against(self) -> int:
        return sum(party.seats or 0 for party in self.voted_against)


QUESTION_TYPES = ("Schriftelijke vragen", "Mondelinge vragen")


@dataclass(frozen=True, slots=True)
class Links:
    """What the open data API links a document to. None (or empty) means unknown: a link the
    API did not give is never guessed from the text."""

    number: str | None = None  # the document's own DocumentNummer, "2025D06779"
    zaak: str | None = None  # its Zaak's Nummer, "2025Z02986"
    zaak_subject: str | None = None
    dossier: str | None = None  # Kamerstukdossier, "19637" or "21501-07"
    documents: tuple[Related, ...] = ()  # the other documents of its Zaak
    vote: Vote | None = None  # for a motie, when it has been voted on

    @property
    def questions(self) -> tuple[Related, ...]:
        """The questions of the Zaak: what an "Antwoord schriftelijke vragen" answers."""
        return tuple(doc for doc in self.documents if doc.doc_type in QUESTION_TYPES)


@dataclass(frozen=True, slots=True)
class Letter:
    id: str
    title: str
    date: str | None  # YYYY-MM-DD
    kamerstuk: str | None  # "29362-354"
    doc_type: str
    source: str  # path of the ingested file
    content_hash: str  # sha256 of the file's bytes
    sections: tuple[Section, ...]
    footnotes: tuple[Footnote, ...] = ()
    url: str | None = None  # official publication
    sender: str | None = None  # ministry or member, when stated
    references: tuple[str, ...] = ()  # other normalised document numbers seen (2024D11607, ...)
    reference: str | None = None  # the sender's own kenmerk ("4204015-1087289-PDIZA")
    links: Links | None = None  # from the open data API (`brieven fetch`); None: not fetched


@dataclass(frozen=True, slots=True)
class Chunk:
    """A piece of one section, small enough to embed, carrying all it needs to be cited alone."""

    id: str  # "<letter id>#<ordinal>"
    letter_id: str
    title: str
    date: str | None
    kamerstuk: str | None
    doc_type: str
    url: str | None
    source: str
    section_index: int  # position of the section in its letter
    section_number: str | None
    section_title: str
    pages: Pages | None
    footnotes: tuple[Footnote, ...]  # those this chunk's own text refers to
    text: str  # shown to the user
    embed_text: str  # given to the encoder (title + heading + body)
    sender: str | None = None
    reference: str | None = None  # the sender's kenmerk
    ocr: bool = False  # the section was read by OCR
    links: Links | None = None  # the letter's links (Zaak, dossier, vote); None: unknown

    @property
    def heading(self) -> str:
        return heading_of(self.section_number, self.section_title)

    @property
    def dossier(self) -> str | None:
        return dossier_of(self.kamerstuk)

    @property
    def answered_question(self) -> tuple[str, str] | None:
        """In an answer to Kamervragen, ("3", the question's wording) for a chunk of "Antwoord 3":
        `ingest.sections` heads each answer with the question it answers."""
        parts = (self.section_number or "").split(maxsplit=1)
        if len(parts) == 2 and parts[0] == "Antwoord" and self.section_title != self.section_number:
            return parts[1], self.section_title
        return None


@dataclass(frozen=True, slots=True)
class Passage:
    rank: int  # 1-based
    score: float
    chunk: Chunk


@dataclass(frozen=True, slots=True)
class Answer:
    text: str  # sentences, each followed by its citation marker "[n]"
    citations: tuple[int, ...]  # passage ranks cited in `text`
    found: bool
    method: Literal["extractive", "llm"]  # who wrote `text`: sentences picked, or an LLM
    notice: str | None = None  # e.g. "LLM unreachable; extractive answer shown"


@dataclass(frozen=True, slots=True)
class IndexManifest:
    format_version: int
    model_id: str
    weights_hash: str
    dimension: int
    chunk_count: int
    letter_count: int
    corpus_hash: str
    built_at: str  # ISO 8601, UTC
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Filters:
    """Restrictions applied before ranking. Empty fields restrict nothing."""

    since: str | None = None  # YYYY-MM-DD, inclusive
    until: str | None = None
    doc_types: tuple[str, ...] = ()
    dossiers: tuple[str, ...] = ()  # "29362"

    def admits(self, chunk: Chunk) -> bool:
        if self.since and (chunk.date is None or chunk.date < self.since):
            return False
        if self.until and (chunk.date is None or chunk.date > self.until):
            return False
        if self.doc_types and chunk.doc_type not in self.doc_types:
            return False
        if self.dossiers:
            if chunk.dossier not in self.dossiers:
                return False
        return True
