"""What a trained model did to the held-out pairs beyond the main table.

The final held-out evaluation's per-token log-probs (the trained weights) have the same
shape as the reference's; from the two come the suffix-length effect
(:mod:`pairgen.training.analysis.suffix_effect`) and, for choice builds, the
multiple-choice accuracy (:mod:`pairgen.training.analysis.choice_accuracy`) of the
reference and the trained model, its change paired question by question
(:mod:`pairgen.training.analysis.paired`), and each question's outcome.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pairgen.training.analysis.choice_accuracy import accuracy, question_outcomes
from pairgen.training.analysis.choice_text import ACC_NORM_BY
from pairgen.training.analysis.outcomes import OUTCOMES_NAME
from pairgen.training.analysis.paired import paired_change
from pairgen.training.analysis.suffix_effect import suffix_effect
from pairgen.training.loop.data import PairText, TokenizedPair
from pairgen.training.loop.forward import Reference
from pairgen.training.measurements import ChoiceEffect, QuestionOutcome, SuffixEffect


@dataclass(frozen=True, slots=True)
class HeldOutEffects:
    """The suffix-length effect, and the choice accuracy (None unless a choice build)
    with the per-question outcomes of the reference and the trained model."""

    suffix: SuffixEffect
    choice: ChoiceEffect | None
    reference_outcomes: list[QuestionOutcome] = field(default_factory=list)
    trained_outcomes: list[QuestionOutcome] = field(default_factory=list)


def held_out_effects(
    texts: dict[str, PairText],
    pairs: list[TokenizedPair],
    ref: Reference,
    trained: Reference,
    model: str = "trained",
    seed: int = 0,
) -> HeldOutEffects:
    """The effects of the trained weights (the loss ``model``) on the held-out ``pairs``;
    ``texts``: the run's pairs as read, by id (acc_norm divides by the choice's bytes)."""
    suffix = suffix_effect(trained, ref)
    after = question_outcomes(trained, pairs, texts, model, seed)
    before = question_outcomes(ref, pairs, texts, "reference", seed)
    trained_acc, reference_acc = accuracy(after), accuracy(before)
    if trained_acc is None or reference_acc is None:
        return HeldOutEffects(suffix, None)
    choice = ChoiceEffect(
        reference=reference_acc,
        trained=trained_acc,
        acc_change=paired_change([o.correct for o in before], [o.correct for o in after]),
        acc_norm_change=paired_change(
            [o.correct_norm for o in before], [o.correct_norm for o in after]
        ),
        acc_norm_by=ACC_NORM_BY,
        outcomes=OUTCOMES_NAME,
    )
    return HeldOutEffects(suffix, choice, before, after)


__all__ = ["HeldOutEffects", "held_out_effects"]
