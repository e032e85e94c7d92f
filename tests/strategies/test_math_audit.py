"""The MATH rule against a hand-labelled audit set of 565 real MATH500 sites.

``tests/data/math_audit.jsonl`` (attribution beside it): a reader who never saw the rule
labelled sites of two pools -- ``strict`` (a site the strict rule returned before issue
20) and ``carried`` (a number seen earlier in the solution, used again) -- as
``computed`` or as what else they are (``given``, ``constant``, ``hypothesis``,
``operand_chosen``, ``label``, ``final``, ``other``).  A labelled non-computed site that
comes back as a candidate of its tier is a precision failure; the ones the rule does not
catch yet are listed below with what they are, so any new one fails the test.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pairgen.strategies.math.rule import analyse, find_candidates

AUDIT = Path(__file__).parent.parent / "data" / "math_audit.jsonl"

# item -> why the rule still returns it (known misses; never add to this to pass a test
# without saying why in the commit)
KNOWN: dict[int, str] = {
    46: "a given ratio restated as a fraction (3 inches per 10 miles -> 3/10)",
    121: "a given amount in other units ($1.82 -> 182 cents)",
    201: "10 = 2*5 as the base of trailing zeros",
    261: "ten digits, stated in the problem as 0-9",
    395: "a given 50% restated as 1/2",
    454: "a given number glued to a log base (\\log_264)",
    43: "carried: 12 inches per foot",
    49: "carried: an amount the solver adds to both sides",
    75: "carried: numbers the problem lists in another form",
    141: "carried: ten digits",
    159: "carried: a trial divisor",
    191: "carried: a root assumed in a case",
    203: "carried: a bound the solver chose",
    204: "carried: a cube's 6 faces",
    220: "carried: a difference the problem states",
    247: "carried: a count the problem states in words",
    265: "carried: the 180 of 180(n-2) in an angle formula without degree marks",
    337: "carried: a candidate divisor being checked",
    372: "carried: a decimal bound the solver chose",
    385: "carried: a number the solver chooses to subtract",
}


def _rows() -> list[dict[str, Any]]:
    with AUDIT.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def returned(row: dict[str, Any]) -> bool:
    """Whether the site is a candidate of its pool's tier (strict: the strategy's default
    choice; carried: a carried-tier site)."""
    if row["tier"] == "strict":
        sites = find_candidates(row["problem"], row["solution"])
    else:
        sites = [c for c in analyse(row["problem"], row["solution"], 3)[0] if c.tier == 3]
    return any(c.start == row["start"] and c.end == row["end"] for c in sites)


def test_audit_rows_are_what_they_say():
    rows = _rows()
    assert len(rows) == 565
    assert {r["tier"] for r in rows} == {"strict", "carried"}
    for row in rows:
        assert row["solution"][row["start"] : row["end"]] == row["value"], row["item"]


@pytest.mark.parametrize("tier", ["strict", "carried"])
def test_no_labelled_non_computed_site_is_a_candidate(tier):
    wrong = {
        row["item"]: f"{row['label']}: {row['note']}"
        for row in _rows()
        if row["tier"] == tier and row["label"] != "computed" and returned(row)
    }
    new = {item: why for item, why in wrong.items() if item not in KNOWN}
    assert not new, f"labelled non-computed sites returned as {tier} candidates: {new}"


def test_strict_precision_on_the_audit_set():
    strict = [row for row in _rows() if row["tier"] == "strict"]
    kept = [row for row in strict if returned(row)]
    non_computed = sum(row["label"] != "computed" for row in kept)
    assert non_computed / len(kept) <= 0.03
    # and the refusals cost few computed sites: at least 97% of them are still returned
    computed = [row for row in strict if row["label"] == "computed"]
    assert sum(returned(row) for row in computed) >= 0.97 * len(computed)
