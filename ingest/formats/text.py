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
  number. Pages are counted, chrome removed, wrapped lines joined into paragraphs.
- Text from DOCX answers to Kamervragen: footnotes as "1) text" at the end, markers as " 1)".
- OCR text: taken as it is.
Markers of the footnotes found are rewritten as superscript digits.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from brieven.kernel.refs import link_markers, to_superscript
from brieven.kernel.types import Footnote
from ingest import metadata
from ingest.formats.notes import make_footnote as footnote
from ingest.raw import Block, ParseLimits, RawDocument


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM); otherwise cp1252, whose gaps are replaced, never an error."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


@dataclass
class _Line:
    text: str
    page: int | None = None


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

    paged = _paginate(lines)
    if not footnotes:
        paged, footnotes = _page_footnotes(paged)

    numbers = [note.number for note in footnotes]
    body = "\n".join(line.text for line in paged)
    if paren_style:
        body = _link_paren_markers(body, numbers)
    body = link_markers(body, numbers)
    for line, linked in zip(paged, body.split("\n"), strict=True):
        line.text = linked

    blocks = _paragraphs(paged)
    meta = metadata.from_text([block.text for block in blocks], head)
    return RawDocument(blocks=tuple(blocks), footnotes=tuple(footnotes), metadata=meta)


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


# --- pages of PDF-derived text ------------------------------------------------------------------

_PAGE_END = re.compile(
    r"^(\f|P ?agina \d+ van \d+|Pagina \d+ van \d+"
    r"|.*Tweede Kamer, vergaderjaar \d{4}\s?[–-]\s?\d{4}, .*)$"
)
_CHROME = re.compile(
    r"^((ah|kv)-tk-\d{8}-\d+|kv-tk-\d{4}Z\d{5}|.*ISSN ?\d{4}.*|> Retouradres.*)$", re.IGNORECASE
)


def _paginate(lines: list[str]) -> list[_Line]:
    """Lines with their page numbers, page heads, feet and repeated letterhead lines removed.

    Pages are known only where the text marks their ends; otherwise every page is None.
    """
    ends = [i for i, line in enumerate(lines) if _PAGE_END.match(line.strip())]
    ends += _page_number_lines(lines)
    ends = sorted(set(ends))
    pages = len(ends) + 1 if ends else 0
    repeated: set[str] = set()
    if pages >= 3:
        counts = Counter(line.strip() for line in lines if 0 < len(line.strip()) <= 60)
        repeated = {
            line
            for line, n in counts.items()
            if n >= max(3, pages // 2) and not re.match(r"^(Vraag|Antwoord)\b", line)
        }
    out: list[_Line] = []
    page = 1 if ends else None
    end_set = set(ends)
    for i, line in enumerate(lines):
        if i in end_set:
            _drop_letterhead_run(out)
            page = page + 1 if page else None
            continue
        if line.strip() in repeated or _CHROME.match(line.strip()):
            continue
        out.append(_Line(line, page))
    while out and not out[-1].text:
        out.pop()
    return out


def _page_number_lines(lines: list[str]) -> list[int]:
    """Bare page numbers "1", "2", "3" … on lines of their own, at least three in sequence."""
    found: list[int] = []
    expected = 1
    for i, line in enumerate(lines):
        if line.strip() == str(expected) and (not found or i - found[-1] > 15):
            found.append(i)
            expected += 1
    return found if len(found) >= 3 else []


def _drop_letterhead_run(out: list[_Line]) -> None:
    """Drop the run of three or more short lines just above a page end: a letterhead column."""
    run = 0
    while run < len(out) and 0 < len(out[-1 - run].text.strip()) < 40:
        run += 1
    if run >= 3:
        del out[-run:]


# --- footnotes at page bottoms ------------------------------------------------------------------

# Lines that stand alone in a letter's head: the addressee and the place-and-date line.
_OWN_LINE = re.compile(
    r"^(Aan de Voorzitters? van de .*Kamer.*"
    r"|(Den Haag|['’]?s[- ]Gravenhage|[A-Z][a-z]+),\s*\d{1,2}\s+[a-z]+\s+\d{4}\.?)$"
)
# A note's number, then its text after a space or glued to it ("1Kamerstuk", "2wetten.nl"; not
# "2fa08538-…", an identifier).
# Words a heading does not end on; a sentence cut at a line end often does.
_OPEN_ENDINGS = frozenset("de het een en of van in op te is zijn wordt worden met voor aan".split())
_NUMBERED = re.compile(r"^\d{1,3}\.\s+(\S.*)$")
_NOTE_START = re.compile(r"^(\d{1,3})(?:\s+(\S.*)|(?=[A-Z«“‘]|[^\W\d_]{2,}\b)(\S.*))?$")
_NOTE_WORDING = re.compile(
    r"^(Ter inzage|Raadpleegbaar|Kamerstuk|Zie |https?://|www\.)", re.IGNORECASE
)


def _page_footnotes(lines: list[_Line]) -> tuple[list[_Line], list[Footnote]]:
    """Lift footnotes off page bottoms: lines starting with the next footnote number.

    A line is a footnote when its number is the next one expected (one may be skipped), its
    marker appears in the text above (or it reads like one: "Ter inzage gelegd …"), and it lies
    among the last lines of its page. The lines after it, up to the page end, continue it, unless
    the letter's addressee or dateline comes next (OCR text may put a note above them).
    A number at the start of a line whose note comes further down the page is a marker the PDF
    set apart ("1" or "2, 3 en 4" on a line of their own, "2 Dit is …"): it goes back to the
    end of the line above.
    """
    body: list[_Line] = []
    notes: list[tuple[str, list[str]]] = []
    expected = 1
    in_zone_page: object = object()
    for i, line in enumerate(lines):
        stripped = line.text.strip()
        if (
            in_zone_page == line.page
            and line.page is not None
            or (in_zone_page is None and line.page is None and notes)
        ):
            if _OWN_LINE.match(stripped):  # OCR put the note above the letter: the letter resumes
                in_zone_page = object()
                body.append(line)
                continue
            match = _NOTE_START.match(stripped)
            if match and int(match.group(1)) == expected:
                notes.append((match.group(1), [match.group(2) or match.group(3) or ""]))
                expected += 1
            elif stripped:
                notes[-1][1].append(stripped)
            continue
        first = re.match(r"\d{1,3}(?!\d)", stripped)
        if (
            first
            and not _numbered_item(stripped, body, lines[i + 1 : i + 3])
            and expected <= int(first.group()) <= expected + 1
            and _note_further_down(lines[i + 1 :], line.page, first.group())
        ):
            # Not the note but its marker, which the PDF set at the start of a line.
            rest = _glue_markers(body, stripped, lines[i + 1 :], line.page)
            if rest:
                body.append(_Line(rest, line.page))
            continue
        match = _NOTE_START.match(stripped)
        if match and expected <= int(match.group(1)) <= expected + 1:
            number = match.group(1)
            text = match.group(2) or match.group(3) or ""
            remaining = sum(1 for later in lines[i + 1 :] if later.page == line.page)
            above = "\n".join(b.text for b in body[-400:])
            if remaining <= 15 and (_marker_seen(above, number) or _NOTE_WORDING.match(text)):
                notes.append((number, [text]))
                expected = int(number) + 1
                in_zone_page = line.page
                continue
        body.append(line)
    return body, [footnote(number, _join_note(parts)) for number, parts in notes]


def _numbered_item(text: str, body: list[_Line], below: list[_Line]) -> bool:
    """Whether a line "n. …" is a numbered heading or list item rather than a marker set apart
    with the sentence's full stop ("… natuurbranden" / "3. Hiermee" / "wordt …"). It is when the
    line above ends a sentence or opens a list ("gemaakt.", "punten:"), or when the rest reads as
    a short heading ("1. Algemene gegevens"): no sentence end, not ending on a function word, and
    the next line does not carry on in lower case."""
    found = _NUMBERED.match(text)
    if not found:
        return False
    last = next((line.text.rstrip() for line in reversed(body) if line.text.strip()), "")
    if last.endswith((".", ":", ";", "?", "!")):
        return True
    rest = found.group(1)
    following = next((line.text.strip() for line in below if line.text.strip()), "")
    return (
        len(rest) <= 60
        and not rest.endswith((".", ","))
        and rest.split()[-1].lower() not in _OPEN_ENDINGS
        and not re.match(r"[a-z]{2}", following)
    )


def _note_further_down(lines: list[_Line], page: int | None, number: str) -> bool:
    """Whether footnote `number` starts, with its text, further down this page."""
    return any(
        (found := _NOTE_START.match(line.text.strip()))
        and found.group(1) == number
        and (found.group(2) or found.group(3))
        for line in lines
        if line.page == page
    )


_MARKER_RUN = re.compile(r"\d{1,3}(?:(?:\s*,\s*|\s+en\s+|\s+)\d{1,3})*[.,;:?!)]*")


def _glue_markers(body: list[_Line], text: str, below: list[_Line], page: int | None) -> str:
    """Move the markers at the start of `text` ("2", "2, 3 en 4", "2.") whose notes come further
    down the page, as superscripts, to the end of the last line of text above; return the rest."""
    last = next((line for line in reversed(body) if line.text.strip()), None)
    markers = []
    separator = re.compile(r"(\d{1,3})(?:\s*,\s*|\s+en\s+|\s+|$|(?=[.,;:?!)]))")
    run_only = _MARKER_RUN.fullmatch(text)  # "2, 3 en 4": all markers, whatever page 4 is on
    while (found := separator.match(text)) and (
        run_only or _note_further_down(below, page, found.group(1))
    ):
        markers.append(to_superscript(found.group(1)))
        text = text[found.end() :]
    end = ""
    if re.fullmatch(r"[.,;:?!)]*", text):  # the sentence's end after its marker: "2."
        end, text = text, ""
    if last is not None:
        last.text = last.text.rstrip() + ",".join(markers) + end
    return text


def _marker_seen(text: str, number: str) -> bool:
    return bool(
        re.search(rf"(?:[^\W\d_]|[.,;:?!)’'”»]|[-–]\d{{4}})\s?{number}(?!\d)(?![.,]\d)", text)
    )


def _join_note(parts: list[str]) -> str:
    """Join a footnote's lines; a URL broken over lines is glued back together."""
    text = ""
    for part in parts:
        part = part.strip()
        if not text:
            text = part
        elif (
            re.search(r"(https?://|www\.)\S*$", text)
            and not part.startswith(("http", "www"))
            and " " not in part
        ):
            text += part
        else:
            text += " " + part
    return text


# --- paragraphs ---------------------------------------------------------------------------------


def _paragraphs(lines: list[_Line]) -> list[Block]:
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
            current = [text]
        else:
            current = _join(current, text)
        following = _next_text(lines, i)
        if following is None or not _continues(text, following, wrapped, width):
            _flush(blocks, current, page)
            current = []
    _flush(blocks, current, page)
    return blocks


def _next_text(lines: list[_Line], i: int) -> str | None:
    if i + 1 < len(lines) and lines[i + 1].text.strip():
        return lines[i + 1].text.strip()
    return None


_HEADING_LIKE = re.compile(r"^(Vraag|Antwoord)\b|^\d+(\.\d+)*\.?\s+[A-Z]")


def _continues(text: str, following: str, wrapped: bool, width: int) -> bool:
    """Whether the next line continues this one's paragraph."""
    text = text.rstrip("⁰¹²³⁴⁵⁶⁷⁸⁹,")  # a marker after a question mark still ends the question
    if _OWN_LINE.match(text) or _OWN_LINE.match(following):
        return False
    if _HEADING_LIKE.match(following) and text.endswith((".", "?", "!", ":")):
        return False
    if re.match(r"^(Vraag|Antwoord)\b", text) and len(text) < 40:
        return False
    if text.endswith("-") and following[:1].islower():
        return True
    if following[:1].islower() and not text.endswith((".", "?", "!", ":")):
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


def _join(current: list[str], text: str) -> list[str]:
    last = current[-1]
    if (
        re.search(r"[^\W\d_]-$", last)
        and text[:1].islower()
        and not re.match(r"(en|of|tot)\b", text)
    ):
        current[-1] = last[:-1] + text
    else:
        current.append(text)
    return current


def _flush(blocks: list[Block], current: list[str], page: int | None) -> None:
    if current:
        blocks.append(Block(text=" ".join(current), page=page))
