"""What a trained model did to the held-out pairs beyond the main table.

The final held-out evaluation's per-token log-probs (the trained weights) have the same
shape as the reference's; from the two come the suffix-length effect
(:mod:`pairgen.training.analysis.suffix_effect`) and, for choice builds, the
multiple-choice accuracy (:mod:`pairgen.training.analysis.choice_accuracy`) of the
reference and the trained model.
"""

from __future__ import annotations

from dataclasses import dataclass

from pairgen.training.analysis.choice_accuracy import choice_accuracy
from pairgen.training.analysis.suffix_effect import suffix_effect
from pairgen.training.loop.data import PairText, TokenizedPair
from pairgen.training.loop.forward import Reference
from pairgen.training.measurements import ChoiceEffect, SuffixEffect


@dataclass(frozen=True, slots=True)
class HeldOutEffects:
    """The suffix-length effect, and the choice accuracy (None unless a choice build)."""

    suffix: SuffixEffect
    choice: ChoiceEffect | None


def held_out_effects(
    texts: dict[str, PairText], pairs: list[TokenizedPair], ref: Reference, trained: Reference
) -> HeldOutEffects:
    """The effects of the trained weights on the held-out ``pairs``; ``texts``: the run's
    pairs as read, by id (choice accuracy normalises by the text's length)."""
    trained_choice = choice_accuracy(trained, pairs, texts)
    reference_choice = choice_accuracy(ref, pairs, texts)
    choice = None
    if trained_choice is not None and reference_choice is not None:
        choice = ChoiceEffect(reference=reference_choice, trained=trained_choice)
    return HeldOutEffects(suffix_effect(trained, ref), choice)


__all__ = ["HeldOutEffects", "held_out_effects"]
