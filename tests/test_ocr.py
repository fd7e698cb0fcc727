"""Scans: a real born-digital answer turned into page images within the test, read back by OCR."""

from __future__ import annotations

import re
import shutil
import time

import pytest

from brieven.kernel.errors import OcrUnavailableError, ParseError
from brieven.kernel.refs import strip_markers
from brieven.kernel.types import Letter
from ingest.chunk import chunk_letter
from ingest.guard import GuardLimits, parse_all
from ingest.parse import parse
from ingest.raw import ParseLimits
from tests.conftest import FIXTURES

ANSWER = FIXTURES / "originelen" / "ah-tk-20202021-3235.pdf"

pypdfium2 = pytest.importorskip("pypdfium2")


def _scan(source, target, dpi=200):
    """An image-only PDF of `source`'s pages, as a scanner would make it."""
    document = pypdfium2.PdfDocument(source.read_bytes())
    images = [page.render(scale=dpi / 72, grayscale=True).to_pil() for page in document]
    images[0].save(target, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return len(images)


def _words(letter) -> list[str]:
    text = strip_markers(" ".join(s.text for s in letter.sections))
    return [w.lower() for w in re.findall(r"[^\W\d_]{4,}", text)]


def test_a_scan_without_tesseract_is_refused_with_what_to_install(tmp_path, monkeypatch):
    scan = tmp_path / "scan.pdf"
    _scan(ANSWER, scan, dpi=50)
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: None)
    with pytest.raises(OcrUnavailableError) as raised:
        parse(scan)
    message = str(raised.value)
    assert "\n" not in message and str(scan) in message
    assert "apt-get install tesseract-ocr tesseract-ocr-nld" in message


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs tesseract-ocr")
def test_ocr_reads_back_a_scanned_answer_with_its_sections(tmp_path):
    scan = tmp_path / "scan.pdf"
    pages = _scan(ANSWER, scan)
    start = time.perf_counter()
    letter = parse(scan)
    seconds = time.perf_counter() - start
    print(f"\nOCR: {pages} pages in {seconds:.1f} s, {pages / seconds:.2f} pages/s")
    born_digital = parse(ANSWER)
    read = set(_words(letter))
    expected = _words(born_digital)
    recovered = sum(1 for word in expected if word in read) / len(expected)
    print(f"OCR recovered {recovered:.1%} of {len(expected)} words of four or more letters")
    assert recovered >= 0.95, f"only {recovered:.1%} of the words came back"
    numbers = [s.number for s in letter.sections if s.number]
    assert numbers == [s.number for s in born_digital.sections if s.number]
    assert letter.date == "2021-06-21" and letter.doc_type == "Antwoord schriftelijke vragen"
    assert all(s.ocr for s in letter.sections)
    chunks = chunk_letter(letter)
    assert chunks and all(chunk.ocr for chunk in chunks)


def test_a_born_digital_pdf_is_not_read_by_ocr():
    letter = parse(ANSWER)
    assert not any(s.ocr for s in letter.sections)


def test_a_pdf_of_blank_pages_still_says_there_is_no_text(tmp_path):
    from PIL import Image

    blank = tmp_path / "blank.pdf"
    Image.new("L", (200, 300), 255).save(blank, "PDF")
    with pytest.raises(ParseError, match="no extractable text"):
        parse(blank)


def test_the_reader_announces_its_pages_and_those_it_reads_by_ocr(tmp_path, monkeypatch):
    """What `ingest.guard` adds to a file's time limit: 0.5 s a PDF page, 30 s an OCR page."""
    scan = tmp_path / "scan.pdf"
    pages = _scan(ANSWER, scan, dpi=50)
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: None)
    announced = []
    with pytest.raises(OcrUnavailableError):
        parse(scan, ParseLimits(on_pages=lambda *counts: announced.append(counts)))
    assert announced == [(1, 0)] * pages + [(0, pages)]
    announced.clear()
    parse(ANSWER, ParseLimits(on_pages=lambda *counts: announced.append(counts)))
    assert announced == [(1, 0)] * pages


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs tesseract-ocr")
def test_a_scan_gets_time_for_its_ocr_pages_beyond_the_file_limit(tmp_path):
    """A 3-page scan under a per-file limit of 1 s, too short to read it by OCR (2 s a page on a
    quiet machine, 6-18 s under load): refused without time per OCR page, read with it."""
    scan = tmp_path / "scan.pdf"
    _scan(ANSWER, scan)
    [(_, refused)] = parse_all([scan], ParseLimits(), GuardLimits(1, ocr_page_seconds=0))
    assert str(refused) == f"{scan}: timed out after 2.5 s"  # 1 s, and 0.5 s for each of 3 pages
    [(_, letter)] = parse_all([scan], ParseLimits(), GuardLimits(1, ocr_page_seconds=60))
    assert isinstance(letter, Letter) and all(s.ocr for s in letter.sections)
