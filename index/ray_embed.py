"""The embedding stage on a Ray cluster: `brieven build --ray ADDRESS`.

Parsing, chunking, the lookup of vectors an index already holds and the atomic write stay on the
driver (they are cheap: about 1% of a build's time on one machine); only the texts to embed go to
the cluster. `RayEncoder` has the same interface as the local encoder, so `index.build.build` runs
unchanged and writes with the same atomic writer.

On the cluster the texts become a Ray Dataset, sorted by length as the local encoders sort them,
and `map_batches` hands batches of 32 to a pool of actors; each actor loads the model once (with
the same `load_encoder` call as the driver, so the same backend) and keeps it. The vectors come
back in the texts' order. Every node needs brieven installed (`pip install 'brieven[ray]'`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from brieven.kernel.encoder import Encoder, length_order
from brieven.kernel.errors import ModelError

BATCH_SIZE = 32


def _ray():
    try:
        import ray
    except ImportError as err:
        raise ModelError(
            "building on a Ray cluster needs ray: pip install 'brieven[ray]'"
        ) from err
    return ray


class _Embedder:
    """A Ray actor: holds one encoder, embeds one batch of texts at a time."""

    def __init__(self, make_encoder: Callable[[], Encoder]) -> None:
        self.encoder = make_encoder()

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        vectors = self.encoder.encode_document(list(batch["text"]))
        return {"row": batch["row"], "vector": np.asarray(vectors, dtype=np.float32)}


class RayEncoder:
    """`local`'s model, whose documents are embedded by actors built with `make_encoder()`; meets
    `brieven.kernel.encoder.Encoder`.

    `make_encoder` must be picklable (a module-level function or a functools.partial of one) and
    give an encoder with the same model and weights as `local`, which answers queries and names
    the model in the index manifest.
    """

    def __init__(
        self,
        local: Encoder,
        make_encoder: Callable[[], Encoder],
        address: str,
        actors: int | None = None,
    ) -> None:
        ray = _ray()
        if not ray.is_initialized():
            try:
                ray.init(address=address, log_to_driver=False)
            except (ConnectionError, RuntimeError, ValueError) as err:
                raise ModelError(f"cannot reach the Ray cluster at {address}: {err}") from err
        self._local = local
        self._make_encoder = make_encoder
        self._actors = actors or max(1, int(ray.cluster_resources().get("CPU", 1)) // 2)
        self.model_id = local.model_id
        self.weights_hash = local.weights_hash
        self.dimension = local.dimension
        self.backend = f"ray:{getattr(local, 'backend', 'torch')}"

    def encode_query(self, texts: Sequence[str]) -> np.ndarray:
        return self._local.encode_query(texts)

    def encode_document(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        """Embed on the cluster; progress(count) is called as batches come back."""
        import ray.data

        texts = list(texts)
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        ray.data.DataContext.get_current().enable_progress_bars = False  # build shows its own
        order = length_order(texts, longest_first=True)  # the same batches as a local build
        items = [{"row": row, "text": texts[row]} for row in order]
        vectors = ray.data.from_items(items).map_batches(
            _Embedder,
            fn_constructor_kwargs={"make_encoder": self._make_encoder},
            batch_size=BATCH_SIZE,
            batch_format="numpy",
            concurrency=self._actors,
        )
        for batch in vectors.iter_batches(batch_size=BATCH_SIZE, batch_format="numpy"):
            out[batch["row"]] = batch["vector"]
            if progress is not None:
                progress(len(batch["row"]))
        return out
