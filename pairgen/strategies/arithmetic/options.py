"""The arithmetic rule's options (light: ``pairgen build --help`` reads them)."""

from __future__ import annotations

from dataclasses import dataclass

from pairgen.config.strategy_options import OptionSet, option


@dataclass(frozen=True, slots=True)
class ArithmeticOptions(OptionSet):
    """``strip_annotations``: remove GSM8K's ``<<a*b=c>>`` calculator annotations from
    chosen and rejected (and the few-shot exemplars) instead of editing each one together
    with its visible number."""

    strip_annotations: bool = option(
        False, "GSM8K: drop the <<a*b=c>> calculator annotations.", sources=("gsm8k",)
    )


__all__ = ["ArithmeticOptions"]
