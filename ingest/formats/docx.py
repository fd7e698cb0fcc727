"""Word .docx letters, read with python-docx.

Paragraphs come in document order, those inside tables included (moties are laid out in one).
Heading styles ("Heading 1", "Kop 1", "Title", or an outline level) become heading blocks.
python-docx has no footnote API, so footnotes are read from `word/footnotes.xml` in the zip with
the same safe XML parser as the official XML; a footnote reference in the text becomes a
superscript marker, numbered in order of appearance as Word displays it.

The zip is checked before anything is unpacked: a member total above MAX_UNPACKED bytes is
refused (a "zip bomb" expands a small file into gigabytes). Legacy binary .doc never gets here:
`ingest.readers` refuses it as an unsupported format.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.text.paragraph import Paragraph
from lxml import etree

from brieven.kernel.errors import FileTooLargeError, ParseError
from brieven.kernel.refs import to_superscript
from ingest.formats.notes import make_footnote
from ingest.formats.xml import parse_xml
from ingest.raw import Block, Metadata, ParseLimits, RawDocument

MAX_UNPACKED = 200 * 1024 * 1024
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
# what python-docx and zipfile raise on a damaged package
_DAMAGED = (
    PackageNotFoundError,
    KeyError,
    ValueError,
    EOFError,
    zipfile.BadZipFile,
    zlib.error,
    etree.XMLSyntaxError,
)
_HEADING_STYLE = re.compile(r"^(?:heading|kop)\s*\d|^(?:title|titel)$", re.IGNORECASE)


def read(path: Path, data: bytes, limits: ParseLimits) -> RawDocument:
    archive = _open_zip(path, data)
    try:
        document = docx.Document(io.BytesIO(data))
        notes = _footnote_texts(path, archive)
    except _DAMAGED as exc:
        raise ParseError(path, f"damaged Word document ({type(exc).__name__}: {exc})") from exc
    numbers: dict[str, str] = {}  # footnote id in the file -> number as displayed
    blocks = []
    for element in document.element.body.iter(f"{W}p"):
        text = _paragraph_text(element, numbers)
        if text:
            blocks.append(Block(text=text, heading=_is_heading(Paragraph(element, document))))
    if not blocks:
        raise ParseError(path, "no text in this Word document")
    footnotes = tuple(
        make_footnote(number, *notes[key]) for key, number in numbers.items() if key in notes
    )
    title = " ".join((document.core_properties.title or "").split())
    return RawDocument(
        blocks=tuple(blocks),
        footnotes=footnotes,
        metadata=Metadata(title=title if len(title.split()) >= 3 else None),
    )


def _open_zip(path: Path, data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ParseError(path, "not a valid .docx file (it is not a zip archive)") from exc
    unpacked = sum(member.file_size for member in archive.infolist())
    if unpacked > MAX_UNPACKED:
        raise FileTooLargeError(
            path,
            f"unpacks to {unpacked:,} bytes, more than the limit of {MAX_UNPACKED:,} (a zip bomb?)",
        )
    return archive


def _paragraph_text(paragraph, numbers: dict[str, str]) -> str:
    parts = []
    for element in paragraph.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}footnoteReference"):
        if element.tag == f"{W}t":
            parts.append(element.text or "")
        elif element.tag == f"{W}footnoteReference":
            key = element.get(f"{W}id")
            numbers.setdefault(key, str(len(numbers) + 1))
            parts.append(to_superscript(numbers[key]))
        else:
            parts.append(" ")
    return " ".join("".join(parts).split())


def _is_heading(paragraph: Paragraph) -> bool:
    """A heading style by name ("Heading 1", "Kop 1", "Title") or id ("Kop1"), or outline level."""
    properties = paragraph._p.pPr
    if properties is not None and properties.find(f"{W}outlineLvl") is not None:
        return True
    names = [paragraph._p.style or ""]
    if paragraph.style is not None:
        names.append(paragraph.style.name or "")
    return any(_HEADING_STYLE.match(name) for name in names)


def _footnote_texts(path: Path, archive: zipfile.ZipFile) -> dict[str, tuple[str, list[str]]]:
    """Footnote id -> (text, link targets), from word/footnotes.xml when the document has one."""
    names = set(archive.namelist())
    if "word/footnotes.xml" not in names:
        return {}
    root = parse_xml(path, archive.read("word/footnotes.xml"))
    targets = {}
    if "word/_rels/footnotes.xml.rels" in names:
        for rel in parse_xml(path, archive.read("word/_rels/footnotes.xml.rels")):
            if rel.get("TargetMode") == "External":
                targets[rel.get("Id")] = rel.get("Target")
    notes = {}
    for note in root.iter(f"{W}footnote"):
        if note.get(f"{W}type") in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        text = " ".join("".join(t.text or "" for t in note.iter(f"{W}t")).split())
        links = [
            targets[link.get(f"{R}id")]
            for link in note.iter(f"{W}hyperlink")
            if link.get(f"{R}id") in targets
        ]
        notes[note.get(f"{W}id")] = (text, links)
    return notes
