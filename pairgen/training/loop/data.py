"""From pairgen shards to token ids: prompt, chosen and rejected, and where they differ.

The prompt is always the ``prompt`` column, tokenized on its own; each completion is
tokenized on its own and followed by EOS.  pairgen never derives the prompt from the
longest common prefix (for a minimal pair that prefix swallows most of the completion).
The index of the first differing token is computed here from the token ids, so it holds
for whatever tokenizer the model uses, not the one (if any) the build was run with.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from pairgen.errors import PairgenError
from pairgen.output.manifest import DATA_DIR, MANIFEST_NAME, REJECTS_DIR, read_manifest
from pairgen.training.results import TokenizeReport

TEXT_COLUMNS = ("prompt", "chosen", "rejected")
LABEL_COLUMNS = ("chosen_value", "rejected_value", "source_id")  # read where present


@dataclass(frozen=True, slots=True)
class PairText:
    """One pair as read from a shard; the text fields are strings or message lists.

    ``chosen_value``/``rejected_value`` and ``source_id``: the build's columns where the
    shard has them (a choice build's labels, which multiple-choice accuracy reads).
    """

    id: str
    prompt: Any
    chosen: Any
    rejected: Any
    chosen_value: str | None = None
    rejected_value: str | None = None
    source_id: str | None = None


@dataclass(frozen=True, slots=True)
class TokenizedPair:
    """Token ids of one pair; completions end with EOS unless truncated.

    ``first_diff`` indexes ``chosen`` (and ``rejected``): tokens before it are shared,
    the token at it is the edit, tokens after it are the "shared suffix" of the Smaug paper.
    """

    id: str
    prompt: list[int]
    chosen: list[int]
    rejected: list[int]
    first_diff: int


def find_shards(out_dir: Path) -> list[Path]:
    """The Parquet shards of a pairgen output (``OUT/data/**/*.parquet``), sorted."""
    if not out_dir.exists():
        raise PairgenError("no such output directory", file=str(out_dir))
    data = out_dir / DATA_DIR
    shards = sorted(data.rglob("*.parquet")) if data.is_dir() else []
    if not shards:
        empty = _empty_build(out_dir)
        if empty is not None:
            raise PairgenError(empty, file=str(out_dir))
        raise PairgenError(
            "no pair shards found under data/ (expected data/<config>/<split>-*.parquet; "
            "run `pairgen build` first)",
            file=str(out_dir),
        )
    return shards


def _empty_build(out_dir: Path) -> str | None:
    """Why a build with a manifest has no shards: it holds 0 pairs (every row rejected,
    kept with ``--allow-rejects``), said with each split's counts; ``None`` when there is
    no readable manifest (then no build ran here) or it counts pairs."""
    try:
        manifest = read_manifest(out_dir)
    except PairgenError:
        return None
    if any(info.pairs for _, _, info in manifest.splits()):
        return None  # the shards were removed after the build: the general message
    splits = [
        f"{config}/{split}: {info.rejects_allowed or f'{info.rows_in:,} rows, none paired'}"
        for config, split, info in manifest.splits()
    ]
    return (
        f"the build holds 0 pairs ({MANIFEST_NAME}: {'; '.join(splits) or 'no split'}): "
        f"nothing to train on; see {REJECTS_DIR}/ for why, fix the input or mapping and "
        "run `pairgen build` again"
    )


def read_pairs(out_dir: Path, split: str | None = None) -> list[PairText]:
    """The pairs of one split of an output directory, in shard order.

    With no ``split`` it reads the train split when the build has one (training and
    measuring on a benchmark's test pairs would contaminate it), else every shard.
    """
    pairs: list[PairText] = []
    shards = find_shards(out_dir)
    if split is None and any(shard.name.startswith("train-") for shard in shards):
        split = "train"
    for shard in shards:
        if split is not None and not shard.name.startswith(f"{split}-"):
            continue
        table = pq.read_table(shard)
        missing = [c for c in TEXT_COLUMNS if c not in table.column_names]
        if missing:
            raise PairgenError(f"missing column(s) {', '.join(missing)}", file=str(shard))
        ids = table.column("id").to_pylist() if "id" in table.column_names else None
        columns = [table.column(c).to_pylist() for c in TEXT_COLUMNS]
        labels = [
            table.column(c).to_pylist() if c in table.column_names else [None] * table.num_rows
            for c in LABEL_COLUMNS
        ]
        for row, (prompt, chosen, rejected) in enumerate(zip(*columns, strict=True)):
            pair_id = str(ids[row]) if ids is not None else f"{shard.stem}:{row}"
            extra = [None if c[row] is None else str(c[row]) for c in labels]
            pairs.append(PairText(pair_id, prompt, chosen, rejected, *extra))
    if not pairs:
        where = f" in split {split!r}" if split else ""
        raise PairgenError(f"the shards hold no pairs{where}", file=str(out_dir))
    return pairs


def render(pair: PairText, tokenizer: Any) -> tuple[str, str, str]:
    """Text of prompt, chosen and rejected; message lists go through the chat template.

    For conversational pairs the completion text is what the template adds after the
    prompt rendered with the generation prompt, the way TRL splits them.
    """
    if all(isinstance(x, str) for x in (pair.prompt, pair.chosen, pair.rejected)):
        return pair.prompt, pair.chosen, pair.rejected
    if not all(isinstance(x, list) for x in (pair.prompt, pair.chosen, pair.rejected)):
        raise PairgenError(f"pair {pair.id}: prompt/chosen/rejected mix strings and message lists")
    if not getattr(tokenizer, "chat_template", None):
        raise PairgenError(
            f"pair {pair.id}: conversational pairs need a tokenizer with a chat template; "
            "this model's tokenizer has none (rebuild with --format standard)"
        )
    prompt = tokenizer.apply_chat_template(pair.prompt, tokenize=False, add_generation_prompt=True)
    texts = [prompt]
    for completion in (pair.chosen, pair.rejected):
        full = tokenizer.apply_chat_template(pair.prompt + completion, tokenize=False)
        if not full.startswith(prompt):
            raise PairgenError(f"pair {pair.id}: the chat template does not extend the prompt")
        texts.append(full[len(prompt) :])
    return texts[0], texts[1], texts[2]


def check_tokenizer(tokenizer: Any) -> None:
    """Completions end with EOS, so the tokenizer must define one."""
    if getattr(tokenizer, "eos_token_id", None) is None:
        raise PairgenError(
            "the tokenizer has no EOS token, which pairgen appends to every completion; "
            "use a tokenizer that defines eos_token"
        )


def first_difference(chosen: list[int], rejected: list[int]) -> int:
    """Index of the first differing token (the shorter length when one is a prefix)."""
    for index, (a, b) in enumerate(zip(chosen, rejected, strict=False)):
        if a != b:
            return index
    return min(len(chosen), len(rejected))


def tokenize_whole(
    pairs: list[PairText], tokenizer: Any, advance: Callable[[int], None] | None = None
) -> tuple[list[TokenizedPair], TokenizeReport]:
    """Tokenize pairs in full (no length limit); :func:`fit` then cuts them to a max length.

    Tokenizing is done once per run: the default max length is read from these lengths
    and the cut works on the ids.  A pair whose completions tokenize identically is
    skipped and counted.  ``advance(1)`` is called after each pair (progress).
    """
    check_tokenizer(tokenizer)
    eos = int(tokenizer.eos_token_id)
    report = TokenizeReport(read=len(pairs))
    kept: list[TokenizedPair] = []
    for pair in pairs:
        if advance is not None:
            advance(1)
        prompt_text, chosen_text, rejected_text = render(pair, tokenizer)
        prompt = list(tokenizer(prompt_text, add_special_tokens=True)["input_ids"])
        if not prompt:  # the first completion token needs something to condition on
            prompt = [int(tokenizer.bos_token_id or eos)]
        chosen = [*tokenizer(chosen_text, add_special_tokens=False)["input_ids"], eos]
        rejected = [*tokenizer(rejected_text, add_special_tokens=False)["input_ids"], eos]
        if chosen == rejected:
            report.skipped["identical_tokens"] += 1
            continue
        kept.append(
            TokenizedPair(pair.id, prompt, chosen, rejected, first_difference(chosen, rejected))
        )
    return kept, report


def fit(
    pairs: list[TokenizedPair], report: TokenizeReport, max_length: int, truncate: bool = True
) -> tuple[list[TokenizedPair], TokenizeReport]:
    """Fit each pair into ``max_length`` tokens (prompt + longer completion).

    A pair that is too long is truncated (prompt from the left, down to half the budget,
    then completions from the right) or, with ``truncate=False``, skipped.  A pair whose
    edit would be cut off is skipped.  Every outcome is counted in a copy of ``report``.
    """
    out = TokenizeReport(report.read, 0, 0, Counter(report.skipped))
    kept: list[TokenizedPair] = []
    for pair in pairs:
        prompt, chosen, rejected = pair.prompt, pair.chosen, pair.rejected
        longer = max(len(chosen), len(rejected))
        if len(prompt) + longer > max_length:
            if not truncate:
                out.skipped["too_long"] += 1
                continue
            prompt = prompt[-max(max_length - longer, max_length // 2) :]
            budget = max_length - len(prompt)
            if pair.first_diff >= budget:
                out.skipped["edit_beyond_max_length"] += 1
                continue
            chosen, rejected = chosen[:budget], rejected[:budget]
            out.truncated += 1
            pair = TokenizedPair(pair.id, prompt, chosen, rejected, pair.first_diff)
        kept.append(pair)
    out.kept = len(kept)
    if not kept:
        raise PairgenError(f"no pair is usable after tokenization: {out.as_dict()}")
    return kept, out


def tokenize_pairs(
    pairs: list[PairText],
    tokenizer: Any,
    max_length: int,
    truncate: bool = True,
    advance: Callable[[int], None] | None = None,
) -> tuple[list[TokenizedPair], TokenizeReport]:
    """:func:`tokenize_whole`, then :func:`fit` to ``max_length``."""
    whole, report = tokenize_whole(pairs, tokenizer, advance)
    return fit(whole, report, max_length, truncate)


def question_key(pair_id: str) -> str:
    """The question a pair comes from: its id without the trailing ``/pair_index``."""
    return pair_id.rsplit("/", 1)[0] if "/" in pair_id else pair_id


def split_pairs(
    pairs: list[TokenizedPair], eval_fraction: float, seed: int, max_eval: int | None = None
) -> tuple[list[TokenizedPair], list[TokenizedPair]]:
    """A seeded train/held-out split by question; at least one pair on each side when possible.

    ``eval_fraction`` of the pairs are held out, at most ``max_eval`` of them (whole
    questions: the cap is not exceeded, unless the first question alone exceeds it).

    The pairs of one question (ARC and HellaSwag give one per wrong choice) share the
    prompt and the chosen completion, so they all go to the same side: a held-out pair
    whose chosen text was trained on would not be held out.
    """
    groups: dict[str, list[int]] = {}
    for index, pair in enumerate(pairs):
        groups.setdefault(question_key(pair.id), []).append(index)
    keys = list(groups)
    random.Random(seed).shuffle(keys)
    n_eval = round(len(pairs) * eval_fraction)
    n_eval = min(max(n_eval, 1 if eval_fraction > 0 else 0), len(pairs) - 1)
    if max_eval is not None:
        n_eval = min(n_eval, max_eval)
    held_out: list[int] = []
    for key in keys:
        if len(held_out) >= n_eval or len(groups) < 2:
            break
        if len(held_out) + len(groups[key]) > len(pairs) - 1:
            continue  # keep at least one pair to train on
        if max_eval is not None and held_out and len(held_out) + len(groups[key]) > max_eval:
            continue  # a smaller question may still fit under the cap
        held_out.extend(groups[key])
    held = set(held_out)
    train = [i for i in range(len(pairs)) if i not in held]
    return [pairs[i] for i in train], [pairs[i] for i in sorted(held)]


__all__ = [
    "PairText",
    "TokenizedPair",
    "find_shards",
    "first_difference",
    "fit",
    "read_pairs",
    "render",
    "split_pairs",
    "tokenize_pairs",
    "tokenize_whole",
]
