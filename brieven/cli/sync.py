"""`brieven sync`: fetch what is new from the open data API, then update the index incrementally."""

from __future__ import annotations

import argparse
from pathlib import Path

from brieven.cli import build as build_command
from brieven.cli.fetch import add_fetch_arguments, run_fetch
from brieven.kernel.errors import IndexMissingError
from index import store

DESCRIPTION = """\
Keep an index current: run `brieven fetch` with the given filters (documents already in --out are
skipped), then `brieven build` on the index's own folders plus --out. Only new or changed files are
embedded. Meant to run unattended, e.g. daily from cron:

  0 6 * * *  cd ~/brieven && .venv/bin/brieven sync --type "Brief regering" --dossier 29362 \\
             --since 2024-01-01 --index data/index >> sync.log 2>&1

New letters are matched against the index's watches (brieven watch); --feed-dir writes their
Atom feeds, --smtp-host mails new matches.

Exit status: 0 done, 2 some files could not be indexed (named on stderr), 1 the API could not be
read, nothing could be indexed, or a watch's e-mail could not be sent (kept for the next run)."""


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "sync",
        help="fetch new letters from the open data API, then update the index",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_fetch_arguments(parser)
    build_command.add_index_argument(parser)
    build_command.add_build_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    fetched = run_fetch(args)
    args.paths = _index_paths(args.index, args.out)
    status = build_command.run(args)
    if fetched.failed and not (fetched.stored or fetched.present):
        return 1
    return status


def _index_paths(index_dir: Path, out: Path) -> list[Path]:
    """The folders the index was built from, with `out` added unless one of them holds it."""
    try:
        roots = [Path(root) for root in store.read_roots(index_dir)]
    except IndexMissingError:
        roots = []
    if any(out.resolve().is_relative_to(root.resolve()) for root in roots):
        return roots
    return [*roots, out]
