"""The source registry: built-in source names and the entry-point group plugins extend.

Only ``module:Class`` strings (:mod:`pairgen.registry` imports a class on first use), so
:class:`~pairgen.config.spec.SourceSpec` can check a source name when it is made without
importing the sources; :mod:`pairgen.sources` re-exports both names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pairgen.registry import Registry

if TYPE_CHECKING:
    from pairgen.sources.base import Source

# name -> "module:Class", imported on first use so one broken optional source never
# stops the others from loading.
SOURCE_CLASSES: dict[str, str] = {
    "gsm8k": "pairgen.sources.gsm8k:GSM8K",
    "metamath": "pairgen.sources.metamath:MetaMath",
    "arc": "pairgen.sources.arc:ARC",
    "hellaswag": "pairgen.sources.hellaswag:HellaSwag",
    "math": "pairgen.sources.generic.maths:GenericMath",
    "choice": "pairgen.sources.generic.choice:GenericChoice",
    "hendrycks_math": "pairgen.sources.presets.math:HendrycksMath",
    "mmlu": "pairgen.sources.presets.mmlu:MMLU",
    "piqa": "pairgen.sources.presets.piqa:PIQA",
}
SOURCES: Registry[Source] = Registry(
    ("source", "sources"), "pairgen.sources", "pairgen.sources.base:Source", SOURCE_CLASSES
)


__all__ = ["SOURCES", "SOURCE_CLASSES"]
