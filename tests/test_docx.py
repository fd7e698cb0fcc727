"""Word .docx reader on a real motie, with footnotes, and on a zip bomb."""

from __future__ import annotations

import shutil
import time
import zipfile

import pytest

from brieven.kernel.errors import FileTooLargeError, ParseError
from ingest.formats import docx
from ingest.parse import parse
from ingest.raw import ParseLimits
from tests.conftest import LETTERS

MOTIE = LETTERS / "moties_original_files" / "kst-36278-32.docx"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def read(path):
    return docx.read(path, path.read_bytes(), ParseLimits())


def test_motie_paragraphs_in_order_from_its_table():
    texts = [block.text for block in read(MOTIE).blocks]
    assert texts[:2] == ["TWEEDE KAMER DER STATEN-GENERAAL", "2"]
    assert "MOTIE VAN HET LID RIKKERS-OOSTERKAMP" in texts
    assert texts.index("De Kamer,") < texts.index("en gaat over tot de orde van de dag.")
    assert any(t.startswith("verzoekt de regering om door het Zorginstituut") for t in texts)
    assert "" not in texts


def test_parse_reads_the_motie_end_to_end():
    letter = parse(MOTIE)
    assert letter.kamerstuk == "36278-32"
    assert "kwaliteitsindicatoren" in " ".join(section.text for section in letter.sections)


def _with_footnote(tmp_path):
    """The real motie plus a heading and a footnote (text and link), written as Word writes them."""
    path = tmp_path / "met-noot.docx"
    with zipfile.ZipFile(MOTIE) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                paragraph = (
                    '<w:p><w:pPr><w:pStyle w:val="Kop1"/></w:pPr><w:r><w:t>Toelichting</w:t>'
                    "</w:r></w:p><w:p><w:r><w:t>Zie het rapport.</w:t></w:r><w:r>"
                    '<w:footnoteReference w:id="7"/></w:r><w:r><w:t xml:space="preserve"> Verder'
                    "</w:t></w:r></w:p>"
                )
                data = data.replace(b"<w:sectPr", paragraph.encode() + b"<w:sectPr", 1)
            if item.filename == "word/footnotes.xml":
                note = (
                    '<w:footnote w:id="7"><w:p><w:r><w:t>Rapport op </w:t></w:r>'
                    '<w:hyperlink r:id="rIdLink"><w:r><w:t>rivm.nl</w:t></w:r></w:hyperlink>'
                    "</w:p></w:footnote>"
                )
                data = data.replace(b"</w:footnotes>", note.encode() + b"</w:footnotes>")
            target.writestr(item, data)
        target.writestr(
            "word/_rels/footnotes.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rIdLink" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/hyperlink" '
            'Target="https://www.rivm.nl/rapport" TargetMode="External"/></Relationships>',
        )
    return path


def test_footnote_and_heading_style(tmp_path):
    doc = read(_with_footnote(tmp_path))
    assert doc.blocks[-2].text == "Toelichting" and doc.blocks[-2].heading
    assert doc.blocks[-1].text == "Zie het rapport.¹ Verder"
    (note,) = doc.footnotes
    assert note.number == "1" and note.text == "Rapport op rivm.nl"
    assert note.urls[0] == "https://www.rivm.nl/rapport"


def test_zip_bomb_raises_file_too_large_quickly(tmp_path):
    bomb = tmp_path / "bom.docx"
    shutil.copy(MOTIE, bomb)
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("word/media/nullen.bin", "w", force_zip64=True) as member:
            block = bytes(1024 * 1024)
            for _ in range(docx.MAX_UNPACKED // len(block) + 1):
                member.write(block)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    started = time.monotonic()
    with pytest.raises(FileTooLargeError, match="zip bomb") as caught:
        read(bomb)
    assert time.monotonic() - started < 1
    assert "bom.docx" in str(caught.value)


def test_not_a_zip_raises_parse_error(tmp_path):
    fake = tmp_path / "nep.docx"
    fake.write_bytes(b"dit is geen Word-bestand")
    with pytest.raises(ParseError, match="not a valid .docx"):
        read(fake)
