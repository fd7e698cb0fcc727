"""Lines and pages of a PDF as the PDF reader rebuilds them from pypdf's text runs.

A line keeps its position in the page's own coordinates (points, origin bottom left), its type
size and weight, so that the later steps can tell running heads (in the margins), footnotes
(smaller type below the body) and paragraphs (gaps between lines) apart. A page whose text is set
turned (a landscape page drawn on its side, as a table in an annex or a scanner's output may be)
is read in the frame of its text (`turn`): without it, such a page of ah-tk-20232024-1076 lost its
three notes and split its 25 paragraphs into 36.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Line:
    text: str
    x: float
    y: float
    size: float
    bold: bool
    page: int
    ocr: bool = False  # read by OCR from the page image


@dataclass
class Page:
    number: int
    bottom: float
    top: float
    lines: list[Line]
    links: list[tuple[float, float, str]] = field(default_factory=list)  # (y low, y high, uri)
    raised: list[tuple[str, str]] = field(default_factory=list)  # markers set raised (pdf_rise)


def turn(quarter: int, x: float, y: float) -> tuple[float, float]:
    """The point (x, y) in the frame turned `quarter` quarter turns anticlockwise, the frame in
    which text set at that angle runs left to right with its lines going down."""
    for _ in range(quarter % 4):
        x, y = y, -x
    return x, y
