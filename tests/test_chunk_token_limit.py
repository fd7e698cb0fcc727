"""Every chunk fits the model: sentence-transformers silently cuts text after 512 XLM-R tokens.

The chunker counts its budget in cl100k tokens; this checks the budget against the real model's
tokenizer on every letter of the sample corpus, with the "passage: " prompt and <s> ... </s>.
"""

from __future__ import annotations

import pytest
from conftest import LETTERS

from brieven.kernel.errors import ParseError
from ingest.chunk import chunk_letter
from ingest.discover import find_files
from ingest.parse import parse

MODEL_LIMIT = 512


@pytest.mark.slow
def test_every_sample_chunk_is_under_the_model_token_limit(real_encoder):
    tokenizer = real_encoder.model.tokenizer
    sizes: dict[str, int] = {}
    for path in find_files([LETTERS]):
        try:
            letter = parse(path)
        except ParseError:
            continue  # unreadable files are the parser tests' business
        for chunk in chunk_letter(letter):
            text = real_encoder.document_prompt + chunk.embed_text
            sizes[chunk.id] = len(tokenizer(text)["input_ids"])
    assert len(sizes) > 100
    too_long = {chunk_id: size for chunk_id, size in sizes.items() if size >= MODEL_LIMIT}
    assert too_long == {}
