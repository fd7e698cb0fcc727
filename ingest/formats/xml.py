"""Official publication XML (`officiele-publicatie`, as served by officielebekendmakingen.nl).

Metadata comes from the `<meta name=… content=…>` elements; the body from `kop`/`tussenkop`
headings and `al` paragraphs; footnotes from `noot` (`noot.nr`, `noot.al`), whose place in the
text becomes a superscript marker. Some files carry only a stub `<metadata>` block pointing at a
remote record; the kamerstuk number, title and date are then read from the body itself.

Entities are never resolved and nothing is fetched: a file that declares entities (the way XXE
and "billion laughs" attacks work) is refused outright.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from brieven.kernel.errors import ParseError
from brieven.kernel.refs import to_superscript
from brieven.kernel.types import Footnote
from ingest.formats.notes import make_footnote
from ingest.formats.publication import Printed, publication_metadata
from ingest.raw import Block, Metadata, ParseLimits, RawDocument

_BLOCKS = {"al", "tekstregel", "kop", "tussenkop", "titel", "datumtekst", "li.nr"}
_HEADINGS = {"kop", "tussenkop", "titel"}
_SKIP = {"metadata", "meta", "kamerstukkop", "dossier", "noot", "stuknr"}


def parse_xml(path: Path, data: bytes) -> etree._Element:
    """Parse XML safely: no DTD loading, no network, no entity expansion, no entity declarations."""
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ParseError(path, f"malformed XML ({exc})") from exc
    if root is None:
        raise ParseError(path, "empty XML document")
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise ParseError(
            path, "XML entity declarations are not allowed (possible XXE or entity bomb)"
        )
    return root


def read(path: Path, data: bytes, limits: ParseLimits) -> RawDocument:
    root = parse_xml(path, data)
    footnotes: list[Footnote] = []
    blocks = _blocks(root, footnotes)
    if not blocks:
        reason = (
            "only a metadata block, no body text"
            if _local(root) == "officiele-publicatie"
            else "no paragraphs found in this XML"
        )
        raise ParseError(path, reason)
    return RawDocument(blocks=tuple(blocks), footnotes=tuple(footnotes), metadata=_metadata(root))


def _local(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _blocks(root, footnotes: list[Footnote]) -> list[Block]:
    blocks = []
    for element in root.iter(etree.Element):
        name = _local(element)
        if name not in _BLOCKS or name == "li.nr":
            continue
        ancestors = {_local(a) for a in element.iterancestors()}
        if ancestors & (_SKIP | (_BLOCKS - {"li.nr"})):
            continue
        text = _inline(element, footnotes)
        previous = element.getprevious()
        if name == "al" and previous is not None and _local(previous) == "li.nr":
            text = f"{' '.join((previous.text or '').split())} {text}".strip()
        if text:
            blocks.append(Block(text=text, heading=name in _HEADINGS))
    return blocks


def _inline(element, footnotes: list[Footnote]) -> str:
    """The element's text with each `noot` replaced by its superscript marker (collected aside)."""
    parts = [element.text or ""]
    for child in element:
        name = _local(child)
        if name == "noot":
            note = _footnote(child)
            if note is not None:
                footnotes.append(note)
                parts.append(to_superscript(note.number))
        elif name in ("nr", "li.nr"):
            parts.append(" " + _inline(child, footnotes) + " ")
        elif name:
            parts.append(_inline(child, footnotes))
        parts.append(child.tail or "")
    return _tidy("".join(parts))


def _tidy(text: str) -> str:
    text = " ".join(text.split())
    return re.sub(r"\s+([⁰¹²³⁴⁵⁶⁷⁸⁹]+)", r"\1", text)


def _footnote(noot) -> Footnote | None:
    number = "".join(noot.xpath("./*[local-name()='noot.nr']//text()")).strip()
    if not number:
        return None
    texts = [_tidy("".join(al.itertext())) for al in noot.xpath("./*[local-name()='noot.al']")]
    links = [str(link) for link in noot.xpath(".//*[local-name()='extref']/@doc")]
    return make_footnote(number, " ".join(texts), links)


def _metadata(root) -> Metadata:
    metas = (
        (element.get("name") or "", element.get("scheme") or "", element.get("content") or "")
        for element in root.iter(etree.Element)
        if _local(element) == "meta"
    )
    dossier = "-".join(
        part
        for part in (
            _printed(root, "dossiernummer", name)
            for name in ("dossiernr", "raadnr", "begrotingshoofdstuk")
        )
        if part
    )
    dates = root.xpath("//*[local-name()='datum']/@isodatum")
    printed = Printed(
        title=_printed(root, "stuk", "titel"),
        date=str(dates[0]) if dates else None,
        dossier=dossier or None,
        ondernummer=_printed(root, "stuknr", "ondernummer"),
    )
    return publication_metadata(metas, printed)


def _printed(root, parent: str, child: str) -> str | None:
    found = root.xpath(f"//*[local-name()='{parent}']/*[local-name()='{child}']")
    return _tidy("".join(found[0].itertext())) or None if len(found) else None
