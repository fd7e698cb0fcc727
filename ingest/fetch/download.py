"""Store the documents a query lists: one file each with its metadata sidecar; skip what is there.

Layout of the output folder (default `data/letters/fetched/`, inside what `brieven build` reads):

    2025D20508.pdf            the document's file (official XML where published, else PDF/DOCX)
    2025D20508.pdf.meta.json  its sidecar: see `ingest.fetch.record` for the keys

Writes go to a hidden temporary file that is renamed into place, the sidecar last: a document
counts as fetched once its sidecar names the current version of the record, so a run broken off
at any point resumes where it stopped. A document whose record has a new version is fetched again.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from tqdm import tqdm

from brieven.kernel.errors import FetchError
from ingest.discover import SIDECAR_SUFFIX
from ingest.fetch.client import Client
from ingest.fetch.odata import API_URL, Query, iter_documents, root
from ingest.fetch.record import EXTENSIONS, Resource, best_resource, file_stem, sidecar

DEFAULT_OUT = Path("data/letters/fetched")


@dataclass(frozen=True, slots=True)
class FetchReport:
    stored: tuple[Path, ...]  # files written in this run
    present: int  # documents already fetched before, skipped
    failed: tuple[tuple[str, str], ...]  # (document, reason): nothing stored for these


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def fetch(
    query: Query,
    out_dir: Path = DEFAULT_OUT,
    *,
    client: Client | None = None,
    api_url: str = API_URL,
    limit: int | None = None,
    progress: bool = True,
) -> FetchReport:
    """Fetch every document `query` lists (at most `limit`) into `out_dir`.

    A document that cannot be fetched (its file missing, unreadable type) is reported in
    `failed` and the others are still stored; a listing that fails raises `FetchError`.
    """
    client = client or Client()
    api_url = root(api_url)
    out_dir.mkdir(parents=True, exist_ok=True)
    stored: list[Path] = []
    failed: list[tuple[str, str]] = []
    present = 0
    bar = tqdm(
        desc="fetch", unit="doc", total=limit, disable=None if progress else True, file=sys.stderr
    )

    def set_total(count: int) -> None:
        bar.total = min(count, limit) if limit is not None else count
        bar.refresh()

    try:
        records = iter_documents(client, api_url, query, set_total, top=limit)
        for record in islice(records, limit):
            bar.update(1)
            name = file_stem(record)
            resource = best_resource(api_url, record)
            if resource is None:
                kind = record.get("ContentType") or "none"
                failed.append((name, f"no file brieven can read (content type {kind})"))
                continue
            target = out_dir / f"{name}.{resource.extension}"
            if _is_current(target, record):
                present += 1
                continue
            try:
                _store(client, target, resource, sidecar(api_url, record, resource, query.dossiers))
            except FetchError as err:
                failed.append((name, str(err)))
                continue
            stored.append(target)
    finally:
        bar.close()
    return FetchReport(tuple(stored), present, tuple(failed))


def _is_current(target: Path, record: dict[str, Any]) -> bool:
    meta = _read_sidecar(sidecar_path(target))
    if meta is None or not target.exists() or meta.get("api_id") != record["Id"]:
        return False
    version = record.get("HuidigeDocumentVersie_Id")
    return version is None or meta.get("versie_id") == version


def _store(client: Client, target: Path, resource: Resource, meta: dict[str, Any]) -> None:
    data = client.get(resource.url)
    if not data:
        raise FetchError(f"{resource.url}: the API sent an empty file")
    _write_atomic(target, data)
    _write_atomic(sidecar_path(target), json.dumps(meta, ensure_ascii=False, indent=2).encode())
    _drop_older_copies(target, meta["api_id"])


def _drop_older_copies(target: Path, api_id: str) -> None:
    """Remove a file of the same document stored earlier in another format (a PDF, now the XML)."""
    for extension in set(EXTENSIONS.values()) - {target.suffix[1:]}:
        other = target.with_suffix(f".{extension}")
        meta = _read_sidecar(sidecar_path(other))
        if meta is not None and meta.get("api_id") == api_id:
            other.unlink(missing_ok=True)
            sidecar_path(other).unlink(missing_ok=True)


def _read_sidecar(path: Path) -> dict[str, Any] | None:
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) else None


def _write_atomic(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
