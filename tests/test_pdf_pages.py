"""PDF layouts the shared corpus does not hold, made within the test from a real answer to
Kamervragen (ah-tk-20232024-1076, 2 pages, 3 notes) with pypdf: a note that runs over the page
break, pages turned to landscape, and two pages set side by side as the columns of one sheet.
The shared corpus has no landscape or two-column page: all its 32 PDFs are portrait A4 or Letter
with one column of text."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.generic import ContentStream, FloatObject, NameObject, NumberObject, TextStringObject

from ingest.formats import pdf
from ingest.raw import ParseLimits
from tests.conftest import LETTERS

AANHANGSEL = LETTERS / "aanhangsel_antwoorden_pdf" / "ah-tk-20232024-1076.pdf"
# the second line of note 2, printed at the bottom of page 1 under "2 AD, 16 november 2023 (…"
REST = "pieten-in-rijswijk~a946954a8/)."


def read(data: bytes):
    return pdf.read(AANHANGSEL, data, ParseLimits())


def body_of(document) -> str:
    return " ".join(block.text for block in document.blocks)


def move_line(data: bytes, text: str, y: float) -> bytes:
    """The PDF with the line `text` taken off page 1 and printed at height `y` at the left of
    page 2's notes, in the same font and size (6.9 pt, font /F2 of both pages)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    first, second = writer.pages[0], writer.pages[1]
    assert first["/Resources"]["/Font"]["/F2"] == second["/Resources"]["/Font"]["/F2"]
    content = ContentStream(first.get_contents(), writer)
    index = next(i for i, (ops, op) in enumerate(content.operations) if text in str(ops))
    shown = content.operations[index][0][0]
    content.operations[index] = ([TextStringObject("")], b"Tj")
    first.replace_contents(content)
    rest = ContentStream(second.get_contents(), writer)
    rest.operations += [
        ([], b"BT"),
        ([NameObject("/F2"), NumberObject(1)], b"Tf"),
        ([FloatObject(v) for v in (6.9279, 0, 0, 6.9279, 227.34, y)], b"Tm"),
        ([shown], b"Tj"),
        ([], b"ET"),
    ]
    second.replace_contents(rest)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def original():
    return read(AANHANGSEL.read_bytes())


def test_a_note_that_runs_over_the_page_break_is_joined_to_its_note(original):
    # the rest of note 2 sits at the foot of page 2, one note line (12 pt) above note 3
    moved = read(move_line(AANHANGSEL.read_bytes(), REST, y=163.0))
    assert [n.number for n in moved.footnotes] == ["1", "2", "3"]
    assert moved.footnotes == original.footnotes
    assert moved.footnotes[1].text.endswith("geen-vergunning-voor-intocht-met-zwarte-" + REST)
    assert REST not in body_of(moved)
    assert [b.text for b in moved.blocks] == [b.text for b in original.blocks]


def test_small_type_far_above_the_notes_is_no_continuation(original):
    # the same line set well above note 3, as a table or caption in small type would be
    moved = read(move_line(AANHANGSEL.read_bytes(), REST, y=300.0))
    assert moved.footnotes[1].text.endswith("zwarte-")
    assert moved.footnotes[2] == original.footnotes[2]
    assert REST in body_of(moved)


def written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("quarters", [1, 2, 3])
@pytest.mark.parametrize("drawn_turned", [False, True])
def test_landscape_pages_read_as_the_upright_original(original, quarters, drawn_turned):
    """A page shown turned (/Rotate), and a page whose text is drawn on its side on a landscape
    sheet (the turn moved into the content, as a scanner or a table annex does)."""
    writer = PdfWriter(clone_from=PdfReader(AANHANGSEL))
    for page in writer.pages:
        page.rotate(90 * quarters)
        if drawn_turned:
            page.transfer_rotation_to_content()
    if drawn_turned and quarters != 2:
        assert writer.pages[0].mediabox.width > writer.pages[0].mediabox.height
    turned = read(written(writer))
    assert turned.footnotes == original.footnotes
    assert [(b.text, b.page) for b in turned.blocks] == [(b.text, b.page) for b in original.blocks]


def test_two_columns_read_column_by_column_with_the_notes_under_each(original):
    """Pages 1 and 2 side by side on one landscape sheet: the left column's two notes and the
    right column's note lie at the same height, and each stays with its own column."""
    reader, writer = PdfReader(AANHANGSEL), PdfWriter()
    sheet = writer.add_blank_page(width=1190, height=842)
    sheet.merge_transformed_page(reader.pages[0], Transformation())
    sheet.merge_transformed_page(reader.pages[1], Transformation().translate(595, 0))
    sheet_read = read(written(writer))
    # the link annotations stay behind on the original pages; the notes' text keeps the addresses
    assert [(n.number, n.text) for n in sheet_read.footnotes] == [
        (n.number, n.text) for n in original.footnotes
    ]
    assert [b.text for b in sheet_read.blocks] == [b.text for b in original.blocks]
    assert "rijksfinancien.nl)" not in body_of(sheet_read)
