"""Word .docx letters, read with python-docx.

Paragraphs come in document order, those inside tables and text boxes included (moties are laid
out in a table; a ministry's template keeps its side column in text boxes, which
`ingest.letterhead` lifts out). Heading styles ("Heading 1", "Kop 1", "Title", or an outline
level) become heading blocks.

Footnotes come in two kinds in answers to Kamervragen:
- Word footnotes: python-docx has no footnote API, so they are read from `word/footnotes.xml` in
  the zip with the same safe XML parser as the official XML;
- the notes of the questions, which the answer copies as typed text: a marker "1)" after the
  words ("gedrag2) waarin", "Sammy'? 1)") and the notes as a list after the last answer ("1) NOS,
  6 maart 2024 …", or a numbered Word list).
Both become superscript markers (`ingest.formats.docx_notes`): Word's footnotes keep the numbers
Word displays, the typed notes are numbered after them.

Field codes (DOCPROPERTY, MERGEFIELD, PAGE …) are instructions, never text; a MERGEFIELD's
"«Aanhef»" result and a content control still showing its placeholder ("Klik of tik om tekst in
te voeren.") are template filler and are dropped.

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
from ingest.formats.docx_notes import NOTE_END, NOTE_REF, number_notes, typed_notes
from ingest.formats.xml import parse_xml
from ingest.raw import Block, Metadata, ParseLimits, RawDocument

MAX_UNPACKED = 200 * 1024 * 1024
_PARTS = tuple(
    f"{{http://schemas.openxmlformats.org/wordprocessingml/2006/main}}{tag}"
    for tag in ("t", "tab", "br", "cr", "footnoteReference", "fldChar", "instrText")
)
# Word's own prompts in empty content controls and templates
_FILLER = re.compile(
    r"(?:Klik (?:of tik )?(?:hier )?om (?:tekst|een datum) in te voeren\.?"
    r"|Click or tap (?:here )?to enter (?:text|a date)\.?|Titel max \d regels)",
    re.IGNORECASE,
)
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
        blocks, listed = _paragraphs(document)
    except _DAMAGED as exc:
        raise ParseError(path, f"damaged Word document ({type(exc).__name__}: {exc})") from exc
    if not blocks:
        raise ParseError(path, "no text in this Word document")
    blocks, typed = typed_notes(blocks, listed)
    blocks, footnotes = number_notes(blocks, notes, typed)
    title = " ".join((document.core_properties.title or "").split())
    return RawDocument(
        blocks=tuple(blocks),
        footnotes=tuple(footnotes),
        metadata=Metadata(title=title if len(title.split()) >= 3 else None),
    )


def _paragraphs(document) -> tuple[list[Block], list[str | None]]:
    """The text blocks, and for each the number a decimal Word list gives it (None if none)."""
    counters = _ListCounters(document)
    blocks: list[Block] = []
    listed: list[str | None] = []
    for element in document.element.body.iter(f"{W}p"):
        text = _paragraph_text(element)
        if text:
            blocks.append(Block(text=text, heading=_is_heading(Paragraph(element, document))))
            listed.append(counters.number(element))
    return blocks, listed


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


def _paragraph_text(paragraph) -> str:
    """The paragraph's text; a Word footnote reference is left as a token `NOTE_REF` + id."""
    parts = []
    field: list[str] = []  # instructions of the fields open at this point
    for element in paragraph.iter(*_PARTS):
        tag = element.tag
        if tag == f"{W}fldChar":
            kind = element.get(f"{W}fldCharType")
            if kind == "begin":
                field.append("")
            elif kind == "end" and field:
                field.pop()
        elif tag == f"{W}instrText" and field:
            field[-1] += element.text or ""
        elif tag == f"{W}t" and not _placeholder(element, field):
            parts.append(element.text or "")
        elif tag == f"{W}footnoteReference":
            parts.append(f"{NOTE_REF}{element.get(f'{W}id')}{NOTE_END}")
        elif tag in (f"{W}tab", f"{W}br", f"{W}cr"):
            parts.append(" ")
    text = " ".join("".join(parts).split())
    return "" if _FILLER.fullmatch(text) else text


def _placeholder(text_element, field: list[str]) -> bool:
    """Template filler: a MERGEFIELD's "«name»" result, a content control showing its prompt."""
    if (
        field
        and "MERGEFIELD" in field[-1]
        and re.fullmatch(r"\s*«[^»]*»\s*", text_element.text or "")
    ):
        return True
    for ancestor in text_element.iterancestors(f"{W}sdt"):
        properties = ancestor.find(f"{W}sdtPr")
        if properties is not None and properties.find(f"{W}showingPlcHdr") is not None:
            return True
    return False


class _ListCounters:
    """The number Word shows before a paragraph of a decimal list ("1.", "1)"), counted per list."""

    def __init__(self, document) -> None:
        self.formats: dict[tuple[str, str], str] = {}
        self.counts: dict[tuple[str, str], int] = {}
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {
            a.get(f"{W}abstractNumId"): {
                lvl.get(f"{W}ilvl"): lvl.find(f"{W}numFmt").get(f"{W}val")
                for lvl in a.iter(f"{W}lvl")
                if lvl.find(f"{W}numFmt") is not None
            }
            for a in numbering.iter(f"{W}abstractNum")
        }
        for num in numbering.iter(f"{W}num"):
            link = num.find(f"{W}abstractNumId")
            levels = abstract.get(link.get(f"{W}val"), {}) if link is not None else {}
            for level, fmt in levels.items():
                self.formats[(num.get(f"{W}numId"), level)] = fmt

    def number(self, paragraph) -> str | None:
        props = paragraph.find(f"{W}pPr/{W}numPr")
        if props is None:
            return None
        num, level = props.find(f"{W}numId"), props.find(f"{W}ilvl")
        key = (
            num.get(f"{W}val") if num is not None else "",
            level.get(f"{W}val") if level is not None else "0",
        )
        if self.formats.get(key) != "decimal":
            return None
        self.counts[key] = self.counts.get(key, 0) + 1
        return str(self.counts[key])


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
