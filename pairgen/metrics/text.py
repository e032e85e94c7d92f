"""Batch edit statistics with rapidfuzz (C++), never a per-row Python edit distance.

Definitions (the README repeats them):

- ``levenshtein``: unit-cost insert/delete/substitute distance between chosen and rejected.
- ``norm_edit_distance`` = ``levenshtein / max(len(chosen), len(rejected))``, in [0, 1];
  0 for two empty strings.  Dividing by the longer length (not the sum, not the chosen
  length) keeps it a proper fraction of the sequence that had to change.
- ``common_prefix`` / ``common_suffix``: the longest shared prefix and, measured
  independently from the end, the longest shared suffix.  For minimal pairs the prefix is
  where the edit starts and the suffix is the shared continuation after it (the tokens
  whose log-probability DPO drags down).

The same function serves characters (strings) and tokens (lists of token ids).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from rapidfuzz.distance import Levenshtein, Postfix, Prefix
from rapidfuzz.process import cpdist


@dataclass(frozen=True, slots=True)
class EditStats:
    """Element-wise statistics of a batch of (chosen, rejected) sequences."""

    chosen_len: NDArray[np.int32]
    rejected_len: NDArray[np.int32]
    levenshtein: NDArray[np.int32]
    norm_edit_distance: NDArray[np.float64]
    common_prefix: NDArray[np.int32]
    common_suffix: NDArray[np.int32]


def edit_stats(chosen: Sequence[Any], rejected: Sequence[Any]) -> EditStats:
    """Statistics for aligned lists of strings (or of token-id lists)."""
    if len(chosen) != len(rejected):
        raise ValueError("chosen and rejected must have the same length")
    chosen_len = np.fromiter((len(c) for c in chosen), dtype=np.int32, count=len(chosen))
    rejected_len = np.fromiter((len(r) for r in rejected), dtype=np.int32, count=len(rejected))
    if not chosen:
        empty_f = np.zeros(0, dtype=np.float64)
        return EditStats(chosen_len, rejected_len, chosen_len, empty_f, chosen_len, chosen_len)
    distance = cpdist(chosen, rejected, scorer=Levenshtein.distance, dtype=np.int32)
    prefix = cpdist(chosen, rejected, scorer=Prefix.similarity, dtype=np.int32)
    suffix = cpdist(chosen, rejected, scorer=Postfix.similarity, dtype=np.int32)
    longest = np.maximum(chosen_len, rejected_len)
    normalized = np.divide(
        distance, longest, out=np.zeros(len(chosen), dtype=np.float64), where=longest > 0
    )
    return EditStats(chosen_len, rejected_len, distance, normalized, prefix, suffix)


__all__ = ["EditStats", "edit_stats"]
