"""The default --max-length: the 99th percentile of the pairs' lengths, capped by the model."""

from __future__ import annotations

from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from pairgen.training.loop.data import PairText, tokenize_pairs, tokenize_whole
from pairgen.training.loop.lengths import choose_max_length, percentile
from pairgen.training.loop.tiny import tiny_tokenizer


def pairs(n: int, long_every: int) -> list[PairText]:
    """Short pairs, one in ``long_every`` far longer (the tail the percentile leaves out)."""
    out = []
    for i in range(n):
        body = "step " * (200 if i % long_every == 0 else 10)
        out.append(PairText(f"p{i}", "Q: add.", f"{body}= 4", f"{body}= 5"))
    return out


def test_chosen_length_keeps_99_percent_whole() -> None:
    tok = tiny_tokenizer()
    texts = pairs(200, long_every=200)  # one long pair in 200
    model = SimpleNamespace(config=SimpleNamespace(max_position_embeddings=4096))
    length, how = choose_max_length(tokenize_whole(texts, tok)[0], model)
    assert length % 8 == 0 and "99th percentile" in how
    _, report = tokenize_pairs(texts, tok, length)
    cut = report.truncated + sum(report.skipped.values())
    assert 1 <= cut <= 2  # at most 1% of 200; the long one is beyond it (not a huge fixed cap)


def test_capped_by_model_positions() -> None:
    model = SimpleNamespace(config=SimpleNamespace(max_position_embeddings=64))
    whole, _ = tokenize_whole(pairs(20, long_every=1), tiny_tokenizer())
    length, how = choose_max_length(whole, model)
    assert length == 64 and "capped by the model's 64 positions" in how


@given(st.lists(st.integers(1, 1000), min_size=1, max_size=300))
def test_percentile_is_a_length_with_99_percent_at_or_below(values: list[int]) -> None:
    p = percentile(values, 99)
    assert p in values
    assert sum(v <= p for v in values) >= 0.99 * len(values)
