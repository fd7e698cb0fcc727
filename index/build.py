"""Build or update an index: files -> letters -> chunks -> vectors -> a new generation on disk.

Incremental by design, so rebuilding after a small change takes seconds:
- a file whose path and content hash are unchanged (and parsed by the same ingest code and limits)
  is taken over whole from the current index: no parsing, no embedding, and its passages stay
  where they are on disk (`index.update`);
- a new or changed file is parsed and chunked; each chunk (and each sentence pair of a chunk,
  `index.pairs`) whose text the current index already holds reuses that vector (found by a
  hash of the text), only the rest go to the encoder; their passages go into one new segment;
- a file no longer found drops out (its passages die in place); a file that failed before and is
  unchanged is reported again without being re-read.
An index of the previous format (2) is upgraded first, its vectors kept (`index.legacy`); segments
of format 3 written before passages' token counts or densities were stored get them
(`index.update`).
The current index is never touched until the new generation is complete (see `index.store`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import ingest
from brieven import kernel
from brieven.kernel.encoder import Encoder
from brieven.kernel.errors import (
    EmptyIndexError,
    IndexMismatchError,
    IndexMissingError,
    ParseError,
    ReaderLimitError,
)
from brieven.kernel.types import Chunk, Letter
from index import legacy, pairs, reuse, store, update
from index.progress import Progress
from index.segment import text_hash
from index.update import SourceFile
from ingest.chunk import chunk_letter
from ingest.discover import find_files, sidecar_of
from ingest.guard import DEFAULT_GUARD, GuardLimits, parse_all
from ingest.raw import ParseLimits

DEFAULT_LIMITS = ParseLimits()
_SHOWN = 10  # skipped files named in the error when nothing could be indexed


@dataclass(frozen=True, slots=True)
class BuildReport:
    files_seen: int
    letters_indexed: int
    files_reused: int  # taken over from the previous index without parsing
    files_embedded: int  # parsed and chunked anew
    chunks_embedded: int  # sent to the encoder
    pairs_embedded: int  # sentence pairs sent to the encoder (`index.pairs`)
    chunk_count: int
    skipped: tuple[tuple[str, str], ...]  # (path, reason)
    written: bool  # False when nothing changed and the current index was kept
    # Letter ids of the files that are new or whose content changed since the previous index
    # (all of them when there was none to compare with): what watches are matched against.
    letters_changed: tuple[str, ...] = ()


def build(
    paths: Sequence[Path | str],
    index_dir: Path | str,
    encoder: Encoder,
    progress: bool = True,
    limits: ParseLimits = DEFAULT_LIMITS,
    wait: bool = False,
    guard: GuardLimits = DEFAULT_GUARD,
) -> BuildReport:
    """Index every letter under `paths` into `index_dir`.

    Files are parsed in worker processes under `guard`'s time and memory limits (`ingest.guard`).

    Raises EmptyIndexError when no letter could be indexed (the current index stays as it was),
    IndexLockedError when another build holds the lock and `wait` is False.
    """
    index_dir = Path(index_dir)
    with store.build_lock(index_dir, wait=wait):
        store.remove_stale(index_dir)
        update.add_missing_columns(index_dir)
        upgraded = _upgraded(index_dir, encoder)
        previous = upgraded or _previous(index_dir, encoder)
        fingerprint = ingest_fingerprint(limits)
        reusable = previous is not None and previous.manifest.extra.get("ingest") == fingerprint
        files = find_files([Path(p) for p in paths])
        if not files:
            raise EmptyIndexError(f"no files found in {', '.join(map(str, paths))}")

        parts = [_part(path, previous if reusable else None) for path in files]
        _read_all(parts, limits, guard, progress)
        indexed = [part for part in parts if not part.record.skipped]
        skipped = tuple((part.path, part.record.skipped) for part in parts if part.record.skipped)
        if not indexed:
            reasons = "".join(f"\n  {path}: {reason}" for path, reason in skipped[:_SHOWN])
            more = f"\n  ... and {len(skipped) - _SHOWN} more" if len(skipped) > _SHOWN else ""
            raise EmptyIndexError(
                f"nothing could be indexed, the index at {index_dir} was left as it was; "
                f"all {len(files)} files were skipped:{reasons}{more}"
            )

        fresh = [part for part in indexed if not part.reused]
        chunks_embedded, pairs_embedded = _embed(fresh, previous, index_dir, encoder, progress)
        kept = {part.path: part.record for part in parts if part.reused or part.record.skipped}
        manifest = store.new_manifest(
            encoder,
            chunk_count=sum(part.record.count for part in indexed),
            letter_count=len(indexed),
            corpus_hash=_corpus_hash(parts),
            ingest=fingerprint,
        )
        roots = tuple(str(p) for p in paths)
        changed = previous is None or not _unchanged(previous, manifest, kept, fresh, roots)
        if changed:
            update.commit(index_dir, previous, kept, fresh, manifest, roots)
            store.remove_stale(index_dir)
        return BuildReport(
            files_seen=len(files),
            letters_indexed=len(indexed),
            files_reused=sum(part.reused for part in indexed),
            files_embedded=len(fresh),
            chunks_embedded=chunks_embedded,
            pairs_embedded=pairs_embedded,
            chunk_count=manifest.chunk_count,
            skipped=skipped,
            written=changed or upgraded is not None,
            letters_changed=_changed(indexed, previous) if changed else (),
        )


def _changed(indexed: list[SourceFile], previous: store.Generation | None) -> tuple[str, ...]:
    """The letters of files new to the index or changed in content; a file re-read only because
    the ingest code changed is not new to a reader."""
    old = previous.files if previous is not None else {}
    return tuple(
        dict.fromkeys(
            part.record.letter_id
            for part in indexed
            if part.record.letter_id
            and (part.path not in old or old[part.path].content_hash != part.record.content_hash)
        )
    )


def file_hash(path: Path) -> str:
    """The file's sha256, its metadata sidecar's bytes folded in when it has one: `brieven fetch`
    rewrites a sidecar alone when a motie is voted on, and the index must take that up."""
    with open(path, "rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    try:
        side = sidecar_of(path).read_bytes()
    except OSError:
        return digest
    return hashlib.sha256(digest.encode() + b"\0" + side).hexdigest()


def ingest_fingerprint(limits: ParseLimits) -> str:
    """Changes whenever the code that makes chunks or the parse limits change, so stored chunks go
    stale: the ingest package and the kernel it builds on (types, references, sentences, tokens)."""
    digest = hashlib.sha256(repr(limits).encode())
    for package in (Path(ingest.__file__).parent, Path(kernel.__file__).parent):
        for source in sorted(package.rglob("*.py")):
            digest.update(f"{package.name}/{source.relative_to(package).as_posix()}".encode())
            digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def _part(path: Path, previous: store.Generation | None) -> SourceFile:
    """The file taken over from `previous` when unchanged there, else an empty part to read."""
    if path.exists() and not path.is_file():  # reading a pipe or device could block for ever
        reason = "not a regular file (a pipe, socket or device)"
        return SourceFile(str(path), store.FileRecord("", skipped=reason))
    try:
        content_hash = file_hash(path)
    except OSError as err:
        reason = f"cannot be read: {err.strerror or err}"
        return SourceFile(str(path), store.FileRecord("", skipped=reason))
    old = previous.files.get(str(path)) if previous is not None else None
    if old is not None and old.content_hash == content_hash:
        return SourceFile(str(path), old, reused=True)
    return SourceFile(str(path), store.FileRecord(content_hash))


def _upgraded(index_dir: Path, encoder: Encoder) -> store.Generation | None:
    """The index at `index_dir` rewritten in the current format when it is of format 2 and was
    built by this encoder (`index.legacy`), else None."""
    try:
        manifest = store.read_manifest(index_dir)
    except IndexMissingError:
        return None
    return legacy.upgrade(index_dir, encoder) if manifest.format_version == 2 else None


def _previous(index_dir: Path, encoder: Encoder) -> store.Generation | None:
    """The current generation when its vectors can be reused with this encoder, else None."""
    try:
        previous = store.open_generation(index_dir)
        store.check_compatible(previous.manifest, encoder, index_dir)
    except (IndexMissingError, IndexMismatchError):
        return None
    return previous


def _read_all(
    parts: list[SourceFile], limits: ParseLimits, guard: GuardLimits, progress: bool
) -> None:
    """Parse and chunk, in place, every part neither taken over nor skipped."""
    todo = {
        part.path: index
        for index, part in enumerate(parts)
        if not part.reused and not part.record.skipped
    }
    with Progress(len(todo), "read", "file", enabled=progress, leave=False) as bar:
        for path, result in parse_all(map(Path, todo), limits, guard):
            index = todo[str(path)]
            parts[index] = _read(parts[index], result)
            bar.update()


def _read(part: SourceFile, result: Letter | ParseError) -> SourceFile:
    path, content_hash = part.path, part.record.content_hash
    if isinstance(result, ReaderLimitError):
        content_hash = ""  # not remembered as unreadable: tried again next build
    if isinstance(result, ParseError):
        return SourceFile(path, store.FileRecord(content_hash, skipped=result.reason))
    try:
        chunks = chunk_letter(result)
    except ParseError as err:
        return SourceFile(path, store.FileRecord(content_hash, skipped=err.reason))
    except Exception as err:  # a chunker bug on a hostile letter must not stop the build
        reason = f"could not be read ({type(err).__name__}: {err})"
        return SourceFile(path, store.FileRecord(content_hash, skipped=reason))
    if not chunks:
        return SourceFile(path, store.FileRecord(content_hash, skipped="no text found"))
    record = store.FileRecord(content_hash, letter_id=result.id, count=len(chunks))
    return SourceFile(path, record, chunks, _sections(result, chunks))


def _sections(letter: Letter, chunks: list[Chunk]) -> dict[tuple[str, int], str]:
    used = {chunk.section_index for chunk in chunks}
    return {
        (letter.source, index): section.text
        for index, section in enumerate(letter.sections)
        if index in used
    }


def _embed(
    parts: list[SourceFile],
    previous: store.Generation | None,
    index_dir: Path,
    encoder: Encoder,
    progress: bool,
) -> tuple[int, int]:
    """Fill in the chunk and sentence-pair vectors of `parts`, reusing stored vectors for
    identical text. Returns how many chunk texts and pair texts went to the encoder."""
    if not parts:
        return 0, 0
    texts_of = []  # each part's sentence-pair texts
    for part in parts:
        texts, rows = pairs.rows_of(part.chunks)
        texts_of.append(texts)
        part.pair_counts = np.bincount(rows, minlength=len(part.chunks)).tolist()
        part.pair_hashes = [text_hash(text) for text in texts]
    chunk_texts = dict.fromkeys(chunk.embed_text for part in parts for chunk in part.chunks)
    pair_texts = dict.fromkeys(text for texts in texts_of for text in texts)
    known = reuse.stored_vectors(index_dir, previous, [*chunk_texts, *pair_texts])
    chunk_todo = [text for text in chunk_texts if text not in known]
    pair_todo = [t for t in pair_texts if t not in known and t not in chunk_texts]
    todo = chunk_todo + pair_todo
    if todo:
        with Progress(len(todo), "embed", "text", enabled=progress) as bar:
            vectors = encoder.encode_document(todo, progress=bar.update)
        known |= dict(zip(todo, np.asarray(vectors, dtype=np.float32), strict=True))
    empty = np.zeros((0, encoder.dimension), np.float32)
    for part, texts in zip(parts, texts_of, strict=True):
        part.vectors = np.stack([known[chunk.embed_text] for chunk in part.chunks])
        part.pairs = np.stack([known[t] for t in texts]) if texts else empty
    return len(chunk_todo), len(pair_todo)


def _corpus_hash(parts: list[SourceFile]) -> str:
    corpus = hashlib.sha256()
    for part in sorted(parts, key=lambda part: part.path):
        corpus.update(f"{part.path}\0{part.record.content_hash}\n".encode())
    return corpus.hexdigest()


def _unchanged(previous: store.Generation, manifest, kept, fresh, roots) -> bool:
    return (
        not fresh
        and previous.manifest.corpus_hash == manifest.corpus_hash
        and previous.manifest.extra == manifest.extra
        and previous.roots == roots
        and previous.files == kept
    )
