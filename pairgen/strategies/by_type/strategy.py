"""The ``by_type`` strategy: route each maths row to the rule its origin calls for.

MetaMathQA mixes two kinds of solution: ``GSM_*`` rows are GSM8K-style prose with
``a op b = c`` steps (the ``arithmetic`` rule), ``MATH_*`` rows are competition-maths
LaTeX (the ``math`` rule).  The arithmetic rule on MATH solutions edits a number the
problem states in about 1,215 of 3,142 pairs (measured on the MATH test split), so the
Smaug construction, "corrupt one intermediate result, leave the final answer alone"
("Smaug: Fixing Failure Modes of Preference Optimisation with DPO-Positive",
arXiv:2402.13228), needs the rule that matches the row.  The row's ``type`` (kept in
``Example.meta`` by the source) decides; a row without a known type is rejected
(``unknown_type``) rather than guessed, and a build where that is most rows stops with
the usual split-level error pointing at ``--strategy arithmetic`` or ``--strategy math``.

Each pair records the rule that made it in its ``strategy`` column (``math`` or
``arithmetic``), so ``pairgen validate`` checks every row with its own rule.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from pairgen.errors import RowRejected
from pairgen.record import Example
from pairgen.strategies import build_strategy
from pairgen.strategies.base import Strategy
from pairgen.strategies.math.options import MathOptions

NAME = "by_type"
# the ``type`` prefix -> the rule for that kind of solution
ROUTES: tuple[tuple[str, str], ...] = (("MATH_", "math"), ("GSM_", "arithmetic"))


class ByTypeStrategy(Strategy):
    """Pairs each row with the strategy its ``meta["type"]`` prefix names (:data:`ROUTES`)."""

    name = NAME
    # the options of the rules it routes to: math's, which hold arithmetic's
    Options = MathOptions
    example_kind = "solution"

    def __init__(self, options: MathOptions) -> None:
        values = asdict(options)
        self.routes = [(prefix, build_strategy(name, values)) for prefix, name in ROUTES]

    def route(self, example: Example) -> Strategy:
        """The strategy for ``example``, or ``RowRejected("unknown_type")``."""
        kind = str(example.meta.get("type") or "")
        for prefix, strategy in self.routes:
            if kind.startswith(prefix):
                return strategy
        known = ", ".join(f"{prefix}*" for prefix, _ in self.routes)
        raise RowRejected(
            "unknown_type",
            f"type {kind!r} is none of {known}; pass --strategy arithmetic or --strategy math",
        )

    def prepare(self, example: Example) -> Example:
        try:
            return self.route(example).prepare(example)
        except RowRejected:
            return example  # make_pairs rejects it with the reason

    def make_pairs(self, example: Example, rng: random.Random) -> list[Example]:
        return self.route(example).make_pairs(example, rng)

    def check_pair(self, row: Mapping[str, Any]) -> str | None:
        # stored rows name the rule that made them (math / arithmetic), never by_type
        return f"a stored pair names {NAME!r}: each pair must name the rule that made it"


__all__ = ["NAME", "ROUTES", "ByTypeStrategy"]
