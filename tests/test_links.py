"""Links from the open data API: a motie with its vote, an answer with its questions, unknowns.

Against the local server of tests/test_fetch.py serving the recorded samples in tests/fixtures/api/
(see its README for which answers are recorded and which are composed).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FakeEncoder
from test_fetch import MOTIE, PDF, PREFIX, quick_client, resource, start_api

from brieven.cli import main
from brieven.kernel.links import links_from_dict
from brieven.kernel.types import Chunk
from brieven.present import vote_summary
from ingest.fetch.download import fetch, sidecar_path
from ingest.fetch.links import vote_of
from ingest.fetch.odata import Query

UITSTEL = "b6943dd6-0655-4bd3-8081-8f8bda3c2653"  # 2025D20996, delay notice for 2025D17056
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def api():
    fake = start_api()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


def serve_links(api, zaak: str, stemming: str = "stemming_2025Z17647.json") -> None:
    api.serve(f"Document({MOTIE})/Zaak", (200, api.page(zaak), JSON))
    api.serve("Stemming", (200, api.page(stemming), JSON))


def fetch_with_links(folder: Path) -> None:
    """`brieven fetch` of the recorded listing into `folder`, the motie with its Zaak and vote."""
    fake = start_api()
    serve_links(fake, "zaak_2025Z17647.json")
    try:
        fetch(Query(), folder, api_url=fake.root, progress=False)
    finally:
        fake.server.shutdown()
        fake.server.server_close()


def sidecar_of(folder, name: str) -> dict:
    return json.loads(sidecar_path(folder / name).read_text(encoding="utf-8"))


def ask_json(index_dir, question: str, k: int = 10) -> list[dict]:
    from brieven.cli.ask import render
    from index.search import Searcher

    searcher = Searcher.open(index_dir, encoder=FakeEncoder())
    passages = searcher.search(question, k=k)
    return json.loads(render(question, passages, as_json=True))["passages"]


def build(folder, index_dir, monkeypatch) -> None:
    monkeypatch.setattr("index.encoder.load_encoder", lambda model=None: FakeEncoder())
    assert main(["build", str(folder), "--index", str(index_dir)]) in (0, 2)


def test_motie_is_stored_with_its_zaak_and_vote_per_party(api, tmp_path, monkeypatch, capsys):
    serve_links(api, "zaak_2025Z17647.json")
    out = tmp_path / "letters"
    assert main(["fetch", "--api-url", api.root, "--out", str(out), "--rate", "100"]) == 0

    links = sidecar_of(out, "2025D06779.xml")["links"]
    assert links["zaak"] == "2025Z17647"
    assert links["dossier"] == "19637"
    assert links["vote"] == {
        "outcome": "adopted",
        "date": None,  # the recorded answer holds no Activiteit: the day is unknown, not guessed
        "decision": "Aangenomen.",
        "voted_for": [
            {"party": "GroenLinks-PvdA", "seats": 25},
            {"party": "NSC", "seats": 19},
            {"party": "SP", "seats": 5},
        ],
        "voted_against": [],
    }
    stemming = next(query for path, query in api.requests if path.endswith("/Stemming"))
    assert stemming["$filter"] == [
        "Verwijderd eq false and Besluit/Zaak/any(z: z/Id eq 58e74b55-ef4d-461e-a1a3-667177dc20db)"
    ]
    # the letters are no moties: no vote is asked for them
    assert [p for p, _ in api.requests if p.endswith("/Stemming")] == [PREFIX + "Stemming"]

    index_dir = tmp_path / "index"
    build(out, index_dir, monkeypatch)
    passages = ask_json(index_dir, "schaderegeling overlastgevende asielzoekers")
    motie = next(p for p in passages if p["letter"]["id"] == "2025D06779")
    assert motie["vote"]["outcome"] == "adopted"
    assert (motie["vote"]["seats_for"], motie["vote"]["seats_against"]) == (49, 0)
    assert motie["vote"]["for"][0] == {"party": "GroenLinks-PvdA", "seats": 25}
    assert motie["links"]["zaak"] == "2025Z17647"
    assert {"rank", "score", "text", "letter", "section", "pages", "footnotes"} <= motie.keys()
    letter = next(p for p in passages if p["letter"]["id"] != "2025D06779")
    assert letter["vote"] is None


def test_a_vote_on_another_zaak_is_refused_and_the_vote_shown_as_unknown(api, tmp_path, capsys):
    serve_links(api, "zaak_2025Z02986.json")  # the motie's real Zaak; the votes name 2025Z17647
    client, _ = quick_client()
    report = fetch(Query(), tmp_path, client=client, api_url=api.root, progress=False)

    links = sidecar_of(tmp_path, "2025D06779.xml")["links"]
    assert (links["zaak"], links["vote"]) == ("2025Z02986", None)
    assert links["documents"] == []  # the Zaak lists only the motie itself
    # the letters' Zaak requests answer 404: stored, links unknown, and said so
    letter = sidecar_of(tmp_path, "2025D18123.pdf")["links"]
    assert (letter["zaak"], letter["documents"], letter["vote"]) == (None, [], None)
    assert letter["dossier"] == "26643"  # from the Document record itself
    assert sorted(name for name, _ in report.unlinked) == ["2025D18123", "2025D20478", "2025D26032"]
    assert all("Zaak is unknown" in reason for _, reason in report.unlinked)

    motie = Chunk(**{**_chunk(), "links": links_from_dict(links)})
    assert vote_summary(motie) == "Vote: unknown"


def test_missing_links_are_said_on_stderr_and_the_file_still_stored(api, tmp_path, capsys):
    out = tmp_path / "letters"
    assert main(["fetch", "--api-url", api.root, "--out", str(out), "--rate", "100"]) == 0
    captured = capsys.readouterr()
    assert "brieven: 2025D18123 stored, but its Zaak is unknown:" in captured.err
    assert "HTTP 404" in captured.err
    assert "4 fetched, 0 already present, 0 failed, 4 with links unknown" in captured.out


def test_a_motie_fetched_before_its_vote_gets_it_on_the_next_run(api, tmp_path):
    api.serve(f"Document({MOTIE})/Zaak", (200, api.page("zaak_2025Z17647.json"), JSON))
    api.serve("Stemming", (200, b'{"value": []}', JSON))  # not voted on yet
    client, _ = quick_client()
    fetch(Query(), tmp_path, client=client, api_url=api.root, progress=False)
    assert sidecar_of(tmp_path, "2025D06779.xml")["links"]["vote"] is None

    serve_links(api, "zaak_2025Z17647.json")
    api.requests.clear()
    report = fetch(Query(), tmp_path, client=client, api_url=api.root, progress=False)

    # only the motie is asked again: a letter whose Zaak the API did not give is not asked each run
    assert report.stored == () and report.relinked == 1
    assert sidecar_of(tmp_path, "2025D06779.xml")["links"]["vote"]["outcome"] == "adopted"
    assert not [path for path in api.paths() if "Resource" in path]  # no file fetched again


def test_an_answer_is_linked_to_the_questions_of_its_zaak(api, tmp_path, monkeypatch):
    api.serve("Document", (200, api.page("documents_uitstel.json"), JSON))
    api.serve(f"Document({UITSTEL})/Zaak", (200, api.page("zaak_vragen_2025D17056.json"), JSON))
    api.serve(resource("Document", UITSTEL), (200, PDF, {"Content-Type": "application/pdf"}))
    client, _ = quick_client()
    report = fetch(Query(), tmp_path, client=client, api_url=api.root, progress=False)
    assert report.unlinked == ()

    links = links_from_dict(sidecar_of(tmp_path, "2025D20996.pdf")["links"])
    assert links.zaak is None  # the composed Zaak states no number: unknown
    assert [(q.number, q.doc_type, q.date) for q in links.questions] == [
        ("2025D17056", "Schriftelijke vragen", "2025-04-15")
    ]
    assert not [p for p, _ in api.requests if p.endswith("/Stemming")]  # not a motie

    index_dir = tmp_path / "index"
    build(tmp_path, index_dir, monkeypatch)
    passage = ask_json(index_dir, "Sinterklaasintocht afgelast", k=1)[0]
    assert passage["links"]["questions"] == [
        {
            "number": "2025D17056",
            "doc_type": "Schriftelijke vragen",
            "date": "2025-04-15",
            "title": "De weigering van een stichting om openheid van zaken te geven over de "
            "financiële afwikkeling van de stichting en het vermogen dat mede bestaat uit giften "
            "van derden",
        }
    ]


def test_vote_counts_members_in_a_roll_call_and_takes_the_day_of_the_meeting():
    zaak = "58e74b55-ef4d-461e-a1a3-667177dc20db"
    besluit = {
        "BesluitSoort": "Stemmen - verworpen",
        "BesluitTekst": "Verworpen.",
        "Agendapunt": {"Activiteit": {"Datum": "2025-10-07T00:00:00+02:00"}, "Zaak": [{"Id": zaak}]},
    }
    rows = [
        {"Besluit_Id": "b", "Besluit": besluit, "Soort": "Tegen", "ActorFractie": "PVV",
         "Persoon_Id": "p1", "FractieGrootte": 37},
        {"Besluit_Id": "b", "Besluit": besluit, "Soort": "Tegen", "ActorFractie": "PVV",
         "Persoon_Id": "p2", "FractieGrootte": 37},
        {"Besluit_Id": "b", "Besluit": besluit, "Soort": "Voor", "ActorFractie": "SP",
         "FractieGrootte": None},
    ]  # fmt: skip
    vote = vote_of(rows, zaak)
    assert (vote["outcome"], vote["date"]) == ("rejected", "2025-10-07")
    assert vote["voted_against"] == [{"party": "PVV", "seats": 2}]
    assert vote["voted_for"] == [{"party": "SP", "seats": None}]  # unknown, not zero
    assert vote_of(rows, "another-zaak") is None


def test_older_sidecars_and_letters_without_links_read_as_unknown():
    assert links_from_dict(None) is None
    links = links_from_dict({"zaak": 5, "vote": {"outcome": "won", "voted_for": [{"seats": 3}]}})
    assert links.zaak is None and links.vote.outcome is None and links.vote.voted_for == ()
    plain = Chunk(**_chunk())
    assert vote_summary(plain) == "Vote: unknown"
    assert vote_summary(Chunk(**{**_chunk(), "doc_type": "Brief regering"})) is None


def _chunk() -> dict:
    return dict(
        id="m#0", letter_id="m", title="Motie", date=None, kamerstuk=None, doc_type="Motie",
        url=None, source="m.xml", section_index=0, section_number=None, section_title="",
        pages=None, footnotes=(), text="verzoekt de regering", embed_text="verzoekt de regering",
    )  # fmt: skip

