"""Queries for `Document` records on the Tweede Kamer open data API (Gegevensmagazijn, OData v4).

The names used here are those of the API's `$metadata`: a `Document` has `Soort` (its type, such
as "Brief regering"), `Datum`, `Volgnummer` (its ondernummer within the dossier) and `Verwijderd`,
and the navigations `Kamerstukdossier` (with `Nummer` and `Toevoeging`, "21501" and "07") and
`HuidigeDocumentVersie`, whose `DocumentPublicatie` list holds the official publication files (XML,
PDF, HTML) when the paper was published as a kamerstuk. Files are served by the bound function
`Resource` on a `Document` or a `DocumentPublicatie`: `Document(<id>)/Resource`.

Every URL requested is built from the configured API root; a `@odata.nextLink` is followed only when
it lies under that root.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

from brieven.kernel.errors import FetchError
from ingest.fetch.client import Client

API_URL = "https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/"
RESOURCE = "Resource"
EXPAND = "HuidigeDocumentVersie($expand=DocumentPublicatie),Kamerstukdossier"
# Dutch clocks run at UTC+1 or UTC+2 and `Datum` is a local date at midnight: bounds at +02:00
# admit every record of the first and last day; `Query.admits` then trims on the local date.
DUTCH_OFFSET = "+02:00"
URL_SAFE = "$(),/:'"  # left readable in query strings; the rest is percent-encoded
_DOSSIER = re.compile(r"^(\d+)(?:-([A-Za-z0-9]+))?$")


@dataclass(frozen=True, slots=True)
class Query:
    """Which documents to list. Empty fields restrict nothing; values within a field are or-ed."""

    since: str | None = None  # YYYY-MM-DD, inclusive
    until: str | None = None  # YYYY-MM-DD, inclusive
    doc_types: tuple[str, ...] = ()  # Soort, "Brief regering"
    dossiers: tuple[str, ...] = ()  # "29362", or with its toevoeging "21501-07"

    def admits(self, record: dict[str, Any]) -> bool:
        """Whether a listed record truly falls in the query (the dates sent are a day wide)."""
        if record.get("Verwijderd"):
            return False
        day = local_date(record.get("Datum"))
        if self.since and (day is None or day < self.since):
            return False
        if self.until and (day is None or day > self.until):
            return False
        return True


def root(api_url: str) -> str:
    """The API root with exactly one trailing slash; refuses anything that is not http(s)."""
    if not re.match(r"^https?://[^/\s]+", api_url):
        raise FetchError(f"{api_url}: not an http(s) URL; give --api-url as https://host/path/")
    return api_url.rstrip("/") + "/"


def parse_dossier(text: str) -> tuple[int, str | None]:
    """ "29362" -> (29362, None); "21501-07" -> (21501, "07"). Raises ValueError otherwise."""
    match = _DOSSIER.match(text.strip())
    if not match:
        raise ValueError(f"not a dossier number: {text!r} (expected e.g. 29362 or 21501-07)")
    return int(match.group(1)), match.group(2)


def document_filter(query: Query) -> str:
    """The OData `$filter` expression for a query."""
    terms = ["Verwijderd eq false"]
    if query.doc_types:
        terms.append(_any_of(f"Soort eq {_string(soort)}" for soort in query.doc_types))
    if query.since:
        terms.append(f"Datum ge {query.since}T00:00:00{DUTCH_OFFSET}")
    if query.until:
        day_after = date.fromisoformat(query.until) + timedelta(days=1)
        terms.append(f"Datum lt {day_after.isoformat()}T00:00:00{DUTCH_OFFSET}")
    if query.dossiers:
        terms.append(_any_of(_dossier_term(dossier) for dossier in query.dossiers))
    return " and ".join(terms)


def documents_url(api_url: str, query: Query, top: int | None = None) -> str:
    params = {
        "$filter": document_filter(query),
        "$expand": EXPAND,
        "$orderby": "Datum",
        "$count": "true",
    }
    if top is not None:
        params["$top"] = str(top)
    encoded = "&".join(f"{key}={quote(value, safe=URL_SAFE)}" for key, value in params.items())
    return f"{root(api_url)}Document?{encoded}"


def record_url(api_url: str, document_id: str) -> str:
    return f"{root(api_url)}Document({entity_key(document_id)})"


def resource_url(api_url: str, entity: str, entity_id: str) -> str:
    """URL of the file behind a `Document` or `DocumentPublicatie`."""
    return f"{root(api_url)}{entity}({entity_key(entity_id)})/{RESOURCE}"


def iter_documents(
    client: Client,
    api_url: str,
    query: Query,
    on_count: Callable[[int], None] | None = None,
    top: int | None = None,
) -> Iterator[dict[str, Any]]:
    """Every `Document` record the query admits, oldest first, page after page (`top` at most).

    `on_count` receives the API's `@odata.count` (how many records match) once, when it is known.
    """
    base = root(api_url)
    url: str | None = documents_url(base, query, top)
    first = True
    while url:
        page = client.get_json(url)
        if not isinstance(page, dict) or not isinstance(page.get("value"), list):
            raise FetchError(f"{url}: the API's answer has no 'value' list of records")
        if first and on_count is not None and isinstance(page.get("@odata.count"), int):
            on_count(page["@odata.count"])
        first = False
        for record in page["value"]:
            if isinstance(record, dict) and record.get("Id") and query.admits(record):
                yield record
        url = page.get("@odata.nextLink")
        if url is not None and not (isinstance(url, str) and url.startswith(base)):
            raise FetchError(f"next page link {url!r} is not under the API root {base}; stopped")


def local_date(value: object) -> str | None:
    """'2025-05-09T00:00:00+02:00' -> '2025-05-09'."""
    if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}", value):
        return value[:10]
    return None


def _dossier_term(text: str) -> str:
    nummer, toevoeging = parse_dossier(text)
    term = f"k/Nummer eq {nummer}"
    if toevoeging:
        term += f" and k/Toevoeging eq {_string(toevoeging)}"
    return f"Kamerstukdossier/any(k: {term})"


def _any_of(terms: Iterable[str]) -> str:
    listed = list(terms)
    return listed[0] if len(listed) == 1 else "(" + " or ".join(listed) + ")"


def _string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def entity_key(entity_id: str) -> str:
    if not re.fullmatch(r"[0-9A-Fa-f-]{36}", entity_id):
        raise FetchError(f"{entity_id!r} is not an API id (a GUID)")
    return entity_id
