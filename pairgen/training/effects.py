"""What a trained model did to the held-out pairs beyond the main table.

One forward pass over the held-out pairs with the trained weights gives per-token
log-probs of the same shape as the reference's; from the two come the suffix-length
effect (:mod:`pairgen.training.suffix_effect`) and, for choice builds, the multiple-choice
accuracy (:mod:`pairgen.training.choice_accuracy`) of the reference and the trained model.
"""

from __future__ import annotations

from typing import Any

from pairgen.training.choice_accuracy import choice_accuracy
from pairgen.training.config import TrainConfig
from pairgen.training.data import TokenizedPair, read_pairs
from pairgen.training.forward import Reference, Run
from pairgen.training.suffix_effect import suffix_effect


def held_out_effects(
    run: Run, cfg: TrainConfig, pairs: list[TokenizedPair], ref: Reference
) -> dict[str, Any]:
    """``suffix`` always, ``choice`` (reference and trained acc/acc_norm) for choice builds."""
    trained = run.reference(pairs)
    out: dict[str, Any] = {"suffix": suffix_effect(trained, ref)}
    texts = {p.id: p for p in read_pairs(cfg.out_dir, cfg.split)}
    choice = choice_accuracy(trained, pairs, texts)
    if choice is not None:
        out["choice"] = {"reference": choice_accuracy(ref, pairs, texts), "trained": choice}
    return out


__all__ = ["held_out_effects"]
