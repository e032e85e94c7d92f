"""Registry of pair-making strategies and their typed options.

pairgen's own strategies are listed here; other packages add theirs through the
``pairgen.strategies`` entry-point group (:mod:`pairgen.registry`).  This module stays
light (no pyarrow): ``pairgen build --help`` reads :class:`StrategyOptions` and
:data:`CHOICE_TEMPLATES`; ``Strategy`` and ``PairRows`` are imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pairgen.config.strategy_options import CHOICE_TEMPLATES as CHOICE_TEMPLATES
from pairgen.config.strategy_options import StrategyOptions as StrategyOptions
from pairgen.lazy import lazy_exports
from pairgen.registry import Registry

if TYPE_CHECKING:
    from pairgen.strategies.base import PairRows as PairRows
    from pairgen.strategies.base import Strategy as Strategy

# name -> "module:Class", imported on first use.
STRATEGY_CLASSES: dict[str, str] = {
    "arithmetic": "pairgen.strategies.arithmetic.strategy:ArithmeticStrategy",
    "choice": "pairgen.strategies.choice.strategy:ChoiceStrategy",
    "math": "pairgen.strategies.math.strategy:MathStrategy",
    "by_type": "pairgen.strategies.by_type.strategy:ByTypeStrategy",
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


__getattr__, __dir__, __all__ = lazy_exports(
    __name__,
    __file__,
    eager=(
        "CHOICE_TEMPLATES",
        "STRATEGIES",
        "STRATEGY_CLASSES",
        "StrategyOptions",
        "build_strategy",
    ),
)
