"""Per-example random number generators.

Randomness is keyed by *what* an example is, never by where it sits in a batch: the RNG
for an example is seeded from (global seed, source, split, source id, purpose).  That is
what makes the output independent of batch size, worker count, executor and row order.
``purpose`` separates independent streams (few-shot draws, the corruption) so adding a
feature that draws from one stream never shifts the values of another.
"""

from __future__ import annotations

import hashlib
import random


def example_seed(seed: int, source: str, split: str, source_id: str, purpose: str) -> int:
    """A 64-bit seed derived from the example's identity (stable across Python runs)."""
    key = f"{seed}\x1f{source}\x1f{split}\x1f{source_id}\x1f{purpose}".encode()
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "little")


def example_rng(seed: int, source: str, split: str, source_id: str, purpose: str) -> random.Random:
    """A fresh :class:`random.Random` for one example and one purpose."""
    return random.Random(example_seed(seed, source, split, source_id, purpose))
