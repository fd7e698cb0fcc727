"""The `brieven` console command. Each subcommand lives in its own module with `register(sub)`.

Domain errors (`BrievenError`) become one-line messages and exit status 1 here, nowhere else.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from brieven import __version__, threads
from brieven.kernel.errors import BrievenError

SUBCOMMANDS = ("parse", "build", "ask", "similar", "eval", "fetch", "model", "sync", "watch")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="brieven",
        description="Semantic search and question answering over Dutch government letters.",
    )
    parser.add_argument("--version", action="version", version=f"brieven {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in SUBCOMMANDS:
        importlib.import_module(f"brieven.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    threads.settle()  # before any subcommand imports torch or faiss
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except BrievenError as err:
        print(f"brieven: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("brieven: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
