"""Held-out evaluation during training: every held-out pair at the start and the end, the
curve pairs in between, each point a line of metrics.jsonl.

At step 0 the policy is the reference, so the first point costs no forward pass.  The
last evaluation keeps the trained weights' per-token log-probs: the analysis reads its
effects from them (:class:`~pairgen.training.loop.trainer.Probe`).
"""

from __future__ import annotations

from pairgen.training.loop.forward import Reference
from pairgen.training.loop.losses import Hyper, MarginLoss
from pairgen.training.loop.measure import evaluate, measure
from pairgen.training.loop.session import Session
from pairgen.training.measurements import Measurement
from pairgen.training.progress import clock


def due(session: Session, step: int) -> bool:
    """Whether the held-out pairs are measured after ``step``."""
    cfg = session.cfg
    if not session.held_out.pairs:
        return False
    return bool(cfg.eval_interval and step % cfg.eval_interval == 0) or step == cfg.steps


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
) -> Measurement:
    """Write the held-out measurement of ``policy`` (and its curve point); return it."""
    ref = session.held_out.ref
    full = measure(policy, ref, loss, hp)
    session.record(loss.name, step, "eval", full)
    if session.curving:
        session.record(loss.name, step, "curve", measure(policy, ref, loss, hp, session.curve))
    return full


def evaluate_now(
    session: Session, loss: MarginLoss, hp: Hyper, step: int
) -> tuple[Measurement, Reference | None]:
    """The held-out measurement of the current weights: every held-out pair at the last
    step (with the per-token log-probs, for the analysis), the curve pairs before."""
    held_out, last = session.held_out, step == session.cfg.steps
    if not last and session.curving:
        pairs = [held_out.pairs[i] for i in session.curve]
        ref = Reference.of([held_out.ref.row(i) for i in session.curve])
        name = f"evaluating {loss.name} at step {step} (curve)"
        with session.phases.phase(name, len(pairs), "pairs", keep=False) as phase:
            out, _ = evaluate(session.run, pairs, ref, loss, hp, phase.advance)
        session.record(loss.name, step, "curve", out)
        return out, None
    name = f"evaluating {loss.name} at step {step}"
    with session.phases.phase(name, len(held_out.pairs), "pairs", keep=False) as phase:
        _, trained = evaluate(session.run, held_out.pairs, held_out.ref, loss, hp, phase.advance)
    return log_eval(session, loss, hp, step, trained), trained


__all__ = ["due", "evaluate_now", "evaluation_plan", "log_eval"]
