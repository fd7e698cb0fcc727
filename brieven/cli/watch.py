"""`brieven watch`: saved questions that report the new letters answering them."""

from __future__ import annotations

import argparse
import json
import sys

from brieven.cli.argtypes import day
from brieven.cli.build import add_index_argument
from brieven.cli.delivery import add_delivery_options, deliver
from brieven.kernel.types import Filters

DESCRIPTION = """\
A watch is a question kept with the index. Every `brieven build` or `brieven sync` that adds or
changes letters scores them (and only them) against each watch; a letter that answers it is a
match, kept once, with its best passages cited as `brieven ask` cites them. Matches go to an
Atom feed (watch feed, --feed-dir), by e-mail (--smtp-host) and to `watch run`.

A watch added now reports letters indexed after it; --backfill also reports the letters that
answer it already. Watches live in INDEX/watches.json, outside the index generations, so they
survive rebuilds."""

EPILOG = """\
examples:
  brieven watch add staff "How does the cabinet handle staff shortages in public services?"
  brieven watch add asiel "opvang van asielzoekers" --type Motie --dossier 19637
  brieven sync --type "Brief regering" --feed-dir /var/www/feeds --smtp-host localhost \\
      --smtp-to me@example.org
  brieven watch feed staff > staff.xml
  brieven watch run --json          new matches since the last run, one JSON object a line

The score is how far a letter's best passage stands out from the index's other passages for the
question, in standard deviations; the default threshold is calibrated on the corpus (README)."""


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "watch",
        help="saved questions that report new letters answering them",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    _register_add(actions)
    listing = actions.add_parser("list", help="list the watches and their match counts")
    add_index_argument(listing)
    listing.add_argument("--json", action="store_true", help="one JSON object per watch")
    listing.set_defaults(run=run_list)
    removal = actions.add_parser("remove", help="remove a watch and its matches")
    removal.add_argument("name", metavar="NAME")
    add_index_argument(removal)
    removal.set_defaults(run=run_remove)
    feed = actions.add_parser("feed", help="print a watch's Atom feed")
    feed.add_argument("name", metavar="NAME")
    add_index_argument(feed)
    feed.set_defaults(run=run_feed)
    report = actions.add_parser(
        "run",
        help="print the matches not printed before; write feeds and send e-mail when asked",
        description="Print the matches that builds and syncs found since the last run (each "
        "once), then write feeds (--feed-dir) and mail what was not mailed yet (--smtp-host).",
    )
    add_index_argument(report)
    report.add_argument("--json", action="store_true", help="one JSON object per match")
    add_delivery_options(report)
    report.set_defaults(run=run_report)


def _register_add(actions: argparse._SubParsersAction) -> None:
    add = actions.add_parser("add", help="keep a question as a watch")
    add.add_argument("name", metavar="NAME", help="letters, digits, '.', '_', '-'; names NAME.xml")
    add.add_argument("question", metavar="QUESTION", help="the question, in English or Dutch")
    add_index_argument(add)
    add.add_argument(
        "--type", dest="doc_types", action="append", default=[], metavar="TYPE",
        help="only letters of this document type (repeatable)",
    )
    add.add_argument(
        "--dossier", dest="dossiers", action="append", default=[], metavar="NUMBER",
        help="only kamerstukken of this dossier (repeatable)",
    )
    add.add_argument("--since", type=day, metavar="DATE", help="only letters dated on or after")
    add.add_argument(
        "--min-score", type=float, metavar="S",
        help="report letters whose best passage stands S standard deviations above the index's "
        "passages for the question (default: the calibrated threshold)",
    )
    add.add_argument(
        "--backfill", action="store_true",
        help="also report the letters already in the index that answer it",
    )
    add.set_defaults(run=run_add)


def run_add(args: argparse.Namespace) -> int:
    from brieven import watch
    from brieven.watch.match import DEFAULT_MIN_SCORE

    filters = Filters(args.since, None, tuple(args.doc_types), tuple(args.dossiers))
    kept, found = watch.add(
        args.index, args.name, args.question, filters, args.min_score, args.backfill
    )
    threshold = DEFAULT_MIN_SCORE if kept.min_score is None else kept.min_score
    backfilled = f"; {len(found)} letters already answer it" if args.backfill else ""
    print(f"watch {kept.name} added to {args.index} (threshold {threshold:g}){backfilled}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from brieven.watch import book
    from brieven.watch.match import DEFAULT_MIN_SCORE

    kept = book.load(args.index)
    for watch in kept.watches:
        matches = kept.matches_of(watch.name)
        threshold = DEFAULT_MIN_SCORE if watch.min_score is None else watch.min_score
        filters = watch.filters
        if args.json:
            row = {
                "name": watch.name, "question": watch.question, "min_score": threshold,
                "doc_types": list(filters.doc_types), "dossiers": list(filters.dossiers),
                "since": filters.since, "created_at": watch.created_at, "matches": len(matches),
                "latest": matches[0].found_at if matches else None,
            }
            print(json.dumps(row, ensure_ascii=False))
            continue
        narrowed = [*filters.doc_types, *filters.dossiers] + ([filters.since] if filters.since
                                                              else [])
        scope = f" [{', '.join(narrowed)}]" if narrowed else ""
        print(f"{watch.name}: {watch.question}{scope}")
        print(f"    since {watch.created_at}, threshold {threshold:g}, {len(matches)} matches")
    if not kept.watches and not args.json:
        print(f"no watches on {args.index}; add one with: brieven watch add NAME QUESTION",
              file=sys.stderr)
    return 0


def run_remove(args: argparse.Namespace) -> int:
    from brieven import watch

    removed = watch.remove(args.index, args.name)
    print(f"watch {removed.name} removed from {args.index}")
    return 0


def run_feed(args: argparse.Namespace) -> int:
    from brieven.watch import book, feed

    kept = book.load(args.index)
    sys.stdout.write(feed.atom(kept.watch(args.name), kept.matches_of(args.name)))
    return 0


def run_report(args: argparse.Namespace) -> int:
    from brieven import watch
    from brieven.serialize import match_to_dict
    from brieven.watch import book

    questions = {w.name: w.question for w in book.load(args.index).watches}
    for match in watch.take_unreported(args.index):
        if args.json:
            print(json.dumps(match_to_dict(match, questions[match.watch]), ensure_ascii=False))
        else:
            first = match.passages[0].chunk
            where = first.url or first.source
            print(f"{match.watch}\t{match.score:.2f}\t{first.date or '-'}\t{first.title}\t{where}")
    return deliver(args, args.index)
