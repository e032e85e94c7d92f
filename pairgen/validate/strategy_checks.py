"""Each pair checked by the strategy that made it, looked up in the strategy registry.

Nothing here knows a strategy by name: the ``strategy`` column of each row names a
registered strategy (pairgen's own or a plugin's), built once with the build's options,
whose :meth:`~pairgen.strategies.base.Strategy.check_pairs` judges the row; strategies
that make several pairs per question also summarize each row for
:meth:`~pairgen.strategies.base.Strategy.check_group`, run per question at the end of the
split (:class:`QuestionGroups`).  A name that is not registered, or a plugin check that
crashes, is a violation, never a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from pairgen.errors import PairgenError
from pairgen.strategies import STRATEGIES, PairRows, Strategy, StrategyOptions, build_strategy
from pairgen.validate.violations import (
    Finding,
    ShardContext,
    Violation,
    completion_texts,
    true_mask,
)


class StrategyChecks:
    """The registered strategies validate asks, each built once with the build's options.

    A name that is not registered (or whose plugin cannot be loaded) is remembered with
    the reason, so every row of it gets the same violation and no traceback.
    """

    def __init__(self, options: StrategyOptions) -> None:
        self.options = options
        self._built: dict[str, Strategy | str] = {}

    def get(self, name: str) -> Strategy | str:
        """The strategy called ``name``, or why there is none."""
        if name not in self._built:
            try:
                known = name in STRATEGIES
                self._built[name] = (
                    build_strategy(name, self.options) if known else f"unknown strategy {name!r}"
                )
            except PairgenError as exc:  # a plugin that cannot be loaded, a name clash
                self._built[name] = str(exc)
        return self._built[name]


@dataclass
class QuestionGroups:
    """Per-question summaries of one split, for the strategies' group checks at its end.

    Keyed by (strategy, source_id); only what each strategy's ``group_summary`` keeps
    stays in memory (a digest, not the prompt), so a few-shot split need not.
    """

    summaries: dict[tuple[str, str], list[Mapping[str, Any]]] = field(default_factory=dict)
    where: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)

    def add(self, strategy: str, source_id: str, where: tuple[str, int], summary: Any) -> None:
        key = (strategy, source_id)
        self.summaries.setdefault(key, []).append(summary)
        self.where.setdefault(key, where)

    def violations(self, checks: StrategyChecks) -> list[Violation]:
        found = []
        for (name, source_id), summaries in self.summaries.items():
            strategy = checks.get(name)
            try:
                reason = strategy.check_group(summaries) if isinstance(strategy, Strategy) else None
            except Exception as exc:  # a plugin's check that crashes is reported, not raised
                reason = f"the {name} check failed: {type(exc).__name__}: {exc}"
            if reason is not None:
                shard, row = self.where[(name, source_id)]
                found.append(Violation(shard, row, f"question {source_id!r}: {reason}", name))
        return found


def check_strategies(
    batch: pa.RecordBatch,
    texts: tuple[list[str], list[str]],
    prefix: NDArray[np.int32],
    suffix: NDArray[np.int32],
    ctx: ShardContext,
    checks: StrategyChecks,
    groups: QuestionGroups,
) -> list[Finding]:
    """Each row's strategy's own check (``<strategy> pair: reason``, check = its name);
    group summaries are added to ``groups`` for the checks at the end of the split."""
    chosen, rejected = texts
    names = batch.column("strategy")
    found: list[Finding] = []
    for name in pc.unique(names).to_pylist():
        rows = np.flatnonzero(true_mask(pc.equal(names, name)))
        strategy = checks.get(name)
        if not isinstance(strategy, Strategy):
            found += [(int(i), strategy, "invariant") for i in rows]
            continue
        sub = batch if len(rows) == batch.num_rows else batch.take(pa.array(rows))
        try:
            pairs = PairRows(
                chosen=[chosen[i] for i in rows],
                rejected=[rejected[i] for i in rows],
                common_prefix=prefix[rows].tolist(),
                common_suffix=suffix[rows].tolist(),
                columns={
                    column: completion_texts(sub.column(column))
                    if column == "prompt"
                    else sub.column(column).to_pylist()
                    for column in strategy.check_columns
                },
            )
            verdicts = strategy.check_pairs(pairs)
            summaries = _summaries(strategy, pairs)
        except Exception as exc:  # a plugin's check that crashes is reported, not raised
            reason = f"the {name} check failed: {type(exc).__name__}: {exc}"
            found += [(int(i), reason, name) for i in rows]
            continue
        found += [
            (int(i), f"{name} pair: {verdict}", name)
            for i, verdict in zip(rows.tolist(), verdicts, strict=True)
            if verdict is not None
        ]
        if summaries:
            source_ids = sub.column("source_id").to_pylist()
            for i, source_id, summary in zip(rows.tolist(), source_ids, summaries, strict=True):
                if summary is not None:
                    groups.add(name, str(source_id), (ctx.shard, ctx.first_row + i), summary)
    return found


def _summaries(strategy: Strategy, pairs: PairRows) -> list[Mapping[str, Any] | None]:
    """Every row's group summary, or none at all when the strategy has no group check."""
    if not len(pairs) or strategy.group_summary(pairs.row(0)) is None:
        return []
    return [strategy.group_summary(pairs.row(k)) for k in range(len(pairs))]


__all__ = ["QuestionGroups", "StrategyChecks", "check_strategies"]
