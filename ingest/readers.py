"""Which reader reads a file: the format sniffed from its bytes, and the registry of readers.

The format is sniffed from the content first (a PDF is a PDF whatever its name), then from the
extension. Formats brieven does not read (legacy .doc, spreadsheets, zip archives, binaries) are
refused here with a reason, before any reader sees them.

`READERS` maps each format to its reader, imported directly: a reader is one function
`read(path, data, limits) -> RawDocument`, and adding a format means adding it here. Importing this
module imports every reader, which is what the guard's workers want before they take files.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from pathlib import Path

from brieven.kernel.errors import ParseError, UnsupportedFormatError
from ingest.formats import docx, html, pdf, text, xml
from ingest.raw import ParseLimits, RawDocument

Reader = Callable[[Path, bytes, ParseLimits], RawDocument]

READERS: dict[str, Reader] = {
    "pdf": pdf.read,
    "docx": docx.read,
    "html": html.read,
    "xml": xml.read,
    "text": text.read,
}


def format_of(path: Path, data: bytes) -> str:
    """The format of this file, a key of `READERS`; raises when brieven reads no such file."""
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
