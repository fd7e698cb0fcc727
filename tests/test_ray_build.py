"""`brieven build --ray`: the embedding stage on a local Ray cluster gives the same index."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from index import whole
from index.build import build
from tests.conftest import LETTERS, FakeEncoder

ray = pytest.importorskip("ray")
# Vectors are kept as float16 (index format 3): a difference in the last float32 bits between
# the two builds can round to neighbouring float16 values, at most ~1e-3 apart for |x| < 1.
F16 = 1e-3


@pytest.fixture(scope="module")
def local_cluster():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def _assert_same_index(one, other, tolerance: float) -> None:
    assert one.chunks == other.chunks
    assert one.sections == other.sections
    np.testing.assert_array_equal(one.pair_rows, other.pair_rows)
    np.testing.assert_allclose(one.vectors, other.vectors, atol=tolerance)
    np.testing.assert_allclose(one.pairs, other.pairs, atol=tolerance)


@pytest.mark.slow  # a Ray cluster takes about 20 s to start
def test_ray_build_equals_local_build(tmp_path, local_cluster):
    from index.ray_embed import RayEncoder

    local = FakeEncoder()
    build([LETTERS], tmp_path / "local", local, progress=False)
    report = build(
        [LETTERS], tmp_path / "ray", RayEncoder(local, FakeEncoder, "local"), progress=False
    )
    assert report.chunks_embedded > 100 and report.pairs_embedded > 100
    _assert_same_index(whole.load(tmp_path / "local"), whole.load(tmp_path / "ray"), F16)


@pytest.mark.slow
def test_cli_build_on_ray_with_the_real_model_equals_a_local_build(
    tmp_path, local_cluster, real_encoder, capsys
):
    from brieven.cli import main
    from tests.conftest import SEED, copy_letters

    letters = copy_letters([SEED], tmp_path / "letters")
    build([letters], tmp_path / "local", real_encoder, progress=False)
    args = ["build", str(letters), "--index", str(tmp_path / "ray"), "--backend", "torch"]
    assert main([*args, "--device", "cpu", "--ray", "local"]) == 0
    assert "passages and" in capsys.readouterr().out
    local = whole.load(tmp_path / "local")
    _assert_same_index(local, whole.load(tmp_path / "ray"), F16)

    # The embedding stage itself, before float16 storage: the cluster's vectors for the same
    # texts are the local model's within 1e-5 (same backend, same length batches).
    from index.encoder import load_encoder
    from index.ray_embed import RayEncoder

    texts = [chunk.embed_text for chunk in local.chunks]
    on_node = functools.partial(load_encoder, None, backend="torch", device="cpu")
    on_cluster = RayEncoder(real_encoder, on_node, "local").encode_document(texts)
    np.testing.assert_allclose(on_cluster, real_encoder.encode_document(texts), atol=1e-5)
