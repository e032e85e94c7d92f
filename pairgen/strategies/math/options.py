"""The math rule's options (light: ``pairgen build --help`` reads them)."""

from __future__ import annotations

from dataclasses import dataclass

from pairgen.config.strategy_options import option
from pairgen.strategies.arithmetic.options import ArithmeticOptions

# how far the rule goes (``MathOptions.math_tier``; pairgen.strategies.math.tiers)
MATH_TIERS: tuple[str, ...] = ("strict", "carried")


@dataclass(frozen=True, slots=True)
class MathOptions(ArithmeticOptions):
    """The arithmetic rule's options (the math rule edits a GSM8K annotation the same way,
    or strips them all) and ``math_tier``: ``"strict"`` (edit results and standalone
    values only) or ``"carried"`` (also a value computed earlier, at a later use, for rows
    without a strict site; see docs/math-rule.md)."""

    math_tier: str = option(
        "strict",
        "Math strategy: strict (results and standalone values) or carried (also a value "
        "computed earlier, at a later use, for rows without a strict site).",
        choices=MATH_TIERS,
    )


__all__ = ["MATH_TIERS", "MathOptions"]
