"""What a fetched document is linked to: its Zaak, dossier, the Zaak's other papers, a motie's vote.

A `Document` belongs to one or more `Zaak` records (the parliamentary case: a motie, a set of
written questions and their answer, a bill). Two requests per document at most, through the same
`Client` as the files (rate limit, retries):

    Document(<id>)/Zaak?$expand=Document,Kamerstukdossier          every document
    Stemming?$filter=Besluit/Zaak/any(z: z/Id eq <zaak>)&$expand=   moties only: the votes, each
        Besluit($expand=Agendapunt($expand=Activiteit,Zaak)),Fractie   with its decision and day

The answer is the JSON form of `brieven.kernel.types.Links` (`brieven.kernel.links`). A link the
API does not give stays null: a request that fails, a Zaak without documents, a Stemming whose
Besluit names another Zaak, a vote without a meeting day. Nothing is guessed from the text.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from brieven.kernel.errors import FetchError
from ingest.fetch.client import Client
from ingest.fetch.odata import URL_SAFE, entity_key, local_date, root

ZAAK_EXPAND = "Document,Kamerstukdossier"
VOTE_EXPAND = "Besluit($expand=Agendapunt($expand=Activiteit,Zaak)),Fractie"
OUTCOMES = {"Stemmen - aangenomen": "adopted", "Stemmen - verworpen": "rejected"}


def zaak_url(api_url: str, document_id: str) -> str:
    expand = quote(ZAAK_EXPAND, safe=URL_SAFE)
    return f"{root(api_url)}Document({entity_key(document_id)})/Zaak?$expand={expand}"


def votes_url(api_url: str, zaak_id: str) -> str:
    condition = f"Verwijderd eq false and Besluit/Zaak/any(z: z/Id eq {entity_key(zaak_id)})"
    query = f"$filter={quote(condition, safe=URL_SAFE)}&$expand={quote(VOTE_EXPAND, safe=URL_SAFE)}"
    return f"{root(api_url)}Stemming?{query}"


def is_motie(record: dict[str, Any]) -> bool:
    return str(record.get("Soort") or "").startswith("Motie")


def links_of(
    client: Client, api_url: str, record: dict[str, Any], dossier: str | None
) -> tuple[dict[str, Any], str | None]:
    """The record's links, and why some are unknown (a failed request), or None."""
    links: dict[str, Any] = {
        "number": record.get("DocumentNummer"),
        "zaak": None,
        "zaak_subject": None,
        "dossier": dossier,
        "documents": [],
        "vote": None,
    }
    try:
        url = zaak_url(api_url, record["Id"])
        zaken = _values(url, client.get_json(url))
    except FetchError as err:
        return links, f"its Zaak is unknown: {err}"
    zaken = [zaak for zaak in zaken if not zaak.get("Verwijderd")]
    if not zaken:
        return links, None
    main = zaken[0]
    links["zaak"] = main.get("Nummer")
    links["zaak_subject"] = main.get("Onderwerp") or main.get("Titel")
    links["documents"] = _documents(zaken, own=record["Id"])
    if links["dossier"] is None:
        links["dossier"] = _dossier(main)
    if not is_motie(record) or not main.get("Id"):
        return links, None
    try:
        url = votes_url(api_url, main["Id"])
        rows = _values(url, client.get_json(url))
    except FetchError as err:
        return links, f"its vote is unknown: {err}"
    links["vote"] = vote_of(rows, main["Id"])
    return links, None


def vote_of(rows: Iterable[dict[str, Any]], zaak_id: str) -> dict[str, Any] | None:
    """The vote on a Zaak from its `Stemming` rows (one per party, or per member when hoofdelijk).

    Rows whose Besluit names other Zaken only are dropped. Of several decisions (a motie held
    over, then voted on) the last one that is a vote wins; None when no row is left.
    """
    by_decision: dict[str, list[dict[str, Any]]] = {}
    decisions: dict[str, dict[str, Any]] = {}
    for row in rows:
        besluit = row.get("Besluit") or {}
        if row.get("Verwijderd") or not row.get("Besluit_Id") or not _about(besluit, zaak_id):
            continue
        by_decision.setdefault(row["Besluit_Id"], []).append(row)
        decisions[row["Besluit_Id"]] = besluit
    if not by_decision:
        return None

    def order(besluit_id: str) -> tuple[bool, str]:
        besluit = decisions[besluit_id]
        return besluit.get("BesluitSoort") in OUTCOMES, _day(besluit) or ""

    chosen = max(by_decision, key=order)
    besluit = decisions[chosen]
    return {
        "outcome": OUTCOMES.get(besluit.get("BesluitSoort")),
        "date": _day(besluit),
        "decision": besluit.get("BesluitTekst") or besluit.get("BesluitSoort"),
        "voted_for": _parties(by_decision[chosen], "Voor"),
        "voted_against": _parties(by_decision[chosen], "Tegen"),
    }


def _about(besluit: dict[str, Any], zaak_id: str) -> bool:
    """False only when the Besluit names its Zaken and this one is not among them."""
    agendapunt = besluit.get("Agendapunt") or {}
    named = list(besluit.get("Zaak") or ()) + list(agendapunt.get("Zaak") or ())
    ids = {zaak.get("Id") for zaak in named if isinstance(zaak, dict)}
    return not ids or zaak_id in ids


def _day(besluit: dict[str, Any]) -> str | None:
    activiteit = (besluit.get("Agendapunt") or {}).get("Activiteit") or {}
    return local_date(activiteit.get("Datum")) if isinstance(activiteit, dict) else None


def _parties(rows: list[dict[str, Any]], soort: str) -> list[dict[str, Any]]:
    """Per party, its seats that voted `soort` ("Voor", "Tegen"), most seats first."""
    seats: dict[str, int | None] = {}
    for row in rows:
        party = row.get("ActorFractie") or row.get("ActorNaam")
        if row.get("Soort") != soort or not isinstance(party, str):
            continue
        size = 1 if row.get("Persoon_Id") else row.get("FractieGrootte")
        if not isinstance(size, int) or (party in seats and seats[party] is None):
            seats[party] = None  # a row without its size: the party's seats are unknown
        else:
            seats[party] = (seats.get(party) or 0) + size
    ordered = sorted(seats.items(), key=lambda item: (-(item[1] or 0), item[0]))
    return [{"party": party, "seats": count} for party, count in ordered]


def _documents(zaken: list[dict[str, Any]], own: str) -> list[dict[str, Any]]:
    """The Zaken's documents other than the record itself, oldest first, each once."""
    found: dict[str, dict[str, Any]] = {}
    for zaak in zaken:
        for doc in zaak.get("Document") or ():
            number = doc.get("DocumentNummer") if isinstance(doc, dict) else None
            if not number or doc.get("Id") == own or doc.get("Verwijderd"):
                continue
            found.setdefault(
                number,
                {
                    "number": number,
                    "doc_type": doc.get("Soort"),
                    "date": local_date(doc.get("Datum")),
                    "title": doc.get("Onderwerp") or doc.get("Titel"),
                },
            )
    return sorted(found.values(), key=lambda doc: (doc["date"] or "", doc["number"]))


def _dossier(zaak: dict[str, Any]) -> str | None:
    for dossier in zaak.get("Kamerstukdossier") or ():
        if isinstance(dossier, dict) and isinstance(dossier.get("Nummer"), int):
            toevoeging = dossier.get("Toevoeging")
            return f"{dossier['Nummer']}-{toevoeging}" if toevoeging else str(dossier["Nummer"])
    return None


def _values(url: str, page: object) -> list[dict[str, Any]]:
    if isinstance(page, dict) and isinstance(page.get("value"), list):
        return [row for row in page["value"] if isinstance(row, dict)]
    if isinstance(page, dict) and page.get("Id"):
        return [page]  # a single entity
    raise FetchError(f"{url}: the API's answer holds no records")
