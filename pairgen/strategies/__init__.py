"""Registry of pair-making strategies and their typed options."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from pairgen.errors import PairgenError
from pairgen.strategies.base import Strategy


@dataclass(frozen=True, slots=True)
class StrategyOptions:
    """Options of every strategy, in one typed place (each strategy reads its own).

    ``strip_annotations``: arithmetic on GSM8K, remove ``<<a*b=c>>`` calculator
    annotations from chosen and rejected instead of keeping them consistent with the edit.
    ``choice_template``: choice strategy, ``"letter"`` (completion is the answer text) or
    ``"sentence"`` (completion is a whole answer sentence, so the pair differs only in
    the choice).
    ``clean_markup``: HellaSwag, strip WikiHow ``[header]``/``[step]`` markup.
    """

    strip_annotations: bool = False
    choice_template: str = "letter"
    clean_markup: bool = True


STRATEGY_CLASSES: dict[str, str] = {
    "arithmetic": "pairgen.strategies.arithmetic.strategy:ArithmeticStrategy",
    "choice": "pairgen.strategies.choice.strategy:ChoiceStrategy",
}


def build_strategy(name: str, options: StrategyOptions) -> Strategy:
    """The strategy called ``name`` configured with ``options``."""
    target = STRATEGY_CLASSES.get(name)
    if target is None:
        known = ", ".join(sorted(STRATEGY_CLASSES))
        raise PairgenError(f"unknown strategy {name!r}; known strategies: {known}")
    module_name, class_name = target.split(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    strategy: Strategy = cls(options)
    return strategy


__all__ = ["STRATEGY_CLASSES", "Strategy", "StrategyOptions", "build_strategy"]
