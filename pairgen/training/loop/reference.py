"""Reference log-probs: only for the pairs a run will see, computed once, reused.

The reference model is the start model, so its log-probs must be computed before the
first optimizer step, for every pair the run will use: the training pairs of the run's
:func:`~pairgen.training.loop.batches.schedule` (200 pairs for 50 steps of 4, not the 7,453 of
a GSM8K train build) and the held-out pairs.  Two rules keep it cheap and exact:

- **Step 1 in its own shape.**  The micro-batches of step 1 are forwarded exactly as
  step 1 will forward them, so on step 1 policy and reference log-probs are equal to the
  bit (DPOP's ``max(0, log π_ref - log π)`` starts at exactly 0; see
  :class:`~pairgen.training.loop.forward.Reference`).  Every other pair goes through
  forward-only batches sorted by length, as large as the run's token budget allows.
- **Computed once.**  A :class:`ReferenceCache` keeps each pair's log-probs under a key
  that names the start weights.  Every loss of a run shares them, and so do the seeds of
  ``--seeds N`` when their start weights are the same (a pretrained model without SFT
  warm-up); a different start clears the cache.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field

from pairgen.training.loop.batches import by_tokens
from pairgen.training.loop.data import TokenizedPair
from pairgen.training.loop.forward import PairRow, Reference, Run, ignore


def pair_key(pair: TokenizedPair) -> Hashable:
    """A pair by content: the same id with other tokens (another max length) is another pair."""
    return (pair.id, tuple(pair.prompt), tuple(pair.chosen), tuple(pair.rejected))


@dataclass(slots=True)
class ReferenceCache:
    """Reference log-probs by pair, valid for the start weights named by ``start``."""

    start: Hashable = None
    rows: dict[Hashable, PairRow] = field(default_factory=dict)
    computed: int = 0  # pairs forwarded (not found in the cache), for the report

    def begin(self, start: Hashable) -> None:
        """Use the cache for a run starting from ``start``; forget it if that differs.

        ``start=None`` means the start weights cannot be named (random or warmed-up
        weights of another run): nothing is reused.
        """
        if start is None or start != self.start:
            self.rows.clear()
        self.start = start


def compute_reference(
    run: Run,
    pairs: Sequence[TokenizedPair],
    cache: ReferenceCache,
    exact: Sequence[Sequence[int]] = (),
    advance: Callable[[int], None] = ignore,
) -> Reference:
    """The reference of ``pairs`` (indices into them) under the run's current weights.

    ``exact``: batches forwarded as they are (step 1's micro-batches), whatever the cache
    holds; every other pair comes from the cache or from forward-only batches.
    """
    keys = [pair_key(p) for p in pairs]
    rows: dict[int, PairRow] = {}
    fresh = [list(batch) for batch in exact]
    pinned = {i for batch in fresh for i in batch}
    for i, key in enumerate(keys):
        if i not in pinned and key in cache.rows:
            rows[i] = cache.rows[key]
            advance(1)
    missing = [i for i in range(len(pairs)) if i not in rows and i not in pinned]
    lengths = run.lengths(pairs)
    fresh += by_tokens(lengths, missing, run.forward_tokens)
    for indices, found in zip(fresh, run.forward_rows(pairs, fresh), strict=True):
        for i, row in zip(indices, found, strict=True):
            rows[i] = cache.rows[keys[i]] = row
        cache.computed += len(indices)
        advance(len(indices))
    if sorted(rows) != list(range(len(pairs))):
        raise ValueError("reference batches must cover every pair exactly once")
    return Reference.of([rows[i] for i in range(len(pairs))])


__all__ = ["ReferenceCache", "compute_reference", "pair_key"]
