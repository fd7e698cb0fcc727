"""Reading an index of format 2 (one generation of flat files), to upgrade it without re-embedding.

Format 2 kept, in each `gen-*` folder: `chunks.jsonl` (one Chunk per line), `vectors.faiss` (a
flat faiss index, float32, row i = chunk i), `windows.npy` and `window_rows.npy` (sentence-pair
vectors and the chunk row of each, ascending), `sections.jsonl`, `files.json` and
`manifest.json`. It was read whole into memory: 20 GB at a million passages, hence format 3.
`brieven build` reads it once through `read` and writes it as one segment (`index.build`).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import faiss
import numpy as np

from brieven.kernel.encoder import Encoder
from brieven.kernel.types import IndexManifest
from index import pairs, store, update
from index.segment import text_hash
from index.store import FileRecord
from index.whole import IndexData


def read(directory: Path) -> IndexData:
    """The format-2 generation in `directory`, whole."""
    manifest = IndexManifest(**json.loads((directory / "manifest.json").read_text("utf-8")))
    index = faiss.read_index(str(directory / "vectors.faiss"))
    vectors = faiss.rev_swig_ptr(index.get_xb(), index.ntotal * index.d).reshape(
        index.ntotal, index.d
    )
    with open(directory / "chunks.jsonl", encoding="utf-8") as lines:
        chunks = tuple(store.chunk_from_dict(json.loads(line)) for line in lines)
    sections = {}
    with open(directory / "sections.jsonl", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            sections[(row["source"], row["section_index"])] = row["text"]
    listing = json.loads((directory / "files.json").read_text(encoding="utf-8"))
    return IndexData(
        manifest=manifest,
        chunks=chunks,
        vectors=vectors.copy(),
        pairs=np.load(directory / "windows.npy"),
        pair_rows=np.load(directory / "window_rows.npy"),
        sections=sections,
        files={path: FileRecord(**record) for path, record in listing["files"].items()},
        roots=tuple(listing.get("roots", ())),
        generation=directory.name,
    )


def upgrade(index_dir: Path, encoder: Encoder) -> store.Generation | None:
    """Rewrite the format-2 index at `index_dir` as one segment of the current format, keeping
    its vectors, and return the new generation; None when it was built by another model (its
    vectors cannot be reused: the build embeds everything anew). Call holding the build lock."""
    directory = Path(index_dir) / store.current_generation(index_dir)
    data = read(directory)
    if data.manifest.model_id != encoder.model_id or data.manifest.weights_hash != (
        encoder.weights_hash
    ):
        return None
    pair_counts = np.bincount(data.pair_rows, minlength=len(data.chunks))
    pair_starts = np.concatenate(([0], np.cumsum(pair_counts)))
    pair_hashes = [text_hash(text) for text in pairs.rows_of(data.chunks)[0]]
    kept, new = {}, []
    for path, record in data.files.items():
        if record.skipped or not record.count:
            kept[path] = record
            continue
        rows = slice(record.first, record.first + record.count)
        owned = slice(pair_starts[rows.start], pair_starts[rows.stop])
        chunks = list(data.chunks[rows])
        keys = {(chunk.source, chunk.section_index) for chunk in chunks}
        new.append(
            update.SourceFile(
                path=path,
                record=record,
                chunks=chunks,
                sections={key: data.sections[key] for key in keys if key in data.sections},
                vectors=data.vectors[rows],
                pairs=data.pairs[owned],
                pair_counts=pair_counts[rows].tolist(),
                pair_hashes=pair_hashes[owned],
            )
        )
    manifest = dataclasses.replace(data.manifest, format_version=store.FORMAT_VERSION)
    return update.commit(index_dir, None, kept, new, manifest, data.roots)
