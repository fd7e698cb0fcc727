"""HTML letters: officielebekendmakingen.nl pages and generic HTML.

An officielebekendmakingen page marks headings as `h1`–`h6` or `p.tussenkop`, paragraphs as `p`,
footnote markers as `<sup>` (usually around `<a class="noot">`), and the footnotes themselves as
`div.voet.noot` holding `span.nootnum` and the note text. Its metadata is in the same `<meta>`
elements as the official XML. Generic HTML gives headings (h1–h6), paragraphs and list items.

lxml's HTML parser fetches nothing, expands no entities beyond HTML's own, and stops nesting at
256 levels, so deeply nested input cannot exhaust the stack.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree, html

from brieven.kernel.errors import ParseError
from brieven.kernel.refs import to_superscript
from brieven.kernel.types import Footnote
from ingest.formats.notes import make_footnote
from ingest.formats.publication import Printed, publication_metadata
from ingest.raw import Block, ParseLimits, RawDocument

_BLOCKS = {
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "li",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "td",
    "th",
    "caption",
}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_IGNORED = {
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "head",
    "form",
    "button",
    "select",
    "svg",
    "iframe",
}
_MARKER = re.compile(r"^\s*\[?(\d{1,3})\]?\s*$")


def read(path: Path, data: bytes, limits: ParseLimits) -> RawDocument:
    parser = html.HTMLParser(
        no_network=True, remove_comments=True, remove_pis=True, huge_tree=False
    )
    try:
        root = html.document_fromstring(data, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise ParseError(path, f"unreadable HTML ({exc})") from exc
    try:
        footnotes = [note for div in _note_divs(root) if (note := _footnote(div)) is not None]
        blocks = _blocks(root, {note.number for note in footnotes})
    except RecursionError as exc:
        raise ParseError(path, "HTML nested too deeply to read") from exc
    if not blocks:
        raise ParseError(path, "no text found in this HTML page")
    return RawDocument(blocks=tuple(blocks), footnotes=tuple(footnotes), metadata=_metadata(root))


def _classes(element) -> set[str]:
    return set((element.get("class") or "").split())


def _note_divs(root) -> list:
    return [div for div in root.iter("div") if {"voet", "noot"} <= _classes(div)]


def _skipped(element) -> bool:
    for ancestor in element.iterancestors():
        if ancestor.tag in _IGNORED or (
            ancestor.tag == "div" and {"voet", "noot"} <= _classes(ancestor)
        ):
            return True
    return False


def _blocks(root, notes: set[str]) -> list[Block]:
    blocks = []
    for element in root.iter(*_BLOCKS):
        if any(child.tag in _BLOCKS for child in element.iterdescendants()) or _skipped(element):
            continue
        text = _inline(element, notes)
        if text:
            heading = element.tag in _HEADINGS or bool({"tussenkop", "kop"} & _classes(element))
            blocks.append(Block(text=text, heading=heading))
    if not blocks:
        body = root.find("body")
        text = _inline(body, notes) if body is not None else ""
        blocks = [Block(text=text)] if text else []
    return blocks


def _inline(element, notes: set[str]) -> str:
    """Text of an element with `<sup>` footnote markers written as superscript digits.

    A `<sup>` is a marker when its number is a footnote of the page or it links within the page;
    "m<sup>2</sup>" stays "m2".
    """
    parts = [element.text or ""] if element.tag not in _IGNORED else []
    for child in element:
        if not isinstance(child.tag, str) or child.tag in _IGNORED:
            pass
        elif child.tag == "sup" and (marker := _marker(child, notes)):
            parts.append(to_superscript(marker))
        elif child.tag == "br":
            parts.append(" ")
        else:
            parts.append(_inline(child, notes))
        parts.append(child.tail or "")
    text = " ".join("".join(parts).split())
    return re.sub(r"\s+([⁰¹²³⁴⁵⁶⁷⁸⁹]+)", r"\1", text)


def _marker(sup, notes: set[str]) -> str | None:
    found = _MARKER.match(sup.text_content())
    if found is None:
        return None
    links = [a.get("href") or "" for a in sup.iter("a")]
    return (
        found.group(1) if found.group(1) in notes or any(h.startswith("#") for h in links) else None
    )


def _footnote(div) -> Footnote | None:
    number_span = next((span for span in div.iter("span") if "nootnum" in _classes(span)), None)
    if number_span is None:
        return None
    number = " ".join(number_span.text_content().split()).strip(".)")
    text = _inline(div, set())
    if text.startswith(number):
        text = text[len(number) :].lstrip(".) ")
    links = [
        a.get("href")
        for a in div.iter("a")
        if (a.get("href") or "").startswith(("http://", "https://"))
    ]
    return make_footnote(number, text, links)


def _metadata(root):
    metas = (
        (m.get("name") or "", m.get("scheme") or "", m.get("content") or "")
        for m in root.iter("meta")
        if m.get("name")
    )
    title = root.findtext(".//title")
    return publication_metadata(metas, Printed(title=" ".join(title.split()) if title else None))
