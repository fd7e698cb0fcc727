"""Plain-text letters read from real files: the seed (OpenTK page text), PDF-derived text,
officielebekendmakingen page text and a DOCX-derived answer to Kamervragen."""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES, LETTERS, SEED

from brieven.kernel.errors import ParseError, UnsupportedFormatError
from ingest.parse import parse

WATER = FIXTURES / "IENW-BSK-2022-283041_kamerbrief_water_en_bodem_sturend.txt"
MENU = (
    "[overzicht]",
    "[activiteiten]",
    "[kamerleden]",
    "[stemmingen]",
    "Preview document",
    "Nummer: 2024D11607",
)


@pytest.fixture(scope="module")
def seed():
    return parse(SEED)


def test_seed_metadata(seed):
    assert "De uitvoering aan zet" in seed.title
    assert seed.kamerstuk == "29362-354"
    assert seed.date == "2024-03-25"
    assert seed.doc_type == "Brief regering"
    assert seed.id == SEED.stem and seed.source == str(SEED)
    assert len(seed.content_hash) == 64


def test_seed_footnotes(seed):
    assert [note.number for note in seed.footnotes] == [str(n) for n in range(1, 12)]
    assert (
        "https://www.kcbr.nl/beleid-en-regelgeving-ontwikkelen/beleidskompas"
        in seed.footnotes[0].urls
    )
    assert all("↩" not in note.text for note in seed.footnotes)


def test_seed_has_no_site_menu_text(seed):
    for section in seed.sections:
        for chrome in MENU:
            assert chrome not in section.text and chrome not in section.title


def test_seed_markers_are_superscript(seed):
    text = "\n".join(section.text for section in seed.sections)
    assert "rijksoverheid.¹" in text
    assert "SDG’s¹⁰" in text and "gevolgenscan¹¹" in text


def test_water_letter_footnotes_from_page_bottoms():
    letter = parse(WATER)
    numbers = [note.number for note in letter.footnotes]
    assert len(numbers) >= 25
    assert numbers == sorted(numbers, key=int)
    by_number = {note.number: note for note in letter.footnotes}
    assert by_number["4"].text == "Kamerstuk 33400-J, nr. 19"
    assert by_number["2"].urls == (
        "https://www.rijksoverheid.nl/documenten/rapporten/2022/10/05/wat-wel-kan",
    )


def test_numbered_headings_and_list_items_are_no_footnote_markers():
    """ "1. Algemene gegevens" under a title, or "11. We …" after a full stop, is numbered text; the
    marker of footnote 1 is the one glued to "Retail Payments Strategy1", not "Fiche 1:"."""
    fiche = parse(FIXTURES / "BNC-fiche_instant_payments_COM-2022-546.txt")
    text = "\n".join(section.text for section in fiche.sections)
    assert "Retail Payments Strategy¹”" in text
    assert fiche.title.startswith("Fiche 1: Wijziging verordeningen")
    assert "in euro 1. Algemene gegevens" in fiche.title
    water = "\n".join(section.text for section in parse(WATER).sections)
    assert "VEMW¹² over" in water and "gemaakt.¹¹" not in water
    # "15." under the tussenkop "Bodem" numbers a paragraph (14. came before); the marker is glued
    assert "Strategisch Plan¹⁵ verankerd" in water and "\n15. We versterken de regie" in water


def test_water_letter_keeps_page_chrome_and_footnotes_out_of_the_body():
    letter = parse(WATER)
    body = "\n".join(section.text for section in letter.sections)
    assert "agina 3 van 32" not in body
    assert "Inf rastructuur en" not in body
    assert "https://zoek.officielebekendmakingen.nl/stcrt-2001-36-p8-SC27983.pdf" not in body
    assert all(section.pages for section in letter.sections)
    assert letter.date == "2022-11-25" and letter.title == "Water en Bodem sturend"


def test_water_letter_joins_wrapped_lines():
    letter = parse(WATER)
    body = "\n".join(section.text for section in letter.sections)
    assert (
        "Deze brief gaat over ons water en onze bodem. Letterlijk de basis van ons bestaan" in body
    )


def test_x_noot_blocks_become_footnotes():
    letter = parse(FIXTURES / "kst-35600-58__zoek_officielebekendmakingen_nl.txt")
    assert [(n.number, n.text) for n in letter.footnotes] == [
        ("1", "Kamerstuk 35 600, nr. 43"),
        ("2", "Raadpleegbaar via www.tweedekamer.nl"),
    ]
    assert letter.kamerstuk == "35600-58" and letter.date == "2021-06-02"
    assert "X Noot" not in "\n".join(s.text for s in letter.sections)


def test_cp1252_text_is_decoded(tmp_path):
    path = tmp_path / "oud.txt"
    path.write_bytes(
        "Den Haag, 3 maart 1999\n\nDe financiële positie is verbeterd.".encode("cp1252")
    )
    letter = parse(path)
    assert "financiële" in letter.sections[-1].text
    assert letter.date == "1999-03-03"


def test_sidecar_values_win(tmp_path):
    path = tmp_path / "brief.txt"
    path.write_text("Den Haag, 3 maart 1999\n\nHierbij zend ik u de nota.", encoding="utf-8")
    (tmp_path / "brief.txt.meta.json").write_text(
        json.dumps(
            {
                "title": "Nota over vis",
                "date": "2001-02-03",
                "kamerstuk": "29 362, nr. 1",
                "url": "https://x.nl/a",
            }
        ),
        encoding="utf-8",
    )
    letter = parse(path)
    assert (letter.title, letter.date, letter.kamerstuk, letter.url) == (
        "Nota over vis",
        "2001-02-03",
        "29362-1",
        "https://x.nl/a",
    )


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("leeg.txt", b"", "empty file"),
        ("spaties.txt", b"  \n\n ", "empty file"),
        ("data.bin", bytes(range(256)) * 4, "binary file"),
        ("lijst.tsv", b"a\tb\n1\t2\n", ".tsv"),
        ("kapot.pdf", b"dit is geen pdf", "not a valid PDF"),
        ("oud.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "legacy Word"),
    ],
)
def test_bad_files_raise_parse_error_naming_the_file(tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ParseError) as caught:
        parse(path)
    assert str(path) in str(caught.value)
    assert reason in str(caught.value)


def test_unsupported_is_a_parse_error(tmp_path):
    path = tmp_path / "x.tsv"
    path.write_text("a\tb\n")
    with pytest.raises(UnsupportedFormatError):
        parse(path)


def test_every_sample_text_letter_parses():
    for path in sorted(LETTERS.rglob("*.txt")):
        letter = parse(path)
        assert letter.sections and letter.title, path


def test_notes_that_cite_a_paper_are_no_page_foot_and_markers_land_where_printed():
    """ah-tk-20242025-561 was the worst case: notes citing "Tweede Kamer, vergaderjaar …" were
    taken for page feet, answers 4-6 landed in the notes, and "?1" stuck to "Antwoord 1"."""
    letter = parse(FIXTURES / "ah-tk-20242025-561__pdf.txt")
    assert [n.number for n in letter.footnotes] == ["1", "2", "3", "4"]
    assert letter.footnotes[0].urls[0].startswith("https://www.nrc.nl/nieuws/2024/10/31/")
    assert all("dezebehandelt" not in url for n in letter.footnotes for url in n.urls)
    assert letter.footnotes[1].text == "Tweede Kamer, vergaderjaar 2023–2024, 31 066, nr. 1372"
    text = "\n".join(s.text for s in letter.sections)
    for marked in ("toeslagenfraude?¹", "losse signalen»?²", "Bulgaarse afkomst» ?³", "ingegaan.⁴"):
        assert marked in text
    assert "(ingezonden 1 november 2024)" in text and "dat 2 jaar terug" in text
    numbers = [s.number for s in letter.sections if s.number]
    assert numbers == [f"{kind} {n}" for n in range(1, 8) for kind in ("Vraag", "Antwoord")]


def test_a_note_number_glued_to_a_year_is_a_note_and_its_marker_goes_back():
    """ah-tk-20242025-583 prints note 2 as "22023 Annual report: …" and its marker at the start
    of a line ("2 Het Europees Parlement heeft de Commissie op"): the note was lost, and the
    marker became a paragraph's leading "2" that made the line a heading."""
    letter = parse(FIXTURES / "ah-tk-20242025-583__pdf.txt")
    assert [n.number for n in letter.footnotes] == [str(n) for n in range(1, 9)]
    note = letter.footnotes[1]
    assert note.text.startswith("2023 Annual report: https://op.europa.eu/")
    assert len(note.urls) == 2
    answer = next(s for s in letter.sections if s.number == "Antwoord 3")
    assert "NDICI-verordening.² Het Europees Parlement heeft de Commissie op 24 mei jl." in (
        answer.text.replace("\n\n", " ")
    )
    assert answer.footnotes == ("2",)
    assert not any(s.title.startswith("Het Europees Parlement") for s in letter.sections)


@pytest.mark.parametrize("name", ["sgd-0000100312.txt", "sgd-0000113459.txt"])
def test_the_page_number_under_an_ocr_page_foot_is_no_footnote(name):
    """Staten-Generaal Digitaal OCR ends a page with its foot ("Tweede Kamer, vergaderjaar
    1986-1987,20 091, nrs. 1-2", comma and number unspaced in 113459) and the page number on a line
    of its own: that number was read as an empty footnote, linked in 100312 to the "2" of a date."""
    letter = parse(FIXTURES / name)
    assert letter.footnotes == ()
    text = "\n".join(s.text for s in letter.sections)
    assert "Tweede Kamer, vergaderjaar" not in text
    assert not any(s.footnotes for s in letter.sections)
    assert not text.rstrip().endswith(("\n1", "\n2"))


@pytest.mark.parametrize(
    ("name", "marked"),
    [
        # a marker alone on the line after its question, while notes 1-4 are not read yet
        ("kv-tk-2024Z18438__pdf.txt", ["in de proble-men zit?⁵", "faillisse-ment zal aanvragen?⁶"]),
        # a marker at a line's start before the closing quotation mark, and one after it
        ("kv-tk-2024Z18439__pdf.txt", ["restitutiepolis verdwijnt¹» en «Alle", "voor ggz»²?"]),
        # a run of markers: "»?1 2 3"
        ("kv-tk-2024Z18793__pdf.txt", ["vergoeding orthodontie»?¹,²,³"]),
    ],
)
def test_markers_read_as_body_text_are_markers(name, marked):
    """Markers the PDF text set apart were left as digits in the questions' text, so notes
    did not equal markers in these questions of the shared corpus."""
    letter = parse(FIXTURES / name)
    text = "\n".join(" ".join(s.text.split()) for s in letter.sections)
    for phrase in marked:
        assert phrase in text
    linked = {n for s in letter.sections for n in s.footnotes}
    assert linked == {n.number for n in letter.footnotes}


def test_a_marker_in_a_heading_is_the_sections_note():
    """2024Z18882 numbers its questions, so "1. Kunt u … bij het UWV 1) ook …:" is a heading; the
    section under it listed no note although its heading cites note 1."""
    letter = parse(FIXTURES / "2024Z18882__docx.txt")
    [asked] = [s for s in letter.sections if s.number == "1"]
    assert "problemen bij het UWV¹ ook" in asked.title
    assert asked.footnotes == ("1",)


@pytest.mark.parametrize(
    ("name", "marked"),
    [
        ("sgd-0000001421.txt", "Management in de Rijksdienst 1994».¹ Dit is"),
        ("sgd-0000096712.txt", "het Koninkrijk der Nederlanden¹, de Raad van State"),
    ],
)
def test_ocr_that_read_the_raised_1_as_a_quote_gets_its_marker(name, marked):
    """Staten-Generaal Digitaal OCR wrote the marker of note 1 as a straight quote; a quote that
    closes a quotation ("'Overheid en Arbeidsmarkt'") stays one."""
    letter = parse(FIXTURES / name)
    text = "\n".join(" ".join(s.text.split()) for s in letter.sections)
    assert marked in text
    assert {n for s in letter.sections for n in s.footnotes} == {"1"}
    if name == "sgd-0000001421.txt":
        assert "'Overheid en Arbeidsmarkt'" in text
