"""Plain text letters: OpenTK page text, officielebekendmakingen page text, PDF-derived text and
OCR text.

What each kind brings and what is done about it:
- OpenTK page text (the seed): a site menu and page chrome before the letter ("[overzicht]
  [activiteiten] …", "Nummer: 2024D11607, datum: 2024-03-25"), the footnotes as a numbered list at
  the end ("  1. https://…↩︎"), markers glued to words ("beleid.1"). The chrome is dropped and read
  for metadata.
- officielebekendmakingen page text: footnotes as "X Noot / 1 / text" blocks (or "Noot 1: text").
- PDF-derived text: lines wrapped at the page width, page heads and feet ("Pagina 3 van 32",
  letterhead lines repeated on every page), footnotes at page bottoms as lines starting with their
  number. Pages are counted, chrome removed and page-bottom footnotes lifted off in
  `ingest.formats.text_pages`; wrapped lines are joined into paragraphs here, by the rules the
  PDF reader shares (`ingest.formats.lines`).
- Text from DOCX answers to Kamervragen: footnotes as "1) text" at the end, markers as " 1)".
- OCR text: taken as it is.
Markers of the footnotes found are rewritten as superscript digits.
This module tells the kinds apart, takes each kind's footnote list, and makes paragraph blocks.
"""

from __future__ import annotations

import re
from pathlib import Path

from brieven.kernel.refs import link_markers, to_superscript
from brieven.kernel.types import Footnote
from ingest import metadata
from ingest.formats.lines import join_lines
from ingest.formats.notes import make_footnote as footnote
from ingest.formats.text_pages import OPEN_ENDINGS, OWN_LINE, Line, page_footnotes, paginate
from ingest.raw import Block, ParseLimits, RawDocument


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM); otherwise cp1252, whose gaps are replaced, never an error."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read(path: Path, data: bytes, limits: ParseLimits) -> RawDocument:
    text = decode(data).replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\f\n")
    lines = [
        line.replace("\u00a0", " ").replace("\u200b", "").rstrip() for line in text.split("\n")
    ]
    lines = [line if line.strip() else "" for line in lines]

    head: list[str] = []
    footnotes: list[Footnote] = []
    paren_style = False
    if _is_opentk(lines):
        head, lines, footnotes = _split_opentk(lines)
    else:
        lines, footnotes = _noot_blocks(lines)
    if not footnotes:
        lines, footnotes = _paren_footnotes(lines)
        paren_style = bool(footnotes)

    paged = paginate(lines)
    if not footnotes:
        paged, footnotes = page_footnotes(paged)

    numbers = [note.number for note in footnotes]
    body = "\n".join(line.text for line in paged)
    if paren_style:
        body = _link_paren_markers(body, numbers)
    body = link_markers(body, numbers)
    if "1" in numbers and "¹" not in body:
        body = _quote_as_marker(body)
    for line, linked in zip(paged, body.split("\n"), strict=True):
        line.text = linked

    blocks = _paragraphs(paged)
    meta = metadata.from_text([block.text for block in blocks], head)
    return RawDocument(blocks=tuple(blocks), footnotes=tuple(footnotes), metadata=meta)


# OCR of a scanned page reads a raised 1 as a straight quote: "«Mensen en Management in de
# Rijksdienst 1994».' Dit is", "het Statuut voor het Koninkrijk der Nederlanden', de Raad van
# State" (sgd-0000001421, -096712); a quote that closes "'Overheid en Arbeidsmarkt'" is none.
_RAISED_ONE = re.compile(r"(?<=[^\W\d_]|[.»”)])'(?=[\s,.;:])")
_OPENING_QUOTE = re.compile(r"(?:^|(?<=[\s(«]))'(?![st]\b|n\b)(?=\w)")


def _quote_as_marker(body: str) -> str:
    """`body` with note 1's marker where OCR read it as a quote: the first straight quote after
    a word or a closing mark that closes no quotation opened before it on its line."""
    for found in _RAISED_ONE.finditer(body):
        line = body[body.rfind("\n", 0, found.start()) + 1 : found.start()]
        if len(_OPENING_QUOTE.findall(line)) <= len(_RAISED_ONE.findall(line)):
            return body[: found.start()] + "¹" + body[found.end() :]
    return body


# --- OpenTK page text -------------------------------------------------------------------------

_OPENTK_NUMBER = re.compile(r"^Nummer: (\d{4}D\d{5}), datum: (\d{4}-\d{2}-\d{2})")
_OPENTK_NOTE = re.compile(r"^\s+(\d{1,3})\.\s+(.*)$")


def _is_opentk(lines: list[str]) -> bool:
    top = lines[:40]
    return any(line.startswith("[overzicht]") for line in top) or any(
        _OPENTK_NUMBER.match(line) for line in top
    )


def _split_opentk(lines: list[str]) -> tuple[list[str], list[str], list[Footnote]]:
    """(page chrome above the letter, the letter's lines, the footnote list at the end)."""
    start = 0
    for i, line in enumerate(lines[:80]):
        if line.startswith("Preview document") or _OPENTK_NUMBER.match(line):
            start = i + 1
    head = [line for line in lines[:start] if line and not line.startswith("[")]
    body = lines[start:]
    notes: list[Footnote] = []
    end = len(body)
    for i in range(len(body) - 1, -1, -1):
        if not body[i]:
            continue
        match = _OPENTK_NOTE.match(body[i])
        if not match:
            break
        end = i
        notes.append(footnote(match.group(1), match.group(2).replace("↩︎", "").replace("↩", "")))
    notes.sort(key=lambda note: int(note.number))
    return head, body[:end], notes


# --- officielebekendmakingen "X Noot" blocks, DOCX "1) text" ----------------------------------

_NOOT = re.compile(r"^X ?Noot$")
_NOOT_INLINE = re.compile(r"^Noot (\d{1,3}):\s*(.+)$")
_PAGE_CHROME = re.compile(r"^(Naar boven|Direct naar \(in deze pagina\).*|\s*• Download PDF)$")


def _noot_blocks(lines: list[str]) -> tuple[list[str], list[Footnote]]:
    body: list[str] = []
    notes: list[Footnote] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        inline = _NOOT_INLINE.match(line)
        if inline:
            notes.append(footnote(inline.group(1), inline.group(2)))
        elif _NOOT.match(line.strip()):
            j = i + 1
            while j < len(lines) and not lines[j]:
                j += 1
            number = lines[j].strip() if j < len(lines) else ""
            if not number.isdigit():
                body.append(line)
                i += 1
                continue
            text: list[str] = []
            j += 1
            while (
                j < len(lines)
                and not _NOOT.match(lines[j].strip())
                and not _PAGE_CHROME.match(lines[j])
            ):
                text.append(lines[j])
                j += 1
            notes.append(footnote(number, " ".join(text)))
            i = j
            continue
        elif not _PAGE_CHROME.match(line):
            body.append(line)
        i += 1
    return body, notes


_PAREN_NOTE = re.compile(r"^(\d{1,2})\)\s+(\S.*)$")


def _paren_footnotes(lines: list[str]) -> tuple[list[str], list[Footnote]]:
    """Footnotes listed as "1) text" after the body (text taken from DOCX answers)."""
    notes: list[Footnote] = []
    end = len(lines)
    for i in range(len(lines) - 1, -1, -1):
        if not lines[i].strip():
            continue
        match = _PAREN_NOTE.match(lines[i].strip())
        if not match:
            break
        end = i
        notes.append(footnote(match.group(1), match.group(2)))
    if not notes:
        return lines, []
    notes.sort(key=lambda note: int(note.number))
    return lines[:end], notes


def _link_paren_markers(text: str, numbers: list[str]) -> str:
    wanted = set(numbers)

    def sup(match: re.Match[str]) -> str:
        return to_superscript(match.group(1)) if match.group(1) in wanted else match.group()

    return re.sub(r"(?<=\S) ?(\d{1,2})\)(?=\s|$)", sup, text)


# --- paragraphs ---------------------------------------------------------------------------------


def _paragraphs(lines: list[Line]) -> list[Block]:
    """Join wrapped lines into paragraphs; each paragraph becomes a block on its first page."""
    lengths = sorted(len(line.text) for line in lines if len(line.text.strip()) > 20)
    width = lengths[int(len(lengths) * 0.9)] if lengths else 0
    wrapped = 40 <= width <= 130
    blocks: list[Block] = []
    current: list[str] = []
    page: int | None = None
    for i, line in enumerate(lines):
        text = line.text.strip()
        if not text:
            _flush(blocks, current, page)
            current = []
            continue
        if not current:
            page = line.page
        current.append(text)
        following = _next_text(lines, i)
        if following is None or not _continues(text, following, wrapped, width):
            _flush(blocks, current, page)
            current = []
    _flush(blocks, current, page)
    return blocks


def _next_text(lines: list[Line], i: int) -> str | None:
    if i + 1 < len(lines) and lines[i + 1].text.strip():
        return lines[i + 1].text.strip()
    return None


_HEADING_LIKE = re.compile(r"^(Vraag|Antwoord)\b|^\d+(\.\d+)*\.?\s+[A-Z]")


def _continues(text: str, following: str, wrapped: bool, width: int) -> bool:
    """Whether the next line continues this one's paragraph."""
    text = text.rstrip("⁰¹²³⁴⁵⁶⁷⁸⁹,")  # a marker after a question mark still ends the question
    if OWN_LINE.match(text) or OWN_LINE.match(following):
        return False
    if _HEADING_LIKE.match(following) and text.endswith((".", "?", "!", ":")):
        return False
    if re.match(r"^(Vraag|Antwoord)\b", text) and len(text) < 40:
        return False
    if text.endswith("-") and following[:1].islower():
        return True
    if following[:1].islower() and not text.endswith((".", "?", "!", ":")):
        return True
    if text.split()[-1] in OPEN_ENDINGS:  # "… heeft de Commissie op" / "24 mei jl. …"
        return True
    if wrapped:
        return len(text) >= 0.7 * width and not (
            text.endswith((".", "?", "!", ":")) and _short_heading(following)
        )
    if text.endswith((".", "?", "!", ":", ";", ",")):
        return False
    return len(text) >= 60


def _short_heading(text: str) -> bool:
    return len(text) < 60 and not text.endswith((".", ",", ";", ":", "?", "!"))


def _flush(blocks: list[Block], current: list[str], page: int | None) -> None:
    if current:
        blocks.append(Block(text=join_lines(current), page=page))
