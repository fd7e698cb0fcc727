"""Official publication XML (`officiele-publicatie`, as served by officielebekendmakingen.nl).

Metadata comes from the `<meta name=… content=…>` elements; the body from `kop`/`tussenkop`
headings and `al` paragraphs; footnotes from `noot` (`noot.nr`, `noot.al`), whose place in the
text becomes a superscript marker. Some files carry only a stub `<metadata>` block pointing at a
remote record; the kamerstuk number, title and date are then read from the body itself.

An aanhangsel (ah-tk-…, answers to Kamervragen) holds `kamervragen`: the questions' description
("Vragen van de leden … over de TOZO (ingezonden 3 juni 2021)"), the answer's ("Antwoord van
Minister Koolmees (…) (ontvangen 21 juni 2021)"), then `vraag` and `antwoord` elements, each with
its printed `nr` ("Vraag 1"). Its type is "Antwoord schriftelijke vragen", its title the questions'
description, its date the day the answer was received (not the first `datum`, the day the
questions were sent in), and each Vraag and Antwoord is a section, as in its HTML and PDF.

Entities are never resolved and nothing is fetched: a file that declares entities (the way XXE
and "billion laughs" attacks work) is refused outright.
"""

from __future__ import annotations

import re
from dataclasses import replace
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
_SKIP = {"metadata", "meta", "kamerstukkop", "dossier", "noot", "stuknr", "kamervraagkop"}
_QA = {"vraag", "antwoord"}


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
        parent = element.getparent()
        if name == "nr" and parent is not None and _local(parent) in _QA:
            blocks.append(Block(text=_tidy("".join(element.itertext()))))  # "Vraag 1"
            continue
        if name == "kamervraagomschrijving":
            text = _tidy(" ".join(element.itertext()))
            blocks.append(Block(text=re.sub(r"\s+([).,;:])", r"\1", text)))
            continue
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
    meta = publication_metadata(metas, printed)
    return _kamervragen(root, meta) if root.xpath("//*[local-name()='kamervragen']") else meta


def _kamervragen(root, meta: Metadata) -> Metadata:
    """An aanhangsel's type, title (the questions), date (answer received) and who answered."""

    def described(kind: str):
        found = root.xpath(f"//*[local-name()='kamervraagomschrijving'][@type='{kind}']")
        return found[0] if found else None

    questions, answer = described("vraag"), described("antwoord")
    title = _tidy("".join(questions.itertext())) if questions is not None else ""
    title = re.sub(r"\s*\((?:ingezonden|ontvangen)\b[^)]*\)\.?$", "", title).rstrip(".")
    received = answer.xpath(".//*[local-name()='datum']/@isodatum") if answer is not None else []
    answered = _tidy("".join(answer.itertext())) if answer is not None else ""
    by = re.match(r"^Antwoord van (.+?)\s*\((?:ontvangen|\d)", answered)
    has_answers = bool(root.xpath("//*[local-name()='antwoord']"))
    return replace(
        meta,
        title=title or meta.title,
        date=str(received[0])[:10] if received else meta.date,
        doc_type="Antwoord schriftelijke vragen" if has_answers else "Schriftelijke vragen",
        sender=meta.sender or (by.group(1) if by else None),
    )


def _printed(root, parent: str, child: str) -> str | None:
    found = root.xpath(f"//*[local-name()='{parent}']/*[local-name()='{child}']")
    return _tidy("".join(found[0].itertext())) or None if len(found) else None
