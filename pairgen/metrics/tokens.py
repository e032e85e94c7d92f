"""Token-level statistics under a named tokenizer.

The DPO failure mode lives in tokens, not characters: what matters is how many chosen
tokens follow the first differing token (the shared suffix whose log-probability DPO
lowers).  Completions are tokenized on their own, without special tokens, in one batch
call of a fast tokenizer; the edit statistics reuse :func:`pairgen.metrics.text.edit_stats`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from pairgen.errors import PairgenError
from pairgen.metrics.text import EditStats, edit_stats
from pairgen.remote import looks_like_path


@dataclass(frozen=True, slots=True)
class TokenStats:
    """Token edit statistics plus the first differing token and what follows it."""

    edits: EditStats
    first_diff: NDArray[np.int32]  # -1 where chosen == rejected in tokens
    after_first_diff: NDArray[np.int32]


@lru_cache(maxsize=4)
def load_tokenizer(name_or_path: str) -> Any:
    """A Hugging Face tokenizer, cached per process (each worker loads it once).

    Through transformers' ``AutoTokenizer`` when it is installed (``pairgen[train]``);
    the core install, and a path to a ``tokenizer.json`` file (which ``AutoTokenizer``
    takes for a Hub id), read the ``tokenizer.json`` with ``tokenizers`` alone.
    """
    if Path(name_or_path).is_file():
        return _load_tokenizer_json(name_or_path)
    if looks_like_path(name_or_path) and not Path(name_or_path).exists():
        raise PairgenError(f"cannot load tokenizer {name_or_path}: no such file or folder")
    cached = None if Path(name_or_path).exists() else _offline_copy(name_or_path)
    if cached is not None:  # no Hub: the cached tokenizer.json, before transformers' retries
        return _load_tokenizer_json(cached)
    try:
        from transformers import AutoTokenizer
    except ImportError:
        return _load_tokenizer_json(name_or_path)
    try:
        return AutoTokenizer.from_pretrained(name_or_path)
    except Exception as exc:
        raise PairgenError(
            f"cannot load tokenizer {name_or_path!r}: {type(exc).__name__}: {exc}"
        ) from exc


def _offline_copy(repo_id: str) -> str | None:
    """When the Hub cannot be reached: the cached ``tokenizer.json`` of ``repo_id``, or one
    error line with the fix.  ``None`` when the Hub can be reached (load as usual).

    Without this, transformers retries for about a minute before failing
    (:mod:`pairgen.remote`).  The cached file holds the ids the Hub's would give, and
    the output records the tokenizer by its Hub id either way.
    """
    from pairgen.remote import hub_unavailable

    reason = hub_unavailable()
    if reason is None:
        return None
    from huggingface_hub import try_to_load_from_cache

    try:
        cached = try_to_load_from_cache(repo_id, "tokenizer.json")
    except ValueError:  # not a Hub id (huggingface_hub's own check): a missing path
        raise PairgenError(f"cannot load tokenizer {repo_id}: no such file or folder") from None
    if isinstance(cached, str):
        return cached
    raise PairgenError(
        f"cannot load tokenizer {repo_id!r}: {reason} and its tokenizer.json is not in the "
        "local Hugging Face cache; pass a local folder holding tokenizer.json "
        "(--tokenizer PATH), or run once with network access"
    )


def _load_tokenizer_json(name_or_path: str) -> Any:
    """A ``tokenizers.Tokenizer`` from a local tokenizer.json (or its folder) or a Hub repo.

    Truncation and padding saved in the file are turned off, as transformers' ``__call__``
    turns them off, so the ids are the ones the transformers path gives.
    """
    from tokenizers import Tokenizer

    local = Path(name_or_path)
    try:
        if local.exists():
            tokenizer = Tokenizer.from_file(
                str(local / "tokenizer.json" if local.is_dir() else local)
            )
        else:
            tokenizer = Tokenizer.from_pretrained(name_or_path)
    except Exception as exc:
        raise PairgenError(
            f"cannot load tokenizer {name_or_path!r}: {type(exc).__name__}: {exc} (without "
            "transformers only a tokenizer.json can be read: pip install 'pairgen[train]')"
        ) from exc
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def tokenize(tokenizer: Any, texts: Sequence[str]) -> list[list[int]]:
    """Token ids of each text, without special tokens.

    A fast tokenizer is called through its Rust backend's ``encode_batch_fast``, which
    skips the character offsets ``__call__`` computes and converts: the same ids in 2/3
    of the time (SmolLM2's tokenizer, 4,096 MetaMath solutions: 20 us against 31 us a
    text), and tokenizing is most of a build's time under ``--tokenizer``.
    """
    backend: Any = getattr(tokenizer, "backend_tokenizer", tokenizer)  # or tokenizers' own
    encode_batch = getattr(backend, "encode_batch_fast", None)
    # The backend applies the truncation and padding saved in tokenizer.json (BERT-style
    # tokenizers ship with them on); __call__ turns both off first, so only a backend
    # without either gives the same ids.
    if encode_batch is not None and backend.truncation is None and backend.padding is None:
        return [encoding.ids for encoding in encode_batch(list(texts), add_special_tokens=False)]
    encoded = tokenizer(list(texts), add_special_tokens=False)["input_ids"]
    return [list(ids) for ids in encoded]


def token_stats(tokenizer: Any, chosen: Sequence[str], rejected: Sequence[str]) -> TokenStats:
    """Token statistics of a batch of completions.

    ``first_diff`` is the index in the chosen tokens of the first token that differs
    (the common token prefix length); ``after_first_diff`` counts the chosen tokens after
    it, ``len(chosen_tokens) - first_diff - 1``.
    """
    if not chosen:  # tokenizers reject an empty batch; an empty split has no pairs
        empty = edit_stats([], [])
        return TokenStats(empty, empty.chosen_len, empty.chosen_len)
    chosen_ids = tokenize(tokenizer, chosen)
    rejected_ids = tokenize(tokenizer, rejected)
    edits = edit_stats(chosen_ids, rejected_ids)
    identical = edits.levenshtein == 0
    first_diff = np.where(identical, -1, edits.common_prefix).astype(np.int32)
    after = np.where(identical, 0, np.maximum(edits.chosen_len - edits.common_prefix - 1, 0))
    return TokenStats(edits, first_diff, after.astype(np.int32))


__all__ = ["TokenStats", "load_tokenizer", "token_stats", "tokenize"]
