"""The reference DPO/DPOP trainer, in plain PyTorch, to read top to bottom.

    shards -> token ids -> (optional SFT warm-up) -> reference log-probs, once
           -> for each loss: same start, same batches, AdamW -> measurements -> report

Every loss starts from the same weights and sees the same batches in the same order, so
the losses differ only by their objective.  The reference model is the start model; its
per-token log-probs are computed once and kept, so no second model sits in memory.
Every forward pass goes through :meth:`Run.logprobs` and every number through
:func:`~pairgen.train.forward.score` (see ``forward.py``).
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

import torch

from pairgen.train.config import DEFAULT_THREADS, TrainConfig
from pairgen.train.data import TokenizedPair, read_pairs, split_pairs, tokenize_pairs
from pairgen.train.device import Precision, enable_checkpointing, resolve_device, resolve_dtype
from pairgen.train.effects import held_out_effects
from pairgen.train.forward import Reference, Run, score
from pairgen.train.gradients import grad_report
from pairgen.train.lengths import resolve_max_length
from pairgen.train.losses import MarginLoss, get_loss
from pairgen.train.measure import evaluate, reference_measurement, summarize
from pairgen.train.models import LoadedModel, load_model
from pairgen.train.packing import token_counts
from pairgen.train.progress import notice, progress_bar
from pairgen.train.sharing import check_sharing


@dataclass(frozen=True, slots=True)
class Split:
    """Pairs of one side of the run (train or held out) and their reference log-probs."""

    pairs: list[TokenizedPair]
    ref: Reference


def train(cfg: TrainConfig) -> dict[str, Any]:
    """Run every loss of ``cfg`` and write metrics.jsonl and report.json; return the report.

    On the CPU the run is deterministic (same config, same bytes).  CUDA's deterministic
    mode needs a cuBLAS workspace setting made before CUDA starts, so there the usual
    non-determinism of GPU reductions applies.
    """
    precision = Precision(resolve_device(cfg.device), resolve_dtype(cfg.dtype))
    was_deterministic, was_threads = (
        torch.are_deterministic_algorithms_enabled(),
        torch.get_num_threads(),
    )
    if precision.device.type == "cpu":
        torch.use_deterministic_algorithms(True)
    threads = cfg.threads or DEFAULT_THREADS.get(cfg.model)
    if threads:
        torch.set_num_threads(threads)
    try:
        return _train(cfg, precision)
    finally:
        torch.use_deterministic_algorithms(was_deterministic)
        torch.set_num_threads(was_threads)


def start_run(loaded: LoadedModel, cfg: TrainConfig, precision: Precision) -> Run:
    """Move the model to the run's device (float32 master weights) and set it up.

    Prefix sharing is used when asked for and the model passes the probe; otherwise
    the run says so in one line and forwards chosen and rejected as two sequences.
    """
    model = loaded.model.to(precision.device)
    if cfg.gradient_checkpointing:
        enable_checkpointing(model)
    shared = False
    if cfg.prefix_sharing:
        check = check_sharing(model)
        shared = check.ok
        if not shared:
            notice(
                f"prefix sharing off for {loaded.name}: {check.reason}; "
                "chosen and rejected are forwarded as two sequences",
                cfg.progress,
            )
    return Run(model, loaded.pad_id, cfg.eval_batch_size, precision, shared, cfg.logit_chunk)


def _train(cfg: TrainConfig, precision: Precision) -> dict[str, Any]:
    from pairgen.train.report import write_outputs  # report imports plots (matplotlib)

    started = time.perf_counter()
    losses = [get_loss(name) for name in dict.fromkeys(cfg.losses)]  # fail before loading
    cfg.run_dir.mkdir(parents=True, exist_ok=True)
    metrics_path = cfg.run_dir / "metrics.jsonl"
    metrics_path.write_text("")

    # 1. Data: shards -> token ids, a seeded held-out split.
    texts = read_pairs(cfg.out_dir, cfg.split)[: cfg.max_pairs]
    loaded = load_model(cfg.model, cfg.seed)
    max_length, how = resolve_max_length(cfg, texts, loaded)
    pairs, tokenized = tokenize_pairs(texts, loaded.tokenizer, max_length, cfg.truncate)
    train_pairs, eval_pairs = split_pairs(pairs, cfg.eval_fraction, cfg.seed)
    run = start_run(loaded, cfg, precision)

    # 2. Optional SFT warm-up on chosen: the reference for a model that is not tuned yet.
    if cfg.warmup_steps:
        sft_warmup(run, train_pairs, cfg)
    # A copy of the start weights, to restart each loss from (not needed for a single loss).
    start_state = (
        {k: v.detach().clone() for k, v in run.model.state_dict().items()}
        if len(losses) > 1
        else None
    )

    # 3. Reference log-probs per token, once.
    train_side = Split(train_pairs, run.reference(train_pairs))
    eval_side = Split(eval_pairs, run.reference(eval_pairs))
    report: dict[str, Any] = {
        "config": cfg.as_dict(),
        "model": {
            "name": loaded.name,
            "source": loaded.source,
            "parameters": sum(p.numel() for p in run.model.parameters()),
            "device": str(precision.device),
            "dtype": cfg.dtype,
        },
        "data": {
            "tokenize": tokenized.as_dict(),
            "train_pairs": len(train_pairs),
            "eval_pairs": len(eval_pairs),
            "tokens": token_counts(pairs),
        },
        "prefix_sharing": run.shared,
        "max_length": {"tokens": max_length, "how": how},
        "reference": {"eval": reference_measurement(eval_side.ref).as_dict() if eval_pairs else {}},
        "losses": {},
    }

    # 4. Each loss from the same start, on the same batches.
    with open(metrics_path, "a", encoding="utf-8") as log:
        for loss in losses:
            if start_state is not None:
                run.model.load_state_dict(start_state)
            report["losses"][loss.name] = train_one(run, loss, train_side, eval_side, cfg, log)
    report["seconds"] = time.perf_counter() - started
    write_outputs(cfg.run_dir, report)
    return report


def train_one(
    run: Run, loss: MarginLoss, train_side: Split, eval_side: Split, cfg: TrainConfig, log: Any
) -> dict[str, Any]:
    """Train one loss for ``cfg.steps`` optimizer steps; measure on held-out pairs."""
    started = time.perf_counter()
    torch.manual_seed(cfg.seed)
    run.precision.restart()
    hp = loss.hyper(beta=cfg.beta, lam=cfg.lam)
    optimizer = torch.optim.AdamW(
        run.model.parameters(), lr=cfg.learning_rate, weight_decay=cfg.weight_decay
    )
    result: dict[str, Any] = {
        "hyper": {k: getattr(hp, k) for k in loss.defaults},
        "lr": cfg.learning_rate,
    }
    held_out = eval_side.pairs
    probe = held_out[: cfg.grad_pairs]
    if cfg.grad_cosine and held_out:
        result["grad_cosine_start"] = grad_report(run, probe, eval_side.ref, loss, hp)
    if held_out:  # at step 0 the policy is the reference: no forward pass needed
        start = reference_measurement(eval_side.ref, loss, hp)
        write_metric(log, loss.name, 0, "eval", start.as_dict())

    batches = batch_indices(len(train_side.pairs), cfg.batch_size, cfg.seed)
    final: dict[str, Any] = {}
    with progress_bar(cfg.progress, loss.name, cfg.steps) as (bar, task):
        for step in range(1, cfg.steps + 1):
            run.model.train()
            optimizer.zero_grad(set_to_none=True)
            logged = []
            for indices in islice(batches, cfg.grad_accum):
                pairs = [train_side.pairs[i] for i in indices]
                scored = score(run.logprobs(pairs), train_side.ref.take(indices), loss, hp)
                run.precision.backward(scored.values.mean() / cfg.grad_accum)
                logged.append(summarize([scored]).as_dict())
            run.precision.step(optimizer)
            if step % cfg.log_every == 0 or step == cfg.steps:
                write_metric(log, loss.name, step, "train", average(logged))
            due = (cfg.eval_interval and step % cfg.eval_interval == 0) or step == cfg.steps
            if held_out and due:
                final = evaluate(run, held_out, eval_side.ref, loss, hp).as_dict()
                write_metric(log, loss.name, step, "eval", final)
            bar.update(task, advance=1, description=f"{loss.name} loss {logged[-1]['loss']:.3f}")
    result["eval"] = final
    if held_out:
        result.update(held_out_effects(run, cfg, held_out, eval_side.ref))
    if cfg.grad_cosine and held_out:
        result["grad_cosine_end"] = grad_report(run, probe, eval_side.ref, loss, hp)
    result["seconds"] = time.perf_counter() - started
    result["pairs_per_second"] = cfg.steps * cfg.batch_size * cfg.grad_accum / result["seconds"]
    return result


def sft_warmup(run: Run, pairs: list[TokenizedPair], cfg: TrainConfig) -> None:
    """A few steps of maximum likelihood on chosen completions (prompt tokens not scored)."""
    optimizer = torch.optim.AdamW(run.model.parameters(), lr=cfg.sft_lr or cfg.learning_rate)
    batches = batch_indices(len(pairs), cfg.batch_size, cfg.seed + 1)
    run.precision.restart()
    run.model.train()
    with progress_bar(cfg.progress, "sft warm-up", cfg.warmup_steps) as (bar, task):
        for _ in range(cfg.warmup_steps):
            out = run.logprobs([pairs[i] for i in next(batches)])
            nll = -out.chosen.sum() / out.chosen_len.sum()
            optimizer.zero_grad(set_to_none=True)
            run.precision.backward(nll)
            nll = nll.detach()
            run.precision.step(optimizer)
            bar.update(task, advance=1, description=f"sft warm-up nll {nll.item():.3f}")


def batch_indices(n: int, batch_size: int, seed: int) -> Iterator[list[int]]:
    """Endless seeded epochs of shuffled indices, cut into batches (the last may be short)."""
    rng = random.Random(seed)
    while True:
        order = list(range(n))
        rng.shuffle(order)
        for start in range(0, n, batch_size):
            yield order[start : start + batch_size]


def average(rows: list[dict[str, float]]) -> dict[str, float]:
    return {key: sum(r[key] for r in rows) / len(rows) for key in rows[0]}


def write_metric(log: Any, loss: str, step: int, split: str, values: dict[str, Any]) -> None:
    if values:
        log.write(json.dumps({"objective": loss, "step": step, "split": split, **values}) + "\n")
        log.flush()


__all__ = ["TrainConfig", "train"]
