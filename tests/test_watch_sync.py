"""End to end: a watch on an index kept by `brieven sync` from a local open data API.

The API (tests/test_fetch.py's FakeApi on 127.0.0.1) first lists two answers to Kamervragen; a
watch on quantum-safe encryption is added; then the API lists a new answer about exactly that
and an unrelated motie. The next sync must report the new letter once, in the feed and in one
e-mail to a local SMTP server (aiosmtpd), and cite neither the motie nor the letters before.
"""

from __future__ import annotations

import copy
import json
import socket
import xml.etree.ElementTree as ET

import pytest
from aiosmtpd.controller import Controller
from conftest import LETTERS, FakeEncoder
from test_fetch import API, FakeApi, resource

from brieven.cli import main

ATOM = "{http://www.w3.org/2005/Atom}"
ANSWERS = LETTERS / "aanhangsel_antwoorden_pdf"
QUESTION = "Hoe beschermt het kabinet gevoelige informatie tegen quantumcomputers die encryptie breken?"
QUANTUM_URL = "https://zoek.officielebekendmakingen.nl/ah-tk-20232024-1178.html"
# The fake encoder's bag of words spreads scores differently from the real model, whose default
# threshold is calibrated on the corpus (bench/watch_threshold.py): here the new answer's best
# passage stands 2.5 standard deviations out, the motie's 0.7.
WATCH = ["watch", "add", "quantum", QUESTION, "--min-score", "2"]


def record(number: str, subject: str, kind: str, publication: str, xml: bool = False) -> dict:
    """A `Document` record like the API's, made from the recorded motie's."""
    page = json.loads((API / "documents_page1.json").read_text(encoding="utf-8"))
    made = copy.deepcopy(page["value"][0])
    made.update(Id=f"00000000-0000-0000-0000-{number[-12:].rjust(12, '0')}", DocumentNummer=number,
                Soort=kind, Titel=subject, Onderwerp=subject, ContentType="application/pdf")
    version = made["HuidigeDocumentVersie"]
    version["ExterneIdentifier"] = publication
    xml_publication = {**version["DocumentPublicatie"][0], "Id": f"{made['Id'][:-4]}beef",
                       "Identifier": publication}
    version["DocumentPublicatie"] = [xml_publication] if xml else []
    return made


OLD = [
    (record("2024D00001", "Sinterklaasintochten", "Antwoord schriftelijke vragen",
            "ah-tk-20232024-1076"), ANSWERS / "ah-tk-20232024-1076.pdf"),
    (record("2024D00002", "Stroomtekort", "Antwoord schriftelijke vragen",
            "ah-tk-20232024-2168"), ANSWERS / "ah-tk-20232024-2168.pdf"),
]
NEW = [
    (record("2024D00003", "Quantumproof encryptie", "Antwoord schriftelijke vragen",
            "ah-tk-20232024-1178"), ANSWERS / "ah-tk-20232024-1178.pdf"),
    (record("2025D00004", "Opvang van kinderen", "Motie", "kst-19637-3481", xml=True),
     LETTERS / "moties_xml" / "kst-19637-3481.xml"),
]


def serve(api: FakeApi, documents: list[tuple[dict, object]]) -> None:
    listing = {"@odata.count": len(documents), "value": [doc for doc, _ in documents]}
    api.serve("Document", (200, json.dumps(listing).encode(),
                           {"Content-Type": "application/json"}))
    for doc, path in documents:
        publications = doc["HuidigeDocumentVersie"]["DocumentPublicatie"]
        route = (resource("DocumentPublicatie", publications[0]["Id"]) if publications
                 else resource("Document", doc["Id"]))
        kind = "application/xml" if publications else "application/pdf"
        api.serve(route, (200, path.read_bytes(), {"Content-Type": kind}))


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], str]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8")))
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = Inbox()
    with socket.socket() as probe:  # a free port: aiosmtpd checks the port it is given
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def api():
    import threading

    fake = FakeApi()
    thread = threading.Thread(target=fake.server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


@pytest.fixture(autouse=True)
def fake_model(monkeypatch):
    monkeypatch.setattr("index.encoder.load_encoder", lambda model=None: FakeEncoder())


def test_sync_reports_the_new_letter_once_by_feed_and_mail(api, smtp, tmp_path, capsys):
    inbox, port = smtp
    index_dir, feeds = tmp_path / "index", tmp_path / "feeds"
    sync = ["sync", "--api-url", api.root, "--rate", "100", "--out", str(tmp_path / "letters"),
            "--index", str(index_dir), "--feed-dir", str(feeds),
            "--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--smtp-to", "me@example.org"]
    serve(api, OLD)
    assert main(sync) == 0
    assert main(WATCH + ["--index", str(index_dir)]) == 0

    serve(api, OLD + NEW)
    assert main(sync) == 0
    assert "watch quantum: 1 new letter" in capsys.readouterr().err

    entries = ET.parse(feeds / "quantum.xml").getroot().findall(f"{ATOM}entry")
    assert len(entries) == 1
    assert entries[0].find(f"{ATOM}link").get("href") == QUANTUM_URL
    assert "Quantumproof" in entries[0].find(f"{ATOM}title").text
    [(recipients, mail)] = inbox.messages
    assert recipients == ["me@example.org"]
    assert "Subject: brieven watch quantum: 1 new letter" in mail
    assert QUANTUM_URL in mail
    for other in ("kst-19637-3481", "ah-tk-20232024-1076", "ah-tk-20232024-2168"):
        assert other not in mail
        assert other not in (feeds / "quantum.xml").read_text(encoding="utf-8")

    capsys.readouterr()
    assert main(["watch", "run", "--json", "--index", str(index_dir)]) == 0
    [line] = capsys.readouterr().out.splitlines()
    reported = json.loads(line)
    assert reported["letter"]["url"] == QUANTUM_URL
    assert reported["passages"][0]["letter"]["url"] == QUANTUM_URL
    assert {"rank", "score", "text", "letter", "section", "pages", "footnotes"} <= set(
        reported["passages"][0]
    )

    assert main(sync) == 0  # nothing new: no second e-mail, no second entry, nothing to run
    assert len(inbox.messages) == 1
    assert len(ET.parse(feeds / "quantum.xml").getroot().findall(f"{ATOM}entry")) == 1
    capsys.readouterr()
    assert main(["watch", "run", "--json", "--index", str(index_dir)]) == 0
    assert capsys.readouterr().out == ""


def test_a_refusing_mail_server_fails_the_run_but_keeps_the_match(api, smtp, tmp_path, capsys):
    inbox, port = smtp
    index_dir = tmp_path / "index"
    sync = ["sync", "--api-url", api.root, "--rate", "100", "--out", str(tmp_path / "letters"),
            "--index", str(index_dir), "--smtp-to", "me@example.org"]
    serve(api, OLD)
    assert main(sync) == 0
    assert main(WATCH + ["--index", str(index_dir)]) == 0
    serve(api, OLD + NEW)
    closed = ["--smtp-host", "127.0.0.1", "--smtp-port", "9"]  # nothing listens on port 9
    capsys.readouterr()
    assert main([*sync, *closed]) == 1
    errors = capsys.readouterr().err.strip().splitlines()
    assert errors[-1].startswith("brieven: mail server 127.0.0.1:9 did not take the e-mail")
    assert "kept and sent on the next" in errors[-1]
    assert main(["ask", QUESTION, "--index", str(index_dir), "--json", "--no-answer"]) == 0
    assert QUANTUM_URL in capsys.readouterr().out  # the build went on

    assert main([*sync, "--smtp-host", "127.0.0.1", "--smtp-port", str(port)]) == 0
    [(_, mail)] = inbox.messages
    assert QUANTUM_URL in mail
