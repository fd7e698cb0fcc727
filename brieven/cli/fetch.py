"""`brieven fetch`: download letters and their metadata from the Tweede Kamer open data API."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from brieven.cli.argtypes import day, positive
from ingest.fetch.client import Client
from ingest.fetch.download import DEFAULT_OUT, FetchReport, fetch
from ingest.fetch.odata import API_URL, Query, parse_dossier

DESCRIPTION = """\
Download documents from the Tweede Kamer open data API (gegevensmagazijn.tweedekamer.nl, OData v4),
each as its official publication XML where there is one, else its PDF or DOCX, with a metadata
sidecar (<file>.meta.json: title, date, kamerstuk, type, official URL) that `brieven build` uses.
The sidecar also holds the document's links: its Zaak and the Zaak's other papers (the questions
an answer answers), its dossier, and for a motie the vote (adopted or rejected, parties for and
against with their seats); one or two more requests per document. A link the API does not give
is stored as unknown (null), never guessed; a motie fetched before its vote is asked again.
Documents already in --out are skipped, so running it again fetches only what is new; an
interrupted run resumes. Filters combine; --type and --dossier may be repeated."""

EPILOG = """\
examples:
  brieven fetch --type "Brief regering" --dossier 29362 --since 2024-01-01
  brieven fetch --type "Brief regering" --since 2025-05-01 --until 2025-05-31 --limit 50"""


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "fetch",
        help="download letters from the Tweede Kamer open data API",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_fetch_arguments(parser)
    parser.set_defaults(run=run)


def add_fetch_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--since", type=day, metavar="YYYY-MM-DD", help="documents dated on or after"
    )
    parser.add_argument(
        "--until", type=day, metavar="YYYY-MM-DD", help="documents dated on or before"
    )
    parser.add_argument(
        "--type",
        dest="doc_types",
        action="append",
        default=[],
        metavar="SOORT",
        help='document type as the API names it (Soort), e.g. "Brief regering", "Motie", '
        '"Antwoord schriftelijke vragen"; default: every type',
    )
    parser.add_argument(
        "--dossier",
        dest="dossiers",
        action="append",
        default=[],
        type=_dossier,
        metavar="NUMBER",
        help="kamerstukdossier number, e.g. 29362, or with its toevoeging, 21501-07",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        metavar="DIR",
        help=f"folder to store documents and sidecars in (default: {DEFAULT_OUT})",
    )
    parser.add_argument(
        "--api-url",
        default=API_URL,
        metavar="URL",
        help=f"OData root of the API or a mirror (default: {API_URL})",
    )
    parser.add_argument(
        "--limit", type=positive(int), metavar="N", help="stop after N documents (default: all)"
    )
    parser.add_argument(
        "--rate",
        type=positive(float),
        default=4.0,
        metavar="R",
        help="at most R requests per second (default: 4)",
    )
    parser.add_argument(
        "--no-links",
        dest="links",
        action="store_false",
        help="do not ask for each document's Zaak, dossier and vote (fewer requests)",
    )
    parser.add_argument(
        "--timeout",
        type=positive(float),
        default=30.0,
        metavar="SECONDS",
        help="give up on a request after this long; it is retried (default: 30)",
    )


def run(args: argparse.Namespace) -> int:
    report = run_fetch(args)
    return 1 if report.failed and not (report.stored or report.present) else 0


def run_fetch(args: argparse.Namespace) -> FetchReport:
    """Fetch as the arguments say and print what happened: a summary, each failure on stderr."""
    query = Query(args.since, args.until, tuple(args.doc_types), tuple(args.dossiers))
    client = Client(rate=args.rate, timeout=args.timeout)
    report = fetch(
        query, args.out, client=client, api_url=args.api_url, limit=args.limit, links=args.links
    )
    for document, reason in report.failed:
        print(f"brieven: {document} skipped: {reason}", file=sys.stderr)
    for document, reason in report.unlinked:
        print(f"brieven: {document} stored, but {reason}", file=sys.stderr)
    relinked = f", {report.relinked} with links renewed" if report.relinked else ""
    unlinked = f", {len(report.unlinked)} with links unknown" if report.unlinked else ""
    print(
        f"{len(report.stored)} fetched, {report.present} already present{relinked}, "
        f"{len(report.failed)} failed{unlinked}, in {args.out}"
    )
    return report



def _dossier(text: str) -> str:
    try:
        parse_dossier(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None
    return text.strip()

