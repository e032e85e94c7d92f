"""Several pairs per packed row: exact against the unshared layout, little padding.

A row holds whole pairs up to the width of the batch's longest one, each pair with its
own positions from 0 and a block-diagonal mask (the prefix-sharing mask inside each
block).  Checked on a real tiny transformer and on SmolLM2-135M's architecture (random
weights, 2 layers): per-token log-probs and gradients equal the unshared computation to
1e-5.  Training batches grouped by length keep padded slots under 10% of real tokens on
the real GSM8K samples.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from test_train_sharing import ATOL, grads, logprobs, max_diff, model_for

from pairgen.training.loop.batches import batch_indices, by_tokens, schedule
from pairgen.training.loop.data import TokenizedPair, first_difference, read_pairs, tokenize_pairs
from pairgen.training.loop.masks import shared_attention_mask
from pairgen.training.loop.packing import Layout, pack_shared, padding_ratio, rows_for
from pairgen.training.loop.tiny import tiny_tokenizer


def pair(name: str, prompt: int, shared: int, chosen: int, rejected: int) -> TokenizedPair:
    """A pair with the given segment lengths (token ids below 300, distinct per pair)."""
    base = sum(map(ord, name)) % 50
    p = [(base + i) % 250 + 3 for i in range(prompt)]
    common = [(base + 7 * i) % 250 + 3 for i in range(shared)]
    w = common + [(base + 11 * i + 1) % 250 + 3 for i in range(chosen)]
    lo = common + [(base + 13 * i + 2) % 250 + 3 for i in range(rejected)]
    if chosen and rejected:
        lo[shared] = (w[shared] + 1) % 250 + 3  # the edit
    return TokenizedPair(name, p, w, lo, first_difference(w, lo))


# One long pair and six short ones: the short ones share rows three and two at a time.
PAIRS = [
    pair("long", 20, 12, 10, 9),
    *(pair(f"short{i}", 4 + i % 3, 2 + i % 2, 3, 2 + i % 3) for i in range(6)),
]


def test_short_pairs_share_rows_with_a_block_diagonal_mask() -> None:
    packed = pack_shared(PAIRS, 0)
    assert packed.blocks is not None
    assert packed.input_ids.shape[0] < len(PAIRS)
    assert int(packed.blocks.max()) >= 3  # some row holds three pairs
    allowed = shared_attention_mask(packed, object(), torch.float32)
    assert isinstance(allowed, torch.Tensor)
    sees = allowed[:, 0] == 0
    same = packed.blocks[:, :, None] == packed.blocks[:, None, :]
    real = (packed.blocks > 0)[:, :, None]
    assert not (sees & ~same & real).any()  # no pair sees another pair of its row


@pytest.mark.parametrize("name", ["tiny", "smollm2"])
def test_packed_rows_equal_unshared_log_probs_and_gradients(name: str) -> None:
    model = model_for(name)
    with torch.no_grad():
        assert max_diff(logprobs(model, PAIRS, True), logprobs(model, PAIRS, False)) <= ATOL
        alone = [logprobs(model, [p], True) for p in PAIRS]  # each pair in a row of its own
        together = logprobs(model, PAIRS, True)
        for b, one in enumerate(alone):
            n = int(one.chosen_len[0])
            diff = (together.chosen[b, :n] - one.chosen[0, :n]).abs().max()
            assert float(diff) <= ATOL
    packed = grads(model, lambda: logprobs(model, PAIRS, True))
    plain = grads(model, lambda: logprobs(model, PAIRS, False))
    for key in plain:
        scale = max(float(plain[key].abs().max()), 1.0)
        assert float((packed[key] - plain[key]).abs().max()) <= ATOL * scale, key


@given(st.lists(st.integers(1, 500), min_size=1, max_size=40))
def test_rows_hold_every_pair_once_within_their_width(lengths: list[int]) -> None:
    rows, width = rows_for(lengths)
    assert sorted(i for row in rows for i in row) == list(range(len(lengths)))
    assert max(lengths) <= width <= 2 * max(lengths)
    assert all(sum(lengths[i] for i in row) <= width for row in rows)
    assert len(rows) * width <= len(lengths) * max(lengths)  # never worse than a row each


def test_a_long_pair_and_three_near_half_its_length_fill_two_rows() -> None:
    """GSM8K's 16 benchmark pairs in SmolLM2 tokens hold such a batch: one pair per row
    would pad 41%, rows of the longest pair's width 41% too; two wider rows 13%."""
    rows, width = rows_for([516, 319, 318, 312])
    assert len(rows) == 2 and width < 2 * 516
    assert (len(rows) * width - 1465) / 1465 < 0.14


@given(
    st.lists(st.integers(1, 900), min_size=1, max_size=300),
    st.integers(1, 9),
    st.integers(0, 5),
    st.booleans(),
)
def test_an_epoch_of_batches_sees_every_pair_once(
    lengths: list[int], size: int, seed: int, group: bool
) -> None:
    epoch = -(-len(lengths) // size)
    batches = schedule(lengths, size, epoch, seed, group)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    assert all(len(b) == size for b in batches[:-1])  # only the last may be short
    assert batches == schedule(lengths, size, epoch, seed, group)  # seeded


@given(st.lists(st.integers(1, 900), min_size=1, max_size=200), st.integers(100, 3000))
def test_forward_batches_stay_within_the_token_budget(lengths: list[int], tokens: int) -> None:
    batches = by_tokens(lengths, range(len(lengths)), tokens)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    assert all(len(b) == 1 or sum(lengths[i] for i in b) <= tokens for b in batches)


def test_grouped_batches_pad_under_ten_percent_on_gsm8k(gsm8k_build: Path) -> None:
    """The real GSM8K samples, tiny model's tokens, batches of 4 as the trainer makes them."""
    pairs, _ = tokenize_pairs(read_pairs(gsm8k_build), tiny_tokenizer(), 100_000)
    lengths = [Layout.of(p).packed for p in pairs]
    epoch = -(-len(pairs) // 4)
    grouped = schedule(lengths, 4, epoch, seed=0, group=True)
    mixed = schedule(lengths, 4, epoch, seed=0, group=False)
    assert padding_ratio(pairs, grouped, shared=True) < 0.10
    assert padding_ratio(pairs, grouped, True) < padding_ratio(pairs, mixed, True)
    assert next(batch_indices(lengths, 4, 0)) == grouped[0]
