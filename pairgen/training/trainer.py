"""The reference DPO/DPOP trainer, in plain PyTorch, to read top to bottom.

    shards -> token ids -> (optional SFT warm-up) -> the batches of the run
           -> reference log-probs of the pairs those batches use, once
           -> for each loss: same start, same batches, AdamW -> measurements -> report

Every loss starts from the same weights and sees the same batches in the same order, so
the losses differ only by their objective.  The reference model is the start model; its
per-token log-probs are computed once, for the pairs the run will see (``reference.py``),
and kept, so no second model sits in memory.  Every forward pass goes through
:meth:`Run.logprobs` and every number through :func:`~pairgen.training.forward.score`
(see ``forward.py``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Hashable
from dataclasses import dataclass, replace
from typing import Any, TextIO

import torch

from pairgen.training.batches import first_seen, schedule
from pairgen.training.budget import forward_tokens
from pairgen.training.config import DEFAULT_THREADS, TrainConfig
from pairgen.training.data import (
    PairText,
    TokenizedPair,
    fit,
    read_pairs,
    split_pairs,
    tokenize_whole,
)
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
from pairgen.training.measure import evaluate, measure, reference_measurement, summarize
from pairgen.training.memory import return_freed_memory
from pairgen.training.models import LoadedModel, load_model
from pairgen.training.packing import Layout, padding_ratio, pair_lengths, token_counts
from pairgen.training.progress import Phases, clock
from pairgen.training.reference import ReferenceCache, compute_reference
from pairgen.training.results import DataInfo, LossResult, ModelInfo, RunCost, TrainResult
from pairgen.training.sharing import check_sharing
from pairgen.training.weights import add_lora, restore, save_model, snapshot, trainable


@dataclass(frozen=True, slots=True)
class Split:
    """Pairs of one side of the run (train or held out) and their reference log-probs."""

    pairs: list[TokenizedPair]
    ref: Reference


def train(cfg: TrainConfig, cache: ReferenceCache | None = None) -> TrainResult:
    """Run every loss of ``cfg``, write metrics.jsonl, report.json and report.md; return
    the run's :class:`~pairgen.training.results.TrainResult`.

    ``cache``: reference log-probs kept from an earlier run with the same start weights
    (``--seeds``); by default a fresh one.  On the CPU the run is deterministic (same
    config, same bytes).  CUDA's deterministic mode needs a cuBLAS workspace setting made
    before CUDA starts, so there the usual non-determinism of GPU reductions applies.
    """
    precision = Precision(resolve_device(cfg.device), resolve_dtype(cfg.dtype))
    was_deterministic, was_threads = (
        torch.are_deterministic_algorithms_enabled(),
        torch.get_num_threads(),
    )
    if precision.device.type == "cpu":
        torch.use_deterministic_algorithms(True)
        return_freed_memory()  # activations of one batch shape are not kept for the next
    threads = cfg.threads or DEFAULT_THREADS.get(cfg.model)
    if threads:
        torch.set_num_threads(threads)
    try:
        return _train(cfg, precision, cache or ReferenceCache())
    finally:
        torch.use_deterministic_algorithms(was_deterministic)
        torch.set_num_threads(was_threads)


def start_run(
    loaded: LoadedModel, cfg: TrainConfig, precision: Precision, phases: Phases, width: int = 512
) -> Run:
    """Move the model to the run's device (float32 master weights) and set it up.

    Prefix sharing is used when asked for and the model passes the probe; otherwise
    the run says so in one line and forwards chosen and rejected as two sequences.
    ``width``: the longest pair, which sizes the forward-only batches.
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
    tokens = cfg.forward_tokens or forward_tokens(model, precision.device, width)
    return Run(model, loaded.pad_id, tokens, precision, shared, cfg.logit_chunk)


def start_key(cfg: TrainConfig, run: Run) -> Hashable:
    """What names the start weights, for reusing reference log-probs across runs; None
    when they depend on the seed (the random tiny model, an SFT warm-up)."""
    if cfg.model == "tiny" or cfg.warmup_steps:
        return None
    return (cfg.model, cfg.dtype, str(run.device), run.shared, cfg.lora_r, cfg.logit_chunk)


@dataclass(frozen=True, slots=True)
class Session:
    """What every loss of one run shares: settings, model, pairs, batches, references."""

    cfg: TrainConfig
    run: Run
    train: Split  # the training pairs the run will see, in the order it first meets them
    batches: list[list[int]]  # the micro-batches every loss trains on (into train.pairs)
    held_out: Split
    curve: list[int]  # held-out pairs measured between the first and the last step
    texts: dict[str, PairText]
    phases: Phases
    log: TextIO


def _train(cfg: TrainConfig, precision: Precision, cache: ReferenceCache) -> TrainResult:
    from pairgen.training.report import write_outputs  # report imports plots (matplotlib)

    started = time.perf_counter()
    losses = [get_loss(name) for name in dict.fromkeys(cfg.losses)]  # fail before loading
    cfg.run_dir.mkdir(parents=True, exist_ok=True)
    with (
        Phases(cfg.progress) as phases,
        open(cfg.run_dir / "metrics.jsonl", "w", encoding="utf-8") as log,
    ):
        # 1. Data: shards -> token ids (once), a seeded held-out split.
        texts = read_pairs(cfg.out_dir, cfg.split)[: cfg.max_pairs]
        with phases.phase(f"loading {cfg.model}", 1, "model") as phase:
            loaded = load_model(cfg.model, cfg.seed)
            phase.advance()
        with phases.phase("tokenizing", len(texts), "pairs") as phase:
            whole, tokenized = tokenize_whole(texts, loaded.tokenizer, phase.advance)
        max_length, how = resolve_max_length(cfg, whole, loaded)
        pairs, tokenized = fit(whole, tokenized, max_length, cfg.truncate)
        train_pairs, eval_pairs = split_pairs(
            pairs, cfg.eval_fraction, cfg.seed, cfg.max_eval_pairs
        )
        width = max(Layout.of(p).packed for p in pairs)
        run = start_run(loaded, cfg, precision, phases, width)

        # 2. Optional SFT warm-up on chosen: the reference for a model that is not tuned yet.
        if cfg.warmup_steps:
            sft_warmup(run, train_pairs, cfg, phases)
        # The start weights, to restart each loss from (not needed for a single loss).
        start_state = snapshot(run.model) if len(losses) > 1 else None

        # 3. The batches every loss trains on, and reference log-probs for those pairs only.
        plan = schedule(
            pair_lengths(train_pairs),
            cfg.batch_size,
            cfg.micro_batches,
            cfg.seed,
            cfg.group_by_length,
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
            session = Session(
                cfg,
                run,
                Split(
                    seen_pairs,
                    compute_reference(
                        run, seen_pairs, cache, batches[: cfg.grad_accum], phase.advance
                    ),
                ),
                batches,
                Split(eval_pairs, compute_reference(run, eval_pairs, cache, (), phase.advance)),
                list(range(min(cfg.curve_pairs, len(eval_pairs)))),
                {p.id: p for p in texts},
                phases,
                log,
            )
        computed = cache.computed - computed_before
        report = TrainResult(
            config=cfg.as_dict(),
            model=ModelInfo(
                name=loaded.name,
                source=loaded.source,
                parameters=sum(p.numel() for p in run.model.parameters()),
                trained_parameters=sum(p.numel() for p in trainable(run.model).values()),
                device=str(precision.device),
                dtype=cfg.dtype,
            ),
            data=DataInfo(
                tokenize=tokenized.as_dict(),
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
            max_length={"tokens": max_length, "how": how},
            reference=reference_rows(session),
            losses={},
        )

        # 4. Each loss from the same start, on the same batches.
        for loss in losses:
            if start_state is not None:
                restore(run.model, start_state)
            result = report.losses[loss.name] = train_one(session, loss)
            if cfg.save_model is not None:
                target = save_model(run.model, loaded.tokenizer, cfg.save_model / loss.name)
                result.saved_to = str(target)
    report.seconds = time.perf_counter() - started
    write_outputs(cfg.run_dir, report)
    return report


def reference_rows(session: Session) -> dict[str, Any]:
    """The reference's own measurement on the held-out pairs (and on the curve pairs
    when those are fewer)."""
    held_out = session.held_out
    if not held_out.pairs:
        return {"eval": {}}
    rows = {"eval": reference_measurement(held_out.ref).as_dict()}
    if curving(session):
        rows["curve"] = reference_measurement(held_out.ref, indices=session.curve).as_dict()
    return rows


def curving(session: Session) -> bool:
    """Whether the points between the first and the last step use fewer pairs."""
    return len(session.curve) < len(session.held_out.pairs)


def train_one(session: Session, loss: MarginLoss) -> LossResult:
    """Train one loss for ``cfg.steps`` optimizer steps; measure on held-out pairs."""
    cfg, run, held_out = session.cfg, session.run, session.held_out
    started = time.perf_counter()
    torch.manual_seed(cfg.seed)
    run.precision.restart()
    hp = loss.hyper(beta=cfg.beta, lam=cfg.lam)
    optimizer = torch.optim.AdamW(
        trainable(run.model).values(), lr=cfg.learning_rate, weight_decay=cfg.weight_decay
    )
    result = LossResult(hyper={k: getattr(hp, k) for k in loss.defaults}, lr=cfg.learning_rate)
    if cfg.grad_cosine and held_out.pairs:
        result.grad_cosine_start = gradient_cosine(session, loss, hp, "start")
    if held_out.pairs:  # at step 0 the policy is the reference: no forward pass needed
        log_eval(session, loss, hp, 0, held_out.ref)

    final: dict[str, Any] = {}
    trained: Reference | None = None
    with session.phases.phase(
        f"training {loss.name}",
        cfg.steps,
        "steps",
        tokens=sum(session.run.lengths(session.train.pairs[i] for b in session.batches for i in b)),
        kind="train",
        plan=evaluation_plan(session),
    ) as phase:
        for step in range(1, cfg.steps + 1):
            run.model.train()
            optimizer.zero_grad(set_to_none=True)
            logged = []
            for indices in session.batches[(step - 1) * cfg.grad_accum : step * cfg.grad_accum]:
                pairs = [session.train.pairs[i] for i in indices]
                scored = score(run.logprobs(pairs), session.train.ref.take(indices), loss, hp)
                run.precision.backward(scored.values.mean() / cfg.grad_accum)
                logged.append(summarize([scored]).as_dict())
            run.precision.step(optimizer)
            if step % cfg.log_every == 0 or step == cfg.steps:
                write_metric(session.log, loss.name, step, "train", average(logged))
            due = (cfg.eval_interval and step % cfg.eval_interval == 0) or step == cfg.steps
            if held_out.pairs and due:
                final, trained = evaluate_now(session, loss, hp, step)
            phase.advance(note=f"loss {logged[-1]['loss']:.3f}")
    result.eval = final
    if held_out.pairs and trained is not None:
        effects = held_out_effects(session.texts, held_out.pairs, held_out.ref, trained)
        result.suffix, result.choice = effects["suffix"], effects.get("choice")
    if cfg.grad_cosine and held_out.pairs:
        result.grad_cosine_end = gradient_cosine(session, loss, hp, "end")
    result.seconds = time.perf_counter() - started
    result.pairs_per_second = cfg.micro_batches * cfg.batch_size / result.seconds
    return result


def evaluation_plan(session: Session) -> str:
    """The held-out evaluations a loss will make, and their cost, in words."""
    cfg, held_out = session.cfg, session.held_out
    if not held_out.pairs:
        return "no held-out pairs"
    points = [s for s in range(1, cfg.steps) if cfg.eval_interval and s % cfg.eval_interval == 0]
    lengths = session.run.lengths(held_out.pairs)
    tokens = len(points) * sum(lengths[i] for i in session.curve) + sum(lengths)
    guess = session.phases.rates.estimate("forward", tokens)
    when = f", about {clock(guess)}" if guess is not None else ""
    return (
        f"and {len(points)} evaluations of {len(session.curve):,} held-out pairs, "
        f"one of {len(held_out.pairs):,} at the end: {tokens:,} tokens to forward{when}"
    )


def log_eval(
    session: Session, loss: MarginLoss, hp: Hyper, step: int, policy: Reference
) -> dict[str, Any]:
    """Write the held-out measurement of ``policy`` (and its curve point); return it."""
    ref = session.held_out.ref
    full = measure(policy, ref, loss, hp).as_dict()
    write_metric(session.log, loss.name, step, "eval", full)
    if curving(session):
        point = measure(policy, ref, loss, hp, session.curve).as_dict()
        write_metric(session.log, loss.name, step, "curve", point)
    return full


def evaluate_now(
    session: Session, loss: MarginLoss, hp: Hyper, step: int
) -> tuple[dict[str, Any], Reference | None]:
    """The held-out measurement of the current weights: every held-out pair at the last
    step (with the per-token log-probs, for the suffix and choice effects), the curve
    pairs before."""
    held_out, last = session.held_out, step == session.cfg.steps
    if not last and curving(session):
        pairs = [held_out.pairs[i] for i in session.curve]
        ref = Reference.of([held_out.ref.row(i) for i in session.curve])
        name = f"evaluating {loss.name} at step {step} (curve)"
        with session.phases.phase(name, len(pairs), "pairs", keep=False) as phase:
            out, _ = evaluate(session.run, pairs, ref, loss, hp, phase.advance)
        write_metric(session.log, loss.name, step, "curve", out.as_dict())
        return out.as_dict(), None
    name = f"evaluating {loss.name} at step {step}"
    with session.phases.phase(name, len(held_out.pairs), "pairs", keep=False) as phase:
        _, trained = evaluate(session.run, held_out.pairs, held_out.ref, loss, hp, phase.advance)
    return log_eval(session, loss, hp, step, trained), trained


def gradient_cosine(session: Session, loss: MarginLoss, hp: Hyper, when: str) -> dict[str, Any]:
    probe = session.held_out.pairs[: session.cfg.grad_pairs]
    name = f"gradient cosine {loss.name} ({when})"
    with session.phases.phase(name, len(probe), "pairs", keep=False) as phase:
        return grad_report(session.run, probe, session.held_out.ref, loss, hp, phase.advance)


def sft_warmup(run: Run, pairs: list[TokenizedPair], cfg: TrainConfig, phases: Phases) -> None:
    """A few steps of maximum likelihood on chosen completions (prompt tokens not scored).

    Only prompt and chosen are forwarded: the rejected suffix would cost tokens and
    add nothing to the loss.
    """
    chosen = [replace(p, rejected=p.chosen, first_diff=len(p.chosen)) for p in pairs]
    optimizer = torch.optim.AdamW(trainable(run.model).values(), lr=cfg.sft_lr or cfg.learning_rate)
    plan = schedule(
        pair_lengths(chosen), cfg.batch_size, cfg.warmup_steps, cfg.seed + 1, cfg.group_by_length
    )
    lengths = run.lengths(chosen)
    run.precision.restart()
    run.model.train()
    tokens = sum(lengths[i] for batch in plan for i in batch)
    with phases.phase(
        "SFT warm-up", cfg.warmup_steps, "steps", tokens=tokens, kind="train"
    ) as phase:
        for batch in plan:
            out = run.logprobs([chosen[i] for i in batch])
            nll = -out.chosen.sum() / out.chosen_len.sum()
            optimizer.zero_grad(set_to_none=True)
            run.precision.backward(nll)
            nll = nll.detach()
            run.precision.step(optimizer)
            phase.advance(note=f"nll {nll.item():.3f}")


def average(rows: list[dict[str, float]]) -> dict[str, float]:
    return {key: sum(r[key] for r in rows) / len(rows) for key in rows[0]}


def write_metric(log: TextIO, loss: str, step: int, split: str, values: dict[str, Any]) -> None:
    if values:
        log.write(json.dumps({"objective": loss, "step": step, "split": split, **values}) + "\n")
        log.flush()


__all__ = ["Session", "TrainConfig", "start_key", "start_run", "train"]
