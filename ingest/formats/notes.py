"""Footnotes as the format parsers build them: the note text and the web addresses in it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from brieven.kernel.types import Footnote

_URL = re.compile(r"(?:https?://|www\.)[^\s<>()«»\"\[\]{}|]+", re.IGNORECASE)
_DOMAIN = re.compile(  # a site name, maybe with a path, but no scheme
    r"(?<![\w@./-])((?:[a-z0-9-]+\.)+(?:nl|eu|com|org|net|int|gov|edu|be|de|uk|info|io))(?![\w@-])"
    r"(/[^\s<>()«»\"\[\]{}|]*)?",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?'’”»"


def urls_in(text: str, links: Iterable[str] = ()) -> list[str]:
    """Web addresses in `text` and the `links` over it (PDF or HTML links), without repeats.

    Trailing punctuation is dropped and "www." gets a scheme. A bare site name such as
    "(rijksfinancien.nl)", which is how a PDF often prints a link whose address was lost, counts
    as the address of that site, unless a full address of that site is already known.
    """
    urls: list[str] = []
    for match in _URL.finditer(text):
        url = match.group().rstrip(_TRAILING)
        if url.lower().startswith("www."):
            url = "https://" + url
        if url not in urls and len(url) > len("https://"):
            urls.append(url)
    urls += [
        link for link in links if link.startswith(("http://", "https://")) and link not in urls
    ]
    hosts = {(urlsplit(url).hostname or "").removeprefix("www.") for url in urls}
    for match in _DOMAIN.finditer(_URL.sub(" ", text)):
        host = match.group(1).lower()
        if host.removeprefix("www.") not in hosts:
            hosts.add(host.removeprefix("www."))
            urls.append("https://" + host + (match.group(2) or "").rstrip(_TRAILING))
    return urls


def make_footnote(number: str, text: str, links: Iterable[str] = ()) -> Footnote:
    """A footnote with its text on one line and every web address in it or linked from it."""
    text = " ".join(text.split())
    return Footnote(number=number, text=text, urls=tuple(urls_in(text, links)))
