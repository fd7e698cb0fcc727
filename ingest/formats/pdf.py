"""PDF letters, read with pypdf into paragraph blocks that keep their page numbers.

pypdf gives text with the position, size and font of each run (`extract_text(visitor_text=...)`).
From that this module rebuilds lines, then:
- drops running heads and feet (the "Tweede Kamer, vergaderjaar …" foot, ISSN, page numbers,
  lines repeated in the margins of several pages);
- takes footnotes from the page bottoms: smaller type below the last line of body text, each
  starting with its number; URLs come from the note text and from link annotations over it;
- rewrites each footnote's marker in the body text as Unicode superscript digits ("beleid.¹");
- joins wrapped lines into paragraph blocks, undoing line-end hyphenation and broken URLs by
  the rules the text reader shares (`ingest.formats.lines`).
Pages without text but with an image (scans) get their lines from OCR (`ingest.formats.pdf_ocr`).
"""

from __future__ import annotations

import io
import logging
import math
import re
import warnings
from collections import Counter
from pathlib import Path

from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError

from brieven.kernel.errors import FileTooLargeError, ParseError
from brieven.kernel.refs import normalise_kamerstuk
from brieven.kernel.types import Footnote
from ingest.formats.lines import join_lines
from ingest.formats.pdf_markers import QA, mark_references
from ingest.formats.pdf_notes import split_footnotes
from ingest.formats.pdf_ocr import ocr_pages
from ingest.formats.pdf_page import Line, Page, turn
from ingest.formats.pdf_rise import RaisedMarkers
from ingest.formats.publication import PUBLICATION_URL
from ingest.raw import Block, Metadata, ParseLimits, RawDocument

# pypdf reports every odd font or broken xref through its logger; a reader of letters has no use
# for that on stderr. Real failures still surface as exceptions and become ParseError.
logging.getLogger("pypdf").setLevel(logging.CRITICAL)

MARGIN = 0.12  # top and bottom fraction of a page where running heads and feet live

_RUNNING = re.compile(
    r"(?:Tweede|Eerste) Kamer, vergaderjaar \d{4}\s*[–-]\s*\d{4}\b.*$"
    r"|ISSN \d{4}\s*[-–]\s*\d{3}[\dX]"
    r"|[’']s-Gravenhage \d{4}"
    r"|^(?:pagina |blz\. ?|page )?\d{1,4}(?: (?:van|/|of) \d{1,4})?$",
    re.IGNORECASE,
)
_IDENTIFIER = re.compile(
    r"^(?:ah-tk-\d{8}-\d+[a-z]?|kst-\d+(?:-[0-9A-Z]+)*-\d+|h-tk-\d{8}-\d+-\d+)$"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# bullets drawn from a symbol font, which have no Unicode name
_GLYPH_BULLET = re.compile(r"[\x80-\x9f\ue000-\uf8ff]")
_BULLET = re.compile(r"^(?:[•▪◦●○■□–-]\s|\d{1,2}[.)]\s|[a-z][.)]\s)")


def read(path: Path, data: bytes, limits: ParseLimits) -> RawDocument:
    reader = _open(path, data)
    count = len(reader.pages)
    if count > limits.max_pages:
        raise FileTooLargeError(path, f"{count} pages; the limit is {limits.max_pages} pages")
    pages = []
    for number, page in enumerate(reader.pages, 1):
        if limits.on_pages:  # page by page, so a page that never ends gets no more time
            limits.on_pages(1, 0)
        pages.append(_read_page(path, page, number))
    scanned = _read_scans(path, data, pages, reader, limits)
    if not any(line.text for page in pages for line in page.lines):
        how = "OCR read none in its page images" if scanned else "it has no page images to OCR"
        raise ParseError(path, f"no extractable text in this PDF, and {how}")

    body_size = _body_size(pages)
    identifier = _drop_running(pages, body_size)
    footnotes: list[Footnote] = []
    body: list[Line] = []
    open_note: Footnote | None = None  # the last note of the page before, which may go on
    for page in pages:
        page_body, page_notes = split_footnotes(page, body_size, footnotes, open_note)
        continued = bool(page_notes) and open_note is not None
        continued = continued and page_notes[0].number == open_note.number
        if continued:
            footnotes[-1] = page_notes.pop(0)
        texts = mark_references(
            [line.text for line in page_body], [n.number for n in page_notes], page.raised
        )
        for line, text in zip(page_body, texts, strict=True):
            line.text = text
        footnotes.extend(page_notes)
        body.extend(page_body)
        open_note = footnotes[-1] if page_notes or continued else None
    blocks = _blocks(body)
    if not blocks:
        raise ParseError(path, "no body text in this PDF, only running heads or footnotes")
    return RawDocument(
        blocks=tuple(blocks), footnotes=tuple(footnotes), metadata=_metadata(reader, identifier)
    )


def _read_scans(
    path: Path, data: bytes, pages: list[Page], reader: PdfReader, limits: ParseLimits
) -> int:
    """Give the pages that have no text but an image (scanned pages) the lines OCR reads; return
    how many pages were read so."""
    scanned = [
        page.number
        for page, raw in zip(pages, reader.pages, strict=True)
        if not page.lines and _has_image(raw)
    ]
    if not scanned:
        return 0
    if limits.on_pages:
        limits.on_pages(0, len(scanned))
    for number, lines in ocr_pages(path, data, scanned).items():
        pages[number - 1].lines = [
            Line(line.text, line.x, line.y, line.size, False, number, ocr=True) for line in lines
        ]
    return len(scanned)


def _has_image(page) -> bool:
    try:
        objects = (page.get("/Resources") or {}).get_object().get("/XObject") or {}
        return any(
            item.get_object().get("/Subtype") == "/Image" for item in objects.get_object().values()
        )
    except Exception:  # a damaged resource dictionary: treat the page as having no image
        return False


def _open(path: Path, data: bytes) -> PdfReader:
    if b"%PDF-" not in data[:1024]:
        raise ParseError(path, "not a PDF file (no %PDF header)")
    if b"%%EOF" not in data[-2048:]:
        raise ParseError(
            path, "truncated PDF: the end-of-file marker is missing; download it again"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                try:
                    opened = reader.decrypt("")
                except DependencyError as exc:
                    raise ParseError(
                        path, f"encrypted PDF that pypdf cannot decrypt here ({exc})"
                    ) from exc
                if opened == PasswordType.NOT_DECRYPTED:
                    raise ParseError(
                        path, "encrypted PDF that needs a password; save an unprotected copy"
                    )
            len(reader.pages)
    except ParseError:
        raise
    except Exception as exc:  # pypdf raises many kinds on damaged files, RecursionError included
        raise ParseError(path, f"damaged PDF that cannot be opened ({exc})") from exc
    return reader


def _read_page(path: Path, page, number: int) -> Page:
    lines: list[Line] = []
    runs: list[tuple[str, float, float, float, bool]] = []
    raised = RaisedMarkers()
    turns: Counter[int] = Counter()  # characters set at 0, 90, 180 and 270 degrees

    def flush() -> None:
        text = _GLYPH_BULLET.sub("•", _CONTROL.sub("", "".join(run[0] for run in runs))).strip()
        first = next((run for run in runs if run[0].strip()), None)
        if text and first is not None:
            weight = sum(len(run[0].strip()) for run in runs if run[4])
            bold = weight * 2 > sum(len(run[0].strip()) for run in runs)
            lines.append(Line(" ".join(text.split()), first[1], first[2], first[3], bold, number))
        runs.clear()

    def visit(text, cm, tm, font, font_size) -> None:
        if not text:
            return
        m = _multiply(tm, cm)
        size = abs(font_size * math.hypot(m[2], m[3]))
        bold = bool(font) and re.search(
            r"bold|black|heavy|semibold", str(font.get("/BaseFont", "")), re.I
        )
        x, y = m[4], m[5]
        scale = math.hypot(m[2], m[3]) or 1.0
        turns[round(math.atan2(m[1], m[0]) / (math.pi / 2)) % 4] += len(text)
        for index, part in enumerate(text.split("\n")):
            if index:  # the next line, one line lower in the text's own direction
                flush()
                x, y = x - 1.2 * size * m[2] / scale, y - 1.2 * size * m[3] / scale
            if part:
                runs.append((part, x, y, size, bool(bold)))

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            page.extract_text(visitor_text=visit, visitor_operand_before=raised.visit)
            box = page.mediabox
    except RecursionError as exc:
        raise ParseError(path, f"page {number} is nested too deeply to read") from exc
    except Exception as exc:  # pypdf raises many kinds on damaged content streams
        raise ParseError(
            path, f"page {number} cannot be read ({type(exc).__name__}: {exc})"
        ) from exc
    flush()
    # a landscape page whose text is set turned (a table page, a scan): lines in its text's frame
    quarter = turns.most_common(1)[0][0] if turns else 0
    for line in lines:
        line.x, line.y = turn(quarter, line.x, line.y)
    corners = [turn(quarter, x, y) for x in (box.left, box.right) for y in (box.bottom, box.top)]
    bottom, top = min(y for _, y in corners), max(y for _, y in corners)
    return Page(number, bottom, top, lines, _links(page, quarter), raised.found)


def _multiply(m: list[float], n: list[float]) -> tuple[float, ...]:
    return (
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    )


def _links(page, quarter: int) -> list[tuple[float, float, str]]:
    links = []
    for annotation in page.get("/Annots") or []:
        annotation = annotation.get_object()
        action = annotation.get("/A")
        uri = action.get_object().get("/URI") if action is not None else None
        rect = annotation.get("/Rect")
        if uri and rect and len(rect) == 4:
            x0, y0, x1, y1 = (float(value) for value in rect)
            heights = [turn(quarter, x, y)[1] for x in (x0, x1) for y in (y0, y1)]
            links.append((min(heights), max(heights), str(uri)))
    return links


def _body_size(pages: list[Page]) -> float:
    sizes: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            sizes[round(line.size, 1)] += len(line.text)
    return sizes.most_common(1)[0][0]


def _drop_running(pages: list[Page], body_size: float) -> str | None:
    """Remove running heads and feet in place; return the publication identifier printed there."""
    identifier = None
    seen: Counter[str] = Counter()
    for page in pages:
        # "Vraag 3" / "Antwoord 8" at a page's top or bottom on two pages are no running head
        keys = {
            _repeat_key(line.text)
            for line in page.lines
            if _in_margin(line, page) and not QA.match(line.text)
        }
        seen.update(keys)
    repeated = {key for key, n in seen.items() if len(pages) >= 2 and n >= max(2, len(pages) / 2)}
    for page in pages:
        kept = []
        for line in page.lines:
            in_margin = _in_margin(line, page) or line.size > 1.45 * body_size
            if in_margin and _IDENTIFIER.match(line.text):
                identifier = identifier or line.text
                continue
            if in_margin and (
                _repeat_key(line.text) in repeated or not _RUNNING.sub("", line.text).strip()
            ):
                continue
            kept.append(line)
        page.lines = kept
    return identifier


def _in_margin(line: Line, page: Page) -> bool:
    height = page.top - page.bottom
    return line.y < page.bottom + MARGIN * height or line.y > page.top - MARGIN * height


def _repeat_key(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower()).strip()


def _blocks(lines: list[Line]) -> list[Block]:
    spacing = _line_spacing(lines)
    groups: list[list[Line]] = []
    for line in lines:
        if groups and not _breaks(groups[-1][-1], line, spacing):
            groups[-1].append(line)
        else:
            groups.append([line])
    blocks: list[Block] = []
    body_started = False
    for group in groups:
        text = join_lines([line.text for line in group])
        heading = (
            body_started
            and all(line.bold for line in group)
            and len(text) <= 120
            and not text.endswith((".", ",", ";", ":"))
        )
        body_started = body_started or (not group[0].bold and len(text) >= 80)
        ocr = any(line.ocr for line in group)
        blocks.append(Block(text=text, page=group[0].page, heading=heading, ocr=ocr))
    return blocks


def _line_spacing(lines: list[Line]) -> float:
    gaps = [
        round(a.y - b.y, 1)
        for a, b in zip(lines, lines[1:], strict=False)
        if a.page == b.page and 0 < a.y - b.y < 3 * a.size
    ]
    return Counter(gaps).most_common(1)[0][0] if gaps else 12.0


def _breaks(previous: Line, line: Line, spacing: float) -> bool:
    """Whether `line` starts a new block after `previous`."""
    if QA.match(previous.text) or QA.match(line.text) or _BULLET.match(line.text):
        return True
    restyled = previous.bold != line.bold or abs(previous.size - line.size) > 0.15 * previous.size
    if restyled and not line.text[:1].islower():
        return True
    if line.page != previous.page:
        wrapped = line.text[:1].islower() or previous.text.endswith("-")
        return previous.text.endswith((".", "?", "!", ":")) or not wrapped
    gap = previous.y - line.y
    return gap > 1.4 * spacing or gap < -0.5 * spacing


def _metadata(reader: PdfReader, identifier: str | None) -> Metadata:
    """Title from the document info (a Word file name or a template's filler is no title), and
    the kamerstuk number and publication URL from the identifier printed in the page foot."""
    info = reader.metadata or {}
    title = None
    for key in ("/Title", "/Subject"):
        raw = str(info.get(key) or "")
        value = " ".join(raw.split())
        if len(value.split()) >= 3 and not value.startswith("Microsoft Word") and "    " not in raw:
            title = value
            break
    kamerstuk = normalise_kamerstuk(identifier) if identifier else None
    url = PUBLICATION_URL.format(identifier) if identifier else None
    return Metadata(title=title, kamerstuk=kamerstuk, url=url)
