"""PDF reader on a real answer to Kamervragen (Aanhangsel Handelingen) and on broken PDFs."""

from __future__ import annotations

import io
import logging
import re
import time

import pytest
from pypdf import PdfWriter

from brieven.kernel.errors import FileTooLargeError, ParseError
from brieven.kernel.refs import footnote_markers
from ingest.formats import pdf
from ingest.formats.pdf_markers import mark_references
from ingest.parse import parse
from ingest.raw import ParseLimits
from tests.conftest import FIXTURES, LETTERS

AANHANGSEL = LETTERS / "aanhangsel_antwoorden_pdf" / "ah-tk-20232024-1076.pdf"
RUNNING = re.compile(r"Tweede Kamer, vergaderjaar|ISSN 0921|’s-Gravenhage 2024|^ah-tk-", re.M)


def read(path, data=None, limits=None):
    return pdf.read(path, path.read_bytes() if data is None else data, limits or ParseLimits())


@pytest.fixture(scope="module")
def aanhangsel():
    return read(AANHANGSEL)


def test_rijksfinancien_footnote_is_a_footnote_with_its_url(aanhangsel):
    note = next(n for n in aanhangsel.footnotes if "rijksfinancien.nl" in n.text)
    assert note.number == "3"
    assert note.text.startswith("Wie ontvingen")
    assert "https://rijksfinancien.nl" in note.urls
    body = " ".join(block.text for block in aanhangsel.blocks)
    assert "rijksfinancien" not in body and "Wie ontvingen" not in body


def test_footnotes_are_numbered_and_keep_urls_broken_over_lines(aanhangsel):
    assert [n.number for n in aanhangsel.footnotes] == ["1", "2", "3"]
    assert aanhangsel.footnotes[0].urls == (
        "https://www.hartvannederland.nl/regio/overijssel/"
        "sinterklaasintocht-in-enter-afgelast-uit-angst-voor-acties-van-kozp",
    )
    assert aanhangsel.footnotes[1].urls == (
        "https://www.ad.nl/rijswijk/geen-vergunning-voor-intocht-met-zwarte-pieten-in-rijswijk~a946954a8/",
    )


def test_running_heads_and_feet_are_gone(aanhangsel):
    for block in aanhangsel.blocks:
        assert not RUNNING.search(block.text), block.text
    assert (
        aanhangsel.metadata.url
        == "https://zoek.officielebekendmakingen.nl/ah-tk-20232024-1076.html"
    )


def test_every_block_has_its_page(aanhangsel):
    assert all(block.page in (1, 2) for block in aanhangsel.blocks)
    antwoord_5 = next(i for i, b in enumerate(aanhangsel.blocks) if b.text == "Antwoord 5")
    assert aanhangsel.blocks[antwoord_5].page == 2
    assert aanhangsel.blocks[0].page == 1


def test_markers_are_superscripts_matching_footnotes(aanhangsel):
    body = "\n".join(block.text for block in aanhangsel.blocks)
    assert "(KOZP)?¹ Bent u voorts" in body
    assert "van de Rijksoverheid.³" in body
    assert footnote_markers(body) == [n.number for n in aanhangsel.footnotes]


def test_vraag_and_antwoord_are_blocks_of_their_own(aanhangsel):
    texts = [block.text for block in aanhangsel.blocks]
    for n in range(1, 6):
        assert f"Vraag {n}" in texts and f"Antwoord {n}" in texts


def test_line_end_hyphenation_is_joined(aanhangsel):
    body = " ".join(block.text for block in aanhangsel.blocks)
    assert "de burgemeester kan demonstraties beperken" in body
    assert "Ook is demonstreren geen vrijbrief" in body
    assert "oer-Hollandse" in body  # a real hyphen stays


def test_every_section_of_the_parsed_letter_has_pages():
    letter = parse(AANHANGSEL)
    assert letter.sections and all(section.pages for section in letter.sections)
    assert any(n.number == "3" and "https://rijksfinancien.nl" in n.urls for n in letter.footnotes)
    antwoord_4 = next(s for s in letter.sections if s.number == "Antwoord 4")
    assert antwoord_4.pages == (2, 2) and antwoord_4.footnotes == ("3",)


def test_encrypted_pdf_raises_parse_error_naming_the_file(tmp_path):
    writer = PdfWriter(clone_from=AANHANGSEL)
    writer.encrypt(user_password="geheim", owner_password="eigenaar", algorithm="RC4-128")
    locked = tmp_path / "beveiligd.pdf"
    with locked.open("wb") as out:
        writer.write(out)
    with pytest.raises(ParseError) as caught:
        read(locked)
    assert "beveiligd.pdf" in str(caught.value) and "password" in str(caught.value)


def test_truncated_pdf_raises_parse_error(tmp_path):
    cut = tmp_path / "afgebroken.pdf"
    cut.write_bytes(AANHANGSEL.read_bytes()[: len(AANHANGSEL.read_bytes()) // 2])
    with pytest.raises(ParseError) as caught:
        read(cut)
    assert "afgebroken.pdf" in str(caught.value) and "truncated" in str(caught.value)


def test_pdf_without_text_raises_parse_error(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    blank = tmp_path / "scan.pdf"
    blank.write_bytes(buffer.getvalue())
    with pytest.raises(ParseError, match="no extractable text"):
        read(blank)


def test_too_many_pages_raise_file_too_large():
    with pytest.raises(FileTooLargeError, match="2 pages"):
        read(AANHANGSEL, limits=ParseLimits(max_pages=1))


def test_pypdf_warnings_do_not_reach_stderr(capfd):
    started = time.monotonic()
    read(AANHANGSEL)
    assert time.monotonic() - started < 10
    assert capfd.readouterr().err == ""
    assert logging.getLogger("pypdf").getEffectiveLevel() > logging.WARNING


def test_marker_forms_in_pdf_text():
    lines = [
        "zie Kamerstuk 32 813, nr. 2 en het domein1",
        "uit 2018? 2 Bent u",
        "Vraag 3",
        "5 miljoen 3",
    ]
    assert mark_references(lines, ["1", "2", "3"]) == [
        "zie Kamerstuk 32 813, nr. 2 en het domein¹",
        "uit 2018?² Bent u",
        "Vraag 3",
        "5 miljoen³",
    ]


def test_markers_set_in_small_raised_type_are_found_where_wording_misleads():
    """ "NIS24" is NIS2 with marker 4, and "afnemen 11 en" hides marker 11 behind a word that
    usually follows a number: the PDF sets both smaller and raised, and that decides."""
    nis = parse(LETTERS / "aanhangsel_antwoorden_pdf" / "ah-tk-20232024-1178.pdf")
    text = "\n".join(section.text for section in nis.sections)
    assert "Zo geeft NIS2⁴ (Network" in text
    welzijn = parse(FIXTURES / "originelen" / "ah-tk-20232024-2271.pdf")
    text = "\n".join(section.text for section in welzijn.sections)
    assert "blijft afnemen¹¹ en daarmee" in text
    for letter in (nis, welzijn):
        markers = {n for s in letter.sections for n in s.footnotes}
        assert markers == {note.number for note in letter.footnotes}
