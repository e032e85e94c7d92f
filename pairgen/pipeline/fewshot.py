"""Few-shot exemplars drawn deterministically from a source's train split.

The Smaug ``*_DPO_FewShot`` datasets put solved exemplars in the prompt.  pairgen draws
K of them per example from a fixed pool (the first ``pool_size`` usable rows of the train
split, so the pool never depends on how the build is batched), with the example's own
"shots" RNG, and never the example itself: an exemplar with the same source id or the
same question text is skipped.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from pairgen.record import Example

DEFAULT_POOL_SIZE = 256


@dataclass(frozen=True, slots=True)
class ExemplarPool:
    """Solved examples to draw few-shot exemplars from."""

    examples: tuple[Example, ...]

    def draw(self, example: Example, k: int, rng: random.Random) -> list[Example]:
        """``k`` distinct exemplars for ``example``, excluding the example itself.

        Samples a few spare indices so the common case costs O(k), not O(pool); only when
        the spares are used up by duplicates of the example does it scan the whole pool.
        With fewer than ``k`` usable exemplars it returns them all (each pair records its
        actual ``shots``).
        """
        if k <= 0 or not self.examples:
            return []
        size = len(self.examples)
        picks = rng.sample(range(size), min(size, k + 2))
        chosen = [self.examples[i] for i in picks if not _same(self.examples[i], example)][:k]
        if len(chosen) == k or len(picks) == size:
            return chosen
        usable = [i for i in range(size) if not _same(self.examples[i], example)]
        return [self.examples[i] for i in rng.sample(usable, min(k, len(usable)))]


def _same(candidate: Example, example: Example) -> bool:
    """True when ``candidate`` is the example itself (same id, or the same question)."""
    same_id = candidate.split == example.split and candidate.source_id == example.source_id
    return same_id or candidate.question == example.question


def pool_from(examples: Sequence[Example], pool_size: int = DEFAULT_POOL_SIZE) -> ExemplarPool:
    """A pool of the first ``pool_size`` examples that have a correct answer."""
    usable = [e for e in examples if e.solution or e.answer_index is not None]
    return ExemplarPool(tuple(usable[:pool_size]))


__all__ = ["DEFAULT_POOL_SIZE", "ExemplarPool", "pool_from"]
