"""Warm query latency (encode + search) and memory, for a real index and a large synthetic one.

    python bench/query.py                          # builds data/letters into a temporary index
    python bench/query.py --index /tmp/fullindex   # an existing index (e.g. the whole corpus)
    python bench/query.py --sizes 1000 100000      # synthetic sizes (default)

For each size the bench writes an index of that many chunks (the real chunks repeated, with seeded
random unit vectors: FlatIP search costs the same whatever the vectors say), opens a Searcher with
the real model, warms it up, then times a fixed set of English and Dutch questions: the whole
search (encode + score + top-k), the query encoding alone, and the search with a dossier filter.
Memory is the process's peak RSS after each stage.
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from brieven.types import Filters
from index import store
from index.build import build
from index.encoder import load_encoder
from index.search import Searcher

QUESTIONS = [
    "How does the cabinet handle staff scarcity?",
    "Hoe gaat het kabinet om met het tekort aan personeel?",
    "What did the minister say about the replacement of the F-16?",
    "Welke afspraken zijn er gemaakt over de stikstofuitstoot van de landbouw?",
    "When was the code for relations between governments updated?",
    "Wat vindt de regering van de circulaire economie?",
    "Which motion asks the government to use 116 as a national emergency number?",
    "Hoeveel woningen moeten er per jaar gebouwd worden?",
]
ROUNDS = 5  # each question this many times


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def synthetic(real: store.IndexData, size: int, seed: int = 0) -> store.IndexData:
    """`size` chunks: the real ones repeated under new ids, with random unit vectors."""
    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((size, real.manifest.dimension), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    chunks = tuple(
        dataclasses.replace(real.chunks[i % len(real.chunks)], id=f"synthetic#{i}")
        for i in range(size)
    )
    manifest = dataclasses.replace(real.manifest, chunk_count=size)
    return dataclasses.replace(real, manifest=manifest, chunks=chunks, vectors=vectors)


def measure(searcher: Searcher, dossier: str | None) -> dict[str, float]:
    """Milliseconds: whole search p50/p95, query encoding alone p50, filtered search p50/p95."""
    for question in QUESTIONS[:3]:
        searcher.search(question, k=5)  # warm up
    filters = Filters(dossiers=(dossier,)) if dossier else None
    if filters:
        searcher.search(QUESTIONS[0], k=5, filters=filters)  # the mask is built once, then cached
    full, encode, filtered = [], [], []
    for _ in range(ROUNDS):
        for question in QUESTIONS:
            started = time.perf_counter()
            searcher.search(question, k=5)
            full.append(time.perf_counter() - started)
            started = time.perf_counter()
            searcher.encoder.encode_query([question])
            encode.append(time.perf_counter() - started)
            if filters:
                started = time.perf_counter()
                searcher.search(question, k=5, filters=filters)
                filtered.append(time.perf_counter() - started)
    p50, p95 = percentiles(full)
    fp50, fp95 = percentiles(filtered) if filtered else (float("nan"), float("nan"))
    return {
        "p50": p50 * 1000,
        "p95": p95 * 1000,
        "encode_p50": statistics.median(encode) * 1000,
        "filtered_p50": fp50 * 1000,
        "filtered_p95": fp95 * 1000,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, help="existing index (default: build data/letters)")
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 100_000])
    args = parser.parse_args(argv)

    started = time.perf_counter()
    encoder = load_encoder()
    print(f"model load {time.perf_counter() - started:.1f} s, peak RSS {peak_rss_mib():.0f} MiB")

    with tempfile.TemporaryDirectory(prefix="brieven-bench-") as scratch:
        real_dir = args.index
        if real_dir is None:
            real_dir = Path(scratch) / "real"
            build([Path("data/letters")], real_dir, encoder, progress=True)
        real = store.load(real_dir)
        dossier = next((c.kamerstuk.rsplit("-", 1)[0] for c in real.chunks if c.kamerstuk), None)

        rows = [("real", real_dir)]
        for size in args.sizes:
            synthetic_dir = Path(scratch) / f"synthetic-{size}"
            with store.build_lock(synthetic_dir):
                store.write(synthetic_dir, synthetic(real, size))
            rows.append((f"synthetic {size}", synthetic_dir))

        header = ("index", "chunks", "open s", "p50 ms", "p95 ms", "encode p50 ms",
                  "filtered p50/p95 ms", "peak RSS MiB")  # fmt: skip
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for name, directory in rows:
            started = time.perf_counter()
            searcher = Searcher.open(directory, encoder)
            open_s = time.perf_counter() - started
            figures = measure(searcher, dossier)
            cells = (
                name,
                str(searcher.manifest.chunk_count),
                f"{open_s:.2f}",
                f"{figures['p50']:.1f}",
                f"{figures['p95']:.1f}",
                f"{figures['encode_p50']:.1f}",
                f"{figures['filtered_p50']:.1f} / {figures['filtered_p95']:.1f}",
                f"{peak_rss_mib():.0f}",
            )
            print("| " + " | ".join(cells) + " |", flush=True)
            del searcher
    print(f"{len(QUESTIONS) * ROUNDS} timed queries per row, k=5; command: "
          f"python bench/query.py {' '.join(sys.argv[1:])}".rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
