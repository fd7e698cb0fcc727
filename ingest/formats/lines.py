"""Lines wrapped at a page's width joined back into running text: one set of rules for every reader.

The PDF reader (lines rebuilt from the page) and the text reader (PDF-derived and OCR text) both
meet the same three things at a line end, in body text and in footnotes alike:
- a web address broken over two lines: glued without a space when it broke after a separator
  ("https://" + "nos.nl/artikel/…", "…/drama-voor-nederlandse-" + "plasticrecycling-…") or when
  the next line is one more word of it ("…/Omgevingsverorde" + "ning");
- a word hyphenated at the line end ("beleids-" + "regels"): the hyphen goes, the parts are
  glued, unless the next line starts with "en", "of", "tot" or "noch" ("land-" + "en tuinbouw",
  "noch hoger- noch lager onderwijs"), where the hyphen stands for a left-out word;
- a compound broken at its own hyphen ("West-" + "Brabant", "EU-" + "landen", "COVID-" +
  "maatregelen"): the hyphen stays and the parts are glued. Dutch writes a hyphen before a
  capital and after an abbreviation, so a capital after the hyphen or one before it marks one.
Everything else is joined with a space.

Each reader had its own rules until they met here; where they disagreed, the rule kept is the one
that reads right on the shared corpus (218 files: 21 of them read differently since, each for the
better): "noch" as the PDF reader did, a capital after the hyphen as the PDF reader did ("West-" +
"Brabant"), a broken address inside a word as the text reader did, and after an abbreviation
("SAR-" + "capaciteit") neither: the text reader made "SARcapaciteit", the PDF reader
"SAR- capaciteit".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# A token that is (the start of) a web address: a scheme, "www." or a site name with a path.
_URL_TOKEN = re.compile(
    r"https?://|www\.|^\(?[\w-]+(?:\.[\w-]+)*\.(?:nl|eu|com|org|net|int)/", re.IGNORECASE
)
_URL_BREAK = "/-_.=&?#%~:"  # a web address broken here goes on on the next line
_HYPHENATED = re.compile(r"[^\W\d_]-$")  # a word's letter, then the hyphen, at the line end
_ELLIPSIS = re.compile(r"(?:en|of|tot|noch)\b")  # "land- en tuinbouw": the hyphen stays


def join_lines(lines: Iterable[str]) -> str:
    """One paragraph or footnote from its lines, stripped and joined by the rules above."""
    out = ""
    for line in lines:
        line = line.strip()
        if not out or not line:
            out = out or line
            continue
        last = out.rsplit(None, 1)[-1]
        if _URL_TOKEN.search(last) and _url_goes_on(last, line):
            out += line
        elif _HYPHENATED.search(last) and (
            line[:1].isupper() or (last[-2].isupper() and line[:1].isalnum())
        ):
            out += line  # a compound broken at its own hyphen: "West-Brabant", "EU-landen"
        elif _HYPHENATED.search(last) and line[:1].islower() and not _ELLIPSIS.match(line):
            out = out[:-1] + line  # "beleids-" + "regels"
        else:
            out += " " + line
    return out


def _url_goes_on(url: str, line: str) -> bool:
    """Whether `line` continues the web address `url` that ends the line above: the address
    broke after a separator ("…/documenten/", "…-voor-"), or the next line is one more piece of
    it ("…/Omgevingsverorde" + "ning"): a single word that starts no address of its own, after an
    address that does not end on punctuation, as one that ends a sentence does."""
    if url[-1] == "." and line[:1].isupper():  # "… https://www.rijksoverheid.nl." + "Bijlagen"
        return False
    if url[-1] in _URL_BREAK or line.startswith("%"):
        return True
    return url[-1].isalnum() and " " not in line and not _URL_TOKEN.match(line)
