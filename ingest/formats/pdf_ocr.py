"""Text of PDF pages that have none (scans), read by OCR with Tesseract.

A page without a text layer is rendered with pdfium (pypdfium2) at 200 dpi in grey and read by
Tesseract (`pytesseract`, Dutch model) word by word with its box. Words become lines, in
Tesseract's reading order and in the PDF's own coordinates (points, origin bottom left), with the
line's height as its type size, so the PDF reader treats them as it treats text it extracts:
running heads in the margins, footnotes in smaller type at the page bottom, paragraphs from the
gaps between lines.

Measured on the 2-page ministry scan of ministerie_originelen (blg-1007826), on the shared
2-core machine under load: 6.2 s a page with one Tesseract thread, 48-75 s with two (OpenMP
threads fight over busy cores), so Tesseract runs with OMP_THREAD_LIMIT=1; 300 dpi read the
same 276 words as 200 dpi in 1.5x the time. While a build embedded beside it, the same work took
18 s a page (the 3-page test scan in tests/test_ocr.py: 0.05 pages/s; 0.18 pages/s without the
build); `ingest.guard` gives a file 30 s for each page read by OCR (and 0.5 s a PDF page) beyond
its 60 s, so a 20-page scan gets 670 s and passes even then.
ocrmypdf was not measured: it runs the same Tesseract after rendering through Ghostscript and
writes a whole new PDF, whose text we would then read back, so it can only add time to this.

Tesseract is a Debian package (`tesseract-ocr`, `tesseract-ocr-nld`), not a Python one; without
it a scan is skipped with `OcrUnavailableError`, which names the packages, and tried again on the
next build.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from brieven.kernel.errors import OcrUnavailableError

DPI = 200
LANGUAGE = "nld"
INSTALL = (
    "install Tesseract to read it by OCR: sudo apt-get install tesseract-ocr tesseract-ocr-nld"
)


@dataclass(frozen=True, slots=True)
class OcrLine:
    text: str
    x: float  # left edge, points
    y: float  # baseline, points from the page bottom
    size: float  # height of the line, points


def ocr_pages(path: Path, data: bytes, numbers: list[int]) -> dict[int, list[OcrLine]]:
    """The lines of the given (1-based) pages, read by OCR. Raises OcrUnavailableError."""
    pytesseract = _tesseract(path)
    import pypdfium2

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    document = pypdfium2.PdfDocument(data)
    try:
        return {n: _read(pytesseract, document[n - 1]) for n in numbers}
    finally:
        document.close()


def _tesseract(path: Path):
    try:
        import pypdfium2  # noqa: F401
        import pytesseract
    except ImportError as err:
        raise OcrUnavailableError(
            path, f"a scan without text; {INSTALL}, and pip install pytesseract pypdfium2"
        ) from err
    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        raise OcrUnavailableError(path, f"a scan without text; {INSTALL}")
    if LANGUAGE not in pytesseract.get_languages(config=""):
        raise OcrUnavailableError(path, f"a scan without text; {INSTALL} (the Dutch model)")
    return pytesseract


def _read(pytesseract, page) -> list[OcrLine]:
    scale = DPI / 72
    height = page.get_height()
    image = page.render(scale=scale, grayscale=True).to_pil()
    data = pytesseract.image_to_data(
        image, lang=LANGUAGE, output_type=pytesseract.Output.DICT, config="--psm 3"
    )
    lines: dict[tuple[int, int, int], list[int]] = {}
    for i, word in enumerate(data["text"]):
        if word.strip() and float(data["conf"][i]) >= 0:
            key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
            lines.setdefault(key, []).append(i)
    out: list[OcrLine] = []
    for words in lines.values():
        top = min(data["top"][i] for i in words)
        bottom = max(data["top"][i] + data["height"][i] for i in words)
        out.append(
            OcrLine(
                text=" ".join(data["text"][i].strip() for i in words),
                x=min(data["left"][i] for i in words) / scale,
                y=height - bottom / scale,
                size=(bottom - top) / scale,
            )
        )
    return _even_sizes(out)


def _even_sizes(lines: list[OcrLine]) -> list[OcrLine]:
    """Lines of body type measured a little higher or lower (a line with "Jeugd" has descenders,
    one with "een man" none) get one size, the median; clearly larger or smaller lines (headings,
    notes) keep theirs. Without this every line would have a type size of its own."""
    if not lines:
        return lines
    median = sorted(line.size for line in lines)[len(lines) // 2]
    return [
        OcrLine(line.text, line.x, line.y, median)
        if 0.7 * median <= line.size <= 1.35 * median
        else line
        for line in lines
    ]
