"""Registry of pair-making strategies and their typed options.

pairgen's own strategies are listed here; other packages add theirs through the
``pairgen.strategies`` entry-point group (:mod:`pairgen.registry`).  This module stays
light (no pyarrow): ``pairgen build --help`` reads :class:`StrategyOptions` and
:data:`CHOICE_TEMPLATES`; ``Strategy`` and ``PairRows`` are imported on first use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pairgen.lazy import lazy_exports
from pairgen.registry import Registry

if TYPE_CHECKING:
    from pairgen.strategies.base import PairRows, Strategy

# the choice strategy's completion forms (``StrategyOptions.choice_template``)
CHOICE_TEMPLATES: tuple[str, ...] = ("letter", "sentence")


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


# name -> "module:Class", imported on first use.
STRATEGY_CLASSES: dict[str, str] = {
    "arithmetic": "pairgen.strategies.arithmetic.strategy:ArithmeticStrategy",
    "choice": "pairgen.strategies.choice.strategy:ChoiceStrategy",
    "math": "pairgen.strategies.math.strategy:MathStrategy",
}
STRATEGIES: Registry[Strategy] = Registry(
    ("strategy", "strategies"),
    "pairgen.strategies",
    "pairgen.strategies.base:Strategy",
    STRATEGY_CLASSES,
)


def build_strategy(name: str, options: StrategyOptions) -> Strategy:
    """The strategy called ``name`` configured with ``options``.

    Every strategy class takes the one :class:`StrategyOptions` object and reads the
    options it understands (a plugin's strategy included).
    """
    strategy_class: type[Strategy] = STRATEGIES.load(name)
    return strategy_class(options)  # type: ignore[call-arg]


def strategy_names() -> list[str]:
    """Every registered strategy name: built-in and from installed plugins."""
    return STRATEGIES.names()


# ``Strategy`` and ``PairRows`` are imported on first use: their module imports pyarrow.
__getattr__ = lazy_exports(
    __name__, {"Strategy": "pairgen.strategies.base", "PairRows": "pairgen.strategies.base"}
)


__all__ = [
    "CHOICE_TEMPLATES",
    "STRATEGIES",
    "STRATEGY_CLASSES",
    "PairRows",
    "Strategy",
    "StrategyOptions",
    "build_strategy",
    "strategy_names",
]
