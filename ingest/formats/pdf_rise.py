"""Footnote markers told apart by their type: smaller than the text before them and raised.

pypdf's text visitor joins a superscript marker to the words around it ("Zo geeft NIS24 (Network",
"blijft afnemen 11 en"), since the marker stays on the line; its size and rise show only in the
operators that set it (`Tm` with a smaller scale and a higher baseline, `Ts`, `Tf`). This module
watches those operators while the page is read and notes each piece of digits set smaller
(under 0.85 of the type before it) and higher (by a tenth of that type) than the text before it,
with the last words of that text where they decode as text, so that
`ingest.formats.pdf_markers` knows which "4" in "NIS24" is the marker. On the shared corpus this
placed the markers of ah-tk-20232024-1178 (note 4, "NIS2⁴") and -2271 (note 11, "afnemen¹¹ en"),
which the search by wording alone missed.
"""

from __future__ import annotations

import math
import re

_TEXT_OPS = (b"Tj", b"TJ", b"'", b'"')
_MARKER = re.compile(r"^\d{1,3}$")
_READABLE = re.compile(r"^[\x20-\x7e\u00a0-\u024f\u2018-\u201e\u2013\u2014]*$")


class RaisedMarkers:
    """Collects (words before, digits) for each raised marker, as pypdf visits the operators."""

    def __init__(self) -> None:
        self.found: list[tuple[str, str]] = []
        self._size = 0.0  # Tf size
        self._rise = 0.0  # Ts
        self._previous: tuple[str, float, float] | None = None  # text, size, baseline

    def visit(self, operator: bytes, args, cm, tm) -> None:
        if operator == b"Tf" and len(args) >= 2:
            self._size = _number(args[1])
        elif operator == b"Ts" and args:
            self._rise = _number(args[0])
        elif operator in _TEXT_OPS and args:
            self._text(_string(operator, args), tm, cm)

    def _text(self, text: str, tm, cm) -> None:
        scale = math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3])
        size = abs(self._size * scale)
        baseline = tm[5] * math.hypot(cm[2], cm[3]) + self._rise * scale
        previous = self._previous
        digits = text.strip()
        if (
            previous is not None
            and _MARKER.match(digits)
            and 0 < size < 0.85 * previous[1]
            and baseline > previous[2] + 0.1 * previous[1]
        ):
            before = previous[0].rstrip()[-20:]
            self.found.append((before if _READABLE.match(before) else "", digits))
            return  # the text after the marker is measured against the line, not the marker
        if text.strip():
            self._previous = (text, size, baseline)


def _string(operator: bytes, args) -> str:
    """The operator's text as far as it decodes without the font (digits and Latin text do)."""
    parts = [p for p in args[0] if isinstance(p, (str, bytes))] if operator == b"TJ" else args[-1:]
    return "".join(p.decode("latin-1") if isinstance(p, bytes) else str(p) for p in parts)


def _number(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0
