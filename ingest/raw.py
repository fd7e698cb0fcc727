"""The intermediate shape every format parser produces, so one sectioner and one chunker serve all.

A parser reads a file into a `RawDocument`: body blocks in reading order, the footnotes it found,
and whatever metadata the format states. Footnote markers inside block text are already written as
Unicode superscript digits ("beleid.¹"), whatever the source used (`<sup>`, `<noot>`, "beleid.1").
The `ParseLimits` a reader must respect live here too, beside what it returns, so the readers
depend on this module only and never on `ingest.parse`, which calls them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from brieven.kernel.types import Footnote


@dataclass(frozen=True, slots=True)
class ParseLimits:
    """What one file may cost to read: its size on disk, and a PDF's page count.

    `on_pages`, where set, is told (pages, pages by OCR) as a PDF reader starts each page, and
    before it reads its scanned pages by OCR, so that a caller's time limit can grow with the
    work; a reader stuck on one page gets no more time.
    """

    max_bytes: int = 50 * 1024 * 1024
    max_pages: int = 2000
    on_pages: Callable[[int, int], None] | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Block:
    text: str
    page: int | None = None  # 1-based page the block starts on, when the format has pages
    heading: bool = False  # the format itself marks this block as a heading (kop, h2, Heading 1)
    ocr: bool = False  # read by OCR from a page image


@dataclass(frozen=True, slots=True)
class Metadata:
    """What the file states about itself. Every field may be unknown."""

    title: str | None = None
    date: str | None = None  # YYYY-MM-DD
    kamerstuk: str | None = None  # normalised, "29362-354"
    doc_type: str | None = None
    url: str | None = None
    sender: str | None = None
    references: tuple[str, ...] = ()
    reference: str | None = None  # the sender's kenmerk


@dataclass(frozen=True, slots=True)
class RawDocument:
    blocks: tuple[Block, ...]
    footnotes: tuple[Footnote, ...] = ()
    metadata: Metadata = Metadata()
