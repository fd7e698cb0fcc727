"""The app's permalinks, date order and watches (AppTest over test_app's fake-encoder index)."""

from __future__ import annotations

import shutil

import pytest
import test_app
from conftest import FakeEncoder
from test_app import ask, citations, visible

from brieven import watch
from brieven.kernel.types import Filters
from brieven.watch import book

STAFF = "structurele schaarste aan menskracht"
app, index_dir = test_app.app, test_app.index_dir  # the same page and index fixtures


@pytest.fixture
def own_index(index_dir, tmp_path, monkeypatch):
    """A copy of the index this test may add watches to."""
    copy = tmp_path / "index"
    shutil.copytree(index_dir, copy, symlinks=True)
    monkeypatch.setenv("BRIEVEN_INDEX", str(copy))
    return copy


def test_a_link_with_question_filters_and_k_opens_that_search(app, index_dir, monkeypatch):
    monkeypatch.setenv("BRIEVEN_INDEX", str(index_dir))
    # The seed letter: more passages of its type than k (the motie's chunks show as one).
    app.query_params = {"q": STAFF, "k": "2", "type": "Brief regering"}
    app.run()
    assert not app.exception
    assert app.text_input[0].value == STAFF
    assert app.sidebar.multiselect[0].value == ["Brief regering"]
    lines = citations(app)
    assert len(lines) == 2
    assert all(" · Brief regering · " in line for line in lines)


def test_a_search_writes_its_permalink_into_the_address(app, index_dir, monkeypatch):
    monkeypatch.setenv("BRIEVEN_INDEX", str(index_dir))
    app.run()
    app.number_input[0].set_value(3)
    ask(app, STAFF)
    assert app.query_params["q"] == [STAFF] or app.query_params["q"] == STAFF
    assert app.query_params["k"] in ("3", ["3"])


def test_results_can_be_ordered_by_date(app, index_dir, monkeypatch):
    monkeypatch.setenv("BRIEVEN_INDEX", str(index_dir))
    app.query_params = {"q": "kinderen Gaza schaarste overheid", "k": "4"}
    app.run()
    by_relevance = citations(app)
    app.radio[0].set_value("date").run()
    by_date = citations(app)
    assert sorted(by_date) == sorted(by_relevance)
    dates = [line.split(" · ")[-2] for line in by_date if "score" in line]
    assert app.query_params["sort"] in ("date", ["date"])
    ranks = [int(line[1 : line.index("]")]) for line in by_date]
    assert ranks != sorted(ranks), f"the date order should differ from rank order here: {dates}"


def test_the_current_search_becomes_a_watch_listed_on_the_watches_page(app, own_index):
    app.query_params = {"q": STAFF, "dossier": "29362"}
    app.run()
    app.sidebar.text_input[0].input("staff")
    app.sidebar.button[0].click().run()
    assert "Watch staff added" in visible(app.sidebar.success[0].value)
    [kept] = book.load(own_index).watches
    assert (kept.question, kept.filters) == (STAFF, Filters(dossiers=("29362",)))

    app.sidebar.button[0].click().run()
    assert "a watch named 'staff' exists" in visible(app.sidebar.error[0].value)

    watch.add(own_index, "menskracht", STAFF, Filters(), 1.0, True, FakeEncoder())
    app.switch_page("app_watches.py").run()
    assert not app.exception
    assert [visible(h.value) for h in app.main.subheader] == ["staff", "menskracht"]
    shown = " ".join(visible(m.value) for m in app.main.markdown)
    assert "Kabinetsreactie op het adviesrapport 'De uitvoering aan zet'" in shown
    assert "Kamerstuk 29362-354 · Brief regering" in shown or "Kamerstuk 29362-354" in shown
    assert "No letter indexed since has answered it yet." in [c.value for c in app.main.caption]

    app.button(key="remove-staff").click().run()
    assert [w.name for w in book.load(own_index).watches] == ["menskracht"]


def test_watches_page_without_an_index_says_so(app, tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEVEN_INDEX", str(tmp_path / "none"))
    app.run()
    app.switch_page("app_watches.py").run()
    assert "no index at" in visible(app.error[0].value)
