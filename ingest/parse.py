"""One file -> one `Letter`: pick the format reader, section the blocks, merge the metadata.

The reader is chosen by `ingest.readers` (the format sniffed from the content, then the
extension). A sidecar `<file>.meta.json` next to the file (keys title, date, kamerstuk, doc_type,
url) overrides what the file states about itself; its "links" (Zaak, dossier, vote, written by
`brieven fetch`) become the letter's `links`.
Where the format's metadata gives no date or document type (a PDF), they are read from the
letter's own wording ("Den Haag, 25 maart 2024", "Antwoord van … (ontvangen 20 februari 2024)").
"""

from __future__ import annotations

import codecs
import hashlib
import json
import re
from pathlib import Path
from typing import Any

from brieven.kernel.errors import FileTooLargeError, ParseError
from brieven.kernel.links import links_from_dict
from brieven.kernel.refs import normalise_kamerstuk, references
from brieven.kernel.types import Letter
from ingest import metadata
from ingest.discover import sidecar_of
from ingest.letterhead import read_letterhead
from ingest.raw import Metadata, ParseLimits, RawDocument
from ingest.readers import READERS, format_of
from ingest.sections import sections

_PUBLICATION_URL = "https://zoek.officielebekendmakingen.nl/{}.html"
_SIDECAR_KEYS = ("title", "date", "kamerstuk", "doc_type", "url")
_DEFAULT_LIMITS = ParseLimits()


def parse(path: str | Path, limits: ParseLimits = _DEFAULT_LIMITS) -> Letter:
    """Read one letter. Raises ParseError (or a subclass) naming the file and the reason."""
    return parse_with_origin(path, limits)[0]


def parse_with_origin(
    path: str | Path, limits: ParseLimits = _DEFAULT_LIMITS
) -> tuple[Letter, str]:
    """The letter, and where its title came from: "sidecar", "Betreft" (the letterhead's subject
    line), "metadata" (what the format states), "text" (a subject the text states), "heading"
    (the first section heading), "opening" (its first sentence) or "filename"."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise FileTooLargeError(
                path, f"file is {size:,} bytes, over the limit of {limits.max_bytes:,}"
            )
        data = path.read_bytes()
    except OSError as err:
        raise ParseError(path, f"cannot read file: {err.strerror or err}") from err
    if not data.removeprefix(codecs.BOM_UTF8).strip():
        raise ParseError(path, "empty file")
    reader = format_of(path, data)
    try:
        raw = READERS[reader](path, data, limits)
    except ParseError:
        raise
    except Exception as err:  # a reader's bug or a malformed file must not end in a traceback
        raise ParseError(path, f"could not read as {reader}: {type(err).__name__}: {err}") from err
    return _letter(path, data, raw)


def _sidecar(path: Path) -> dict[str, Any]:
    sidecar = sidecar_of(path)
    if not sidecar.is_file():
        return {}
    try:
        values = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ParseError(sidecar, f"metadata sidecar is not valid JSON: {err}") from err
    if not isinstance(values, dict):
        raise ParseError(sidecar, "metadata sidecar must hold one JSON object")
    return values


def _letter(path: Path, data: bytes, raw: RawDocument) -> tuple[Letter, str]:
    numbers = [note.number for note in raw.footnotes]
    blocks, head = read_letterhead(raw.blocks)
    parts = sections(blocks, numbers)
    if not any(section.text.strip() for section in parts):
        raise ParseError(path, "no text found (a scanned document without a text layer?)")
    meta: Metadata = raw.metadata
    sidecar = _sidecar(path)
    side = {key: str(sidecar[key]) for key in _SIDECAR_KEYS if sidecar.get(key)}
    texts = [section.text for section in parts]
    kamerstuk = (
        (normalise_kamerstuk("kst-" + side["kamerstuk"]) or normalise_kamerstuk(side["kamerstuk"]))
        if "kamerstuk" in side
        else meta.kamerstuk or normalise_kamerstuk(path.stem)
    ) or side.get("kamerstuk")
    title, origin = next(
        (value, origin)
        for value, origin in (
            (side.get("title"), "sidecar"),
            (head.title, "Betreft"),
            (meta.title, "metadata"),
            (metadata.title_in([block.text for block in raw.blocks]), "text"),
            (next((s.title for s in parts if s.title), None), "heading"),
            (metadata.opening([block.text for block in blocks]), "opening"),
            (path.stem, "filename"),
        )
        if value
    )
    date = (
        metadata.dutch_date(side["date"])
        if "date" in side
        else meta.date or head.date or metadata.date_in([block.text for block in raw.blocks])
    )
    doc_type = (
        side.get("doc_type")
        or meta.doc_type
        or metadata.doc_type([block.text for block in raw.blocks])
        or "Document"
    )
    seen = list(meta.references) + references("\n".join(texts))
    own = {kamerstuk, path.stem.lower()}
    letter = Letter(
        id=path.stem,
        title=" ".join(title.split()),
        date=date,
        kamerstuk=kamerstuk,
        doc_type=doc_type,
        source=str(path),
        content_hash=hashlib.sha256(data).hexdigest(),
        sections=parts,
        footnotes=raw.footnotes,
        url=side.get("url") or meta.url or _publication_url(path.stem, kamerstuk),
        sender=meta.sender or head.sender or metadata.sender_in([b.text for b in raw.blocks]),
        references=tuple(ref for ref in dict.fromkeys(seen) if ref not in own),
        reference=meta.reference or head.reference,
        links=links_from_dict(sidecar.get("links")),
    )
    return letter, origin


def _publication_url(stem: str, kamerstuk: str | None) -> str | None:
    """The official publication's address, derived from its identifier when that is known."""
    aanhangsel = re.search(r"ah-tk-\d{8}-\d+", stem, re.IGNORECASE)
    if aanhangsel:
        return _PUBLICATION_URL.format(aanhangsel.group().lower())
    return _PUBLICATION_URL.format(f"kst-{kamerstuk}") if kamerstuk else None
