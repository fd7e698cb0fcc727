"""Build throughput: the whole pipeline against the bare encoder on the same texts.

    python bench/build.py                      # the sample corpus, data/letters
    python bench/build.py ../shared/corpus     # the full figure
    python bench/build.py --model intfloat/multilingual-e5-base
    python bench/build.py --compare --json     # torch fp32 against the default backend

Measures, in one process and in this order: model load; parse + chunk of every file; the
encoder's bare `encode_document` of every text a build embeds, the chunks' embedded texts and
their sentence pairs (`index.pairs`), batch 32: what the model alone can do; then
`index.build.build` of the same files into a fresh temporary index (parse, chunk, embed, write).
The ratio of the two texts/s figures is what the pipeline costs on top of the model
(aim: >= 0.9); chunks/s is the rate at which letters become searchable passages. With
--repeat N both are run N times, alternating, and the fastest run of each counts (a shared
machine is noisy). Peak memory is the process's maximum RSS.

--compare measures the default backend (OpenVINO where it runs, `index.openvino_encoder`) against
torch fp32 on the same texts instead: the texts sorted by length, each batch of 32 embedded by
one and then the other, so a shared machine's changing load falls on both alike. It prints
texts/s of each, their ratio, the smallest cosine between the two vectors of a text, and with
--json, last, one line: {"torch_texts_per_s", "default_texts_per_s", "min_cosine", "backend"}.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from query import peak_rss_mib

from brieven.kernel.errors import ParseError
from index import pairs
from index.build import build
from index.encoder import BATCH_SIZE, load_encoder
from ingest.chunk import chunk_letter
from ingest.discover import find_files
from ingest.parse import parse


def embed_texts(corpus: Path) -> tuple[int, list[str]]:
    """The number of chunks under `corpus`, and every distinct text a build of it embeds."""
    chunks = []
    for path in find_files([corpus]):
        try:
            chunks += chunk_letter(parse(path))
        except ParseError:
            continue
    texts = [chunk.embed_text for chunk in chunks] + pairs.rows_of(chunks)[0]
    return len(chunks), list(dict.fromkeys(texts))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=Path("data/letters"))
    parser.add_argument("--model", help="model name or folder (default: multilingual-e5-small)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each (fastest counts)")
    parser.add_argument(
        "--compare", action="store_true", help="torch fp32 against the default backend"
    )
    parser.add_argument("--json", action="store_true", help="with --compare: a JSON line last")
    args = parser.parse_args(argv)
    if args.compare:
        return compare(args)

    started = time.perf_counter()
    encoder = load_encoder(args.model)
    load_s = time.perf_counter() - started
    load_rss = peak_rss_mib()

    started = time.perf_counter()
    chunk_count, texts = embed_texts(args.corpus)
    chunk_s = time.perf_counter() - started
    if not texts:
        print(f"no chunks under {args.corpus}", file=sys.stderr)
        return 1
    encoder.encode_document(texts[:BATCH_SIZE])  # warm-up: first batches pay for allocation

    bare_s = build_s = float("inf")
    for _ in range(args.repeat):
        started = time.perf_counter()
        encoder.encode_document(texts)
        bare_s = min(bare_s, time.perf_counter() - started)

        with tempfile.TemporaryDirectory(prefix="brieven-bench-") as tmp:
            started = time.perf_counter()
            report = build([args.corpus], Path(tmp) / "index", encoder, progress=False)
            build_s = min(build_s, time.perf_counter() - started)

    embedded = report.chunks_embedded + report.pairs_embedded
    rows = [
        ("model load", "", "", f"{load_s:.1f}", "", ""),
        ("parse + chunk", chunk_count, "", f"{chunk_s:.1f}", "", ""),
        ("bare encode", "", len(texts), f"{bare_s:.1f}", f"{len(texts) / bare_s:.2f}", ""),
        (
            "index.build.build",
            report.chunk_count,
            embedded,
            f"{build_s:.1f}",
            f"{embedded / build_s:.2f}",
            f"{report.chunk_count / build_s:.2f}",
        ),
    ]
    print(f"{'stage':<20} {'chunks':>7} {'texts':>7} {'seconds':>8} {'texts/s':>8} {'chunks/s':>9}")
    for stage, chunks, count, seconds, rate, chunk_rate in rows:
        print(f"{stage:<20} {chunks!s:>7} {count!s:>7} {seconds:>8} {rate:>8} {chunk_rate:>9}")
    build_rate, bare_rate = embedded / build_s, len(texts) / bare_s
    print(f"ratio build / bare: {build_rate / bare_rate:.2f}   (aim >= 0.9)")
    print(f"RSS after model load: {load_rss:.0f} MiB   peak RSS: {peak_rss_mib():.0f} MiB")
    backend = getattr(encoder, "backend", "torch")
    print(f"model: {encoder.model_id} on {backend}   files: {report.files_seen}", end="")
    print(f"   corpus: {args.corpus}")
    print("command: python " + shlex.join(["bench/build.py", *(argv or sys.argv[1:])]))
    return 0


def compare(args: argparse.Namespace) -> int:
    """Torch fp32 and the default backend, batch by batch on the same texts."""
    encoders = {
        "torch": load_encoder(args.model, backend="torch"),
        "default": load_encoder(args.model),
    }
    _, texts = embed_texts(args.corpus)
    if not texts:
        print(f"no chunks under {args.corpus}", file=sys.stderr)
        return 1
    texts.sort(key=len, reverse=True)
    seconds = dict.fromkeys(encoders, 0.0)
    vectors: dict[str, list[np.ndarray]] = {name: [] for name in encoders}
    for encoder in encoders.values():
        encoder.encode_document(texts[:BATCH_SIZE])  # warm-up
    for start in range(0, len(texts), BATCH_SIZE):
        batch = texts[start : start + BATCH_SIZE]
        for name, encoder in encoders.items():
            started = time.perf_counter()
            vectors[name].append(encoder.encode_document(batch))
            seconds[name] += time.perf_counter() - started
    cosines = np.sum(np.concatenate(vectors["torch"]) * np.concatenate(vectors["default"]), axis=1)
    rates = {name: len(texts) / seconds[name] for name in encoders}
    backend = getattr(encoders["default"], "backend", "torch")
    print(f"{len(texts)} texts of {args.corpus}, batches of {BATCH_SIZE} sorted by length")
    for name, encoder in encoders.items():
        label = f"{name} ({getattr(encoder, 'backend', 'torch')})"
        print(f"{label:<22} {seconds[name]:>8.1f} s {rates[name]:>8.2f} texts/s")
    print(f"ratio default / torch: {rates['default'] / rates['torch']:.2f}   (aim >= 2.5)")
    print(f"cosine to torch: min {cosines.min():.5f}, mean {cosines.mean():.5f}   (aim >= 0.99)")
    print("command: python " + shlex.join(["bench/build.py", *(sys.argv[1:])]))
    if args.json:
        facts = {
            "torch_texts_per_s": round(rates["torch"], 2),
            "default_texts_per_s": round(rates["default"], 2),
            "min_cosine": round(float(cosines.min()), 5),
            "backend": backend,
        }
        print(json.dumps(facts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
