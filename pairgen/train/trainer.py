"""The reference DPO/DPOP trainer, in plain PyTorch, to read top to bottom.

    shards -> token ids -> (optional SFT warm-up) -> reference log-probs, once
           -> for each loss: same start, same batches, AdamW -> measurements -> report

Every loss starts from the same weights and sees the same batches in the same order, so
the losses differ only by their objective.  The reference model is the start model; its
per-token log-probs are computed once and kept, so no second model sits in memory.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import torch
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from pairgen.errors import PairgenError
from pairgen.train.batch import collate, sequence_logprobs, token_logprobs
from pairgen.train.data import TokenizedPair, read_pairs, split_pairs, tokenize_pairs
from pairgen.train.losses import Hyper, MarginLoss, get_loss, make_context
from pairgen.train.measure import (
    RefLogprobs,
    case_counts,
    evaluate,
    grad_cosine,
    reference_logprobs,
    reference_measurement,
    reference_totals,
    region_means,
    summarize,
)
from pairgen.train.models import LoadedModel, load_model

# Short validation runs need a larger step than a long fine-tune; 2e-5 shows the effect on
# SmolLM2-135M in 16 steps of 4 pairs (see the README).
DEFAULT_LR = {"tiny": 1e-3, "smollm2-135m": 2e-5}
FALLBACK_LR = 5e-6
# A random model has no meaningful reference: by default ``tiny`` first learns the
# chosen completions for a while (the SFT warm-up), as a real base model would have.
DEFAULT_SFT_STEPS = {"tiny": 100}
# The tiny model's matrices are too small for intra-op threads to pay: one thread is ~3x
# faster than two on a busy 2-core machine.
DEFAULT_THREADS = {"tiny": 1}


@dataclass(slots=True)
class TrainConfig:
    """Everything a run depends on; written to ``report.json`` as is."""

    out_dir: Path
    run_dir: Path
    model: str = "tiny"
    losses: list[str] = field(default_factory=lambda: ["dpo", "dpop"])
    steps: int = 50
    batch_size: int = 4
    grad_accum: int = 1
    lr: float | None = None
    weight_decay: float = 0.0
    beta: float | None = None
    lam: float | None = None
    max_length: int = 512
    truncate: bool = True
    max_pairs: int | None = None
    split: str | None = None
    eval_fraction: float = 0.25
    eval_every: int = 0
    log_every: int = 1
    sft_steps: int | None = None
    sft_lr: float | None = None
    grad_cosine: bool = False
    grad_pairs: int = 8
    tolerance: float = 0.05
    seed: int = 0
    threads: int | None = None
    progress: bool = True

    def __post_init__(self) -> None:
        for name in ("steps", "batch_size", "grad_accum", "log_every"):
            if getattr(self, name) < 1:
                raise PairgenError(f"{name} must be >= 1, got {getattr(self, name)}")
        if not 0 <= self.eval_fraction < 1:
            raise PairgenError(f"eval_fraction must be in [0, 1), got {self.eval_fraction}")
        if self.max_length < 8:
            raise PairgenError(f"max_length must be >= 8, got {self.max_length}")

    @property
    def learning_rate(self) -> float:
        return self.lr if self.lr is not None else DEFAULT_LR.get(self.model, FALLBACK_LR)

    @property
    def warmup_steps(self) -> int:
        return (
            self.sft_steps if self.sft_steps is not None else DEFAULT_SFT_STEPS.get(self.model, 0)
        )

    def as_dict(self) -> dict[str, Any]:
        return {k: str(v) if isinstance(v, Path) else v for k, v in asdict(self).items()}


def train(cfg: TrainConfig) -> dict[str, Any]:
    """Run every loss of ``cfg`` and write metrics.jsonl and report.json; return the report."""
    was_deterministic, was_threads = (
        torch.are_deterministic_algorithms_enabled(),
        torch.get_num_threads(),
    )
    torch.use_deterministic_algorithms(True)
    threads = cfg.threads or DEFAULT_THREADS.get(cfg.model)
    if threads:
        torch.set_num_threads(threads)
    try:
        return _train(cfg)
    finally:
        torch.use_deterministic_algorithms(was_deterministic)
        torch.set_num_threads(was_threads)


def _train(cfg: TrainConfig) -> dict[str, Any]:
    from pairgen.train.report import write_outputs  # report imports plots (matplotlib)

    started = time.perf_counter()
    losses = [get_loss(name) for name in dict.fromkeys(cfg.losses)]  # fail before loading
    cfg.run_dir.mkdir(parents=True, exist_ok=True)
    metrics_path = cfg.run_dir / "metrics.jsonl"
    metrics_path.write_text("")

    # 1. Data: shards -> token ids, a seeded held-out split.
    texts = read_pairs(cfg.out_dir, cfg.split)[: cfg.max_pairs]
    loaded = load_model(cfg.model, cfg.seed)
    pairs, tokenized = tokenize_pairs(texts, loaded.tokenizer, cfg.max_length, cfg.truncate)
    train_pairs, eval_pairs = split_pairs(pairs, cfg.eval_fraction, cfg.seed)
    model = loaded.model

    # 2. Optional SFT warm-up on chosen: the reference for a model that is not tuned yet.
    if cfg.warmup_steps:
        sft_warmup(model, train_pairs, loaded.pad_id, cfg)
    # A copy of the start weights, to restart each loss from (not needed for a single loss).
    start_state = (
        {k: v.detach().clone() for k, v in model.state_dict().items()} if len(losses) > 1 else None
    )

    # 3. Reference log-probs per token, once.
    ref_train = reference_logprobs(model, train_pairs, loaded.pad_id, cfg.batch_size * 2)
    ref_eval = reference_logprobs(model, eval_pairs, loaded.pad_id, cfg.batch_size * 2)
    report: dict[str, Any] = {
        "config": cfg.as_dict(),
        "model": {
            "name": loaded.name,
            "source": loaded.source,
            "parameters": count_parameters(model),
        },
        "data": {
            "tokenize": tokenized.as_dict(),
            "train_pairs": len(train_pairs),
            "eval_pairs": len(eval_pairs),
        },
        "reference": {
            "eval": reference_measurement(eval_pairs, ref_eval).as_dict() if eval_pairs else {}
        },
        "losses": {},
    }

    # 4. Each loss from the same start, on the same batches.
    with open(metrics_path, "a", encoding="utf-8") as log:
        for loss in losses:
            if start_state is not None:
                model.load_state_dict(start_state)
            report["losses"][loss.name] = train_one(
                model, loss, loaded, train_pairs, ref_train, eval_pairs, ref_eval, cfg, log
            )
    report["seconds"] = time.perf_counter() - started
    write_outputs(cfg.run_dir, report)
    return report


def train_one(
    model: Any,
    loss: MarginLoss,
    loaded: LoadedModel,
    train_pairs: list[TokenizedPair],
    ref_train: RefLogprobs,
    eval_pairs: list[TokenizedPair],
    ref_eval: RefLogprobs,
    cfg: TrainConfig,
    log: Any,
) -> dict[str, Any]:
    """Train one loss for ``cfg.steps`` optimizer steps; measure on held-out pairs."""
    started = time.perf_counter()
    torch.manual_seed(cfg.seed)
    hp = loss.hyper(beta=cfg.beta, lam=cfg.lam)
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=cfg.learning_rate, weight_decay=cfg.weight_decay
    )
    result: dict[str, Any] = {
        "hyper": {k: getattr(hp, k) for k in loss.defaults},
        "lr": cfg.learning_rate,
    }
    if cfg.grad_cosine and eval_pairs:
        result["grad_cosine_start"] = grad_report(
            model, loss, hp, eval_pairs, ref_eval, loaded.pad_id, cfg
        )
    if eval_pairs:  # at step 0 the policy is the reference: no forward pass needed
        start = reference_measurement(eval_pairs, ref_eval, loss, hp)
        write_metric(log, loss.name, 0, "eval", start.as_dict())

    batches = batch_indices(len(train_pairs), cfg.batch_size, cfg.seed)
    final: dict[str, Any] = {}
    with progress_bar(cfg.progress, loss.name, cfg.steps) as (bar, task):
        for step in range(1, cfg.steps + 1):
            model.train()
            optimizer.zero_grad(set_to_none=True)
            logged = []
            for indices in islice(batches, cfg.grad_accum):
                pairs, ref = [train_pairs[i] for i in indices], [ref_train[i] for i in indices]
                logged.append(
                    micro_step(model, loss, hp, pairs, ref, loaded.pad_id, cfg.grad_accum)
                )
            optimizer.step()
            if step % cfg.log_every == 0 or step == cfg.steps:
                write_metric(log, loss.name, step, "train", average(logged))
            if (cfg.eval_every and step % cfg.eval_every == 0) or step == cfg.steps:
                final = evaluate_dict(model, loss, hp, eval_pairs, ref_eval, loaded, cfg)
                write_metric(log, loss.name, step, "eval", final)
            bar.update(task, advance=1, description=f"{loss.name} loss {logged[-1]['loss']:.3f}")
    result["eval"] = final
    if cfg.grad_cosine and eval_pairs:
        result["grad_cosine_end"] = grad_report(
            model, loss, hp, eval_pairs, ref_eval, loaded.pad_id, cfg
        )
    result["seconds"] = time.perf_counter() - started
    result["pairs_per_second"] = cfg.steps * cfg.batch_size * cfg.grad_accum / result["seconds"]
    return result


def micro_step(
    model: Any,
    loss: MarginLoss,
    hp: Hyper,
    pairs: list[TokenizedPair],
    ref: RefLogprobs,
    pad_id: int,
    grad_accum: int,
) -> dict[str, float]:
    """Forward, loss and backward on one micro-batch; returns its measurements."""
    batch = collate(pairs, pad_id)
    per_token = token_logprobs(model, batch)
    logp_w, logp_l = sequence_logprobs(per_token)
    ref_w, ref_l = reference_totals(ref)
    len_w, len_l = batch.lengths[: batch.pairs], batch.lengths[batch.pairs :]
    values = loss(logp_w, logp_l, make_context(hp, ref_w, ref_l, len_w, len_l, logp_w, logp_l))
    (values.mean() / grad_accum).backward()
    regions = region_means(per_token[: batch.pairs].detach(), len_w, batch.first_diff)
    detached = (values.detach(), logp_w.detach(), logp_l.detach())
    return summarize(*detached, ref_w, ref_l, regions).as_dict()


def sft_warmup(model: Any, pairs: list[TokenizedPair], pad_id: int, cfg: TrainConfig) -> None:
    """A few steps of maximum likelihood on chosen completions (prompt tokens not scored)."""
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.sft_lr or cfg.learning_rate)
    batches = batch_indices(len(pairs), cfg.batch_size, cfg.seed + 1)
    model.train()
    with progress_bar(cfg.progress, "sft warm-up", cfg.warmup_steps) as (bar, task):
        for _ in range(cfg.warmup_steps):
            batch = collate([pairs[i] for i in next(batches)], pad_id)
            per_token = token_logprobs(model, batch)[: batch.pairs]
            nll = -per_token.sum() / batch.lengths[: batch.pairs].sum()
            optimizer.zero_grad(set_to_none=True)
            nll.backward()
            nll = nll.detach()
            optimizer.step()
            bar.update(task, advance=1, description=f"sft warm-up nll {nll.item():.3f}")


def batch_indices(n: int, batch_size: int, seed: int) -> Iterator[list[int]]:
    """Endless seeded epochs of shuffled indices, cut into batches (the last may be short)."""
    rng = random.Random(seed)
    while True:
        order = list(range(n))
        rng.shuffle(order)
        for start in range(0, n, batch_size):
            yield order[start : start + batch_size]


def evaluate_dict(
    model: Any,
    loss: MarginLoss,
    hp: Hyper,
    pairs: list[TokenizedPair],
    ref: RefLogprobs,
    loaded: LoadedModel,
    cfg: TrainConfig,
) -> dict[str, Any]:
    if not pairs:
        return {}
    return evaluate(model, pairs, ref, loss, hp, loaded.pad_id, cfg.batch_size * 2).as_dict()


def grad_report(
    model: Any,
    loss: MarginLoss,
    hp: Hyper,
    pairs: list[TokenizedPair],
    ref: RefLogprobs,
    pad_id: int,
    cfg: TrainConfig,
) -> dict[str, Any]:
    rows = grad_cosine(model, pairs[: cfg.grad_pairs], ref[: cfg.grad_pairs], loss, hp, pad_id)
    model.zero_grad(set_to_none=True)
    return {**case_counts(rows), "per_pair": rows}


def average(rows: list[dict[str, float]]) -> dict[str, float]:
    return {key: sum(r[key] for r in rows) / len(rows) for key in rows[0]}


def write_metric(log: Any, loss: str, step: int, split: str, values: dict[str, Any]) -> None:
    if values:
        log.write(json.dumps({"objective": loss, "step": step, "split": split, **values}) + "\n")
        log.flush()


def count_parameters(model: Any) -> int:
    return sum(p.numel() for p in model.parameters())


class _NoBar:
    def update(self, *args: Any, **kwargs: Any) -> None:
        pass


class progress_bar:
    """A rich progress bar, or nothing when ``enabled`` is false (tests, --quiet)."""

    def __init__(self, enabled: bool, description: str, total: int) -> None:
        self.progress = (
            Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
            )
            if enabled
            else None
        )
        self.description, self.total = description, total

    def __enter__(self) -> tuple[Any, Any]:
        if self.progress is None:
            return _NoBar(), None
        self.progress.start()
        return self.progress, self.progress.add_task(self.description, total=self.total)

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()


__all__ = ["TrainConfig", "train"]
