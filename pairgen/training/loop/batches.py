"""Which pairs go together into a forward pass: training batches and forward-only batches.

Padding is paid for like real tokens, so pairs of similar length go together:

- **Training batches** (:func:`batch_indices`) are seeded random epochs, grouped by length
  the way Hugging Face's ``group_by_length`` does it: each window of
  :data:`GROUP_BATCHES` batches of the shuffled order is sorted by packed length and cut
  into batches, and the batches of the window are shuffled again (a short last batch
  stays last).  A batch is then
  random in content but homogeneous in length; the epoch still sees every pair once.
- **Forward-only batches** (reference log-probs, held-out evaluation; :func:`by_tokens`)
  hold no activations for backward: the pairs are sorted by length and cut into batches
  of about ``tokens`` forwarded tokens each.

:func:`schedule` is the list of micro-batches a run will train on, known before it
starts: the reference log-probs are computed for exactly those pairs.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from itertools import islice

# Hugging Face's LengthGroupedSampler uses megabatches of 50 batches: large enough that
# neighbours in length are close, small enough that the order stays random.
GROUP_BATCHES = 50


def batch_indices(
    lengths: Sequence[int], batch_size: int, seed: int, group: bool = True
) -> Iterator[list[int]]:
    """Endless seeded epochs of batches of indices into ``lengths`` (the last may be short)."""
    rng = random.Random(seed)
    n = len(lengths)
    while True:
        order = list(range(n))
        rng.shuffle(order)
        if not group:
            for start in range(0, n, batch_size):
                yield order[start : start + batch_size]
            continue
        window = GROUP_BATCHES * batch_size
        for begin in range(0, n, window):
            part = sorted(order[begin : begin + window], key=lambda i: -lengths[i])
            batches = [part[s : s + batch_size] for s in range(0, len(part), batch_size)]
            short = batches.pop() if len(batches[-1]) < batch_size else None
            rng.shuffle(batches)
            yield from batches
            if short is not None:  # only the epoch's last window has one: it stays last
                yield short


def schedule(
    lengths: Sequence[int], batch_size: int, micro_batches: int, seed: int, group: bool = True
) -> list[list[int]]:
    """The first ``micro_batches`` batches of :func:`batch_indices`: what a run trains on."""
    return list(islice(batch_indices(lengths, batch_size, seed, group), micro_batches))


def by_tokens(lengths: Sequence[int], indices: Sequence[int], tokens: int) -> list[list[int]]:
    """``indices`` sorted longest first, cut into batches of at most ``tokens`` tokens
    (a pair longer than that is a batch of its own)."""
    batches: list[list[int]] = []
    current: list[int] = []
    used = 0
    for i in sorted(indices, key=lambda i: (-lengths[i], i)):
        if current and used + lengths[i] > tokens:
            batches.append(current)
            current, used = [], 0
        current.append(i)
        used += lengths[i]
    if current:
        batches.append(current)
    return batches


def first_seen(batches: Sequence[Sequence[int]]) -> list[int]:
    """Each index of ``batches`` once, in the order training first meets it."""
    return list(dict.fromkeys(i for batch in batches for i in batch))


__all__ = ["GROUP_BATCHES", "batch_indices", "by_tokens", "first_seen", "schedule"]
