"""Registry of pair-making strategies, and how a strategy is made from a build's options.

pairgen's own strategies are listed in :mod:`pairgen.config.strategy_registry`; other
packages add theirs through the ``pairgen.strategies`` entry-point group
(:mod:`pairgen.registry`).  Each strategy owns its options (its ``Options`` dataclass,
:mod:`pairgen.config.strategy_options`); :func:`option_fields` collects them for the
command line, pipeline files, manifests and cards.  This module stays light (no
pyarrow): ``pairgen build --help`` reads it; ``Strategy`` and ``PairRows`` are imported
on first use.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pairgen.config.strategy_options import OptionSet as OptionSet
from pairgen.config.strategy_options import StrategyOptions as StrategyOptions
from pairgen.config.strategy_options import option as option
from pairgen.config.strategy_registry import STRATEGIES as STRATEGIES
from pairgen.config.strategy_registry import STRATEGY_CLASSES as STRATEGY_CLASSES
from pairgen.config.strategy_registry import STRATEGY_OPTIONS as STRATEGY_OPTIONS
from pairgen.config.strategy_registry import check_options as check_options
from pairgen.config.strategy_registry import option_fields as option_fields
from pairgen.config.strategy_registry import options_class as options_class
from pairgen.config.strategy_registry import recorded_options as recorded_options
from pairgen.lazy import lazy_exports

if TYPE_CHECKING:
    from pairgen.strategies.base import PairRows as PairRows
    from pairgen.strategies.base import Strategy as Strategy
    from pairgen.strategies.choice.options import CHOICE_TEMPLATES as CHOICE_TEMPLATES


def build_strategy(name: str, options: Mapping[str, Any]) -> Strategy:
    """The strategy called ``name``, made with the values in ``options`` of the options it
    declares (its ``Options``), its defaults for the rest; a value it does not take is
    one clear error."""
    strategy_class: type[Strategy] = STRATEGIES.load(name)
    return strategy_class(StrategyOptions(options).of(strategy_class.Options))


def strategy_names() -> list[str]:
    """Every registered strategy name: built-in and from installed plugins."""
    return STRATEGIES.names()


__getattr__, __dir__, __all__ = lazy_exports(
    __name__,
    __file__,
    eager=(
        "STRATEGIES",
        "STRATEGY_CLASSES",
        "STRATEGY_OPTIONS",
        "OptionSet",
        "StrategyOptions",
        "build_strategy",
        "check_options",
        "option",
        "option_fields",
        "options_class",
        "recorded_options",
        "strategy_names",
    ),
)
