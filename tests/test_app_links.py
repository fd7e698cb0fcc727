"""The letter page and the links on the web page, over letters fetched from the local API server.

The motie 2025D06779 comes with the recorded vote (tests/fixtures/api/README.md); the sample
motie kst-19637-3481 is in the same dossier 19637; ah-tk-20232024-1076 answers Kamervragen.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
import streamlit as st
from conftest import LETTERS, FakeEncoder
from streamlit.testing.v1 import AppTest
from test_app import visible
from test_links import fetch_with_links

from brieven.letter_view import dossier_documents
from index.build import build
from index.search import Searcher

APP = Path(__file__).resolve().parent.parent / "app.py"
SAME_DOSSIER = LETTERS / "moties_xml" / "kst-19637-3481.xml"
ANSWERS = sorted((LETTERS / "aanhangsel_antwoorden_pdf").glob("*.pdf"))


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("links")
    fetch_with_links(folder / "fetched")
    for path in [SAME_DOSSIER, *ANSWERS]:
        shutil.copyfile(path, folder / path.name)
    build([folder], folder / "index", FakeEncoder(), progress=False)
    return folder / "index"


@pytest.fixture
def app(monkeypatch, index_dir) -> AppTest:
    monkeypatch.setattr("index.encoder.load_encoder", lambda model=None: FakeEncoder())
    monkeypatch.setenv("BRIEVEN_INDEX", str(index_dir))
    monkeypatch.delenv("BRIEVEN_LLM_URL", raising=False)
    st.cache_resource.clear()
    return AppTest.from_file(str(APP), default_timeout=60)


def page_text(app: AppTest) -> str:
    parts = [m.value for m in app.markdown] + [c.value for c in app.caption]
    parts += [e.value for e in app.info] + [s.value for s in app.subheader]
    return " | ".join(visible(part) for part in parts)


def open_letter(app: AppTest, letter: str, section: int | None = None) -> AppTest:
    app.query_params["letter"] = letter
    if section is not None:
        app.query_params["section"] = str(section)
    return app.run()


def test_motie_page_shows_the_vote_and_its_dossier_newest_first(app):
    open_letter(app, "2025D06779")
    assert not app.exception
    text = page_text(app)
    assert app.title[0].value.startswith("Gewijzigde motie van het lid Podt")
    assert (
        "Adopted (date unknown). For (49 seats): GroenLinks-PvdA (25), NSC (19), SP (5). "
        "Against (0 seats): none recorded." in text
    )
    links = [m.value for m in app.markdown if "?letter=" in m.value]
    assert any("](?letter=kst-19637-3481)" in link for link in links)
    assert "Dossier 19637" in text and "1 other document in this index, newest first" in text


def test_dossier_listing_is_newest_first_and_leaves_out_the_letter_itself(index_dir):
    searcher = Searcher.open(index_dir, encoder=FakeEncoder())
    letters = searcher.letters()
    motie = next(c for c in letters if c.letter_id == "2025D06779")  # 2025-02-18
    assert [c.letter_id for c in dossier_documents(letters, motie)] == ["kst-19637-3481"]
    newer = next(c for c in letters if c.letter_id == "kst-19637-3481")  # 2025-10-02
    assert [c.letter_id for c in dossier_documents(letters, newer)] == ["2025D06779"]
    # three more papers of the dossier: newest first, the undated one last
    extra = [
        replace(motie, letter_id=name, date=date)
        for name, date in (("a", "2024-01-05"), ("b", None), ("c", "2025-06-30"))
    ]
    listed = dossier_documents([*letters, *extra], newer)
    assert [c.letter_id for c in listed] == ["c", "2025D06779", "a", "b"]


def test_letter_without_dossier_or_vote_says_unknown(app):
    open_letter(app, "2025D26032")  # a Brief regering in no dossier; its Zaak request was a 404
    text = page_text(app)
    assert "Dossier unknown" in text
    assert "Zaak unknown · dossier unknown" in text
    assert "Adopted" not in text and "Rejected" not in text


def test_cited_section_is_marked_and_footnotes_listed(app):
    open_letter(app, "ah-tk-20232024-1076", section=2)  # sections: opening, Vraag 1, Antwoord 1
    assert not app.exception
    cited = [m.value for m in app.markdown if m.value.startswith("**Cited: ")]
    assert cited and "Antwoord 1" in visible(cited[0])
    assert any(m.value.startswith("**Footnotes**") for m in app.markdown)


def test_answer_page_offers_earlier_answers_to_similar_questions(app):
    open_letter(app, "ah-tk-20232024-1076")
    assert "Earlier answers to similar questions" in page_text(app)
    app.button(key="earlier").click().run()
    assert not app.exception
    found = [m.value for m in app.markdown if m.value.startswith("→ ")]
    assert found  # one earlier answer per question, each a link to its letter and section
    assert all(re.search(r"\]\(\?letter=ah-tk-20232024-(1178|2168)&section=\d+\)", f) for f in found)


def test_search_passage_links_to_its_letter_page(app):
    app.run()
    app.text_input[0].input("schaderegeling asielzoekers")
    app.button[0].click().run()
    links = [m.value for m in app.markdown if "The whole letter and its dossier" in m.value]
    assert links and all("?letter=" in link and "&section=" in link for link in links)
