"""Per-example random number generators.

Randomness is keyed by *what* an example is, never by where it sits in a batch: the RNG
for an example is seeded from (global seed, source, split, source id, purpose).  That is
what makes the output independent of batch size, worker count, executor and row order.
``purpose`` separates independent streams (few-shot draws, the corruption) so adding a
feature that draws from one stream never shifts the values of another.

A build makes one or two generators per row, so seeding cost matters: seeding the
standard Mersenne Twister (624 words of state) costs more than the pair making itself.
:class:`SplitMix64` keeps the whole :class:`random.Random` API (``choice``, ``randint``,
``sample``...) on a 64-bit SplitMix generator whose seeding is free.  It is a
well-studied generator (Steele et al., 2014) and more than adequate for picking which
number to corrupt; it is not for cryptography.

Even a SplitMix64 costs ~1.7 us to *create* (``random.Random``'s C constructor seeds a
Mersenne Twister from ``os.urandom`` first), which is a tenth of a row's whole budget, so
the build uses :class:`ExampleRandom`: one generator per (seed, source, split), re-seeded
for each example, with the key prefix hashed once.  The streams are exactly those of
:func:`example_rng`.
"""

from __future__ import annotations

import hashlib
import random

_MASK = (1 << 64) - 1


class SplitMix64(random.Random):
    """A :class:`random.Random` driven by SplitMix64 instead of the Mersenne Twister."""

    _state: int

    def __init__(self, seed: int = 0) -> None:
        self._state = seed & _MASK
        self.gauss_next = None

    def seed(self, a: object = None, version: int = 2) -> None:
        self._state = a & _MASK if isinstance(a, int) else hash(a) & _MASK
        self.gauss_next = None

    def _next64(self) -> int:
        self._state = state = (self._state + 0x9E3779B97F4A7C15) & _MASK
        z = ((state ^ (state >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
        return z ^ (z >> 31)

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:  # type: ignore[override]
        """``random.Random.randrange`` with a direct path for ``randrange(n)``.

        Same values as the inherited method (which calls ``_randbelow(n)`` for that
        form), without its argument checks; every other form goes to the inherited one.
        """
        if stop is None and step == 1 and type(start) is int and 0 < start <= _MASK:
            return (self._next64() * start) >> 64
        return int(super().randrange(start, stop, step))

    def randint(self, a: int, b: int) -> int:
        """``random.Random.randint`` (``a + _randbelow(b - a + 1)``) without its checks."""
        if type(a) is int and type(b) is int and a <= b and b - a < _MASK:
            return a + ((self._next64() * (b - a + 1)) >> 64)
        return int(super().randint(a, b))

    def random(self) -> float:
        return (self._next64() >> 11) * (1.0 / 9007199254740992.0)

    def _randbelow(self, n: int) -> int:  # type: ignore[override]
        """An integer in [0, n): one 64-bit draw scaled by multiplication (Lemire).

        ``randrange``, ``choice``, ``sample`` and ``shuffle`` all go through this hook;
        the standard rejection loop would cost several Python-level draws per call.
        The bias is below n / 2**64, far beneath anything a corruption choice can show.
        """
        if n <= 0:
            raise ValueError("n must be positive")
        if n > _MASK:
            return int(super()._randbelow(n))  # type: ignore[misc]
        return (self._next64() * n) >> 64

    def getrandbits(self, k: int) -> int:
        if k == 64:  # one whole draw, the common request
            return self._next64()
        if k < 0:
            raise ValueError("number of bits must be non-negative")
        value, bits = 0, 0
        while bits < k:
            value = (value << 64) | self._next64()
            bits += 64
        return value >> (bits - k)

    def getstate(self) -> tuple[int, int]:  # type: ignore[override]
        return (1, self._state)

    def setstate(self, state: tuple[int, int]) -> None:  # type: ignore[override]
        self._state = state[1]


def example_seed(seed: int, source: str, split: str, source_id: str, purpose: str) -> int:
    """A 64-bit seed derived from the example's identity (stable across Python runs)."""
    return ExampleRandom(seed, source, split).seed_of(source_id, purpose)


def example_rng(seed: int, source: str, split: str, source_id: str, purpose: str) -> random.Random:
    """A fresh generator for one example and one purpose."""
    return SplitMix64(example_seed(seed, source, split, source_id, purpose))


class ExampleRandom:
    """The per-example generators of one (seed, source, split), cheap to hand out.

    :meth:`for_example` returns the same :class:`SplitMix64` re-seeded, in the state a
    fresh ``example_rng(seed, source, split, source_id, purpose)`` would have: use it
    before asking for the next example's generator.
    """

    def __init__(self, seed: int, source: str, split: str) -> None:
        self._prefix = hashlib.blake2b(f"{seed}\x1f{source}\x1f{split}\x1f".encode(), digest_size=8)
        self._rng = SplitMix64()

    def seed_of(self, source_id: str, purpose: str) -> int:
        """blake2b of ``seed, source, split, source_id, purpose`` (0x1f-separated), 64 bits;
        the prefix up to the split is hashed once per batch."""
        key = self._prefix.copy()
        key.update(f"{source_id}\x1f{purpose}".encode())
        return int.from_bytes(key.digest(), "little")

    def for_example(self, source_id: str, purpose: str) -> random.Random:
        """The generator of ``source_id``'s ``purpose`` stream (valid until the next call)."""
        self._rng.seed(self.seed_of(source_id, purpose))
        return self._rng


__all__ = ["ExampleRandom", "SplitMix64", "example_rng", "example_seed"]
