"""The tiers of the MATH rule, as a build chooses them and as a pair records them.

``MathOptions.math_tier`` (``--math-tier``) picks how far the rule goes: ``strict``
(the default) edits results and standalone values only; ``carried`` also edits a value
computed earlier at a later use, for a row without any strict site
(:mod:`pairgen.strategies.math.carried`).  Every pair records the kind of site it edited
in its ``edit_kind`` column, and ``pairgen validate`` checks the site against that kind.
"""

from __future__ import annotations

from pairgen.strategies.math.options import MATH_TIERS

# a candidate's tier -> the pair's ``edit_kind``
EDIT_KINDS: dict[int, str] = {1: "result", 2: "standalone", 3: "carried"}
# ``math_tier`` -> the highest candidate tier it allows
MAX_TIER: dict[str, int] = {"strict": 2, "carried": 3}
assert set(MAX_TIER) == set(MATH_TIERS)

__all__ = ["EDIT_KINDS", "MATH_TIERS", "MAX_TIER"]
