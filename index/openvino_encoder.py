"""The default model run by OpenVINO: the fast CPU backend.

Measured on this project's 2-core Xeon (AMX and AVX512-BF16), texts of data/letters embedded in
batches of 32 sorted by length, each backend in turn on the same batch (the machine was shared,
so only ratios mean anything):

| backend                               | texts/s vs torch fp32 | min cosine to torch |
|---------------------------------------|-----------------------|---------------------|
| OpenVINO, its default precision: bf16 | 3.0-3.4x (a)          | 0.99998             |
| OpenVINO, fp32                        | 1.6x                  | 1.00000             |
| ONNX Runtime, int8 dynamic per-channel| 1.8x                  | 0.993               |
| ONNX Runtime, int8 per-tensor         | 2.6x                  | 0.974 (too far)     |
| ONNX Runtime, fused fp32              | 1.4x                  | 1.00000             |

(a) `python bench/build.py --compare --json`: 2.72 texts/s torch, 9.31 OpenVINO (3.43x); again
with tests running beside it 2.28 and 6.94 (3.04x); min cosine 0.99998 over the 942 texts a build
of data/letters embeds. On the whole corpus the dev
figures (`brieven eval`, 50 questions) were the same as torch's: R@1 .72, R@5 .96, MRR@10 .81.

OpenVINO picks bf16 by itself where the CPU has bf16 instructions and fp32 elsewhere, so one
backend serves both. The network (BERT, mean pooling and L2 normalisation in the graph) is
converted once from the local model folder with `openvino.convert_model` (no hub, no ONNX
package) into `<model folder>-openvino-<weights hash>/model.xml` beside the model: about a minute,
done by `brieven model install` or the first load. The tokenizer is the folder's tokenizer.json,
cut at 512 tokens as sentence-transformers cuts it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from brieven.kernel.encoder import in_length_batches
from brieven.kernel.errors import ModelError
from index import model as default_model

BACKEND = "openvino"
MAX_TOKENS = 512
REQUIRED_FLAGS = ("avx2",)  # what OpenVINO's CPU plugin is built for; older CPUs run torch
_INPUTS = ("input_ids", "attention_mask")


def export_dir(folder: Path, weights_hash: str) -> Path:
    """Where the converted model of `folder` lives: beside it, keyed by its weights."""
    return folder.with_name(f"{folder.name}-{BACKEND}-{weights_hash[:16]}")


def missing_instructions(cpuinfo: Path = Path("/proc/cpuinfo")) -> list[str]:
    """The CPU flags OpenVINO needs that this CPU lacks (none known where `cpuinfo` is absent)."""
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    flags = next((line.split(":", 1)[1].split() for line in text.splitlines()
                  if line.startswith("flags")), None)
    return [] if flags is None else [flag for flag in REQUIRED_FLAGS if flag not in flags]


def export(folder: Path, weights_hash: str) -> Path:
    """Convert the model in `folder` once; return the model.xml (cached, keyed by weights hash).

    Raises ModelError when OpenVINO is missing or the folder cannot be converted.
    """
    target = export_dir(folder, weights_hash)
    if (target / "model.xml").is_file():
        return target / "model.xml"
    ov = _openvino()
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=folder.parent))
    try:
        network = _convert(folder, ov)
        ov.save_model(network, str(staging / "model.xml"), compress_to_fp16=False)
        for path in (staging, *staging.iterdir()):  # readable by every user, as the model folder
            path.chmod(0o755 if path.is_dir() else 0o644)
        default_model.swap_in(staging, target)
    except Exception as err:  # torch tracing and the converter raise many kinds
        shutil.rmtree(staging, ignore_errors=True)
        raise ModelError(f"cannot convert {folder} for OpenVINO: {first_line(err)}") from err
    return target / "model.xml"


def _convert(folder: Path, ov):
    import torch
    from transformers import AutoModel

    class MeanPooled(torch.nn.Module):
        """BERT, mean pooling over real tokens, L2 normalisation: one graph."""

        def __init__(self, bert) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask):
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask)[0]
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=-1)

    bert = AutoModel.from_pretrained(str(folder), attn_implementation="eager").eval()
    example = {name: torch.ones((2, 8), dtype=torch.long) for name in _INPUTS}
    shapes = [(name, [-1, -1], ov.Type.i64) for name in _INPUTS]
    with torch.no_grad():
        return ov.convert_model(MeanPooled(bert), example_input=example, input=shapes)


class OpenVinoEncoder:
    """The default model compiled by OpenVINO; meets `brieven.kernel.encoder.Encoder`."""

    backend = BACKEND
    device = "cpu"

    def __init__(self, xml: Path, folder: Path, weights_hash: str, prompts: dict[str, str]) -> None:
        from tokenizers import Tokenizer

        ov = _openvino()
        threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 0
        config = {"INFERENCE_NUM_THREADS": threads} if threads else {}
        try:
            self._compiled = ov.Core().compile_model(str(xml), "CPU", config)
        except Exception as err:  # the CPU plugin refuses a CPU or a file in many ways
            raise ModelError(f"OpenVINO cannot run {xml}: {first_line(err)}") from err
        hint = self._compiled.get_property("INFERENCE_PRECISION_HINT")
        self.precision = hint.get_type_name()  # bf16 where the CPU has it, else f32
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        pad = self._tokenizer.token_to_id("<pad>")
        self._tokenizer.enable_padding(pad_id=pad or 0, pad_token="<pad>")
        self.model_id = default_model.MODEL_NAME
        self.weights_hash = weights_hash
        self.dimension = int(self._compiled.outputs[0].get_partial_shape()[1].get_length())
        self.query_prompt = prompts["query"]
        self.document_prompt = prompts["document"]

    def encode_query(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([self.query_prompt + text for text in texts])

    def encode_document(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        """Embed passages in batches, longest first (less padding), calling progress(batch size)."""
        from index.encoder import BATCH_SIZE

        return in_length_batches(
            [self.document_prompt + text for text in texts],
            self._encode,
            self.dimension,
            BATCH_SIZE,
            longest_first=True,
            progress=progress,
        )

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.empty((0, self.dimension), dtype=np.float32)
        encoded = self._tokenizer.encode_batch(texts)
        feed = {
            "input_ids": np.array([item.ids for item in encoded], dtype=np.int64),
            "attention_mask": np.array([item.attention_mask for item in encoded], dtype=np.int64),
        }
        vectors = np.asarray(self._compiled(feed)[0], dtype=np.float32)
        return np.ascontiguousarray(vectors / np.linalg.norm(vectors, axis=1, keepdims=True))


def load(folder: Path, weights_hash: str, prompts: dict[str, str]) -> OpenVinoEncoder:
    """Convert (once) and compile the model in `folder`. Raises ModelError when it cannot."""
    missing = missing_instructions()
    if missing:
        raise ModelError(f"this CPU lacks {', '.join(missing)}, which OpenVINO needs")
    return OpenVinoEncoder(export(folder, weights_hash), folder, weights_hash, prompts)


def _openvino():
    try:
        import openvino
    except ImportError as err:
        raise ModelError(
            "the OpenVINO backend needs the openvino package: pip install openvino"
        ) from err
    return openvino


def first_line(err: Exception) -> str:
    """The first line of an error's message, or its class name: a notice stays one line."""
    text = str(err).strip()
    return text.splitlines()[0] if text else err.__class__.__name__
