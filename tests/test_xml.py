"""Official publication XML: a real motie, a stub-metadata motie, and hostile XML."""

from __future__ import annotations

import time

import pytest

from brieven.kernel.errors import ParseError
from ingest.formats import xml
from ingest.parse import parse
from ingest.raw import ParseLimits
from tests.conftest import FIXTURES, LETTERS

MOTIE = LETTERS / "moties_xml" / "kst-29279-965.xml"
STUB = FIXTURES / "kst-31066-1469.xml"


def read(path):
    return xml.read(path, path.read_bytes(), ParseLimits())


def test_motie_metadata_and_body():
    doc = read(MOTIE)
    assert doc.metadata.kamerstuk == "29279-965"
    assert doc.metadata.date == "2025-05-28"
    assert doc.metadata.doc_type == "Motie"
    assert doc.metadata.url == "https://zoek.officielebekendmakingen.nl/kst-29279-965.html"
    assert doc.metadata.title.startswith("Motie van de leden Koops en Bruyning over nummer 116")
    assert doc.metadata.sender == "F.H. Bruyning, W.J. Koops"
    texts = [block.text for block in doc.blocks]
    assert texts[0] == "MOTIE VAN DE LEDEN KOOPS EN BRUYNING" and doc.blocks[0].heading
    assert "De Kamer," in texts and "en gaat over tot de orde van de dag." in texts
    assert (
        "• hierbij de ervaringen en best practices uit andere Europese landen te betrekken;"
        in texts
    )
    assert not any("Rechtsstaat en Rechtsorde" in t for t in texts)  # dossier head is metadata


def test_parse_gives_kamerstuk_and_body_text():
    letter = parse(MOTIE)
    assert letter.kamerstuk == "29279-965"
    body = " ".join(section.text for section in letter.sections)
    assert "het Europese geharmoniseerde nummer 116" in body


def test_stub_metadata_is_read_from_the_body():
    doc = read(STUB)
    assert doc.metadata.kamerstuk == "31066-1469"
    assert doc.metadata.date == "2025-03-27"
    assert doc.metadata.url == "https://zoek.officielebekendmakingen.nl/kst-31066-1469.html"
    assert doc.metadata.doc_type == "Motie"
    assert any("Risico Analyse Model (RAM)" in block.text for block in doc.blocks)


def test_noot_becomes_footnote_and_superscript_marker(tmp_path):
    source = tmp_path / "kst-99999-1.xml"
    source.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><officiele-publicatie><kamerstuk><stuk>'
        "<tussenkop>Aanleiding</tussenkop><al>Zie het advies<noot id='N1' type='voet'>"
        "<noot.nr>1</noot.nr><noot.al>Raadpleegbaar via <extref doc='https://www.rli.nl/advies'>"
        "www.rli.nl</extref></noot.al></noot> van de raad.</al></stuk></kamerstuk>"
        "</officiele-publicatie>",
        encoding="utf-8",
    )
    doc = read(source)
    assert [(b.text, b.heading) for b in doc.blocks] == [
        ("Aanleiding", True),
        ("Zie het advies¹ van de raad.", False),
    ]
    (note,) = doc.footnotes
    assert note.number == "1" and note.text == "Raadpleegbaar via www.rli.nl"
    assert "https://www.rli.nl/advies" in note.urls


def test_external_entity_is_refused_and_never_fetched(tmp_path):
    secret = tmp_path / "geheim.txt"
    secret.write_text("TOPSECRET")
    hostile = tmp_path / "xxe.xml"
    hostile.write_text(
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">'
        '<!ENTITY y SYSTEM "http://192.0.2.1/steal">]>'
        "<officiele-publicatie><al>&x;&y;</al></officiele-publicatie>"
    )
    started = time.monotonic()
    with pytest.raises(ParseError, match="entity declarations are not allowed") as caught:
        read(hostile)
    assert time.monotonic() - started < 2
    assert "xxe.xml" in str(caught.value) and "TOPSECRET" not in str(caught.value)


def test_billion_laughs_is_refused_quickly(tmp_path):
    entities = ['<!ENTITY l0 "lol">'] + [
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)
    ]
    bomb = tmp_path / "lol.xml"
    bomb.write_text(
        f'<?xml version="1.0"?><!DOCTYPE r [{"".join(entities)}]>'
        "<officiele-publicatie><al>&l9;</al></officiele-publicatie>"
    )
    started = time.monotonic()
    with pytest.raises(ParseError):
        read(bomb)
    assert time.monotonic() - started < 2


def test_malformed_xml_raises_parse_error(tmp_path):
    broken = tmp_path / "kapot.xml"
    broken.write_bytes(MOTIE.read_bytes()[:900])
    with pytest.raises(ParseError, match="malformed XML") as caught:
        read(broken)
    assert "kapot.xml" in str(caught.value)


def test_metadata_only_raises_parse_error(tmp_path):
    stub = tmp_path / "leeg.xml"
    stub.write_text(
        '<?xml version="1.0"?><officiele-publicatie><metadata>'
        '<meta name="DC.identifier" content="kst-1-2"/></metadata></officiele-publicatie>'
    )
    with pytest.raises(ParseError, match="only a metadata block"):
        read(stub)
