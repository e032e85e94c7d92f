"""The reference DPO/DPOP trainer, in plain PyTorch, to read top to bottom.

    session (model, pairs, batches, reference log-probs; ``session.py``)
        -> for each loss: same start, same batches, AdamW -> held-out measurements

Every forward pass goes through :meth:`Run.logprobs` and every number through
:func:`~pairgen.training.loop.forward.score` (see ``forward.py``).  :func:`train_step`
is one optimizer step, the whole of what training does.  What a run measures beyond
the loss and the held-out table (the gradient cosine, the suffix and choice effects) is
the analysis's, called through a :class:`Probe`; the loop does not import it.
"""

from __future__ import annotations

import time

import torch

from pairgen.training.config import DEFAULT_THREADS, TrainConfig
from pairgen.training.loop.device import Precision, resolve_device, resolve_dtype
from pairgen.training.loop.evaluation import due, evaluate_now, evaluation_plan, log_eval
from pairgen.training.loop.forward import Reference, score
from pairgen.training.loop.losses import Hyper, MarginLoss, get_loss
from pairgen.training.loop.measure import summarize
from pairgen.training.loop.memory import KEEP_FREED_MEMORY, return_freed_memory
from pairgen.training.loop.reference import ReferenceCache
from pairgen.training.loop.session import Session, open_session
from pairgen.training.loop.weights import restore, save_model, snapshot, trainable
from pairgen.training.measurements import Measurement
from pairgen.training.progress import Phases
from pairgen.training.results import LossResult, TrainResult


class Probe:
    """What a run measures around each loss's training, on the held-out pairs; this
    base measures nothing (the loop alone: the loss and the held-out table).

    ``before`` runs at the start weights, before the first step; ``after`` on the
    trained weights, with their per-token log-probs of every held-out pair.  Each
    writes its findings into ``result``.  Neither runs without held-out pairs.
    """

    def before(self, session: Session, loss: MarginLoss, hp: Hyper, result: LossResult) -> None:
        """At the start weights."""

    def after(
        self,
        session: Session,
        loss: MarginLoss,
        hp: Hyper,
        trained: Reference,
        result: LossResult,
    ) -> None:
        """At the trained weights."""


def train(
    cfg: TrainConfig, cache: ReferenceCache | None = None, probe: Probe | None = None
) -> TrainResult:
    """Run every loss of ``cfg``, write metrics.jsonl; return the run's
    :class:`~pairgen.training.results.TrainResult` (the report is the caller's:
    :func:`pairgen.training.run.train` writes it).

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
        if cfg.model not in KEEP_FREED_MEMORY:  # see memory.py: tiny keeps glibc's settings
            return_freed_memory()  # activations of one batch shape are not kept for the next
    threads = cfg.threads or DEFAULT_THREADS.get(cfg.model)
    if threads:
        torch.set_num_threads(threads)
    try:
        return train_losses(cfg, precision, cache or ReferenceCache(), probe or Probe())
    finally:
        torch.use_deterministic_algorithms(was_deterministic)
        torch.set_num_threads(was_threads)


def train_losses(
    cfg: TrainConfig, precision: Precision, cache: ReferenceCache, probe: Probe
) -> TrainResult:
    """Each loss of ``cfg`` from the same start, on the same batches."""
    started = time.perf_counter()
    losses = [get_loss(name) for name in dict.fromkeys(cfg.losses)]  # fail before loading
    cfg.run_dir.mkdir(parents=True, exist_ok=True)
    with (
        Phases(cfg.progress) as phases,
        open(cfg.run_dir / "metrics.jsonl", "w", encoding="utf-8") as log,
    ):
        session, report = open_session(cfg, precision, cache, phases, log)
        model = session.run.model
        start = snapshot(model) if len(losses) > 1 else None  # the weights each loss starts at
        for loss in losses:
            if start is not None:
                restore(model, start)
            result = report.losses[loss.name] = train_one(session, loss, probe)
            if cfg.save_model is not None:
                target = save_model(model, session.tokenizer, cfg.save_model / loss.name)
                result.saved_to = str(target)
    report.seconds = time.perf_counter() - started
    return report


def train_one(session: Session, loss: MarginLoss, probe: Probe) -> LossResult:
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
    if held_out.pairs:
        probe.before(session, loss, hp, result)
        log_eval(session, loss, hp, 0, held_out.ref)  # step 0: the policy is the reference

    trained: Reference | None = None
    with session.phases.phase(
        f"training {loss.name}",
        cfg.steps,
        "steps",
        tokens=sum(run.lengths(session.train.pairs[i] for b in session.batches for i in b)),
        kind="train",
        plan=evaluation_plan(session),
    ) as phase:
        for step in range(1, cfg.steps + 1):
            logged = train_step(session, optimizer, loss, hp, step)
            if step % cfg.log_every == 0 or step == cfg.steps:
                session.record(loss.name, step, "train", Measurement.mean(logged))
            if due(session, step):
                result.eval, trained = evaluate_now(session, loss, hp, step)
            phase.advance(note=f"loss {logged[-1].loss:.3f}")
    if trained is not None:
        probe.after(session, loss, hp, trained, result)
    result.seconds = time.perf_counter() - started
    result.pairs_per_second = cfg.micro_batches * cfg.batch_size / result.seconds
    return result


def train_step(
    session: Session, optimizer: torch.optim.Optimizer, loss: MarginLoss, hp: Hyper, step: int
) -> list[Measurement]:
    """Optimizer step ``step`` (from 1): for each of its ``grad_accum`` micro-batches,
    forward the policy, score it against the reference log-probs with ``loss`` and
    backpropagate the mean; then one optimizer step.  Returns each micro-batch's
    measurement."""
    cfg, run, train = session.cfg, session.run, session.train
    run.model.train()
    optimizer.zero_grad(set_to_none=True)
    measured = []
    for indices in session.batches[(step - 1) * cfg.grad_accum : step * cfg.grad_accum]:
        policy = run.logprobs([train.pairs[i] for i in indices])
        scored = score(policy, train.ref.take(indices), loss, hp)
        run.precision.backward(scored.values.mean() / cfg.grad_accum)
        measured.append(summarize([scored]))
    run.precision.step(optimizer)
    return measured


__all__ = ["Probe", "train", "train_losses", "train_one", "train_step"]
