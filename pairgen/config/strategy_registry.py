"""The strategy registry and the options its strategies declare, collected.

Names and ``module:Class`` strings only (:mod:`pairgen.registry` imports a class on first
use), like :mod:`pairgen.config.source_registry`, so the settings (pipeline files, the
spec's checks) and ``pairgen build --help`` can list every strategy option without
loading pairgen's strategies: their options sit in light modules of their own
(:data:`STRATEGY_OPTIONS`), while the strategy classes import pyarrow.  A plugin's
options are read from its strategy class.  :mod:`pairgen.strategies` re-exports all of
it.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from pairgen.config.strategy_options import OptionField, OptionSet, declared_options
from pairgen.errors import PairgenError, did_you_mean
from pairgen.registry import BUILT_IN, Registry

if TYPE_CHECKING:
    from pairgen.strategies.base import Strategy

# name -> "module:Class", imported on first use.
STRATEGY_CLASSES: dict[str, str] = {
    "arithmetic": "pairgen.strategies.arithmetic.strategy:ArithmeticStrategy",
    "choice": "pairgen.strategies.choice.strategy:ChoiceStrategy",
    "math": "pairgen.strategies.math.strategy:MathStrategy",
    "by_type": "pairgen.strategies.by_type.strategy:ByTypeStrategy",
}
# name -> "module:Class" of the strategy's ``Options``, for pairgen's own strategies
# (tests/strategies/test_options.py checks each is the class's own)
STRATEGY_OPTIONS: dict[str, str] = {
    "arithmetic": "pairgen.strategies.arithmetic.options:ArithmeticOptions",
    "choice": "pairgen.strategies.choice.options:ChoiceOptions",
    "math": "pairgen.strategies.math.options:MathOptions",
    "by_type": "pairgen.strategies.math.options:MathOptions",
}
STRATEGIES: Registry[Strategy] = Registry(
    ("strategy", "strategies"),
    "pairgen.strategies",
    "pairgen.strategies.base:Strategy",
    STRATEGY_CLASSES,
)


def options_class(name: str) -> type[OptionSet]:
    """The ``Options`` of the strategy ``name``: one of pairgen's from its light module, a
    plugin's from its class."""
    if name in STRATEGY_OPTIONS and STRATEGIES.registrations()[name].origin == BUILT_IN:
        module, _, attribute = STRATEGY_OPTIONS[name].partition(":")
        loaded: type[OptionSet] = getattr(importlib.import_module(module), attribute)
        return loaded
    return STRATEGIES.load(name).Options


def option_fields() -> dict[str, OptionField]:
    """Every option of every registered strategy, by name, in registry order (pairgen's
    own first: the order ``--help`` lists them and a card's command writes them).

    Two strategies may declare one option name only alike (type, default, allowed
    values): the flag and the pipeline key then set it for both.  Declared differently,
    it is an error naming both, never one of them silently winning.
    """
    found: dict[str, OptionField] = {}
    for name in dict.fromkeys([*STRATEGY_CLASSES, *STRATEGIES.names()]):
        for declared in declared_options(options_class(name)):
            known = found.get(declared.name)
            if known is None:
                found[declared.name] = declared.with_strategy(name)
            elif not known.same_as(declared):
                raise PairgenError(
                    f"strategy option {declared.name!r} is declared twice, differently: by "
                    f"{', '.join(known.strategies)} ({known.describe()}) and by {name} "
                    f"({declared.describe()}); rename one"
                )
            elif name not in known.strategies:
                found[declared.name] = known.with_strategy(name)
    return found


def check_options(options: Mapping[str, Any]) -> None:
    """Every given option is one a registered strategy declares, with a value it takes."""
    declared = option_fields()
    for name, value in options.items():
        if name not in declared:
            raise PairgenError(
                f"unknown strategy option {name!r}; known: {', '.join(declared)}"
                + did_you_mean(str(name), declared)
            )
        declared[name].check(value)


def recorded_options(options: Mapping[str, Any], strategies: Iterable[str]) -> dict[str, Any]:
    """The option values a build records in its manifest and config hash, defaults filled.

    Those of pairgen's own strategies always (every manifest since 0.3 lists all four,
    whatever the strategy, and the config hashes of earlier builds depend on it), those of
    the plugin strategies the build uses (``strategies``), and any option given.
    """
    check_options(options)
    used = set(strategies) | set(STRATEGY_OPTIONS)  # pairgen's own, and those the build uses
    return {
        name: declared.normalized(options.get(name, declared.default))
        for name, declared in option_fields().items()
        if name in options or used & set(declared.strategies)
    }


__all__ = [
    "STRATEGIES",
    "STRATEGY_CLASSES",
    "STRATEGY_OPTIONS",
    "check_options",
    "option_fields",
    "options_class",
    "recorded_options",
]
