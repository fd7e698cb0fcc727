"""Metadata of an official publication (officielebekendmakingen.nl), shared by its XML and HTML.

Both formats carry the same `<meta name=… scheme=… content=…>` elements: DC.identifier
("kst-29279-965"), OVERHEIDop.dossiernummer and .ondernummer, DCTERMS.issued/available,
DC.type, OVERHEIDop.documenttitel, OVERHEIDop.indiener and DC.creator. DC.title reads
"<dossier title>; <document type>; <document title>", where the type is often more precise than
DC.type ("Brief regering" where DC.type says "Brief"), and is then preferred.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from brieven.kernel.refs import normalise_kamerstuk
from ingest.raw import Metadata

PUBLICATION_URL = "https://zoek.officielebekendmakingen.nl/{}.html"
_IDENTIFIER = re.compile(r"\b((?:kst|ah-tk|h-tk|stb|stcrt|trb|blg)-[\w-]+)")
_TYPE_IN_TITLE = re.compile(r"\b(motie|amendement|brief|verslag|nota|voorstel van wet)\b", re.I)


@dataclass(frozen=True, slots=True)
class Printed:
    """What the document body itself prints, used when the meta elements are missing."""

    title: str | None = None
    date: str | None = None  # YYYY-MM-DD
    dossier: str | None = None  # "21 501-02", "36 410 XIV"
    ondernummer: str | None = None


def publication_metadata(
    metas: Iterable[tuple[str, str, str]], printed: Printed = Printed()
) -> Metadata:
    """Metadata from (name, scheme, content) triples of the meta elements, else from the body."""
    meta: dict[str, list[str]] = {}
    doc_type = None
    answer = False  # an aanhangsel's answer
    for name, scheme, content in metas:
        content = " ".join(content.split())
        if content:
            meta.setdefault(name, []).append(content)
            if name == "DC.type" and scheme == "OVERHEIDop.KamerstukTypen":
                doc_type = content
            answer = answer or (scheme == "OVERHEIDop.AanhangselTypen" and content == "Antwoord")

    def first(*names: str) -> str | None:
        return next((value for name in names for value in meta.get(name, [])), None)

    identifier = first("DC.identifier")
    if not identifier:
        record = _IDENTIFIER.search(first("OVERHEIDop.externMetadataRecord") or "")
        identifier = record.group(1) if record else None
    if identifier and not _IDENTIFIER.fullmatch(identifier):
        identifier = None
    title = first("OVERHEIDop.documenttitel", "DC.title") or printed.title
    if doc_type:
        doc_type = _precise_type(doc_type, first("DC.title") or "")
    if doc_type is None and printed.title and (found := _TYPE_IN_TITLE.search(printed.title)):
        doc_type = found.group(1).capitalize()
    date = first("DCTERMS.issued", "DCTERMS.available") or printed.date
    askers = ", ".join(meta.get("OVERHEIDop.indiener", []))
    return Metadata(
        title=title,
        date=date[:10] if date else None,
        kamerstuk=_kamerstuk(
            identifier,
            first("OVERHEIDop.dossiernummer") or printed.dossier,
            first("OVERHEIDop.ondernummer") or printed.ondernummer,
        ),
        doc_type=doc_type,
        url=PUBLICATION_URL.format(identifier) if identifier else None,
        # an aanhangsel's indieners asked the questions; its answer states who answered them
        sender=None if answer else askers or first("DC.creator"),
    )


def _precise_type(doc_type: str, dc_title: str) -> str:
    """The type named in DC.title when a word refines DC.type: "Brief" -> "Brief regering".

    A variant in brackets ("Motie (gewijzigd/nader)") stays under its type ("Motie"), so a filter
    on the type finds it.
    """
    for part in dc_title.split(";")[1:-1]:
        if re.fullmatch(re.escape(doc_type) + r" \w+", part.strip(), re.IGNORECASE):
            return part.strip()
    return doc_type


def _kamerstuk(identifier: str | None, dossier: str | None, number: str | None) -> str | None:
    if identifier and identifier.startswith("kst-"):
        return normalise_kamerstuk(identifier)
    if not (dossier and number):
        return None
    return normalise_kamerstuk(f"{dossier.split(';')[0]}, nr. {number}")
