"""A watch's matches as an Atom feed (RFC 4287): one entry per letter, its best passages cited.

Ids are stable URNs derived from the watch's name and creation time (and the letter id), so a
feed reader that polls the file sees each letter once, and a watch removed and added again
starts a new feed. Every entry carries `updated` (when the match was found), `published` (the
letter's date, when known), a link to the official publication (http(s) only) and, as
`content type="html"`, the cited passages: section, pages, text and footnotes. All document text
is HTML-escaped there, and ElementTree escapes that HTML once more as XML text, which is what
`type="html"` means; characters XML 1.0 forbids (form feeds from PDF text) are dropped.
"""

from __future__ import annotations

import html
import re
import uuid
import xml.etree.ElementTree as ET

from brieven import __version__
from brieven.kernel.refs import to_superscript
from brieven.kernel.types import Passage
from brieven.present import format_date, format_pages, safe_url, section_label
from brieven.watch.book import Match, Watch

ATOM = "http://www.w3.org/2005/Atom"
ENTRIES = 50  # the newest matches a feed carries
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def feed_id(watch: Watch) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"brieven:watch:{watch.name}:{watch.created_at}").urn


def entry_id(watch: Watch, letter_id: str) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{feed_id(watch)}:{letter_id}").urn


def atom(watch: Watch, matches: list[Match]) -> str:
    """The feed of `watch` with the newest `ENTRIES` of `matches` (newest first), as XML text."""
    ET.register_namespace("", ATOM)
    shown = sorted(matches, key=lambda m: (m.found_at, m.score), reverse=True)[:ENTRIES]
    feed = ET.Element(_tag("feed"))
    _add(feed, "id", feed_id(watch))
    _add(feed, "title", f"brieven watch {watch.name}: {watch.question}")
    _add(feed, "subtitle", "New letters that answer this question, with the passages that do.")
    _add(feed, "updated", shown[0].found_at if shown else watch.created_at)
    _add(ET.SubElement(feed, _tag("author")), "name", "brieven")
    _add(feed, "generator", "brieven").set("version", __version__)
    for match in shown:
        feed.append(_entry(watch, match))
    ET.indent(feed)
    return ET.tostring(feed, encoding="unicode", xml_declaration=True) + "\n"


def _entry(watch: Watch, match: Match) -> ET.Element:
    first = match.passages[0].chunk
    entry = ET.Element(_tag("entry"))
    _add(entry, "id", entry_id(watch, match.letter_id))
    _add(entry, "title", f"{first.title} (Kamerstuk {first.kamerstuk})" if first.kamerstuk
         else first.title)
    _add(entry, "updated", match.found_at)
    if first.date:
        _add(entry, "published", f"{first.date}T00:00:00Z")
    url = safe_url(first.url)
    if url:
        ET.SubElement(entry, _tag("link"), rel="alternate", type="text/html", href=url)
    ET.SubElement(entry, _tag("category"), term=_clean(first.doc_type))
    _add(entry, "summary", _clean(match.passages[0].chunk.text[:300]))
    _add(entry, "content", "".join(_passage_html(p) for p in match.passages)).set("type", "html")
    return entry


def _passage_html(passage: Passage) -> str:
    chunk = passage.chunk
    facts = [
        f"Kamerstuk {chunk.kamerstuk}" if chunk.kamerstuk else None,
        chunk.doc_type,
        format_date(chunk.date),
        format_pages(chunk.pages),
        f"score {passage.score:.2f}",
    ]
    parts = [
        f"<h3>[{passage.rank}] {_escape(section_label(chunk))}</h3>",
        f"<p><small>{_escape(' · '.join(f for f in facts if f))}</small></p>",
        *(f"<p>{_escape(line)}</p>" for line in chunk.text.splitlines() if line.strip()),
    ]
    if chunk.footnotes:
        notes = "".join(
            f"<li>{_escape(to_superscript(note.number))} {_escape(note.text)}"
            + "".join(_link(url) for url in note.urls)
            + "</li>"
            for note in chunk.footnotes
        )
        parts.append(f"<ul>{notes}</ul>")
    if safe_url(chunk.url):
        parts.append(f"<p>{_link(chunk.url, 'Official publication')}</p>")
    return "".join(parts)


def _link(url: str, label: str | None = None) -> str:
    target = safe_url(url)
    if target is None:
        return f" {_escape(label or url)}"
    return f' <a href="{html.escape(target, quote=True)}">{_escape(label or url)}</a>'


def _escape(text: str) -> str:
    return html.escape(_clean(text), quote=False)


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _tag(name: str) -> str:
    return f"{{{ATOM}}}{name}"


def _add(parent: ET.Element, name: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, _tag(name))
    element.text = _clean(text)
    return element
