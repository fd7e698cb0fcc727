"""The line joiner shared by the PDF and text readers, on lines as the corpus breaks them.

Each case is a line break from a letter in ../shared/corpus (file named), except "noch": no letter
there breaks a line before an elliptical "noch", so that case is the grammar's own example.
"""

from pathlib import Path

from ingest.formats.lines import join_lines
from ingest.parse import parse

FIXTURES = Path(__file__).parent / "fixtures"


def test_a_word_hyphenated_at_the_line_end_is_made_whole():
    # ah-tk-20242025-594: the text reader used to leave "Zorgak- koord" in this footnote
    lines = [
        "NOS, 29 oktober 2024, Meer ziekenhuizen in financiële problemen, bedreigt uitvoering Zorgak-",
        "koord, https://nos.nl/artikel/2542490-meer-ziekenhuizen-in-financiele-problemen",
    ]
    assert join_lines(lines).endswith(
        "bedreigt uitvoering Zorgakkoord, https://nos.nl/artikel/"
        "2542490-meer-ziekenhuizen-in-financiele-problemen"
    )


def test_a_hyphen_before_en_of_tot_or_noch_stands_for_a_left_out_word():
    # IENW-BSK-2022-283041, page 4
    lines = [
        "een spons het water opneemt, maar ook door het realiseren van voldoende buffer-",
        "en afvoercapaciteit.",
    ]
    assert join_lines(lines).endswith("voldoende buffer- en afvoercapaciteit.")
    # the PDF reader spared "noch", the text reader made "hogernoch"
    assert join_lines(["geen hoger-", "noch lager onderwijs"]) == "geen hoger- noch lager onderwijs"


def test_a_compound_broken_at_its_own_hyphen_keeps_it():
    # kamerbrieven_pages, 2009Z05…: the text reader made "West- Brabant"
    lines = ["Veiligheidsregio Midden- en West-", "Brabant te Breda"]
    assert join_lines(lines) == "Veiligheidsregio Midden- en West-Brabant te Breda"
    # ah-tk-20242025-592: the text reader made "SARcapaciteit", the PDF reader "SAR- capaciteit"
    lines = [
        "Welke stappen zouden Nederland en de EU kunnen nemen om de SAR-",
        "capaciteit op de Middellandse Zee",
    ]
    assert "om de SAR-capaciteit op de" in join_lines(lines)
    assert join_lines(["het", "COVID-", "19-virus"]) == "het COVID-19-virus"


def test_a_web_address_broken_over_lines_is_glued():
    # IENW-BSK-2022-283041, footnote 24: broken at a hyphen, then in the middle of a word
    lines = [
        "https://www.noord-",
        "holland.nl/Onderwerpen/Ruimtelijke_inrichting/Projecten/Omgevingswet/Omgevingsverorde",
        "ning",
    ]
    assert join_lines(lines) == (
        "https://www.noord-holland.nl/Onderwerpen/Ruimtelijke_inrichting/Projecten/"
        "Omgevingswet/Omgevingsverordening"
    )
    # ah-tk-20242025-562, footnote 1: broken right after the scheme
    lines = [
        "«Wachttijden ggz niet goed vastgelegd, zeggen onderzoekers» (https://",
        "nos.nl/artikel/2541672-wachttijden-ggz-niet-goed-vastgelegd-zeggen-onderzoekers)",
    ]
    assert "(https://nos.nl/artikel/2541672-wachttijden" in join_lines(lines)


def test_a_web_address_that_ends_a_sentence_takes_no_next_word():
    assert join_lines(["zie https://www.rijksoverheid.nl.", "Bijlagen"]) == (
        "zie https://www.rijksoverheid.nl. Bijlagen"
    )


def test_text_reader_joins_by_the_same_rules():
    """BNC-fiche (text from a PDF): an abbreviation's compound and a URL broken at its hyphen."""
    fiche = parse(FIXTURES / "BNC-fiche_instant_payments_COM-2022-546.txt")
    text = "\n".join(section.text for section in fiche.sections)
    assert "de SEPA-verordening, die" in text and "SEPAverordening" not in text
    assert "https://eur-lex.europa.eu/legal-content/NL/TXT/" in text
    water = parse(FIXTURES / "IENW-BSK-2022-283041_kamerbrief_water_en_bodem_sturend.txt")
    urls = {url for note in water.footnotes for url in note.urls}
    assert (
        "https://www.noord-holland.nl/Onderwerpen/Ruimtelijke_inrichting/Projecten/"
        "Omgevingswet/Omgevingsverordening" in urls
    )
