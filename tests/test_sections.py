"""The sectioner, on real letters and on blocks as structured formats deliver them."""

from __future__ import annotations

from conftest import FIXTURES, SEED

from ingest.parse import parse
from ingest.raw import Block
from ingest.sections import sections

SEED_TITLES = {
    "1": "Hoofdaanbeveling: Maak beleid en uitvoering gelijkwaardig",
    "2": "Geef uitvoeringspartijen een structurele positie in de beleidsontwikkeling",
    "3": "Werk, organiseer en maak een gedeelde agenda vanuit de opgaven",
    "4": "Verdeel rollen, taken en verhoudingen vanuit de specifieke opgaven",
    "6": "Zoek manieren om kosten en baten van opgaven in de leefomgeving nauwkeuriger te bepalen en beter te verdelen",
    "7": "Ga slim om met structurele schaarste aan menskracht",
}


def test_seed_sections_one_to_seven():
    letter = parse(SEED)
    numbered = [s for s in letter.sections if s.number]
    assert [s.number for s in numbered] == ["1", "2", "3", "4", "5", "6", "7"]
    for section in numbered:
        if section.number in SEED_TITLES:
            assert section.title == SEED_TITLES[section.number]
    assert letter.sections[0].number is None  # the text before the first heading
    assert "Graag bied ik u met deze brief" in letter.sections[0].text


def test_seed_section_lists_the_footnotes_it_refers_to():
    letter = parse(SEED)
    [with_ten] = [s for s in letter.sections if "10" in s.footnotes]
    assert with_ten.number == "6"
    assert "SDG’s¹⁰" in with_ten.text
    assert letter.sections[0].footnotes == ("1", "2", "3", "4")


def test_numbered_subheadings_and_tussenkoppen_in_pdf_text():
    letter = parse(FIXTURES / "IENW-BSK-2022-283041_kamerbrief_water_en_bodem_sturend.txt")
    by_number = {s.number: s for s in letter.sections if s.number}
    assert by_number["3.3"].title.startswith("Hoge zandgronden")
    assert by_number["3.3"].pages == (26, 26)
    titles = [s.title for s in letter.sections]
    assert "Uitgangspunten" in titles and "Tot slot" in titles
    # numbered structural choices ("25. We bewegen toe naar …") are body text, not headings
    assert not any(s.number and s.number.isdigit() and int(s.number) > 5 for s in letter.sections)
    # a signature is not a heading
    assert not any("Harbers" in t for t in titles)


def test_questions_and_answers_become_sections():
    letter = parse(FIXTURES / "AH-599_2024Z18285__docx.txt")
    numbers = [s.number for s in letter.sections if s.number]
    assert numbers[:4] == ["Vraag 1", "Antwoord 1", "Vraag 2", "Antwoord 2"]
    answers = {s.number: s for s in letter.sections}
    assert answers["Antwoord 1"].text == "Ja."
    assert answers["Antwoord 1"].title.startswith("Bent u bekend met het verkennend onderzoek")
    assert answers["Vraag 1"].footnotes == ("1",)
    assert letter.doc_type == "Antwoord schriftelijke vragen"


def test_blocks_marked_as_headings_by_the_format():
    blocks = [
        Block("Inleidende zin van de brief."),
        Block("Aanpak", heading=True),
        Block("We doen het zo.¹", page=2),
        Block("2.1 Kosten", heading=True, page=3),
        Block("Het kost weinig.", page=3),
    ]
    result = sections(blocks, ["1"])
    assert [(s.number, s.title) for s in result] == [
        (None, ""),
        (None, "Aanpak"),
        ("2.1", "Kosten"),
    ]
    assert result[1].footnotes == ("1",) and result[1].pages == (2, 2)
    assert result[2].pages == (3, 3)


def test_headings_without_text_between_merge():
    blocks = [
        Block("Tekst.", heading=False),
        Block("3 Gebieden", heading=True),
        Block("3.1 Veen", heading=True),
        Block("Veen daalt."),
    ]
    result = sections(blocks)
    assert [(s.number, s.title) for s in result][1:] == [("3.1", "Gebieden — Veen")]
