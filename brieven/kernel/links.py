"""The one JSON form of `Links`: written in a fetched file's sidecar, kept with each chunk in the
index, read back by both. Shape (every value may be null, every list empty: unknown):

    {"number": "2025D06779", "zaak": "2025Z02986", "zaak_subject": "...", "dossier": "19637",
     "documents": [{"number", "doc_type", "date", "title"}],
     "vote": {"outcome": "adopted" | "rejected" | null, "date", "decision",
              "voted_for": [{"party", "seats"}], "voted_against": [...]} | null}

Reading is lenient about what it does not know (an older sidecar, a hand-written one): a value of
the wrong type is read as unknown, never as a guess.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from brieven.kernel.types import Links, PartyVote, Related, Vote


def links_to_dict(links: Links) -> dict[str, Any]:
    return asdict(links)


def links_from_dict(row: object) -> Links | None:
    """The `Links` a JSON object states; None when it is not an object."""
    if not isinstance(row, dict):
        return None
    documents = tuple(
        Related(
            number=doc["number"],
            doc_type=_text(doc.get("doc_type")),
            date=_text(doc.get("date")),
            title=_text(doc.get("title")),
        )
        for doc in _list(row.get("documents"))
        if isinstance(doc, dict) and isinstance(doc.get("number"), str)
    )
    return Links(
        number=_text(row.get("number")),
        zaak=_text(row.get("zaak")),
        zaak_subject=_text(row.get("zaak_subject")),
        dossier=_text(row.get("dossier")),
        documents=documents,
        vote=_vote(row.get("vote")),
    )


def _vote(row: object) -> Vote | None:
    if not isinstance(row, dict):
        return None
    outcome = row.get("outcome") if row.get("outcome") in ("adopted", "rejected") else None
    return Vote(
        outcome=outcome,
        date=_text(row.get("date")),
        decision=_text(row.get("decision")),
        voted_for=_parties(row.get("voted_for")),
        voted_against=_parties(row.get("voted_against")),
    )


def _parties(rows: object) -> tuple[PartyVote, ...]:
    return tuple(
        PartyVote(party=row["party"], seats=row.get("seats") if _count(row.get("seats")) else None)
        for row in _list(rows)
        if isinstance(row, dict) and isinstance(row.get("party"), str)
    )


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _list(value: object) -> list:
    return value if isinstance(value, list) else []
