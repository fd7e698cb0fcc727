"""Searches as query strings: they round-trip, and a mangled link still opens what it can."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from conftest import FakeEncoder  # noqa: F401 (conftest sets the offline environment)

from brieven.kernel.types import Chunk, Filters, Passage
from brieven.permalink import Search, from_params, ordered, query_string


def parsed(link: str):
    values = parse_qs(urlsplit(link).query)
    return from_params(lambda key: values.get(key, []))


def test_a_search_survives_its_link():
    search = Search(
        "Hoe gaat het kabinet om met schaarste & tekorten?",
        Filters("2024-01-01", "2024-12-31", ("Motie", "Brief regering"), ("29362", "21501-07")),
        k=12,
        order="date",
    )
    link = query_string(search)
    assert parsed(link) == search


def test_defaults_stay_out_of_the_link():
    assert query_string(Search("staff")) == "?q=staff"


def test_nonsense_in_a_link_is_dropped_not_refused():
    search = parsed("?q=staff&k=5000&since=yesterday&until=2024-02-30&sort=random&type=&dossier=+")
    assert search == Search("staff")
    assert parsed("?k=abc") == Search("")


def passage(rank: int, date: str | None) -> Passage:
    chunk = Chunk(
        id=f"l{rank}#0", letter_id=f"l{rank}", title="t", date=date, kamerstuk=None,
        doc_type="Brief regering", url=None, source="s", section_index=0, section_number=None,
        section_title="", pages=None, footnotes=(), text="x", embed_text="x",
    )
    return Passage(rank, 1.0 / rank, chunk)


def test_date_order_puts_the_newest_letter_first_and_undated_last():
    passages = [passage(1, "2020-01-01"), passage(2, None), passage(3, "2024-05-01"),
                passage(4, "2020-01-01")]
    assert [p.rank for p in ordered(passages, "date")] == [3, 1, 4, 2]
    assert [p.rank for p in ordered(passages, "relevance")] == [1, 2, 3, 4]
