"""Model inputs for a batch of pairs: two rows per pair, or packed rows of whole pairs.

A minimal pair shares the prompt *and* its completions up to the first differing token
``k`` (``TokenizedPair.first_diff``).  :func:`pack_unshared` is the usual layout (``2B``
right-padded rows ``prompt + completion``, chosen rows first); :func:`pack_shared` packs
each pair into one row, so the shared part is forwarded once::

    segment     prompt     shared prefix  chosen suffix     rejected suffix
    tokens      prompt     chosen[:k]     chosen[k:]        rejected[k:]
    positions   0 .. P-1   P .. P+k-1     P+k .. P+|y_w|-1  P+k .. P+|y_l|-1

The positions of the rejected suffix restart at ``P+k`` (RoPE sees each token where it
sits in its own sequence), and :func:`~pairgen.training.loop.masks.shared_attention_mask` keeps
the rejected suffix from seeing the chosen one.  Each completion token is scored from
its own context: chosen token ``i`` from column ``P+i-1``; rejected tokens before ``k``
*are* chosen tokens in the same context (their log-probs are computed once and used
twice); rejected token ``k`` from column ``P+k-1`` (the last shared token, or the last
prompt token when ``k == 0``) and rejected token ``k+j`` from the ``j``-th token of the
rejected suffix.  Both layouts list the scored positions the same way (``pred_rows``,
``pred_cols``, ``targets``), so the forward pass does not care which one it got.

Several pairs share a row when they fit (:func:`rows_for`: first-fit decreasing into
rows between the longest pair's length and twice it, whichever costs least): each keeps
its own positions from 0 and the mask is block-diagonal over them (``Packed.blocks``),
so no pair sees another; padding is what the rows leave over.  With batches grouped by
length (``batches.py``), padded slots are a few percent of the real tokens
(:func:`padding_ratio`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

import torch
from torch import Tensor

from pairgen.training.loop.data import TokenizedPair

# Segment ids of a packed row.
PAD, COMMON, CHOSEN, REJECTED = 0, 1, 2, 3


@dataclass(frozen=True, slots=True)
class Layout:
    """Token counts of one pair: prompt, shared completion prefix, and the two suffixes."""

    prompt: int
    shared: int
    chosen_suffix: int
    rejected_suffix: int

    @classmethod
    def of(cls, pair: TokenizedPair) -> Layout:
        k = pair.first_diff
        return cls(len(pair.prompt), k, len(pair.chosen) - k, len(pair.rejected) - k)

    @property
    def chosen(self) -> int:
        return self.shared + self.chosen_suffix

    @property
    def rejected(self) -> int:
        return self.shared + self.rejected_suffix

    @property
    def packed(self) -> int:
        """Tokens forwarded for this pair by the shared path."""
        return self.prompt + self.shared + self.chosen_suffix + self.rejected_suffix

    @property
    def unshared(self) -> int:
        """Tokens forwarded for this pair by the unshared path (both rows, no padding)."""
        return 2 * self.prompt + self.chosen + self.rejected


@dataclass(frozen=True, slots=True)
class Packed:
    """Model inputs for a batch of pairs, and where each completion token is scored.

    ``pred_rows``/``pred_cols``/``targets`` (``(N,)`` each) list the distinct
    (position, target) pairs that go through the LM head; ``chosen_index`` ``(B, Cw)``
    and ``rejected_index`` ``(B, Cl)`` map each completion token to one of those ``N``
    (0 on padding, see the masks).

    Shared: ``R <= B`` rows with ``position_ids``, ``segments`` and ``blocks`` (the 4D
    mask is built from them).  Unshared: ``2B`` rows, chosen first, ``padding_mask`` as
    the 2D mask.
    """

    shared: bool
    input_ids: Tensor
    padding_mask: Tensor
    position_ids: Tensor | None
    segments: Tensor | None
    blocks: Tensor | None
    layouts: tuple[Layout, ...]
    pred_rows: Tensor
    pred_cols: Tensor
    targets: Tensor
    chosen_index: Tensor
    chosen_mask: Tensor
    rejected_index: Tensor
    rejected_mask: Tensor
    first_diff: Tensor

    @property
    def pairs(self) -> int:
        return len(self.layouts)

    @property
    def slots(self) -> int:
        """Token slots forwarded, padding included."""
        return int(self.input_ids.numel())

    @property
    def real_tokens(self) -> int:
        return int(self.padding_mask.sum())

    def to(self, device: torch.device) -> Packed:
        """The same batch with every tensor on ``device``."""
        moved: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            moved[f.name] = value.to(device) if isinstance(value, Tensor) else value
        return Packed(**moved)


def _completion_tables(
    layouts: Sequence[Layout],
    chosen_ids: list[list[int]],
    rejected_ids: list[list[int]],
    rows: list[int],
    cols: list[int],
    targets: list[int],
) -> dict[str, Tensor]:
    """The index tensors shared by both layouts."""
    width_w = max(lay.chosen for lay in layouts)
    width_l = max(lay.rejected for lay in layouts)
    chosen_index = torch.zeros((len(layouts), width_w), dtype=torch.long)
    rejected_index = torch.zeros((len(layouts), width_l), dtype=torch.long)
    for b, (win, lose) in enumerate(zip(chosen_ids, rejected_ids, strict=True)):
        chosen_index[b, : len(win)] = torch.tensor(win, dtype=torch.long)
        rejected_index[b, : len(lose)] = torch.tensor(lose, dtype=torch.long)
    lengths_w = torch.tensor([lay.chosen for lay in layouts])
    lengths_l = torch.tensor([lay.rejected for lay in layouts])
    return {
        "pred_rows": torch.tensor(rows, dtype=torch.long),
        "pred_cols": torch.tensor(cols, dtype=torch.long),
        "targets": torch.tensor(targets, dtype=torch.long),
        "chosen_index": chosen_index,
        "chosen_mask": torch.arange(width_w)[None, :] < lengths_w[:, None],
        "rejected_index": rejected_index,
        "rejected_mask": torch.arange(width_l)[None, :] < lengths_l[:, None],
        "first_diff": torch.tensor([lay.shared for lay in layouts], dtype=torch.long),
    }


# Per token, attention over a row of W tokens costs about 4·W·hidden multiply-adds and the
# rest of a layer about 2·(4·hidden² + 3·hidden·inner): for SmolLM2-135M (hidden 576,
# inner 1536) the two are equal near W = 4096.  A wider row holds more pairs (fewer
# padded slots) but pays more attention per token; :func:`rows_for` weighs the two.
ATTENTION_TOKENS = 4096
WIDTH_STEP = 8  # candidate row widths: the longest pair, then every 8 tokens to twice it


def first_fit(lengths: Sequence[int], width: int) -> list[list[int]]:
    """Pairs (by index) per row of ``width``: first-fit decreasing."""
    rows: list[list[int]] = []
    room: list[int] = []
    for index in sorted(range(len(lengths)), key=lambda i: (-lengths[i], i)):
        for row, left in enumerate(room):
            if lengths[index] <= left:
                rows[row].append(index)
                room[row] -= lengths[index]
                break
        else:
            rows.append([index])
            room.append(width - lengths[index])
    return rows


def rows_for(lengths: Sequence[int]) -> tuple[list[list[int]], int]:
    """Pairs (by index) per packed row, and the row width.

    No pair is split.  The width is the one, from the longest pair to twice it, whose
    first-fit packing costs least: ``rows x width x (1 + width / ATTENTION_TOKENS)``
    (linear layers per slot, attention per slot growing with the width); the narrowest
    wins a tie.
    """
    longest = max(lengths)
    best: tuple[float, int, list[list[int]]] | None = None
    for width in range(longest, 2 * longest + 1, WIDTH_STEP):
        rows = first_fit(lengths, width)
        cost = len(rows) * width * (1 + width / ATTENTION_TOKENS)
        if best is None or cost < best[0]:
            best = (cost, width, rows)
        if len(rows) == 1:
            break  # wider rows cannot hold fewer
    assert best is not None
    return best[2], best[1]


def pack_shared(pairs: Sequence[TokenizedPair], pad_id: int) -> Packed:
    """Packed rows: each pair as prompt, shared prefix, chosen and rejected suffixes, and
    as many whole pairs per row as fit (:func:`rows_for` chooses the rows and width).

    ``blocks`` numbers the pairs of a row (1, 2, ...; 0 on padding): the attention mask
    is block-diagonal over them, so a pair never sees its row neighbour, and each pair's
    positions start at 0, as if it were alone.
    """
    layouts = tuple(Layout.of(p) for p in pairs)
    placement, width = rows_for([lay.packed for lay in layouts])
    n = len(placement)
    input_ids = torch.full((n, width), pad_id, dtype=torch.long)
    segments = torch.zeros((n, width), dtype=torch.int8)
    blocks = torch.zeros((n, width), dtype=torch.int16)
    # Padding continues the positions of the row; it is never attended to.
    position_ids = torch.arange(width, dtype=torch.long).repeat(n, 1)
    where: dict[int, tuple[int, int]] = {}  # pair -> (row, first column)
    for r, members in enumerate(placement):
        offset = 0
        for slot, b in enumerate(members, start=1):
            where[b] = (r, offset)
            blocks[r, offset : offset + layouts[b].packed] = slot
            offset += layouts[b].packed
    rows: list[int] = []
    cols: list[int] = []
    targets: list[int] = []
    chosen_ids: list[list[int]] = []
    rejected_ids: list[list[int]] = []
    for b, (pair, lay) in enumerate(zip(pairs, layouts, strict=True)):
        r, o = where[b]
        p, k = lay.prompt, lay.shared
        rejected_suffix = list(pair.rejected[k:])
        tokens = [*pair.prompt, *pair.chosen, *rejected_suffix]
        input_ids[r, o : o + len(tokens)] = torch.tensor(tokens, dtype=torch.long)
        start_l = o + p + lay.chosen  # first column of the rejected suffix
        segments[r, o : o + p + k] = COMMON
        segments[r, o + p + k : start_l] = CHOSEN
        segments[r, start_l : o + lay.packed] = REJECTED
        position_ids[r, o:start_l] = torch.arange(p + lay.chosen)
        position_ids[r, start_l : o + lay.packed] = torch.arange(p + k, p + lay.rejected)
        # Chosen tokens (shared prefix included): column p+i-1 predicts chosen[i].
        base = len(targets)
        rows.extend([r] * lay.chosen)
        cols.extend(range(o + p - 1, o + p + lay.chosen - 1))
        targets.extend(pair.chosen)
        chosen_ids.append(list(range(base, base + lay.chosen)))
        # Rejected: the shared prefix reuses chosen's entries; the first suffix token is
        # predicted from column p+k-1, the next ones from the rejected suffix itself.
        suffix_base = len(targets)
        rows.extend([r] * lay.rejected_suffix)
        cols.extend(
            [o + p + k - 1, *range(start_l, start_l + lay.rejected_suffix - 1)][
                : lay.rejected_suffix
            ]
        )
        targets.extend(rejected_suffix)
        rejected_ids.append(list(range(base, base + k)) + list(range(suffix_base, len(targets))))
    for r in range(n):  # padding: keep counting after the row's last real position
        used = int((blocks[r] > 0).sum())
        if used < width:
            last = int(position_ids[r, :used].max()) + 1 if used else 0
            position_ids[r, used:] = torch.arange(last, last + width - used)
    return Packed(
        shared=True,
        input_ids=input_ids,
        padding_mask=(segments != PAD).long(),
        position_ids=position_ids,
        segments=segments,
        blocks=blocks,
        layouts=layouts,
        **_completion_tables(layouts, chosen_ids, rejected_ids, rows, cols, targets),
    )


def pack_unshared(pairs: Sequence[TokenizedPair], pad_id: int) -> Packed:
    """The usual layout: ``2B`` right-padded rows ``prompt + completion``, chosen first."""
    layouts = tuple(Layout.of(p) for p in pairs)
    sequences = [(p.prompt, p.chosen) for p in pairs] + [(p.prompt, p.rejected) for p in pairs]
    width = max(len(prompt) + len(completion) for prompt, completion in sequences)
    input_ids = torch.full((len(sequences), width), pad_id, dtype=torch.long)
    padding = torch.zeros((len(sequences), width), dtype=torch.long)
    rows: list[int] = []
    cols: list[int] = []
    targets: list[int] = []
    ids: list[list[int]] = []
    for row, (prompt, completion) in enumerate(sequences):
        tokens = [*prompt, *completion]
        input_ids[row, : len(tokens)] = torch.tensor(tokens, dtype=torch.long)
        padding[row, : len(tokens)] = 1
        ids.append(list(range(len(targets), len(targets) + len(completion))))
        rows.extend([row] * len(completion))
        cols.extend(range(len(prompt) - 1, len(tokens) - 1))
        targets.extend(completion)
    n = len(pairs)
    return Packed(
        shared=False,
        input_ids=input_ids,
        padding_mask=padding,
        position_ids=None,
        segments=None,
        blocks=None,
        layouts=layouts,
        **_completion_tables(layouts, ids[:n], ids[n:], rows, cols, targets),
    )


def pair_lengths(pairs: Sequence[TokenizedPair]) -> list[int]:
    """Each pair's packed length: what batches are grouped by, whichever layout the run
    forwards, so that sharing on and off train on the same batches."""
    return [Layout.of(p).packed for p in pairs]


def batch_slots(layouts: Sequence[Layout], shared: bool) -> tuple[int, int]:
    """Token slots a batch forwards (padding included) and its real tokens, per layout:
    the shared rows of :func:`pack_shared` or the ``2B`` rows of :func:`pack_unshared`."""
    if shared:
        lengths = [lay.packed for lay in layouts]
        rows, width = rows_for(lengths)
        return len(rows) * width, sum(lengths)
    sequences = [lay.prompt + lay.chosen for lay in layouts] + [
        lay.prompt + lay.rejected for lay in layouts
    ]
    return len(sequences) * max(sequences), sum(sequences)


def padding_ratio(
    pairs: Sequence[TokenizedPair], batches: Sequence[Sequence[int]], shared: bool
) -> float:
    """Padded slots per real token over ``batches`` (indices into ``pairs``)."""
    slots = real = 0
    for batch in batches:
        got = batch_slots([Layout.of(pairs[i]) for i in batch], shared)
        slots, real = slots + got[0], real + got[1]
    return (slots - real) / real if real else 0.0


def token_counts(pairs: Sequence[TokenizedPair]) -> dict[str, int]:
    """Tokens forwarded and positions scored by the LM head, shared vs unshared."""
    layouts = [Layout.of(p) for p in pairs]
    return {
        "pairs": len(layouts),
        "shared_tokens": sum(lay.packed for lay in layouts),
        "unshared_tokens": sum(lay.unshared for lay in layouts),
        "shared_head_positions": sum(lay.chosen + lay.rejected_suffix for lay in layouts),
        "unshared_head_positions": sum(lay.chosen + lay.rejected for lay in layouts),
    }


__all__ = [
    "ATTENTION_TOKENS",
    "CHOSEN",
    "COMMON",
    "PAD",
    "REJECTED",
    "Layout",
    "Packed",
    "batch_slots",
    "first_fit",
    "pack_shared",
    "pack_unshared",
    "padding_ratio",
    "pair_lengths",
    "rows_for",
    "token_counts",
]
