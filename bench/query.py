"""Warm query latency (encode + search) and memory, for a real index and a large synthetic one.

    python bench/query.py                          # builds data/letters into a temporary index
    python bench/query.py --index /tmp/fullindex   # an existing index (e.g. the whole corpus)
    python bench/query.py --sizes 1000 100000      # synthetic sizes (default)

For each size the bench writes an index of that many chunks (the real chunks repeated, with seeded
random unit vectors for them and their sentence pairs: a search costs the same whatever the
vectors say), opens a Searcher with
the real model, warms it up, then times a fixed set of English and Dutch questions: the whole
search (encode + score + top-k), the query encoding alone, and the search alone (query vectors
computed beforehand), also with a dossier filter.
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
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from brieven.kernel.encoder import Encoder
from brieven.kernel.types import Filters
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
    """`size` chunks: the real ones repeated under new ids, with random unit vectors (and as many
    sentence pairs per chunk as the real chunk has)."""
    rng = np.random.default_rng(seed)
    originals = np.arange(size) % len(real.chunks)
    chunks = tuple(
        dataclasses.replace(real.chunks[i], id=f"synthetic#{row}")
        for row, i in enumerate(originals)
    )
    pairs = np.bincount(real.pair_rows, minlength=len(real.chunks))[originals]
    manifest = dataclasses.replace(real.manifest, chunk_count=size)
    return dataclasses.replace(
        real,
        manifest=manifest,
        chunks=chunks,
        vectors=_unit_vectors(rng, size, real.manifest.dimension),
        pairs=_unit_vectors(rng, int(pairs.sum()), real.manifest.dimension),
        pair_rows=np.repeat(np.arange(size, dtype=np.int32), pairs),
    )


def _unit_vectors(rng: np.random.Generator, count: int, dimension: int) -> np.ndarray:
    vectors = rng.standard_normal((count, dimension), dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


class PrecomputedQueries:
    """The real encoder with `QUESTIONS`' vectors computed once: times the search alone.

    It is the real model under another name, so it has the model's identity and shares what the
    kernel keeps per model (`encoded_once`: the language pairs); any other text, such as those
    reference texts on first use, goes to the real model.
    """

    def __init__(self, encoder: Encoder) -> None:
        self._encoder = encoder
        self.model_id, self.weights_hash = encoder.model_id, encoder.weights_hash
        self.dimension = encoder.dimension
        self._vectors = dict(zip(QUESTIONS, encoder.encode_query(QUESTIONS), strict=True))

    def encode_query(self, texts: Sequence[str]) -> np.ndarray:
        if all(text in self._vectors for text in texts):
            return np.stack([self._vectors[text] for text in texts])
        return self._encoder.encode_query(texts)

    def encode_document(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        return self._encoder.encode_document(texts, progress)


def timed(search, filters: Filters | None = None) -> list[float]:
    for question in QUESTIONS[:3]:
        search(question, k=5)  # warm up
    if filters:
        search(QUESTIONS[0], k=5, filters=filters)  # the filter's mask is built once, then cached
    samples = []
    for _ in range(ROUNDS):
        for question in QUESTIONS:
            started = time.perf_counter()
            search(question, k=5, filters=filters or Filters())
            samples.append((time.perf_counter() - started) * 1000)
    return samples


def measure(directory: Path, encoder: Encoder, dossier: str | None) -> list[str]:
    """Table cells: chunks, open time, encode + search p50/p95, encode p50, search alone p50/p95,
    filtered search alone p50/p95, peak RSS."""
    started = time.perf_counter()
    searcher = Searcher.open(directory, encoder)
    open_s = time.perf_counter() - started
    whole = percentiles(timed(searcher.search))
    encode = []
    for question in QUESTIONS:
        started = time.perf_counter()
        encoder.encode_query([question])
        encode.append((time.perf_counter() - started) * 1000)
    alone = Searcher.open(directory, PrecomputedQueries(encoder))
    search = percentiles(timed(alone.search))
    filtered = percentiles(timed(alone.search, Filters(dossiers=(dossier,)))) if dossier else None
    return [
        str(searcher.manifest.chunk_count),
        f"{open_s:.2f}",
        f"{whole[0]:.1f} / {whole[1]:.1f}",
        f"{statistics.median(encode):.1f}",
        f"{search[0]:.2f} / {search[1]:.2f}",
        f"{filtered[0]:.2f} / {filtered[1]:.2f}" if filtered else "-",
        f"{peak_rss_mib():.0f}",
    ]


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
        real = store.load(real_dir, encoder)
        dossier = next((c.dossier for c in real.chunks if c.dossier), None)

        rows = [("real", real_dir)]
        for size in args.sizes:
            synthetic_dir = Path(scratch) / f"synthetic-{size}"
            with store.build_lock(synthetic_dir):
                store.write(synthetic_dir, synthetic(real, size))
            rows.append((f"synthetic {size}", synthetic_dir))

        header = ("index", "chunks", "open s", "encode+search p50/p95 ms", "encode p50 ms",
                  "search p50/p95 ms", "filtered search p50/p95 ms", "peak RSS MiB")  # fmt: skip
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for name, directory in rows:
            cells = [name, *measure(directory, encoder, dossier)]
            print("| " + " | ".join(cells) + " |", flush=True)
    print(f"{len(QUESTIONS) * ROUNDS} timed queries per row, k=5; command: "
          f"python bench/query.py {' '.join(sys.argv[1:])}".rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
