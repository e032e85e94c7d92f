"""Per-example RNGs: keyed by identity, independent streams, full random.Random API."""

from __future__ import annotations

import random
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from pairgen.pipeline.rng import ExampleRandom, SplitMix64, example_rng


def test_same_identity_same_stream_and_purposes_are_independent() -> None:
    a = example_rng(1, "gsm8k", "train", "7", "pairs")
    b = example_rng(1, "gsm8k", "train", "7", "pairs")
    c = example_rng(1, "gsm8k", "train", "7", "shots")
    d = example_rng(1, "gsm8k", "train", "8", "pairs")
    draws = [[r.randrange(10**9) for _ in range(5)] for r in (a, b, c, d)]
    assert draws[0] == draws[1]
    assert draws[0] != draws[2] and draws[0] != draws[3]


@given(st.integers(0, 2**64 - 1), st.integers(1, 50), st.integers(0, 200))
def test_api_stays_in_range(seed: int, upper: int, k: int) -> None:
    rng = SplitMix64(seed)
    assert 0 <= rng.randrange(upper) < upper
    assert 0.0 <= rng.random() < 1.0
    assert 0 <= rng.getrandbits(k) < 2**k if k else rng.getrandbits(0) == 0
    population = list(range(upper))
    sample = rng.sample(population, min(3, upper))
    assert len(set(sample)) == len(sample)


def test_draws_are_roughly_uniform() -> None:
    rng = SplitMix64(12345)
    counts = Counter(rng.randrange(6) for _ in range(60_000))
    assert all(9_000 < counts[face] < 11_000 for face in range(6))


def test_state_round_trips() -> None:
    rng = SplitMix64(3)
    rng.random()
    state = rng.getstate()
    first = [rng.random() for _ in range(3)]
    rng.setstate(state)
    assert [rng.random() for _ in range(3)] == first


@given(st.integers(0, 2**64 - 1), st.integers(1, 2**70), st.integers(-50, 50), st.integers(0, 99))
def test_fast_paths_draw_what_random_random_would(seed: int, n: int, a: int, width: int) -> None:
    """randrange(n) and randint(a, b) skip random.Random's checks, not its values."""
    fast, reference = SplitMix64(seed), SplitMix64(seed)
    assert fast.randrange(n) == random.Random.randrange(reference, n)
    assert fast.randint(a, a + width) == random.Random.randint(reference, a, a + width)
    assert fast.randrange(a, a + width + 1) == random.Random.randrange(reference, a, a + width + 1)
    assert fast.random() == reference.random()


@given(st.text(max_size=12), st.sampled_from(["pairs", "shots"]), st.integers(0, 2**32))
def test_example_random_gives_example_rng_streams(source_id: str, purpose: str, seed: int) -> None:
    rngs = ExampleRandom(seed, "metamath", "train")
    rngs.for_example("another", purpose).random()  # a used generator is re-seeded fully
    shared = rngs.for_example(source_id, purpose)
    fresh = example_rng(seed, "metamath", "train", source_id, purpose)
    assert [shared.randrange(1000) for _ in range(4)] == [fresh.randrange(1000) for _ in range(4)]
