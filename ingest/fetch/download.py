"""Store the documents a query lists: one file each with its metadata sidecar; skip what is there.

Layout of the output folder (default `data/letters/fetched/`, inside what `brieven build` reads):

    2025D20508.pdf            the document's file (official XML where published, else PDF/DOCX)
    2025D20508.pdf.meta.json  its sidecar: see `ingest.fetch.record` for the keys, and its
                              "links" (Zaak, dossier, vote: `ingest.fetch.links`)

Writes go to a hidden temporary file that is renamed into place, the sidecar last: a document
counts as fetched once its sidecar names the current version of the record, so a run broken off
at any point resumes where it stopped. A document whose record has a new version is fetched again.
A document already there whose links were never asked for, or a motie not yet voted on when it
was fetched, has its links asked for again and only its sidecar rewritten.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from tqdm import tqdm

from brieven.kernel.errors import FetchError
from ingest.discover import SIDECAR_SUFFIX
from ingest.fetch.client import Client
from ingest.fetch.links import is_motie, links_of
from ingest.fetch.odata import API_URL, Query, iter_documents, root
from ingest.fetch.record import (
    EXTENSIONS,
    Resource,
    best_resource,
    dossier_of,
    file_stem,
    sidecar,
)

DEFAULT_OUT = Path("data/letters/fetched")


@dataclass(frozen=True, slots=True)
class FetchReport:
    stored: tuple[Path, ...]  # files written in this run
    present: int  # documents already fetched before, skipped
    failed: tuple[tuple[str, str], ...]  # (document, reason): nothing stored for these
    unlinked: tuple[tuple[str, str], ...] = ()  # (document, reason): stored, some links unknown
    relinked: int = 0  # documents already there whose links were asked for again


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
    links: bool = True,
) -> FetchReport:
    """Fetch every document `query` lists (at most `limit`) into `out_dir`, with its links
    (unless `links` is false).

    A document that cannot be fetched (its file missing, unreadable type) is reported in
    `failed` and the others are still stored; a listing that fails raises `FetchError`.
    """
    run = _Run(client or Client(), root(api_url), out_dir, query, links)
    out_dir.mkdir(parents=True, exist_ok=True)
    bar = tqdm(
        desc="fetch", unit="doc", total=limit, disable=None if progress else True, file=sys.stderr
    )

    def set_total(count: int) -> None:
        bar.total = min(count, limit) if limit is not None else count
        bar.refresh()

    try:
        records = iter_documents(run.client, run.api_url, query, set_total, top=limit)
        for record in islice(records, limit):
            bar.update(1)
            run.take(record)
    finally:
        bar.close()
    return FetchReport(
        tuple(run.stored), run.present, tuple(run.failed), tuple(run.unlinked), run.relinked
    )


@dataclass
class _Run:
    """One fetch: where to, what was done so far."""

    client: Client
    api_url: str
    out_dir: Path
    query: Query
    links: bool
    stored: list[Path] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    unlinked: list[tuple[str, str]] = field(default_factory=list)
    present: int = 0
    relinked: int = 0

    def take(self, record: dict[str, Any]) -> None:
        name = file_stem(record)
        resource = best_resource(self.api_url, record)
        if resource is None:
            kind = record.get("ContentType") or "none"
            self.failed.append((name, f"no file brieven can read (content type {kind})"))
            return
        target = self.out_dir / f"{name}.{resource.extension}"
        if _is_current(target, record):
            self.present += 1
            old = _read_sidecar(sidecar_path(target)) or {}
            if self.links and _links_stale(old, record):
                _write_atomic(sidecar_path(target), _json(old | {"links": self._links(record)}))
                self.relinked += 1
            return
        meta = sidecar(self.api_url, record, resource, self.query.dossiers)
        if self.links:
            meta["links"] = self._links(record)
        try:
            _store(self.client, target, resource, meta)
        except FetchError as err:
            self.failed.append((name, str(err)))
            return
        self.stored.append(target)

    def _links(self, record: dict[str, Any]) -> dict[str, Any]:
        dossier = dossier_of(record, self.query.dossiers)
        links, problem = links_of(self.client, self.api_url, record, dossier)
        if problem:
            self.unlinked.append((file_stem(record), problem))
        return links


def _links_stale(meta: dict[str, Any], record: dict[str, Any]) -> bool:
    """Links never asked for, or a motie's vote not known when they were."""
    links = meta.get("links")
    if not isinstance(links, dict):
        return True
    return is_motie(record) and links.get("vote") is None


def _json(meta: dict[str, Any]) -> bytes:
    return json.dumps(meta, ensure_ascii=False, indent=2).encode()


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
    _write_atomic(sidecar_path(target), _json(meta))
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
