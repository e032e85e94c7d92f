"""Presets: well-known datasets as generic sources with their columns, license and citation.

Each is a :class:`~pairgen.sources.generic.base.GenericSource` subclass that fixes the
Hub schema's columns and the card metadata; ``--column``/``--template``/``--license`` and
the other source settings still override them.  Each ships handwritten sample rows in the
exact Hub schema (``pairgen/sources/samples/<name>/``).
"""

from pairgen.sources.presets.math import HendrycksMath
from pairgen.sources.presets.mmlu import MMLU
from pairgen.sources.presets.piqa import PIQA

__all__ = ["MMLU", "PIQA", "HendrycksMath"]
