"""Date and document type of real letters of every kind, read from what the letter itself states."""

from __future__ import annotations

import pytest
from conftest import FIXTURES, LETTERS

from ingest.discover import find_files
from ingest.parse import parse


@pytest.mark.parametrize(
    ("path", "date", "doc_type"),
    [
        # An answer to Kamervragen carries the day the answer was received, not the day the
        # questions were sent in ("ingezonden 20 november 2023"); the PDF states it in the body.
        (
            "aanhangsel_antwoorden_pdf/ah-tk-20232024-1076.pdf",
            "2024-02-20",
            "Antwoord schriftelijke vragen",
        ),
        # OCR: the dateline "'s-Gravenhage, 1 september 1994", not the treaty's date in the title.
        ("historisch_sgd_ocr/sgd-0000010240.txt", "1994-09-01", "Brief regering"),
        ("moties_original_files/kst-21501-02-3121.pdf", "2025-04-10", "Motie"),  # "Nr. 3121 MOTIE"
        ("moties_original_files/kst-36278-32.docx", "2025-04-24", "Motie"),
        (
            "tk_besluitenlijsten_pdf/besluitenlijst_2015-03-27__openkamer_example3.pdf",
            "2015-03-27",
            "Besluitenlijst",
        ),
        # Departmental letters: "Betreft … Geachte Voorzitter," on one line; an addressee block.
        (
            "kamerbrieven_pdftext/DGBI-IK-26844711_kamerbrief_herijkte_missies_innovatiebeleid.txt",
            "2023-05-30",
            "Brief regering",
        ),
        (
            "kamerbrieven_pages/OCW_kenmerk_HO_S_CBV_14692_16_mei_2008__opennieuwsbank_nl.txt",
            "2008-05-16",
            "Brief regering",
        ),
        ("html/kst-35600-58.html", "2021-06-02", "Brief regering"),
    ],
)
def test_sample_letter_date_and_type(path, date, doc_type):
    letter = parse(LETTERS / path)
    assert (letter.date, letter.doc_type) == (date, doc_type)


def test_ocr_dateline_is_not_swallowed_into_the_paragraph_above():
    letter = parse(LETTERS / "historisch_sgd_ocr/sgd-0000010240.txt")
    paragraphs = [p for s in letter.sections for p in s.text.split("\n\n")]
    assert "'s-Gravenhage, 1 september 1994" in paragraphs
    addressee = "Aan de Voorzitters van de Eerste en van de Tweede Kamer der Staten-Generaal"
    assert addressee in paragraphs


def test_mondelinge_vragen_are_named_as_such_with_their_date():
    letter = parse(FIXTURES / "kv-tk-2024Z18775__pdf.txt")
    assert letter.doc_type == "Mondelinge vragen"
    assert letter.date == "2024-11-19"  # "(ingezonden 19 november 2024)", after the article's date
    assert letter.title.startswith("Mondelinge vragen van het lid Krul (CDA) aan de Minister")


def test_sample_corpus_holds_each_kamerstuk_once():
    """A second copy of a letter would show each of its passages twice in search results."""
    numbers = [parse(path).kamerstuk for path in find_files([LETTERS])]
    found = [number for number in numbers if number]
    assert len(found) == len(set(found))


def test_aanhangsel_text_markers_set_apart_stay_in_the_questions():
    """PDF text of an Aanhangsel sets markers on lines of their own ("1", "2, 3 en 4"); they are
    markers, not footnotes that swallow the questions after them."""
    letter = parse(FIXTURES / "ah-tk-20242025-545__pdf.txt")
    assert (letter.date, letter.doc_type) == ("2024-11-14", "Mededeling uitstel beantwoording")
    questions = {s.title: s for s in letter.sections if s.title.startswith("Vraag")}
    assert list(questions) == [f"Vraag {n}" for n in range(1, 7)]
    assert questions["Vraag 1"].text.endswith("is onacceptabel»?¹")
    assert questions["Vraag 2"].footnotes == ("2", "3", "4")
    assert "meer dan 5.500" in questions["Vraag 3"].text  # a number, not marker 5
    assert questions["Vraag 6"].footnotes == ("5",)
    assert [note.number for note in letter.footnotes] == ["1", "2", "3", "4", "5"]
    assert not any("Vraag" in note.text for note in letter.footnotes)
    assert letter.footnotes[0].urls == (
        "https://www.kinderrechten.nl/kinderrechtencollectief-65-meer-kinderen-in-noodopvang-is-onacceptabel/",
    )


@pytest.mark.parametrize(
    ("path", "title"),
    [
        (
            "moties_original_files/kst-21501-02-3121.pdf",
            "Raad Algemene Zaken en Raad Buitenlandse Zaken — Motie van het lid Ceder",
        ),
        (  # the dossier's name on the line after its number
            "historisch_sgd_ocr/sgd-0000013089.txt",
            "Justitiële jeugdbescherming — Brief van de Staatssecretaris van Justitie",
        ),
        (  # "Betreft … Geachte Voorzitter," on one line: the salutation is no part of the subject
            "kamerbrieven_pdftext/DGBI-IK-26844711_kamerbrief_herijkte_missies_innovatiebeleid.txt",
            "Herijkte missies van het missiegedreven innovatiebeleid",
        ),
    ],
)
def test_title_from_what_the_letter_states(path, title):
    assert parse(LETTERS / path).title == title


def test_motion_docx_title_names_its_dossier_and_mover():
    title = parse(LETTERS / "moties_original_files/kst-36278-32.docx").title
    assert title.startswith("Wijziging van de Wet kwaliteit, klachten en geschillen zorg")
    assert title.endswith("— Motie van het lid Rikkers-Oosterkamp")
