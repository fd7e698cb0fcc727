"""One file -> one `Letter`: pick the format reader, section the blocks, merge the metadata.

The format is sniffed from the content first (a PDF is a PDF whatever its name), then from the
extension. A sidecar `<file>.meta.json` next to the file (keys title, date, kamerstuk, doc_type,
url) overrides what the file states about itself.
Where the format's metadata gives no date or document type (a PDF), they are read from the
letter's own wording ("Den Haag, 25 maart 2024", "Antwoord van … (ontvangen 20 februari 2024)").
"""

from __future__ import annotations

import codecs
import hashlib
import importlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from brieven.kernel.errors import FileTooLargeError, ParseError, UnsupportedFormatError
from brieven.kernel.refs import normalise_kamerstuk, references
from brieven.kernel.types import Letter
from ingest import metadata
from ingest.discover import SIDECAR_SUFFIX
from ingest.raw import Metadata, RawDocument
from ingest.sections import sections

_PUBLICATION_URL = "https://zoek.officielebekendmakingen.nl/{}.html"
_SIDECAR_KEYS = ("title", "date", "kamerstuk", "doc_type", "url")


@dataclass(frozen=True, slots=True)
class ParseLimits:
    max_bytes: int = 50 * 1024 * 1024
    max_pages: int = 2000


def parse(path: str | Path, limits: ParseLimits = ParseLimits()) -> Letter:
    """Read one letter. Raises ParseError (or a subclass) naming the file and the reason."""
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
    reader = _reader(path, data)
    try:
        raw = importlib.import_module(f"ingest.formats.{reader}").read(path, data, limits)
    except ParseError:
        raise
    except Exception as err:  # a reader's bug or a malformed file must not end in a traceback
        raise ParseError(path, f"could not read as {reader}: {type(err).__name__}: {err}") from err
    return _letter(path, data, raw)


def _reader(path: Path, data: bytes) -> str:
    """The name of the module in ingest.formats that reads this file."""
    ext = path.suffix.lower()
    head = data[:1024].removeprefix(codecs.BOM_UTF8).lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if ext == ".docx" or b"word/" in data[:4096]:
            return "docx"
        raise UnsupportedFormatError(
            path, f"a zip archive ({ext or 'no extension'}) is not a letter format brieven reads"
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnsupportedFormatError(
            path, "legacy Word (.doc) files are not supported: save the file as .docx or PDF"
        )
    if ext == ".pdf":
        raise ParseError(path, "not a valid PDF (no %PDF header): the file is damaged or truncated")
    if ext == ".docx":
        raise ParseError(
            path, "not a valid .docx (not a zip archive): the file is damaged or truncated"
        )
    if ext in {".tsv", ".csv", ".json", ".xlsx", ".xls", ".doc", ".rtf", ".odt", ".zip"}:
        raise UnsupportedFormatError(path, f"{ext} files are not a letter format brieven reads")
    if b"\x00" in data[:8192]:
        raise UnsupportedFormatError(path, "binary file: not PDF, DOCX, XML, HTML or text")
    lowered = head[:512].lower()
    if ext in {".html", ".htm"} or lowered.startswith((b"<!doctype html", b"<html")):
        return "html"
    if ext == ".xml" or lowered.startswith(b"<?xml") or b"<officiele-publicatie" in lowered:
        return "xml"
    if ext in {".txt", ".text", ".md", ""} or _looks_like_text(data):
        return "text"
    raise UnsupportedFormatError(path, f"{ext} files are not a letter format brieven reads")


def _looks_like_text(data: bytes) -> bool:
    sample = data[:8192]
    printable = sum(1 for byte in sample if byte >= 32 or byte in (9, 10, 13))
    return printable / len(sample) > 0.95


def _sidecar(path: Path) -> dict[str, str]:
    sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
    if not sidecar.is_file():
        return {}
    try:
        values = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ParseError(sidecar, f"metadata sidecar is not valid JSON: {err}") from err
    if not isinstance(values, dict):
        raise ParseError(sidecar, "metadata sidecar must hold one JSON object")
    return {key: str(values[key]) for key in _SIDECAR_KEYS if values.get(key)}


def _letter(path: Path, data: bytes, raw: RawDocument) -> Letter:
    numbers = [note.number for note in raw.footnotes]
    parts = sections(raw.blocks, numbers)
    if not any(section.text.strip() for section in parts):
        raise ParseError(path, "no text found (a scanned document without a text layer?)")
    meta: Metadata = raw.metadata
    side = _sidecar(path)
    texts = [section.text for section in parts]
    kamerstuk = (
        (normalise_kamerstuk("kst-" + side["kamerstuk"]) or normalise_kamerstuk(side["kamerstuk"]))
        if "kamerstuk" in side
        else meta.kamerstuk or normalise_kamerstuk(path.stem)
    ) or side.get("kamerstuk")
    title = (
        side.get("title")
        or meta.title
        or metadata.title_in([block.text for block in raw.blocks])
        or next((s.title for s in parts if s.title), path.stem)
    )
    date = (
        metadata.dutch_date(side["date"])
        if "date" in side
        else meta.date or metadata.date_in([block.text for block in raw.blocks])
    )
    doc_type = (
        side.get("doc_type")
        or meta.doc_type
        or metadata.doc_type([block.text for block in raw.blocks])
        or "Document"
    )
    seen = list(meta.references) + references("\n".join(texts))
    own = {kamerstuk, path.stem.lower()}
    return Letter(
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
        sender=meta.sender,
        references=tuple(ref for ref in dict.fromkeys(seen) if ref not in own),
    )


def _publication_url(stem: str, kamerstuk: str | None) -> str | None:
    """The official publication's address, derived from its identifier when that is known."""
    aanhangsel = re.search(r"ah-tk-\d{8}-\d+", stem, re.IGNORECASE)
    if aanhangsel:
        return _PUBLICATION_URL.format(aanhangsel.group().lower())
    return _PUBLICATION_URL.format(f"kst-{kamerstuk}") if kamerstuk else None
