"""The strategies' options: typed settings a build records and every stage reads.

They sit with the other settings (not in ``pairgen.strategies``) because the spec, the
pipeline files and the manifest carry them without loading any strategy.
"""

from __future__ import annotations

from dataclasses import dataclass

# the choice strategy's completion forms (``StrategyOptions.choice_template``)
CHOICE_TEMPLATES: tuple[str, ...] = ("letter", "sentence")
# how far the math strategy's rule goes (``StrategyOptions.math_tier``)
MATH_TIERS: tuple[str, ...] = ("strict", "carried")


@dataclass(frozen=True, slots=True)
class StrategyOptions:
    """Options of every strategy, in one typed place (each strategy reads its own).

    ``strip_annotations``: arithmetic on GSM8K, remove ``<<a*b=c>>`` calculator
    annotations from chosen and rejected instead of keeping them consistent with the edit.
    ``choice_template``: choice strategy, ``"letter"`` (completion is the answer text) or
    ``"sentence"`` (completion is a whole answer sentence, so the pair differs only in
    the choice).
    ``clean_markup``: HellaSwag, strip WikiHow ``[header]``/``[step]`` markup.
    ``math_tier``: math strategy, ``"strict"`` (edit results and standalone values only)
    or ``"carried"`` (also a value computed earlier, at a later use, for rows without a
    strict site; see docs/math-rule.md).
    """

    strip_annotations: bool = False
    choice_template: str = "letter"
    clean_markup: bool = True
    math_tier: str = "strict"


__all__ = ["CHOICE_TEMPLATES", "MATH_TIERS", "StrategyOptions"]
