"""Reference normalisation and footnote markers."""

from __future__ import annotations

import pytest

from brieven.kernel.refs import (
    footnote_markers,
    link_markers,
    normalise_kamerstuk,
    references,
    strip_markers,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("29 362, nr. 354", "29362-354"),
        ("kst-29362-354", "29362-354"),
        ("Kamerstuk 21 501-07, nr. 1187", "21501-07-1187"),
        ("(Kamerstuk 21501–07, nr. 1186)", "21501-07-1186"),
        ("Kamerstuk 33400-J, nr. 19", "33400-J-19"),
        ("kst-35300-XIV-62", "35300-XIV-62"),
        ("Kamerstukken 33 037, nrs. 431 en 437", "33037-431"),
        ("geen verwijzing, 2024 nr", None),
    ],
)
def test_kamerstuk_normalised(text, expected):
    assert normalise_kamerstuk(text) == expected


def test_document_numbers_and_aanhangsel():
    found = references(
        "Zie 2024D11607 en zaak 2024Z04988, ook AH-TK-20232024-1076 en kst-29362-354."
    )
    assert found == ["29362-354", "2024D11607", "2024Z04988", "ah-tk-20232024-1076"]


def test_markers_read_back_and_stripped():
    text = "beleid.¹ en SDG’s¹⁰ en weer¹"
    assert footnote_markers(text) == ["1", "10"]
    assert strip_markers(text) == "beleid. en SDG’s en weer"


def test_link_markers_glued_and_spaced():
    text = "de rijksoverheid.1 Zoals benoemd,5 is SDG’s10 en de Deltacommissaris 11\nen 2022-202712 en artikel 13 staat"
    linked = link_markers(text, ["1", "5", "10", "11", "12", "13"])
    assert "rijksoverheid.¹ " in linked and "benoemd,⁵" in linked and "SDG’s¹⁰" in linked
    assert "Deltacommissaris¹¹" in linked and "2022-2027¹²" in linked
    assert "artikel 13" in linked  # a number after "artikel" is no marker


def test_link_markers_leaves_numbers_that_are_not_footnotes():
    assert link_markers("in 2024 kwamen 3 brieven", ["1"]) == "in 2024 kwamen 3 brieven"


@pytest.mark.parametrize(
    "text",
    ["Ruim f 1 355 miljoen daarvan", "een bedrag van fl. 1 miljoen", "kost ƒ1 per stuk"],
)
def test_guilders_and_spaced_thousands_are_no_markers(text):
    assert link_markers(text, ["1"]) == text


def test_ocr_letter_keeps_its_amount_in_guilders():
    from pathlib import Path

    from ingest.chunk import chunk_letter
    from ingest.parse import parse

    letter = parse(Path(__file__).parent / "fixtures" / "sgd-0000113459.txt")
    texts = [chunk.text for chunk in chunk_letter(letter)]
    assert any("Ruim f 1 355 miljoen daarvan draagt bij" in text for text in texts)


@pytest.mark.parametrize(
    ("text", "numbers", "linked"),
    [
        ("Shell?1 2\nVraag 2", ["1", "2"], "Shell?¹,²\nVraag 2"),
        ("orthodontie»?1 2 3", ["1", "2", "3"], "orthodontie»?¹,²,³"),
        ("beleid.1, 2 en verder", ["1", "2"], "beleid.¹,² en verder"),
        # a day after a marker stays a day; a number after a number that is no marker stays
        ("gedaan?1 2 november", ["1", "2"], "gedaan?¹ 2 november"),
        ("artikel 1 2 leden", ["1", "2"], "artikel 1 2 leden"),
    ],
)
def test_numbers_right_after_a_marker_are_the_run_of_markers(text, numbers, linked):
    assert link_markers(text, numbers) == linked
