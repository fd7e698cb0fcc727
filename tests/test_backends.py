"""Which backend runs the model: OpenVINO on a CPU, torch with a notice where it cannot, fp16 on a
GPU; and what each gives against torch fp32, the reference."""

from __future__ import annotations

import json

import numpy as np
import pytest

from brieven.cli import main
from brieven.kernel.errors import ModelError
from index import encoder as encoder_module
from index import openvino_encoder
from index.encoder import SentenceTransformerEncoder, load_encoder


def test_unknown_backend_is_refused_naming_the_choices(monkeypatch):
    monkeypatch.setenv("BRIEVEN_BACKEND", "onnx")
    with pytest.raises(ModelError, match="unknown backend 'onnx': choose one of auto, openvino"):
        load_encoder()


def test_cuda_without_a_gpu_says_so(capsys):
    assert main(["model", "info", "--device", "cuda"]) == 1
    assert capsys.readouterr().err == (
        "brieven: --device cuda: torch sees no GPU here (a CUDA build of torch and a GPU)\n"
    )


def test_openvino_for_another_model_is_refused(tmp_path):
    with pytest.raises(ModelError, match="runs the default model multilingual-e5-small only"):
        load_encoder(str(tmp_path), backend="openvino")


def test_a_cpu_without_avx2_is_named(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu sse sse2 sse4_2\n")
    assert openvino_encoder.missing_instructions(cpuinfo) == ["avx2"]
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu sse4_2 avx avx2 fma\n")
    assert openvino_encoder.missing_instructions(cpuinfo) == []


@pytest.fixture(scope="module")
def openvino_model():
    return load_encoder(backend="openvino")




@pytest.mark.slow
def test_default_on_a_cpu_is_openvino_and_model_info_names_it(openvino_model, capsys):
    assert main(["model", "info", "--json"]) == 0
    facts = json.loads(capsys.readouterr().out)
    assert facts["backend"] == "openvino" and facts["device"] == "cpu"
    assert facts["precision"] in ("bf16", "f32")
    assert facts["weights_hash"] == openvino_model.weights_hash  # the same model to an index


@pytest.mark.slow
def test_openvino_vectors_keep_cosine_099_to_torch_on_every_passage(openvino_model, real_encoder):
    texts = _sample_passages()
    fast = openvino_model.encode_document(texts)
    reference = real_encoder.encode_document(texts)
    assert fast.dtype == np.float32 and np.allclose(np.linalg.norm(fast, axis=1), 1, atol=1e-5)
    assert np.sum(fast * reference, axis=1).min() >= 0.99
    query = "What does the minister say about the budget?"
    cosine = openvino_model.encode_query([query])[0] @ real_encoder.encode_query([query])[0]
    assert cosine >= 0.99


@pytest.mark.slow
def test_a_cpu_without_the_instructions_falls_back_to_torch_with_one_line(monkeypatch, capsys):
    monkeypatch.setattr(openvino_encoder, "missing_instructions", lambda: ["avx2"])
    encoder = load_encoder()
    assert encoder.backend == "torch"
    assert capsys.readouterr().err == (
        "brieven: this CPU lacks avx2, which OpenVINO needs; embedding with torch instead\n"
    )


@pytest.mark.slow
def test_a_folder_that_cannot_be_converted_falls_back_to_torch(monkeypatch, tmp_path, capsys):
    def cannot_convert(folder, ov):
        raise RuntimeError("unsupported operation aten::foo")

    monkeypatch.setattr(openvino_encoder, "export_dir", lambda folder, weights: tmp_path / "ov")
    monkeypatch.setattr(openvino_encoder, "_convert", cannot_convert)
    encoder = load_encoder()
    assert encoder.backend == "torch"
    err = capsys.readouterr().err
    assert err.startswith("brieven: cannot convert ") and err.count("\n") == 1
    assert "unsupported operation aten::foo; embedding with torch instead" in err
    assert not (tmp_path / "ov").exists() and list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_fp16_path_batches_by_length_and_stays_within_cosine_099(real_encoder):
    """The GPU path (fp16, batches sorted by length), run on the CPU where no GPU is lent."""
    from sentence_transformers import SentenceTransformer

    from index import model

    st_model = SentenceTransformer(str(model.default_model_path()), device="cpu")
    half = SentenceTransformerEncoder(
        st_model, model.MODEL_NAME, "", model.PROMPTS, half=True
    )
    assert half.precision == "fp16" and half.device == "cpu"
    texts = _sample_passages()[:40]
    seen: list[int] = []
    vectors = half.encode_document(texts, progress=seen.append)
    assert vectors.dtype == np.float32 and sum(seen) == len(texts)
    assert np.sum(vectors * real_encoder.encode_document(texts), axis=1).min() >= 0.99


def _sample_passages() -> list[str]:
    """The embedded text of every passage (chunk) of the sample letters in data/letters."""
    from ingest.chunk import chunk_letter
    from ingest.discover import find_files
    from ingest.parse import parse
    from tests.conftest import LETTERS

    return [chunk.embed_text for path in find_files([LETTERS]) for chunk in chunk_letter(parse(path))]


def test_backend_choice_reads_the_environment(monkeypatch):
    monkeypatch.setenv("BRIEVEN_DEVICE", "CPU")
    assert encoder_module._choice("device", None, encoder_module.DEVICES) == "cpu"
    assert encoder_module._choice("device", "cuda", encoder_module.DEVICES) == "cuda"
