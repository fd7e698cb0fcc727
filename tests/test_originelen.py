"""Letters as ministries issue them, on real files: a letterhead PDF, a Word answer to Kamervragen,
and one aanhangsel as publication XML, HTML and PDF."""

from __future__ import annotations

import json
import re

from brieven.cli import main
from brieven.kernel.refs import footnote_markers
from ingest.chunk import chunk_letter
from ingest.parse import parse, parse_with_origin
from tests.conftest import FIXTURES

ORIGINALS = FIXTURES / "originelen"
LETTER = ORIGINALS / "kamerbrief_VWS_2025-09-08_aanbieding-AZWA.pdf"
ANSWER = ORIGINALS / "kv-antwoord_JenV_2024-05-16_hoofddoekjes-boa.docx"
AANHANGSEL = ORIGINALS / "ah-tk-20202021-3235"
# a letterhead label opening a paragraph, or an address, closing or signer anywhere
LETTERHEAD = re.compile(
    r"^(?:> )?(?:Retouradres|Bezoekadres|Postadres|Contactpersoon|Kenmerk|Ons kenmerk|Bijlage"
    r"|Datum|Betreft|Onderwerp|Projectnaam|Uw brief|De minister)\b"
    r"|Postbus \d|www\.rijksoverheid|Hoogachtend|Pagina \d+ van|Yeşilgöz-Zegerius|Bruijn",
    re.IGNORECASE | re.MULTILINE,
)


def _body(letter) -> str:
    return "\n".join(f"{s.title}\n{s.text}".replace("\n\n", "\n") for s in letter.sections)


def test_ministry_letter_pdf_letterhead_becomes_metadata():
    letter, origin = parse_with_origin(LETTER)
    assert (letter.title, origin) == (
        "Aanbieding Aanvullend Zorg- en Welzijnsakkoord (AZWA)",
        "Betreft",
    )
    assert letter.date == "2025-09-08"
    assert letter.reference == "4204015-1087289-PDIZA"
    assert letter.sender == "Minister van Volksgezondheid, Welzijn en Sport"
    assert LETTERHEAD.search(_body(letter)) is None
    assert letter.sections[0].text.startswith("Geachte voorzitter,")
    assert [note.number for note in letter.footnotes] == ["1", "2", "3"]
    assert footnote_markers(_body(letter)) == ["1", "2", "3"]


def test_sender_and_kenmerk_reach_every_passage_and_parse_json(capsys):
    letter = parse(LETTER)
    chunks = chunk_letter(letter)
    assert chunks and all(c.reference == "4204015-1087289-PDIZA" for c in chunks)
    assert all(c.sender == letter.sender and not c.ocr for c in chunks)
    assert main(["parse", str(LETTER), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["reference"] == "4204015-1087289-PDIZA" and shown["sender"] == letter.sender


def test_word_answer_reads_its_letterhead_notes_and_combined_answer():
    letter, origin = parse_with_origin(ANSWER)
    assert origin == "Betreft" and letter.title.startswith("Beantwoording Kamervragen van de leden")
    assert (letter.date, letter.reference) == ("2024-05-16", "5401166")
    assert letter.sender == "Minister van Justitie en Veiligheid"
    assert letter.doc_type == "Antwoord schriftelijke vragen"
    body = _body(letter)
    assert LETTERHEAD.search(body) is None
    # Word's footnotes keep the numbers Word shows; the questions' typed notes ("1)") follow them
    assert [n.text[:20] for n in letter.footnotes] == [
        "Kamerstukken II 2021",
        "Zie hiervoor onder a",
        "NOS, 6 maart 2024 (n",
        "Kamerstuk 33047, nr.",
    ]
    assert sorted(footnote_markers(body)) == ["1", "2", "3", "4"]
    assert "(nos.nl)”³?" in body and "Verhoudingen⁴, met name" in body
    assert "(artikel 3) dat" in body  # a parenthesis, not a marker
    numbers = [s.number for s in letter.sections if s.number]
    assert "Antwoord 4, 5, 6 en 7" in numbers
    combined = next(s for s in letter.sections if s.number == "Antwoord 4, 5, 6 en 7")
    assert combined.text.startswith("De Code Interbestuurlijke Verhoudingen")
    assert "Vraag 7" in numbers and numbers.index("Vraag 7") < numbers.index(combined.number)
    assert not any(c.section_number == "Vraag 5" for c in chunk_letter(letter))  # answered


def test_aanhangsel_xml_html_and_pdf_give_the_same_sections():
    letters = {ext: parse(AANHANGSEL.with_suffix(ext)) for ext in (".xml", ".html", ".pdf")}
    xml = letters[".xml"]
    assert xml.doc_type == "Antwoord schriftelijke vragen"
    assert xml.date == "2021-06-21"  # received, not the day the questions were sent in (3 June)
    assert xml.title.startswith("Vragen van de leden Van Weyenberg") and xml.title.endswith("TOZO")
    assert xml.url == "https://zoek.officielebekendmakingen.nl/ah-tk-20202021-3235.html"

    def qa(letter):
        return [(s.number, " ".join(s.text.split())) for s in letter.sections if s.number]

    assert len(qa(xml)) == 18
    assert qa(xml) == qa(letters[".html"]) == qa(letters[".pdf"])
    assert {letter.date for letter in letters.values()} == {"2021-06-21"}
    # the minister who answered, not the Members who asked (the HTML's OVERHEIDop.indiener)
    assert {letter.sender for letter in letters.values()} == {
        "Minister Koolmees (Sociale Zaken en Werkgelegenheid)"
    }


def test_older_letterhead_whose_side_column_cuts_the_body_and_whose_note_is_small():
    """The 2011 template puts its side column between two pages of one sentence, and its note
    in 8 pt under 9 pt text."""
    letter, origin = parse_with_origin(ORIGINALS / "kamerbrief_JenV_2011-03-01_draagmoederschap.pdf")
    assert (letter.title, origin, letter.date) == ("Draagmoederschap", "Betreft", "2011-03-01")
    assert letter.reference == "5687928/11"
    assert letter.sender == "Staatssecretaris van Veiligheid en Justitie"
    assert len(letter.sections) == 1 and LETTERHEAD.search(_body(letter)) is None
    body = letter.sections[0].text
    assert "tien gevallen in aanraking te komen met illegale opnemingen" in body
    assert "hoogtechnologisch draagmoederschap.¹ Het VUmc" in body
    assert "Bij hoogtechnologisch" not in body and "Teeven" not in body
    assert [n.number for n in letter.footnotes] == ["1"]
    assert letter.footnotes[0].text.startswith("Bij hoogtechnologisch draagmoederschap")


def test_the_logo_words_above_a_side_column_stay_out_of_the_body():
    """The Woo letter of the supermarkets' CBL (its text layer; the scan's images removed) prints
    its name as a logo over the side column's "bezoekadres"; the OCR layer gives the logo's words
    as a line between the salutation and the first sentence."""
    letter = parse(ORIGINALS / "woo-VWS-191216_brief-aan-minister-president_tekstlaag.pdf")
    body = letter.sections[0].text
    assert body.startswith("Geachte heer Rutte, geachte heer De Jonge,\n\nDe supermarktbranche")
    assert "centraal bureau" not in body and "Overgoo" not in body
    assert letter.sender == "Bert Roetert Voorzitter CBL" and letter.reference == "20.023/MJ/MR"
