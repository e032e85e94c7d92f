"""The reference DPO/DPOP trainer, in plain PyTorch, to read top to bottom.

    shards -> token ids -> (optional SFT warm-up) -> reference log-probs, once
           -> for each loss: same start, same batches, AdamW -> measurements -> report

Every loss starts from the same weights and sees the same batches in the same order, so
the losses differ only by their objective.  The reference model is the start model; its
per-token log-probs are computed once and kept, so no second model sits in memory.
Every forward pass goes through :meth:`Run.logprobs` and every number through
:func:`~pairgen.training.forward.score` (see ``forward.py``).
"""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any, TextIO

import torch

from pairgen.training.config import DEFAULT_THREADS, TrainConfig
from pairgen.training.data import TokenizedPair, read_pairs, split_pairs, tokenize_pairs
from pairgen.training.device import (
    Precision,
    emulated,
    enable_checkpointing,
    resolve_device,
    resolve_dtype,
)
from pairgen.training.effects import held_out_effects
from pairgen.training.forward import Reference, Run, score
from pairgen.training.gradients import grad_report
from pairgen.training.lengths import resolve_max_length
from pairgen.training.losses import Hyper, MarginLoss, get_loss
from pairgen.training.measure import evaluate, reference_measurement, summarize
from pairgen.training.models import LoadedModel, load_model
from pairgen.training.packing import token_counts
from pairgen.training.progress import Phases
from pairgen.training.sharing import check_sharing
from pairgen.training.weights import add_lora, restore, save_model, snapshot, trainable


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


def start_run(loaded: LoadedModel, cfg: TrainConfig, precision: Precision, phases: Phases) -> Run:
    """Move the model to the run's device (float32 master weights) and set it up.

    Prefix sharing is used when asked for and the model passes the probe; otherwise
    the run says so in one line and forwards chosen and rejected as two sequences.
    """
    if emulated(precision):
        phases.notice(
            f"{cfg.dtype} on this CPU is emulated (no native 16-bit matmul): expect it to be "
            "slower than float32; it saves memory, not time"
        )
    model = loaded.model.to(precision.device)
    if cfg.gradient_checkpointing:
        enable_checkpointing(model)
    if cfg.lora_r is not None:
        model = add_lora(model, cfg.lora_r, cfg.lora_alpha)
    shared = False
    if cfg.prefix_sharing:
        check = check_sharing(model)
        shared = check.ok
        if not shared:
            phases.notice(
                f"prefix sharing off for {loaded.name}: {check.reason}; "
                "chosen and rejected are forwarded as two sequences"
            )
    return Run(model, loaded.pad_id, cfg.eval_batch_size, precision, shared, cfg.logit_chunk)


@dataclass(frozen=True, slots=True)
class Session:
    """What every loss of one run shares: settings, model, pairs, references, outputs."""

    cfg: TrainConfig
    run: Run
    tokenizer: Any
    train: Split
    held_out: Split
    phases: Phases
    log: TextIO


def _train(cfg: TrainConfig, precision: Precision) -> dict[str, Any]:
    from pairgen.training.report import write_outputs  # report imports plots (matplotlib)

    started = time.perf_counter()
    losses = [get_loss(name) for name in dict.fromkeys(cfg.losses)]  # fail before loading
    cfg.run_dir.mkdir(parents=True, exist_ok=True)
    with (
        Phases(cfg.progress) as phases,
        open(cfg.run_dir / "metrics.jsonl", "w", encoding="utf-8") as log,
    ):
        # 1. Data: shards -> token ids, a seeded held-out split.
        texts = read_pairs(cfg.out_dir, cfg.split)[: cfg.max_pairs]
        with phases.phase(f"loading {cfg.model}", 1, "model") as phase:
            loaded = load_model(cfg.model, cfg.seed)
            phase.advance()
        max_length, how = resolve_max_length(cfg, texts, loaded)
        with phases.phase("tokenizing", len(texts), "pairs") as phase:
            pairs, tokenized = tokenize_pairs(
                texts, loaded.tokenizer, max_length, cfg.truncate, phase.advance
            )
        train_pairs, eval_pairs = split_pairs(pairs, cfg.eval_fraction, cfg.seed)
        run = start_run(loaded, cfg, precision, phases)

        # 2. Optional SFT warm-up on chosen: the reference for a model that is not tuned yet.
        if cfg.warmup_steps:
            sft_warmup(run, train_pairs, cfg, phases)
        # The start weights, to restart each loss from (not needed for a single loss).
        start_state = snapshot(run.model) if len(losses) > 1 else None

        # 3. Reference log-probs per token, once.
        with phases.phase("reference log-probs", len(pairs), "pairs") as phase:
            # the training pairs in the first epoch's batches: step 1 sees the same shapes
            batches = first_epoch(cfg, len(train_pairs))
            session = Session(
                cfg,
                run,
                loaded.tokenizer,
                Split(train_pairs, run.reference(train_pairs, phase.advance, batches)),
                Split(eval_pairs, run.reference(eval_pairs, phase.advance)),
                phases,
                log,
            )
        report: dict[str, Any] = {
            "config": cfg.as_dict(),
            "model": {
                "name": loaded.name,
                "source": loaded.source,
                "parameters": sum(p.numel() for p in run.model.parameters()),
                "trained_parameters": sum(p.numel() for p in trainable(run.model).values()),
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
            "reference": {
                "eval": reference_measurement(session.held_out.ref).as_dict() if eval_pairs else {}
            },
            "losses": {},
        }

        # 4. Each loss from the same start, on the same batches.
        for loss in losses:
            if start_state is not None:
                restore(run.model, start_state)
            report["losses"][loss.name] = train_one(session, loss)
            if cfg.save_model is not None:
                target = save_model(run.model, loaded.tokenizer, cfg.save_model / loss.name)
                report["losses"][loss.name]["saved_to"] = str(target)
    report["seconds"] = time.perf_counter() - started
    write_outputs(cfg.run_dir, report)
    return report


def train_one(session: Session, loss: MarginLoss) -> dict[str, Any]:
    """Train one loss for ``cfg.steps`` optimizer steps; measure on held-out pairs."""
    cfg, run, held_out = session.cfg, session.run, session.held_out
    started = time.perf_counter()
    torch.manual_seed(cfg.seed)
    run.precision.restart()
    hp = loss.hyper(beta=cfg.beta, lam=cfg.lam)
    optimizer = torch.optim.AdamW(
        trainable(run.model).values(), lr=cfg.learning_rate, weight_decay=cfg.weight_decay
    )
    result: dict[str, Any] = {
        "hyper": {k: getattr(hp, k) for k in loss.defaults},
        "lr": cfg.learning_rate,
    }
    if cfg.grad_cosine and held_out.pairs:
        result["grad_cosine_start"] = gradient_cosine(session, loss, hp, "start")
    if held_out.pairs:  # at step 0 the policy is the reference: no forward pass needed
        start = reference_measurement(held_out.ref, loss, hp)
        write_metric(session.log, loss.name, 0, "eval", start.as_dict())

    batches = batch_indices(len(session.train.pairs), cfg.batch_size, cfg.seed)
    final: dict[str, Any] = {}
    with session.phases.phase(f"training {loss.name}", cfg.steps, "steps") as phase:
        for step in range(1, cfg.steps + 1):
            run.model.train()
            optimizer.zero_grad(set_to_none=True)
            logged = []
            for indices in islice(batches, cfg.grad_accum):
                pairs = [session.train.pairs[i] for i in indices]
                scored = score(run.logprobs(pairs), session.train.ref.take(indices), loss, hp)
                run.precision.backward(scored.values.mean() / cfg.grad_accum)
                logged.append(summarize([scored]).as_dict())
            run.precision.step(optimizer)
            if step % cfg.log_every == 0 or step == cfg.steps:
                write_metric(session.log, loss.name, step, "train", average(logged))
            due = (cfg.eval_interval and step % cfg.eval_interval == 0) or step == cfg.steps
            if held_out.pairs and due:
                final = evaluate_now(session, loss, hp, step)
                write_metric(session.log, loss.name, step, "eval", final)
            phase.advance(note=f"loss {logged[-1]['loss']:.3f}")
    result["eval"] = final
    if held_out.pairs:
        result.update(held_out_effects(run, cfg, held_out.pairs, held_out.ref))
    if cfg.grad_cosine and held_out.pairs:
        result["grad_cosine_end"] = gradient_cosine(session, loss, hp, "end")
    result["seconds"] = time.perf_counter() - started
    result["pairs_per_second"] = cfg.steps * cfg.batch_size * cfg.grad_accum / result["seconds"]
    return result


def evaluate_now(session: Session, loss: MarginLoss, hp: Hyper, step: int) -> dict[str, Any]:
    """The held-out measurement of the current weights, with its own progress."""
    pairs = session.held_out.pairs
    name = f"evaluating {loss.name} at step {step}"
    with session.phases.phase(name, len(pairs), "pairs", keep=False) as phase:
        out = evaluate(session.run, pairs, session.held_out.ref, loss, hp, phase.advance)
    return out.as_dict()


def gradient_cosine(session: Session, loss: MarginLoss, hp: Hyper, when: str) -> dict[str, Any]:
    probe = session.held_out.pairs[: session.cfg.grad_pairs]
    name = f"gradient cosine {loss.name} ({when})"
    with session.phases.phase(name, len(probe), "pairs", keep=False) as phase:
        return grad_report(session.run, probe, session.held_out.ref, loss, hp, phase.advance)


def sft_warmup(run: Run, pairs: list[TokenizedPair], cfg: TrainConfig, phases: Phases) -> None:
    """A few steps of maximum likelihood on chosen completions (prompt tokens not scored)."""
    optimizer = torch.optim.AdamW(trainable(run.model).values(), lr=cfg.sft_lr or cfg.learning_rate)
    batches = batch_indices(len(pairs), cfg.batch_size, cfg.seed + 1)
    run.precision.restart()
    run.model.train()
    with phases.phase("SFT warm-up", cfg.warmup_steps, "steps") as phase:
        for _ in range(cfg.warmup_steps):
            out = run.logprobs([pairs[i] for i in next(batches)])
            nll = -out.chosen.sum() / out.chosen_len.sum()
            optimizer.zero_grad(set_to_none=True)
            run.precision.backward(nll)
            nll = nll.detach()
            run.precision.step(optimizer)
            phase.advance(note=f"nll {nll.item():.3f}")


def first_epoch(cfg: TrainConfig, n: int) -> list[list[int]]:
    """The batches every loss trains on first: each of the ``n`` training pairs once."""
    return list(islice(batch_indices(n, cfg.batch_size, cfg.seed), math.ceil(n / cfg.batch_size)))


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


def write_metric(log: TextIO, loss: str, step: int, split: str, values: dict[str, Any]) -> None:
    if values:
        log.write(json.dumps({"objective": loss, "step": step, "split": split, **values}) + "\n")
        log.flush()


__all__ = ["Session", "TrainConfig", "start_run", "train"]
