"""`brieven fetch` against a local HTTP server that plays the open data API with recorded answers.

No test touches the internet: the server listens on 127.0.0.1 and serves tests/fixtures/api/ (real
`Document` records) and sample-corpus files as the documents' resources.
"""

from __future__ import annotations

import json
import threading
import time
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from conftest import FIXTURES, LETTERS

from brieven.cli import main
from brieven.kernel.errors import FetchError
from ingest.fetch.client import Client
from ingest.fetch.download import fetch, sidecar_path
from ingest.fetch.odata import EXPAND, Query, document_filter, iter_documents

API = FIXTURES / "api"
PREFIX = "/OData/v4/2.0/"
MOTIE = "3ccf529a-1e25-49d3-81a8-c60621884b39"  # 2025D06779, published as XML
MOTIE_XML = "dfd9c46a-efb8-4f72-ac8d-47947e562944"  # its DocumentPublicatie of type Xml
ICT = "c0a04e19-0568-4d28-b9a2-ac966f45d14e"  # 2025D18123, a letter on generative AI
WAPEN = "2f0dec7f-4a17-4c17-9a10-e739a7b3729e"  # 2025D20478
LOS = "b722d087-df91-4884-aaa9-fb62536d40c4"  # 2025D26032, in no dossier
PDF = (LETTERS / "aanhangsel_antwoorden_pdf" / "ah-tk-20232024-1076.pdf").read_bytes()
XML = (LETTERS / "moties_xml" / "kst-19637-3481.xml").read_bytes()


class FakeApi:
    """Routes path -> answers, given in turn (the last one repeats); records every request."""

    def __init__(self) -> None:
        self.routes: dict[str, list[tuple[int, bytes, dict[str, str], float]]] = {}
        self.requests: list[tuple[str, dict[str, list[str]]]] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                parts = urlsplit(self.path)
                path, query = unquote(parts.path), parse_qs(parts.query)
                api.requests.append((path, query))
                key = f"{path}?$skip={query['$skip'][0]}" if "$skip" in query else path
                answers = api.routes.get(key) or [(404, b'{"error": "not found"}', {}, 0.0)]
                status, body, headers, delay = answers.pop(0) if len(answers) > 1 else answers[0]
                time.sleep(delay)
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client gave up waiting

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.root = f"http://127.0.0.1:{self.server.server_address[1]}{PREFIX}"

    def serve(self, route: str, *answers: tuple) -> None:
        """`answers`: (status, body[, headers[, delay seconds]])."""
        self.routes[PREFIX + route] = [
            (a[0], a[1], a[2] if len(a) > 2 else {}, a[3] if len(a) > 3 else 0.0) for a in answers
        ]

    def page(self, name: str) -> bytes:
        return (API / name).read_text(encoding="utf-8").replace("{api}", self.root).encode()

    def paths(self) -> list[str]:
        return [path.removeprefix(PREFIX) for path, _ in self.requests]


def resource(entity: str, entity_id: str) -> str:
    return f"{entity}({entity_id})/Resource"


@pytest.fixture
def api():
    fake = start_api()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


def start_api() -> FakeApi:
    """The recorded listing on two pages, the motie as publication XML and each letter as a PDF."""
    fake = FakeApi()
    thread = threading.Thread(target=fake.server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    json_type = {"Content-Type": "application/json; odata.metadata=minimal"}
    fake.serve("Document", (200, fake.page("documents_page1.json"), json_type))
    fake.serve("Document?$skip=2", (200, fake.page("documents_page2.json"), json_type))
    fake.serve(
        resource("DocumentPublicatie", MOTIE_XML), (200, XML, {"Content-Type": "application/xml"})
    )
    for document in (ICT, WAPEN, LOS):
        fake.serve(resource("Document", document), (200, PDF, {"Content-Type": "application/pdf"}))
    return fake


def quick_client(**kwargs) -> tuple[Client, list[float]]:
    """A client that records its pauses instead of sleeping them."""
    pauses: list[float] = []
    options = {"rate": float("inf"), "backoff": 0.01, "timeout": 5.0, "sleep": pauses.append}
    return Client(**(options | kwargs)), pauses


def test_query_uses_names_the_api_metadata_defines():
    schema = ET.parse(API / "metadata.xml").getroot()
    ns = {"edm": "http://docs.oasis-open.org/odata/ns/edm"}

    def names(entity: str) -> set[str]:
        node = schema.find(f".//edm:EntityType[@Name='{entity}']", ns)
        return {child.get("Name") for child in node}

    assert {"Soort", "Datum", "Verwijderd", "Volgnummer", "ContentType"} <= names("Document")
    assert {"Kamerstukdossier", "HuidigeDocumentVersie"} <= names("Document")
    assert "DocumentPublicatie" in names("DocumentVersie")
    assert {"Nummer", "Toevoeging"} <= names("Kamerstukdossier")
    bound = {
        fn.find("edm:Parameter", ns).get("Type").rsplit(".", 1)[1]
        for fn in schema.iterfind(".//edm:Function[@Name='Resource']", ns)
    }
    assert {"Document", "DocumentPublicatie"} <= bound
    assert EXPAND == "HuidigeDocumentVersie($expand=DocumentPublicatie),Kamerstukdossier"


def test_fetch_sends_the_filters_and_stores_what_the_pages_list(api, tmp_path, capsys):
    out = tmp_path / "letters"
    argv = [
        "fetch",
        "--type",
        "Brief regering",
        "--since",
        "2025-04-01",
        "--until",
        "2025-05-31",
        "--dossier",
        "26643",
        "--dossier",
        "22054",
        "--api-url",
        api.root,
        "--out",
        str(out),
        "--rate",
        "100",
    ]
    assert main(argv) == 0

    first = next(query for path, query in api.requests if path.endswith("/Document"))
    assert first["$filter"] == [
        "Verwijderd eq false and Soort eq 'Brief regering'"
        " and Datum ge 2025-04-01T00:00:00+02:00 and Datum lt 2025-06-01T00:00:00+02:00"
        " and (Kamerstukdossier/any(k: k/Nummer eq 26643)"
        " or Kamerstukdossier/any(k: k/Nummer eq 22054))"
    ]
    assert first["$orderby"] == ["Datum"]
    assert first["$expand"] == [EXPAND]
    # the server does not filter: the two records dated outside April-May are dropped by the fetcher
    assert sorted(p.name for p in out.iterdir()) == [
        "2025D18123.pdf",
        "2025D18123.pdf.meta.json",
        "2025D20478.pdf",
        "2025D20478.pdf.meta.json",
    ]
    assert "2 fetched, 0 already present, 0 failed" in capsys.readouterr().out


def test_dossier_with_toevoeging_and_quotes_in_a_type_are_escaped():
    query = Query(doc_types=("Brief van 't lid",), dossiers=("21501-07",))
    assert document_filter(query) == (
        "Verwijderd eq false and Soort eq 'Brief van ''t lid'"
        " and Kamerstukdossier/any(k: k/Nummer eq 21501 and k/Toevoeging eq '07')"
    )


def test_follows_pagination_prefers_publication_xml_and_writes_sidecars(api, tmp_path):
    client, _ = quick_client()
    report = fetch(Query(), tmp_path, client=client, api_url=api.root, progress=False)

    assert sorted(p.name for p in report.stored) == [
        "2025D06779.xml",
        "2025D18123.pdf",
        "2025D20478.pdf",
        "2025D26032.pdf",
    ]
    assert report.failed == ()
    assert any(q.get("$skip") == ["2"] for _, q in api.requests)  # the second page was asked for
    assert resource("DocumentPublicatie", MOTIE_XML) in api.paths()
    assert resource("Document", MOTIE) not in api.paths()
    assert (tmp_path / "2025D06779.xml").read_bytes() == XML

    meta = json.loads(sidecar_path(tmp_path / "2025D18123.pdf").read_text(encoding="utf-8"))
    assert meta == {
        "title": "Overheidsbreed standpunt generatieve AI",
        "date": "2025-04-22",
        "kamerstuk": "26643-1331",
        "doc_type": "Brief regering",
        "url": "https://zoek.officielebekendmakingen.nl/kst-26643-1331.html",
        "api_id": ICT,
        "document_nummer": "2025D18123",
        "titel": "Informatie- en communicatietechnologie (ICT)",
        "onderwerp": "Overheidsbreed standpunt generatieve AI",
        "datum": "2025-04-22T00:00:00+02:00",
        "soort": "Brief regering",
        "dossier": "26643",
        "volgnummer": 1331,
        "versie_id": None,
        "record_url": f"{api.root}Document({ICT})",
        "resource_url": f"{api.root}{resource('Document', ICT)}",
        "links": {  # the server knows no Zaak of it: every link unknown
            "number": "2025D18123",
            "zaak": None,
            "zaak_subject": None,
            "dossier": "26643",
            "documents": [],
            "vote": None,
        },
    }
    motie = json.loads(sidecar_path(tmp_path / "2025D06779.xml").read_text(encoding="utf-8"))
    assert (motie["kamerstuk"], motie["date"], motie["doc_type"]) == (
        "19637-3384",
        "2025-02-18",
        "Motie (gewijzigd/nader)",
    )
    assert motie["url"] == "https://zoek.officielebekendmakingen.nl/kst-19637-3384.html"
    los = json.loads(sidecar_path(tmp_path / "2025D26032.pdf").read_text(encoding="utf-8"))
    assert (los["kamerstuk"], los["url"], los["dossier"]) == (None, None, None)


def test_second_run_skips_what_is_there_and_resumes_what_is_not(api, tmp_path):
    client, _ = quick_client()
    fetch(Query(), tmp_path, client=client, api_url=api.root, progress=False)
    sidecar_path(tmp_path / "2025D20478.pdf").unlink()  # as if interrupted before the sidecar
    (tmp_path / ".2025D20478.pdf.x.part").write_bytes(b"half")  # and a leftover temporary file
    api.requests.clear()

    report = fetch(Query(), tmp_path, client=client, api_url=api.root, progress=False)

    assert [p.name for p in report.stored] == ["2025D20478.pdf"]
    assert report.present == 3
    resources = [p for p in api.paths() if "Resource" in p]
    assert resources == [resource("Document", WAPEN)]
    assert sidecar_path(tmp_path / "2025D20478.pdf").exists()


def test_requests_keep_to_the_rate_limit(api):
    now = [0.0]
    pauses: list[float] = []

    def sleep(seconds: float) -> None:
        pauses.append(seconds)
        now[0] += seconds

    client = Client(rate=4.0, sleep=sleep, clock=lambda: now[0])
    for _ in range(3):
        client.get(api.root + "Document")
    assert pauses == [0.25, 0.25]


def test_a_document_published_later_as_xml_replaces_its_pdf(api, tmp_path):
    page = json.loads(api.page("documents_page1.json"))
    version = page["value"][0].pop("HuidigeDocumentVersie")  # the motie, before KOOP published it
    api.serve("Document", (200, json.dumps(page).encode()))
    api.serve(resource("Document", MOTIE), (200, PDF))
    client, _ = quick_client()
    fetch(Query(), tmp_path, client=client, api_url=api.root, progress=False)
    assert (tmp_path / "2025D06779.pdf").exists()

    page["value"][0]["HuidigeDocumentVersie"] = version
    api.serve("Document", (200, json.dumps(page).encode()))
    report = fetch(Query(), tmp_path, client=client, api_url=api.root, progress=False)

    assert [p.name for p in report.stored] == ["2025D06779.xml"]
    assert sorted(p.name for p in tmp_path.glob("2025D06779*")) == [
        "2025D06779.xml",
        "2025D06779.xml.meta.json",
    ]


def test_server_error_is_retried_then_succeeds(api, tmp_path):
    json_type = {"Content-Type": "application/json"}
    api.serve(
        "Document",
        (500, b"busy"),
        (503, b"busy"),
        (200, api.page("documents_page1.json"), json_type),
    )
    client, pauses = quick_client()
    records = list(iter_documents(client, api.root, Query()))
    assert len(records) == 4
    assert pauses == [0.01, 0.02]  # exponential backoff


def test_too_many_requests_honours_retry_after(api):
    api.serve(
        "Document?$skip=2",
        (429, b"slow down", {"Retry-After": "3"}),
        (200, api.page("documents_page2.json")),
    )
    client, pauses = quick_client()
    assert len(list(iter_documents(client, api.root, Query()))) == 4
    assert pauses == [3.0]


def test_timeout_is_retried_then_succeeds(api, tmp_path):
    api.serve(resource("Document", ICT), (200, PDF, {}, 0.6), (200, PDF, {}))
    client, pauses = quick_client(timeout=0.1)
    report = fetch(Query(), tmp_path, client=client, api_url=api.root, progress=False)
    assert report.failed == ()
    assert (tmp_path / "2025D18123.pdf").read_bytes() == PDF
    assert len(pauses) == 1


def test_timeout_every_time_is_a_fetch_error(api):
    api.serve("Document", (200, b"{}", {}, 0.6))
    client, pauses = quick_client(timeout=0.1, retries=1)
    with pytest.raises(FetchError, match=r"timed out after 2 attempts"):
        list(iter_documents(client, api.root, Query()))


def test_malformed_json_fails_with_one_clear_line(api, tmp_path, capsys):
    api.serve(
        "Document", (200, b'{"value": [{"Id": "3ccf529a-', {"Content-Type": "application/json"})
    )
    status = main(["fetch", "--api-url", api.root, "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert status == 1
    assert err.count("\n") == 1
    assert err.startswith("brieven: ") and "malformed JSON" in err and api.root in err
    assert list(tmp_path.iterdir()) == []


def test_missing_resource_is_reported_and_the_others_stored(api, tmp_path, capsys):
    api.serve(resource("Document", WAPEN), (404, b"Not Found"))
    assert main(["fetch", "--api-url", api.root, "--out", str(tmp_path), "--rate", "100"]) == 0
    captured = capsys.readouterr()
    assert "brieven: 2025D20478 skipped:" in captured.err and "HTTP 404" in captured.err
    assert "3 fetched, 0 already present, 1 failed" in captured.out
    assert not (tmp_path / "2025D20478.pdf").exists()
    assert (tmp_path / "2025D18123.pdf").exists() and (tmp_path / "2025D06779.xml").exists()


def test_next_link_outside_the_api_root_is_not_followed(api):
    page = json.loads(api.page("documents_page1.json"))
    page["@odata.nextLink"] = "http://127.0.0.2:9/elsewhere/Document?$skip=2"
    api.serve("Document", (200, json.dumps(page).encode()))
    client, _ = quick_client()
    with pytest.raises(FetchError, match="not under the API root"):
        list(iter_documents(client, api.root, Query()))
    assert all(path.startswith(PREFIX) for path, _ in api.requests)


def test_limit_stops_early(api, tmp_path):
    client, _ = quick_client()
    report = fetch(Query(), tmp_path, client=client, api_url=api.root, limit=1, progress=False)
    assert [p.name for p in report.stored] == ["2025D06779.xml"]
    assert api.requests[0][1]["$top"] == ["1"]
    assert not any(q.get("$skip") for _, q in api.requests)


def test_fetched_file_parses_into_a_letter_with_the_sidecar_metadata(api, tmp_path):
    parse = pytest.importorskip("ingest.parse").parse
    client, _ = quick_client()
    fetch(Query(), tmp_path, client=client, api_url=api.root, progress=False)

    letter = parse(tmp_path / "2025D18123.pdf")
    assert letter.title == "Overheidsbreed standpunt generatieve AI"
    assert (letter.date, letter.kamerstuk, letter.doc_type) == (
        "2025-04-22",
        "26643-1331",
        "Brief regering",
    )
    assert letter.url == "https://zoek.officielebekendmakingen.nl/kst-26643-1331.html"

    motie = parse(tmp_path / "2025D06779.xml")
    assert (motie.kamerstuk, motie.date) == ("19637-3384", "2025-02-18")
    assert motie.url == "https://zoek.officielebekendmakingen.nl/kst-19637-3384.html"


def test_sync_fetches_then_indexes_and_a_second_sync_changes_nothing(api, tmp_path, monkeypatch):
    from conftest import FakeEncoder

    from index.search import Searcher

    monkeypatch.setattr("index.encoder.load_encoder", lambda model=None: FakeEncoder())
    out, index_dir = tmp_path / "letters", tmp_path / "index"
    argv = ["sync", "--api-url", api.root, "--out", str(out), "--index", str(index_dir)]
    assert main([*argv, "--rate", "100"]) == 0

    searcher = Searcher.open(index_dir, encoder=FakeEncoder())
    assert searcher.letter_count == 4
    urls = {p.chunk.url for p in searcher.search("standpunt generatieve AI", k=20)}
    assert "https://zoek.officielebekendmakingen.nl/kst-26643-1331.html" in urls

    api.requests.clear()
    assert main([*argv, "--rate", "100"]) == 0
    assert not [path for path in api.paths() if "Resource" in path]
