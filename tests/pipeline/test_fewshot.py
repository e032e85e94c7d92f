"""Few-shot exemplars: deterministic, distinct, never the example itself."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from pairgen.pipeline.fewshot import pool_from
from pairgen.record import Example


def example(i: int, question: str | None = None) -> Example:
    return Example("gsm8k", "main", "train", str(i), question or f"q{i}", solution=f"s{i}")


@settings(max_examples=200, deadline=None)
@given(
    pool_size=st.integers(1, 12),
    target=st.integers(0, 15),
    k=st.integers(0, 6),
    seed=st.integers(0, 10**6),
)
def test_draw_never_returns_the_example_itself(
    pool_size: int, target: int, k: int, seed: int
) -> None:
    pool = pool_from([example(i) for i in range(pool_size)] + [example(99, "q3")])
    me = example(target, f"q{target}")
    shots = pool.draw(me, k, random.Random(seed))
    assert all(s.source_id != me.source_id and s.question != me.question for s in shots)
    assert len({s.source_id for s in shots}) == len(shots)
    usable = sum(
        1 for e in pool.examples if e.source_id != me.source_id and e.question != me.question
    )
    assert len(shots) == min(k, usable)
    assert shots == pool.draw(me, k, random.Random(seed))
