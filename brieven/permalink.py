"""A search as a URL query string, so it can be shared and opened again (the app's permalinks).

    ?q=staff+shortages&k=5&since=2024-01-01&until=2024-12-31&type=Motie&type=Brief+regering
     &dossier=29362&sort=date

Every parameter is optional. Values that make no sense (k out of range, a date that is not
YYYY-MM-DD, an unknown sort order) are dropped rather than refused: a hand-edited or truncated
link still opens the search it can. Nothing here imports Streamlit; `app.py` reads and writes
`st.query_params` with these functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from brieven.kernel.types import Filters, Passage

K_DEFAULT, K_MAX = 5, 50
ORDERS = ("relevance", "date")


@dataclass(frozen=True, slots=True)
class Search:
    question: str = ""
    filters: Filters = Filters()
    k: int = K_DEFAULT
    order: str = "relevance"  # one of ORDERS


def to_params(search: Search) -> dict[str, str | list[str]]:
    """The query parameters of `search`; defaults are left out, so links stay short."""
    params: dict[str, str | list[str]] = {"q": search.question}
    if search.k != K_DEFAULT:
        params["k"] = str(search.k)
    filters = search.filters
    for key, value in (("since", filters.since), ("until", filters.until)):
        if value:
            params[key] = value
    if filters.doc_types:
        params["type"] = list(filters.doc_types)
    if filters.dossiers:
        params["dossier"] = list(filters.dossiers)
    if search.order != "relevance":
        params["sort"] = search.order
    return params


def query_string(search: Search) -> str:
    return "?" + urlencode(to_params(search), doseq=True)


def from_params(get_all: Callable[[str], list[str]]) -> Search:
    """The search a link describes; `get_all(key)` gives every value of a parameter (as
    `st.query_params.get_all` does)."""

    def first(key: str) -> str | None:
        values = [v for v in get_all(key) if v.strip()]
        return values[0].strip() if values else None

    k = first("k")
    order = first("sort")
    filters = Filters(
        since=_day(first("since")),
        until=_day(first("until")),
        doc_types=tuple(dict.fromkeys(v for v in get_all("type") if v.strip())),
        dossiers=tuple(dict.fromkeys(v.strip() for v in get_all("dossier") if v.strip())),
    )
    return Search(
        question=first("q") or "",
        filters=filters,
        k=int(k) if k and k.isdigit() and 1 <= int(k) <= K_MAX else K_DEFAULT,
        order=order if order in ORDERS else "relevance",
    )


def ordered(passages: list[Passage], order: str) -> list[Passage]:
    """The passages by relevance (as ranked), or by letter date, newest first (undated last,
    ties by rank). Each keeps its rank, so the answer's [n] still points at it."""
    if order != "date":
        return list(passages)
    by_rank = sorted(passages, key=lambda p: p.rank)
    return sorted(by_rank, key=lambda p: p.chunk.date or "", reverse=True)  # stable: ties by rank


def _day(text: str | None) -> str | None:
    try:
        return dt.date.fromisoformat(text).isoformat() if text else None
    except ValueError:
        return None
