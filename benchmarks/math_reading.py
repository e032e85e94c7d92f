"""Precision of the MATH rule on pairs read by hand, re-judged with the current code.

The readings (``tests/data/math_read*.jsonl``, attribution beside each file) are pairs
drawn at random from pairgen builds of all 12,500 MATH rows, each labelled by a reader who
never saw the rule's code (``computed``, ``constant``, ``given``, ``hypothesis``,
``wrong_in_kind`` or ``unsure``).  A reading goes stale the moment the rule changes -- the
pairs it holds were the rule's picks *then* -- but it still answers two questions about
the current rule without a new reading: which of the values read as non-computed would it
still edit, and which read as computed would it keep?  Printed per reading and tier:

* ``non-computed still sites``: read non-computed pairs whose edited value is still a
  site of the tier (0 is the goal);
* ``computed kept``: read computed pairs still sites (a refusal that costs real results
  shows here);
* ``share``: non-computed still sites over all judged pairs still sites -- an estimate of
  the share of non-computed edits among the tier's pairs, for a rule that picked the same
  rows.  It is not a fresh reading: new refusals move a row's edit to another site nobody
  read, so only a new draw, read by hand, measures the rule as it is (issue 20's target).

Usage: python benchmarks/math_reading.py [READING.jsonl ...] [--list]
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pairgen.strategies.math.rule import find_candidates
from pairgen.strategies.math.tiers import MAX_TIER

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
NON_COMPUTED = ("constant", "given", "hypothesis", "wrong_in_kind")
LABELS = ("computed", "unsure", *NON_COMPUTED)
SITE_TIERS = {"strict": (1, 2), "carried": (3,)}  # the candidate tiers a pair's tier edits


def readings() -> list[Path]:
    """Every reading the repository holds, oldest first."""
    return sorted(DATA.glob("math_read*.jsonl"))


def load(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def edited_span(row: dict[str, Any]) -> tuple[int, int]:
    """The span of the edited value: the one holding ``edit_start`` (the first changed
    character) that reads ``chosen_value``."""
    solution, value, at = row["solution"], row["chosen_value"], row["edit_start"]
    start = solution.rfind(value, max(0, at - len(value) + 1), at + len(value))
    if start < 0:
        raise ValueError(f"{row['id']}: {value!r} is not at {at} of its solution")
    return start, start + len(value)


def produced(row: dict[str, Any]) -> bool:
    """Whether the rule at the pair's tier still returns the edited value as a site."""
    span = edited_span(row)
    sites = find_candidates(row["problem"], row["solution"], MAX_TIER[row["tier"]])
    return any((c.start, c.end) == span and c.tier in SITE_TIERS[row["tier"]] for c in sites)


def still_non_computed(rows: Iterable[dict[str, Any]], tier: str) -> dict[str, str]:
    """Pairs of ``tier`` read as non-computed that are sites again: id -> the reader's note."""
    return {
        row["id"]: f"{row['label']}: {row['note']}"
        for row in rows
        if row["tier"] == tier and row["label"] in NON_COMPUTED and produced(row)
    }


def summary(rows: list[dict[str, Any]], tier: str) -> dict[str, Any]:
    judged = [r for r in rows if r["tier"] == tier and r["label"] != "unsure"]
    computed = [r for r in judged if r["label"] == "computed"]
    non_computed = [r for r in judged if r["label"] in NON_COMPUTED]
    kept = sum(produced(r) for r in computed)
    back = still_non_computed(judged, tier)
    return {
        "tier": tier,
        "read": len([r for r in rows if r["tier"] == tier]),
        "non_computed": len(non_computed),
        "non_computed_still_sites": len(back),
        "computed": len(computed),
        "computed_kept": kept,
        "share": len(back) / (len(back) + kept) if back or kept else 0.0,
        "still": back,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, help="readings (default: the repo's)")
    parser.add_argument("--list", action="store_true", help="name each pair still edited")
    args = parser.parse_args()
    for path in args.paths or readings():
        rows = load(path)
        for tier in ("strict", "carried"):
            s = summary(rows, tier)
            if not s["read"]:
                continue
            print(
                f"{path.name:22} {tier:8} read {s['read']:3}: non-computed still sites "
                f"{s['non_computed_still_sites']:2}/{s['non_computed']:2}, computed kept "
                f"{s['computed_kept']:3}/{s['computed']:3}, share {s['share']:.1%}"
            )
            if args.list:
                for pair_id, note in s["still"].items():
                    print(f"    {pair_id}  {note}")
            print(
                json.dumps({"reading": path.name, **{k: v for k, v in s.items() if k != "still"}})
            )


if __name__ == "__main__":
    main()
