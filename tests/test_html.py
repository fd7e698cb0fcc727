"""HTML reader: officielebekendmakingen letter pages (built by the project) and generic HTML."""

from __future__ import annotations

import sys
import time

import pytest

from brieven.kernel.errors import ParseError
from brieven.kernel.refs import footnote_markers
from ingest.formats import html
from ingest.parse import parse
from ingest.raw import ParseLimits
from tests.conftest import FIXTURES, LETTERS

LETTER = FIXTURES / "kst-29362-354.html"
SAMPLE = LETTERS / "html" / "kst-35600-58.html"


def read(path):
    return html.read(path, path.read_bytes(), ParseLimits())


@pytest.fixture(scope="module")
def letter():
    return read(LETTER)


def test_fixture_says_it_is_built_by_hand():
    assert "NOT a downloaded page" in LETTER.read_text(encoding="utf-8")[:600]


def test_footnotes_with_urls(letter):
    notes = {note.number: note for note in letter.footnotes}
    assert set(notes) == {"1", "2", "9", "10", "11"}
    assert notes["1"].urls == (
        "https://www.kcbr.nl/beleid-en-regelgeving-ontwikkelen/beleidskompas",
    )
    assert notes["10"].text.startswith("De Sustainable Development Goals (SDG’s)")
    assert notes["10"].urls == ()
    assert notes["11"].text.startswith("De gevolgenscan is te vinden op: https://www.kcbr.nl/")


def test_markers_in_text_are_superscripts(letter):
    body = "\n".join(block.text for block in letter.blocks)
    assert "bij de rijksoverheid.¹" in body
    assert "SDG’s¹⁰ gebaseerde gevolgenscan¹¹ toe te passen" in body
    assert footnote_markers(body) == ["1", "2", "9", "10", "11"]
    assert not any("kcbr.nl" in block.text for block in letter.blocks)  # notes stay out of the body


def test_headings_and_metadata(letter):
    headings = [block.text for block in letter.blocks if block.heading]
    assert "7. Ga slim om met structurele schaarste aan menskracht" in headings
    assert letter.metadata.kamerstuk == "29362-354"
    assert letter.metadata.date == "2024-03-25"
    assert letter.metadata.url == "https://zoek.officielebekendmakingen.nl/kst-29362-354.html"
    assert not any("window.dataLayer" in b.text or "Home" == b.text for b in letter.blocks)


def test_parsed_letter_lists_footnote_10_in_its_section():
    parsed = parse(LETTER)
    section = next(s for s in parsed.sections if s.number == "6")
    assert "10" in section.footnotes
    assert parsed.title == "Kabinetsreactie op het adviesrapport 'De uitvoering aan zet'"


def test_sample_html_letter_is_a_whole_letter_of_its_own():
    assert "NOT a downloaded page" in SAMPLE.read_text(encoding="utf-8")[:600]
    letter = parse(SAMPLE)
    assert letter.title == "SER-verkenning toekomstperspectief landbouw"
    assert (letter.kamerstuk, letter.date) == ("35600-58", "2021-06-02")
    assert letter.doc_type == "Brief regering"  # DC.title's "Brief regering", not DC.type's "Brief"
    assert letter.url == "https://zoek.officielebekendmakingen.nl/kst-35600-58.html"
    body = next(s for s in letter.sections if "Bisschop" in s.text)
    assert "het lid Bisschop c.s.¹, de SER" in body.text and "aan uw Kamer aan²." in body.text
    # the closing ("De Minister van Landbouw …, C.J. Schouten") is no body text
    assert "Schouten" not in body.text and body.footnotes == ("1", "2")
    notes = {note.number: note for note in letter.footnotes}
    assert notes["1"].text == "Kamerstuk 35 600, nr. 43" and notes["1"].urls == ()
    assert notes["2"].urls == ("https://www.tweedekamer.nl",)


def test_generic_html_headings_paragraphs_and_lists(tmp_path):
    page = tmp_path / "brief.html"
    page.write_text(
        "<html><head><title>Brief over water</title></head><body>"
        "<h1>Water en bodem sturend</h1><p>Eerste alinea.</p>"
        "<h2>1. Aanleiding</h2><ul><li>punt een</li><li><p>punt twee</p></li></ul>"
        "<script>var x = 1;</script></body></html>",
        encoding="utf-8",
    )
    doc = read(page)
    assert [(b.text, b.heading) for b in doc.blocks] == [
        ("Water en bodem sturend", True),
        ("Eerste alinea.", False),
        ("1. Aanleiding", True),
        ("punt een", False),
        ("punt twee", False),
    ]
    assert doc.metadata.title == "Brief over water"


def test_deeply_nested_html_does_not_crash(tmp_path):
    deep = tmp_path / "diep.html"
    deep.write_text("<html><body>" + "<div>" * 100_000 + "<p>diep</p>" + "</div>" * 100_000)
    started = time.monotonic()
    try:
        read(deep)
    except ParseError as err:
        assert "diep.html" in str(err)
    assert time.monotonic() - started < 10
    assert sys.getrecursionlimit() <= 10_000


def test_page_without_text_raises_parse_error(tmp_path):
    empty = tmp_path / "leeg.html"
    empty.write_text("<html><head><script>x()</script></head><body></body></html>")
    with pytest.raises(ParseError, match="no text"):
        read(empty)


def test_sup_that_is_no_footnote_marker_stays_plain(tmp_path):
    page = tmp_path / "oppervlak.html"
    page.write_text(
        "<html><body><p>Er is 40 m<sup>2</sup> nodig.<sup><a href='#fn1'>1</a></sup></p>"
        "</body></html>"
    )
    assert read(page).blocks[0].text == "Er is 40 m2 nodig.¹"
