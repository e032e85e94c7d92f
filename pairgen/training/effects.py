"""What a trained model did to the held-out pairs beyond the main table.

The final held-out evaluation's per-token log-probs (the trained weights) have the same
shape as the reference's; from the two come the suffix-length
effect (:mod:`pairgen.training.suffix_effect`) and, for choice builds, the multiple-choice
accuracy (:mod:`pairgen.training.choice_accuracy`) of the reference and the trained model.
"""

from __future__ import annotations

from typing import Any

from pairgen.training.choice_accuracy import choice_accuracy
from pairgen.training.data import PairText, TokenizedPair
from pairgen.training.forward import Reference
from pairgen.training.suffix_effect import suffix_effect


def held_out_effects(
    texts: dict[str, PairText], pairs: list[TokenizedPair], ref: Reference, trained: Reference
) -> dict[str, Any]:
    """``suffix`` always, ``choice`` (reference and trained acc/acc_norm) for choice builds;
    ``texts``: the run's pairs as read, by id."""
    out: dict[str, Any] = {"suffix": suffix_effect(trained, ref)}
    choice = choice_accuracy(trained, pairs, texts)
    if choice is not None:
        out["choice"] = {"reference": choice_accuracy(ref, pairs, texts), "trained": choice}
    return out


__all__ = ["held_out_effects"]
