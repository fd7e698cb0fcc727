"""What one `Document` record of the open data API says: its kamerstuk, official page, best file.

The sidecar written next to each fetched file (`<file>.meta.json`) is built here. Its first five
keys are the `Letter` fields `ingest.parse` takes from it (they win over what the file states):

    title      the record's Onderwerp (the letter's subject), else its Titel
    date       the record's Datum as a local date, "2025-05-09"
    kamerstuk  "29362-354": dossier (with its toevoeging, "21501-07") and ondernummer (Volgnummer)
    doc_type   the record's Soort, "Brief regering"
    url        the official publication, https://zoek.officielebekendmakingen.nl/kst-29362-354.html

The others keep the record as the API gave it (api_id, document_nummer, titel, onderwerp, datum,
soort, dossier, volgnummer, versie_id) and where the file came from (record_url, resource_url).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ingest.fetch.odata import local_date, record_url, resource_url

PUBLICATION_SITE = "https://zoek.officielebekendmakingen.nl/"
EXTENSIONS = {
    "application/xml": "xml",
    "text/xml": "xml",
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}
_OFFICIAL_ID = re.compile(r"^[a-z]+-[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$")  # kst-29362-354, blg-1234


@dataclass(frozen=True, slots=True)
class Resource:
    url: str
    extension: str  # "xml", "pdf" or "docx"


def best_resource(api_url: str, record: dict[str, Any]) -> Resource | None:
    """The official publication XML when there is one, else the document's own file if readable."""
    for publication in _publications(record):
        if str(publication.get("DocumentType", "")).lower() == "xml" and publication.get("Id"):
            return Resource(resource_url(api_url, "DocumentPublicatie", publication["Id"]), "xml")
    extension = EXTENSIONS.get(str(record.get("ContentType") or "").lower())
    if extension is None:
        return None
    return Resource(resource_url(api_url, "Document", record["Id"]), extension)


def file_stem(record: dict[str, Any]) -> str:
    """The name a fetched file is stored under: its DocumentNummer ("2024D11607"), else its id."""
    nummer = record.get("DocumentNummer")
    if isinstance(nummer, str) and re.fullmatch(r"[A-Za-z0-9_-]+", nummer):
        return nummer
    return str(record["Id"])


def dossier_of(record: dict[str, Any], wanted: tuple[str, ...] = ()) -> str | None:
    """The record's dossier, "29362" or "21501-07"; among several, one of `wanted` if listed."""
    labels = []
    for dossier in record.get("Kamerstukdossier") or ():
        if isinstance(dossier, dict) and isinstance(dossier.get("Nummer"), int):
            if not dossier.get("Verwijderd"):
                toevoeging = dossier.get("Toevoeging")
                labels.append(
                    f"{dossier['Nummer']}-{toevoeging}" if toevoeging else str(dossier["Nummer"])
                )
    return next((label for label in labels if label in wanted), labels[0] if labels else None)


def official_id(record: dict[str, Any], dossier: str | None) -> str | None:
    """The official publication's identifier, "kst-29362-354", as the record states or implies."""
    version = record.get("HuidigeDocumentVersie") or {}
    stated = [version.get("ExterneIdentifier")]
    stated += [publication.get("Identifier") for publication in _publications(record)]
    for identifier in stated:
        if isinstance(identifier, str) and _OFFICIAL_ID.match(identifier):
            return identifier
    volgnummer = record.get("Volgnummer")
    if dossier and isinstance(volgnummer, int) and volgnummer > 0:
        return f"kst-{dossier}-{volgnummer}"
    return None


def sidecar(
    api_url: str, record: dict[str, Any], resource: Resource, wanted: tuple[str, ...] = ()
) -> dict[str, Any]:
    dossier = dossier_of(record, wanted)
    identifier = official_id(record, dossier)
    version = record.get("HuidigeDocumentVersie") or {}
    return {
        "title": record.get("Onderwerp") or record.get("Titel") or file_stem(record),
        "date": local_date(record.get("Datum")),
        "kamerstuk": identifier[4:] if identifier and identifier.startswith("kst-") else None,
        "doc_type": record.get("Soort") or "Document",
        "url": f"{PUBLICATION_SITE}{identifier}.html" if identifier else None,
        "api_id": record["Id"],
        "document_nummer": record.get("DocumentNummer"),
        "titel": record.get("Titel"),
        "onderwerp": record.get("Onderwerp"),
        "datum": record.get("Datum"),
        "soort": record.get("Soort"),
        "dossier": dossier,
        "volgnummer": record.get("Volgnummer"),
        "versie_id": record.get("HuidigeDocumentVersie_Id") or version.get("Id"),
        "record_url": record_url(api_url, record["Id"]),
        "resource_url": resource.url,
    }


def _publications(record: dict[str, Any]) -> list[dict[str, Any]]:
    version = record.get("HuidigeDocumentVersie") or {}
    return [
        publication
        for publication in version.get("DocumentPublicatie") or ()
        if isinstance(publication, dict) and not publication.get("Verwijderd")
    ]
