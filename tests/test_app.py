"""The page, run by Streamlit's AppTest over a small index built with the fake encoder."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest
import streamlit as st
from conftest import FIXTURES, LETTERS, SEED, FakeEncoder
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from index.build import build

APP = Path(__file__).resolve().parent.parent / "app.py"
HOSTILE = FIXTURES / "app" / "hostile_letter.txt"
MOTIE = LETTERS / "moties_xml" / "kst-21501-20-2273.xml"
OLD_LETTER = LETTERS / "kamerbrieven_pages" / "kst-25295-1__zoek_officielebekendmakingen_nl.txt"
STAFF = "Ga slim om met structurele schaarste aan menskracht"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("app") / "index"
    build([SEED, MOTIE, OLD_LETTER, HOSTILE], directory, FakeEncoder(), progress=False)
    return directory


@pytest.fixture
def app(monkeypatch) -> AppTest:
    """The page with the fake encoder in place of the real model, and no LLM configured."""
    monkeypatch.setattr("index.encoder.load_encoder", lambda model=None: FakeEncoder())
    monkeypatch.delenv("BRIEVEN_LLM_URL", raising=False)
    st.cache_resource.clear()
    return AppTest.from_file(str(APP), default_timeout=60)


def visible(markdown: str) -> str:
    """What a reader sees of a Markdown string."""
    rendered = MarkdownIt("commonmark").render(markdown)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", rendered)).replace("\u2060", "").split())


def ask(app: AppTest, question: str) -> AppTest:
    app.text_input[0].input(question)
    return app.button[0].click().run()


def citations(app: AppTest) -> list[str]:
    """Each passage's citation header as a reader sees it: heading | section | facts."""
    headers = []
    for block in app.main.children.values():
        headings = getattr(block, "subheader", [])
        if headings and re.match(r"\\\[\d+\\\]", headings[0].value):
            parts = [headings[0].value, block.markdown[0].value, block.caption[0].value]
            headers.append(" | ".join(visible(part) for part in parts))
    return headers


def test_question_shows_ranked_passages_with_citations_under_the_answer(
    app, index_dir, monkeypatch
):
    monkeypatch.setenv("BRIEVEN_INDEX", str(index_dir))
    ask(app.run(), "structurele schaarste aan menskracht")
    assert not app.exception

    lines = citations(app)
    assert len(lines) == 5, "top-k is 5 by default"
    heading, section, facts = lines[0].split(" | ")
    assert heading == "[1] Kabinetsreactie op het adviesrapport 'De uitvoering aan zet'"
    assert section == f"Section 7: {STAFF}"
    assert facts.startswith("Kamerstuk 29362-354 · ") and " · 25 March 2024 · score " in facts
    assert visible(app.main.subheader[0].value) == "Answer"
    markdown = [m.value for m in app.main.markdown]
    assert any(
        "[Official publication ↗](https://zoek.officielebekendmakingen.nl/" in m for m in markdown
    )
    assert "**schaarste**" in "".join(markdown), "matched words are highlighted"


def test_top_k_sets_how_many_passages_are_shown(app, index_dir, monkeypatch):
    monkeypatch.setenv("BRIEVEN_INDEX", str(index_dir))
    app.run().number_input[0].set_value(8)
    ask(app, "structurele schaarste aan menskracht")
    assert len(citations(app)) == 8


def test_footnotes_of_a_passage_show_with_clickable_urls(app, index_dir, monkeypatch):
    monkeypatch.setenv("BRIEVEN_INDEX", str(index_dir))
    ask(app.run(), "Beleidskompas instrument centrale werkwijze voor het maken van beleid")
    footnotes = [m.value for m in app.main.markdown if m.value.startswith("**Footnotes**")]
    assert footnotes
    assert visible(footnotes[0]).startswith("Footnotes ¹ https://www.kcbr.nl/")
    assert "](https://www.kcbr.nl/beleid-en-regelgeving-ontwikkelen/beleidskompas)" in footnotes[0]


def test_whole_section_is_in_an_expander(app, index_dir, monkeypatch):
    monkeypatch.setenv("BRIEVEN_INDEX", str(index_dir))
    ask(app.run(), "structurele schaarste aan menskracht")
    expander = app.main.expander[0]
    assert "pooling en expertteams" in visible(expander.markdown[0].value)


def test_empty_question_asks_for_one_and_shows_no_passages(app, index_dir, monkeypatch):
    monkeypatch.setenv("BRIEVEN_INDEX", str(index_dir))
    ask(app.run(), "   ")
    assert not app.exception
    assert "Type a question" in app.warning[0].value
    assert citations(app) == []


def test_no_index_says_how_to_build_one(app, tmp_path, monkeypatch):
    missing = tmp_path / "nothing-here"
    monkeypatch.setenv("BRIEVEN_INDEX", str(missing))
    app.run()
    assert not app.exception
    assert "no search index" in app.error[0].value.lower()
    assert app.code[0].value == f"brieven build data/letters --index {missing}"
    assert len(app.text_input) == 0


def test_dossier_filter_narrows_results_before_ranking(app, index_dir, monkeypatch):
    monkeypatch.setenv("BRIEVEN_INDEX", str(index_dir))
    question = "structurele schaarste aan menskracht"
    ask(app.run(), question)
    assert any("Kamerstuk 29362-354" in line for line in citations(app))

    dossier = app.sidebar.multiselect[1]
    assert "21501-20" in dossier.options
    dossier.select("21501-20").run()
    lines = citations(app)
    assert lines, "the motie's passages are still ranked"
    assert all("Kamerstuk 21501-20-2273" in line for line in lines)


def test_document_type_filter_keeps_only_that_type(app, index_dir, monkeypatch):
    monkeypatch.setenv("BRIEVEN_INDEX", str(index_dir))
    ask(app.run(), "structurele schaarste aan menskracht")
    doc_types = app.sidebar.multiselect[0]
    motie = next(option for option in doc_types.options if "otie" in option)
    doc_types.select(motie).run()
    lines = citations(app)
    assert lines and all(f" · {motie} · " in line for line in lines)


def test_date_range_filter_leaves_out_letters_outside_it(app, index_dir, monkeypatch):
    monkeypatch.setenv("BRIEVEN_INDEX", str(index_dir))
    ask(app.run(), "structurele schaarste aan menskracht")
    dates = app.sidebar.date_input[0]
    first, _ = dates.value
    dates.set_value((first, dt.date(2023, 12, 31))).run()
    lines = citations(app)
    assert lines
    assert not any("2024 ·" in line for line in lines)


def test_filters_that_admit_nothing_say_so(app, index_dir, monkeypatch):
    monkeypatch.setenv("BRIEVEN_INDEX", str(index_dir))
    ask(app.run(), "structurele schaarste aan menskracht")
    app.sidebar.multiselect[1].select("29362").run()
    app.sidebar.multiselect[0].select(
        next(o for o in app.sidebar.multiselect[0].options if "otie" in o)
    ).run()
    assert citations(app) == []
    assert "No passage matches these filters" in app.info[0].value


def test_html_and_markdown_in_a_letter_show_as_plain_text(app, index_dir, monkeypatch):
    monkeypatch.setenv("BRIEVEN_INDEX", str(index_dir))
    ask(app.run(), "kwetsbaarheid script vette tekst plaatjes formules koppen")
    assert not app.exception
    headings = [visible(h.value) for h in app.main.subheader]
    assert any(
        "Brief over <b>onveilige</b> **tekst** [klik](javascript:alert(1))" in h for h in headings
    )

    shown = [m.value for m in app.main.markdown] + [c.value for c in app.main.caption]
    shown += [h.value for h in app.main.subheader]
    text = " ".join(visible(m) for m in shown)
    assert "<script>alert('x')</script> kwetsbaarheid in **vette** tekst" in text
    assert "[link](javascript:alert(1)) en <img src=x onerror=alert(1)>" in text
    assert ":red[rode] tekst, $x^2$ formules" in text

    for element in app.main.markdown:
        assert not element.proto.allow_html
    rendered = "".join(MarkdownIt("commonmark").render(m) for m in shown)
    assert not re.search(r"<(script|img|b)\b", rendered)
    assert set(re.findall(r'href="([a-z]*:?)', rendered)) <= {"http:", "https:", ""}
    assert "javascript" not in "".join(re.findall(r'href="[^"]*"', rendered))


def test_a_ministry_letter_shows_its_sender_and_kenmerk(app, tmp_path, monkeypatch):
    letter = FIXTURES / "originelen" / "kamerbrief_VWS_2025-09-08_aanbieding-AZWA.pdf"
    directory = tmp_path / "index"
    build([letter], directory, FakeEncoder(), progress=False)
    monkeypatch.setenv("BRIEVEN_INDEX", str(directory))
    ask(app.run(), "Aanvullend Zorg- en Welzijnsakkoord ondertekening moties")
    shown = citations(app)
    assert shown and all("Aanbieding Aanvullend Zorg- en Welzijnsakkoord (AZWA)" in c for c in shown)
    assert "Minister van Volksgezondheid, Welzijn en Sport · kenmerk 4204015-1087289-PDIZA" in shown[0]
    assert not any("OCR" in caption.value for caption in app.main.caption)


@pytest.mark.slow
def test_a_passage_read_by_ocr_says_so(app, tmp_path, monkeypatch):
    pypdfium2 = pytest.importorskip("pypdfium2")
    letter = FIXTURES / "originelen" / "kamerbrief_VWS_2025-09-08_aanbieding-AZWA.pdf"
    scan = tmp_path / "scan.pdf"
    page = pypdfium2.PdfDocument(letter.read_bytes())[0]
    page.render(scale=200 / 72, grayscale=True).to_pil().save(scan, "PDF", resolution=200)
    build([scan], tmp_path / "index", FakeEncoder(), progress=False)
    monkeypatch.setenv("BRIEVEN_INDEX", str(tmp_path / "index"))
    ask(app.run(), "Aanvullend Zorg- en Welzijnsakkoord")
    notes = [c.value for c in app.main.caption if "OCR" in c.value]
    assert notes and "may contain recognition errors" in visible(notes[0])
