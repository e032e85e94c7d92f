"""The base class of pair-making strategies.

A strategy turns one :class:`~pairgen.record.Example` into one or more
:class:`~pairgen.record.PairDraft` objects, drawing any randomness from the per-example
RNG it is handed (never from a global one, so output does not depend on batching).
A row it cannot use raises :class:`~pairgen.errors.RowRejected` with a reason code.
"""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from typing import ClassVar

from pairgen.record import Example, PairDraft


class Strategy(ABC):
    """Makes minimal pairs from a canonical example."""

    name: ClassVar[str]

    def prepare(self, example: Example) -> Example:
        """The example as this strategy's options want it rendered (prompt included).

        Called on every example and on every few-shot exemplar before the prompt is
        rendered, so an option that changes how answers look (the choice template, raw
        HellaSwag markup) changes the exemplars the same way.  Default: unchanged.
        """
        return example

    @abstractmethod
    def make_pairs(self, example: Example, rng: random.Random) -> list[PairDraft]:
        """All pairs for one example; raise ``RowRejected`` when there are none."""
