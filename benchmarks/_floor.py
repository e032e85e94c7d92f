"""A strategy that pairs without searching or drawing anything: the pipeline's floor.

The build benchmark runs the same input through the same pipeline with this strategy to
split a build's time between the pipeline (rows into examples, prompts, ids, statistics,
Arrow conversion, worker processes, writing) and the arithmetic strategy itself.  Its
pairs are worthless for training: the rejected solution has its last character changed.
"""

from __future__ import annotations

import random

from pairgen.record import Example
from pairgen.strategies import STRATEGY_CLASSES
from pairgen.strategies.base import Strategy

NAME = "benchmark-floor"


class FloorStrategy(Strategy):
    """One pair per example: the last character of the solution replaced."""

    name = NAME

    def make_pairs(self, example: Example, rng: random.Random) -> list[Example]:
        text = example.solution
        last = text[-1]
        new = "#" if last != "#" else "$"
        return [example.paired(text, text[:-1] + new, self.name, last, new)]


def register() -> str:
    """Make the strategy buildable by name (worker processes fork with the registry)."""
    STRATEGY_CLASSES[NAME] = f"{__name__}:FloorStrategy"
    return NAME
