"""The base class of pair-making strategies: make pairs, and check stored ones.

A strategy turns one :class:`~pairgen.record.Example` into one or more pairs (the example
with its ``chosen`` and ``rejected`` completions, :meth:`~pairgen.record.Example.paired`),
drawing any randomness from the per-example RNG it is handed (never from a global one, so
output does not depend on batching).
A row it cannot use raises :class:`~pairgen.errors.RowRejected` with a reason code.

The same class states what its pairs promise, because only the strategy knows: ``pairgen
validate`` looks up the strategy named in each row's ``strategy`` column and asks it
(:meth:`Strategy.check_pairs`, and :meth:`Strategy.check_group` for strategies that make
several pairs per question).  Everything that holds for every pair (statistics recomputed
from the text, chosen != rejected, ``edit_start`` at the first difference, provenance,
the per-split digest) is checked by validate itself, before and whatever the strategy.
"""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from pairgen.config.strategy_options import OptionSet
from pairgen.record import Example


@dataclass(frozen=True, slots=True)
class PairRows:
    """Stored pairs of one strategy from one batch, as validate hands them to the check.

    ``chosen``/``rejected`` are the completion texts (the last message's content in the
    conversational format); ``common_prefix``/``common_suffix`` their shared lengths,
    recomputed from the text (never the stored columns, which may be what is wrong);
    ``columns`` the stored columns named in the strategy's ``check_columns``.
    """

    chosen: Sequence[str]
    rejected: Sequence[str]
    common_prefix: Sequence[int]
    common_suffix: Sequence[int]
    columns: Mapping[str, Sequence[Any]]

    def __len__(self) -> int:
        return len(self.chosen)

    def row(self, index: int) -> dict[str, Any]:
        """One row as a dict: the requested columns plus ``chosen`` and ``rejected``."""
        row = {name: values[index] for name, values in self.columns.items()}
        row.update(chosen=self.chosen[index], rejected=self.rejected[index])
        return row


class Strategy(ABC):
    """Makes minimal pairs from a canonical example, and checks stored ones."""

    name: ClassVar[str]
    # Its options: a frozen dataclass subclassing OptionSet, one field per option made with
    # pairgen.strategies.option (the flag, the pipeline key and the card row come from it).
    Options: ClassVar[type[OptionSet]] = OptionSet
    # What the dataset card says about its pairs, one paragraph ("" : the class docstring's
    # first paragraph; pairgen.hub.card_context.strategy_description).
    card_description: ClassVar[str] = ""
    # The kind of example it pairs (see ``Source.example_kind``); ``None``: any.
    example_kind: ClassVar[str | None] = None
    # Stored columns :meth:`check_pairs` reads besides the completions.  ``prompt`` is
    # the largest column (few-shot exemplars and all): ask for it only when needed.
    check_columns: ClassVar[tuple[str, ...]] = (
        "source",
        "source_id",
        "pair_index",
        "edit_start",
        "chosen_value",
        "rejected_value",
    )

    def __init__(self, options: OptionSet) -> None:
        """``options``: an instance of this class's :attr:`Options`, holding the build's
        values of the options it declares (their defaults where none was given).

        A strategy with options overrides this (typed with its own ``Options``) to keep
        what it reads; one without needs no constructor.
        """
        del options  # nothing to keep: the strategy declares no options

    def prepare(self, example: Example) -> Example:
        """The example as this strategy's options want it rendered (prompt included).

        Called on every example and on every few-shot exemplar before the prompt is
        rendered, so an option that changes how answers look (the choice template, raw
        HellaSwag markup) changes the exemplars the same way.  Default: unchanged.
        """
        return example

    @abstractmethod
    def make_pairs(self, example: Example, rng: random.Random) -> list[Example]:
        """All pairs for one example (:meth:`Example.paired <pairgen.record.Example.paired>`);
        raise ``RowRejected`` when there are none.  Where the edit starts is not the
        strategy's to say: the build measures it from the two texts."""

    # -- checks of stored pairs (``pairgen validate``) ---------------------------------
    def check_pair(self, row: Mapping[str, Any]) -> str | None:
        """What is wrong with one stored pair (``None``: nothing), as a short reason.

        ``row`` holds ``chosen``, ``rejected`` and the ``check_columns``.  Override it to
        state what this strategy's pairs promise beyond what holds for every pair; the
        default finds nothing more to check.
        """
        return None

    def check_pairs(self, rows: PairRows) -> list[str | None]:
        """:meth:`check_pair` of every row, in order; override for a batched fast path."""
        return [self.check_pair(rows.row(index)) for index in range(len(rows))]

    def group_summary(self, row: Mapping[str, Any]) -> Mapping[str, Any] | None:
        """What :meth:`check_group` needs of one row (``None``: no per-question check).

        Validate keeps the summaries of a whole split, grouped by ``source_id``, so a
        summary should be small (a digest rather than the prompt).  ``row`` is as for
        :meth:`check_pair`.
        """
        return None

    def check_group(self, summaries: Sequence[Mapping[str, Any]]) -> str | None:
        """What is wrong with all the pairs of one question together (``None``: nothing)."""
        return None


__all__ = ["PairRows", "Strategy"]
