"""What every loss of a run shares, set up once: model, pairs, batches, reference log-probs.

    shards -> token ids -> (optional SFT warm-up) -> the batches of the run
           -> reference log-probs of the pairs those batches use, once

Every loss starts from the same weights and sees the same batches in the same order, so
the losses differ only by their objective.  The reference model is the start model; its
per-token log-probs are computed once, for the pairs the run will see (``reference.py``),
and kept, so no second model sits in memory.
"""

from __future__ import annotations

import json
from collections.abc import Hashable
from dataclasses import dataclass, replace
from typing import Any, TextIO

from pairgen.training.config import TrainConfig
from pairgen.training.loop.attention import implementation, resolve_attention, set_implementation
from pairgen.training.loop.batches import first_seen, schedule
from pairgen.training.loop.budget import forward_tokens
from pairgen.training.loop.data import (
    PairText,
    TokenizedPair,
    fit,
    read_pairs,
    split_pairs,
    tokenize_whole,
)
from pairgen.training.loop.device import Precision, emulated, enable_checkpointing
from pairgen.training.loop.flex import FLEX_ATTENTION
from pairgen.training.loop.forward import Reference, Run
from pairgen.training.loop.lengths import resolve_max_length
from pairgen.training.loop.measure import reference_measurement
from pairgen.training.loop.models import LoadedModel, load_model
from pairgen.training.loop.packing import Layout, padding_ratio, pair_lengths, token_counts
from pairgen.training.loop.reference import ReferenceCache, compute_reference
from pairgen.training.loop.sharing import check_sharing
from pairgen.training.loop.warmup import sft_warmup
from pairgen.training.loop.weights import add_lora, trainable
from pairgen.training.measurements import Measurement, MetricRow
from pairgen.training.progress import Phases
from pairgen.training.results import (
    DataInfo,
    MaxLength,
    ModelInfo,
    References,
    RunCost,
    TrainResult,
)


@dataclass(frozen=True, slots=True)
class Split:
    """Pairs of one side of the run (train or held out) and their reference log-probs."""

    pairs: list[TokenizedPair]
    ref: Reference


@dataclass(frozen=True, slots=True)
class Session:
    """What every loss of one run shares: settings, model, pairs, batches, references."""

    cfg: TrainConfig
    run: Run
    tokenizer: Any  # saved beside each trained model (--save-model)
    train: Split  # the training pairs the run will see, in the order it first meets them
    batches: list[list[int]]  # the micro-batches every loss trains on (into train.pairs)
    held_out: Split
    curve: list[int]  # held-out pairs measured between the first and the last step
    texts: dict[str, PairText]
    phases: Phases
    log: TextIO  # metrics.jsonl

    @property
    def curving(self) -> bool:
        """Whether the points between the first and the last step use fewer pairs."""
        return len(self.curve) < len(self.held_out.pairs)

    def record(self, loss: str, step: int, split: str, values: Measurement) -> None:
        """One line of metrics.jsonl."""
        self.log.write(json.dumps(MetricRow(loss, step, split, values).as_dict()) + "\n")
        self.log.flush()


def start_run(
    loaded: LoadedModel, cfg: TrainConfig, precision: Precision, phases: Phases, width: int = 512
) -> Run:
    """Move the model to the run's device (float32 master weights) and set it up.

    The attention implementation follows ``--attention`` (``attention.py``).  Prefix
    sharing is used when asked for and the model passes the probe; otherwise the run
    says so in one line and forwards chosen and rejected as two sequences.
    ``width``: the longest pair, which sizes the forward-only batches.
    """
    if emulated(precision):
        phases.notice(
            f"{cfg.dtype} on this CPU is emulated (no native 16-bit matmul): expect it to be "
            "slower than float32; it saves memory, not time"
        )
    model = loaded.model.to(precision.device)
    loaded_with = implementation(model)
    attention = resolve_attention(model, cfg.attention, precision.device)
    used = attention.used
    if used == FLEX_ATTENTION:
        phases.notice(
            "attention: FlexAttention with a block mask (--attention sdpa: the dense mask); "
            "the first batches of each new length compile its kernel"
        )
    if cfg.gradient_checkpointing:
        enable_checkpointing(model)
    if cfg.lora_r is not None:
        model = add_lora(model, cfg.lora_r, cfg.lora_alpha)
    shared = False
    if cfg.prefix_sharing:
        check = check_sharing(model)
        if not check.ok and used != loaded_with and cfg.attention == "auto":
            phases.notice(f"FlexAttention off: {check.reason}; back to {loaded_with}")
            set_implementation(model, loaded_with)
            why = f"FlexAttention off ({check.reason}), back to the model's own"
            attention = replace(attention, used=loaded_with, why=why)
            check = check_sharing(model)
        shared = check.ok
        if not shared:
            phases.notice(
                f"prefix sharing off for {loaded.name}: {check.reason}; "
                "chosen and rejected are forwarded as two sequences"
            )
    tokens = cfg.forward_tokens or forward_tokens(model, precision.device, width)
    return Run(model, loaded.pad_id, tokens, precision, shared, cfg.logit_chunk, attention)


def start_key(cfg: TrainConfig, run: Run) -> Hashable:
    """What names the start weights, for reusing reference log-probs across runs; None
    when they depend on the seed (the random tiny model, an SFT warm-up)."""
    if cfg.model == "tiny" or cfg.warmup_steps:
        return None
    return (
        cfg.model,
        cfg.dtype,
        str(run.device),
        run.shared,
        implementation(run.model),
        cfg.lora_r,
        cfg.logit_chunk,
    )


def open_session(
    cfg: TrainConfig, precision: Precision, cache: ReferenceCache, phases: Phases, log: TextIO
) -> tuple[Session, TrainResult]:
    """Load, tokenize, warm up, plan the batches and compute the reference log-probs;
    the session every loss trains in, and the run's record (no loss trained yet)."""
    # 1. Data: shards -> token ids (once), a seeded held-out split.
    texts = read_pairs(cfg.out_dir, cfg.split)[: cfg.max_pairs]
    with phases.phase(f"loading {cfg.model}", 1, "model") as phase:
        loaded = load_model(cfg.model, cfg.seed)
        phase.advance()
    with phases.phase("tokenizing", len(texts), "pairs") as phase:
        whole, tokenized = tokenize_whole(texts, loaded.tokenizer, phase.advance)
    max_length, how = resolve_max_length(cfg, whole, loaded)
    pairs, tokenized = fit(whole, tokenized, max_length, cfg.truncate)
    train_pairs, eval_pairs = split_pairs(pairs, cfg.eval_fraction, cfg.seed, cfg.max_eval_pairs)
    width = max(Layout.of(p).packed for p in pairs)
    run = start_run(loaded, cfg, precision, phases, width)

    # 2. Optional SFT warm-up on chosen: the reference for a model that is not tuned yet.
    if cfg.warmup_steps:
        sft_warmup(run, train_pairs, cfg, phases)

    # 3. The batches every loss trains on, and reference log-probs for those pairs only.
    plan = schedule(
        pair_lengths(train_pairs), cfg.batch_size, cfg.micro_batches, cfg.seed, cfg.group_by_length
    )
    seen = first_seen(plan)
    local = {index: n for n, index in enumerate(seen)}
    batches = [[local[i] for i in batch] for batch in plan]
    seen_pairs = [train_pairs[i] for i in seen]
    cache.begin(start_key(cfg, run))
    computed_before = cache.computed
    lengths = run.lengths(seen_pairs) + run.lengths(eval_pairs)
    with phases.phase(
        "reference log-probs",
        len(lengths),
        "pairs",
        tokens=sum(lengths),
        kind="forward",
        plan=f"{len(seen_pairs):,} of {len(train_pairs):,} training pairs, those "
        f"{cfg.steps} steps use; {len(eval_pairs):,} held out",
    ) as phase:
        exact = batches[: cfg.grad_accum]  # step 1's micro-batches, in their training shape
        train_ref = compute_reference(run, seen_pairs, cache, exact, phase.advance)
        eval_ref = compute_reference(run, eval_pairs, cache, (), phase.advance)
    session = Session(
        cfg=cfg,
        run=run,
        tokenizer=loaded.tokenizer,
        train=Split(seen_pairs, train_ref),
        batches=batches,
        held_out=Split(eval_pairs, eval_ref),
        curve=list(range(min(cfg.curve_pairs, len(eval_pairs)))),
        texts={p.id: p for p in texts},
        phases=phases,
        log=log,
    )
    computed = cache.computed - computed_before
    report = TrainResult(
        config=cfg,
        model=ModelInfo(
            name=loaded.name,
            source=loaded.source,
            parameters=sum(p.numel() for p in run.model.parameters()),
            trained_parameters=sum(p.numel() for p in trainable(run.model).values()),
            device=str(precision.device),
            dtype=cfg.dtype,
        ),
        data=DataInfo(
            tokenize=tokenized,
            train_pairs=len(train_pairs),
            eval_pairs=len(eval_pairs),
            tokens=token_counts(pairs),
        ),
        cost=RunCost(
            trained_pairs=len(seen_pairs),
            reference_pairs_computed=computed,
            reference_pairs_reused=len(lengths) - computed,
            padded_slots_per_token=padding_ratio(seen_pairs, batches, run.shared),
            forward_tokens=run.forward_tokens,
            curve_pairs=len(session.curve),
        ),
        prefix_sharing=run.shared,
        attention=run.attention,
        max_length=MaxLength(max_length, how),
        reference=reference_rows(session),
        losses={},
    )
    return session, report


def reference_rows(session: Session) -> References:
    """The reference's own measurement on the held-out pairs (and on the curve pairs
    when those are fewer)."""
    held_out = session.held_out
    if not held_out.pairs:
        return References()
    rows = References(eval=reference_measurement(held_out.ref))
    if session.curving:
        rows.curve = reference_measurement(held_out.ref, indices=session.curve)
    return rows


__all__ = ["Session", "Split", "open_session", "reference_rows", "start_key", "start_run"]
