"""The analysis's measurements around each loss's training (a loop :class:`Probe`).

At the start weights: the gradient cosine (``--grad-cosine``).  At the trained weights:
the suffix-length effect and, for choice builds, multiple-choice accuracy
(:mod:`pairgen.training.analysis.effects`), then the gradient cosine again.  The
per-question outcomes of a choice build are kept in :attr:`HeldOutAnalysis.outcomes`
(the reference's once, then each loss's) for ``choices.jsonl``.
"""

from __future__ import annotations

from pairgen.training.analysis.effects import held_out_effects
from pairgen.training.analysis.gradients import grad_report
from pairgen.training.loop.forward import Reference
from pairgen.training.loop.losses import Hyper, MarginLoss
from pairgen.training.loop.session import Session
from pairgen.training.loop.trainer import Probe
from pairgen.training.measurements import GradCosine, QuestionOutcome
from pairgen.training.results import LossResult


class HeldOutAnalysis(Probe):
    """Gradient cosine before and after, the held-out effects after."""

    def __init__(self) -> None:
        self.outcomes: list[QuestionOutcome] = []

    def before(self, session: Session, loss: MarginLoss, hp: Hyper, result: LossResult) -> None:
        if session.cfg.grad_cosine:
            result.grad_cosine_start = gradient_cosine(session, loss, hp, "start")

    def after(
        self,
        session: Session,
        loss: MarginLoss,
        hp: Hyper,
        trained: Reference,
        result: LossResult,
    ) -> None:
        held_out = session.held_out
        effects = held_out_effects(
            session.texts, held_out.pairs, held_out.ref, trained, loss.name, session.cfg.seed
        )
        result.suffix, result.choice = effects.suffix, effects.choice
        if not self.outcomes:  # the reference's answers are the same for every loss
            self.outcomes += effects.reference_outcomes
        self.outcomes += effects.trained_outcomes
        if session.cfg.grad_cosine:
            result.grad_cosine_end = gradient_cosine(session, loss, hp, "end")


def gradient_cosine(session: Session, loss: MarginLoss, hp: Hyper, when: str) -> GradCosine:
    """The gradient cosine on the first ``--grad-pairs`` held-out pairs, with progress."""
    probe = session.held_out.pairs[: session.cfg.grad_pairs]
    name = f"gradient cosine {loss.name} ({when})"
    with session.phases.phase(name, len(probe), "pairs", keep=False) as phase:
        return grad_report(session.run, probe, session.held_out.ref, loss, hp, phase.advance)


__all__ = ["HeldOutAnalysis", "gradient_cosine"]
