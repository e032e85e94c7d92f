"""Pair rate of the MATH strategy on real competition-maths solutions, with invariant checks.

Reads a local JSONL file in the MATH schema (``problem``, ``level``, ``type``,
``solution``; e.g. the MATH test split) and pairs every row twice: as MATH writes it
(final answer: the first ``\\boxed{}``) and in MetaMathQA's ``MATH_AnsAug`` form (the
solution with ``\\nThe answer is: X`` appended, X the last ``\\boxed{}``'s content).  The
arithmetic strategy on the same rows is the baseline.  For every pair it checks, with
code independent of the rule, that the edit lies outside ``[asy]``, before the first final
answer marker, on a value the problem does not state, and on no operand (no arithmetic
operator right next to the value); and that ``pairgen validate``'s check accepts it.  Any
failed check of a MATH-strategy pair makes the exit status 1; the baseline's pairs are
counted the same way, for comparison.

Usage: python benchmarks/math_rule.py MATH.jsonl [--limit N] [--examples N]
No data is shipped: point it at a file you have.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections import Counter
from fractions import Fraction
from pathlib import Path

from pairgen.errors import RowRejected
from pairgen.record import Example
from pairgen.strategies import StrategyOptions
from pairgen.strategies.arithmetic.strategy import ArithmeticStrategy
from pairgen.strategies.math.check import check_math_pair
from pairgen.strategies.math.strategy import MathStrategy

_MARKERS = re.compile(r"\\boxed|\\fbox|The answer is|####")
_ASY = re.compile(r"\[asy\].*?(?:\[/asy\]|\Z)", re.DOTALL)
_TOKEN = re.compile(r"(?:[0-9]|\.[0-9])(?:[0-9.]|(?:,|\{,\})(?:\\!)?(?=[0-9]{3}(?![0-9])))*")
_FRACTION = re.compile(
    r"\\[dt]?frac\s*(?:\{\s*([0-9]+)\s*\}|([0-9]))\s*(?:\{\s*([0-9]+)\s*\}|([0-9]))"
    r"|([0-9]+)/([0-9]+)"
)


def last_boxed(text: str) -> str:
    at = text.rfind("\\boxed{")
    if at < 0:
        return ""
    depth, i = 1, at + len("\\boxed{")
    while i < len(text) and depth:
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        i += 1
    return text[at + len("\\boxed{") : i - 1].strip()


def ansaug(solution: str) -> str:
    """MetaMathQA's MATH_AnsAug form of a MATH solution."""
    return f"{solution}\nThe answer is: {last_boxed(solution)}"


def _number(token: str) -> Fraction | None:
    token = token.rstrip(".,").replace("{,}", "").replace(",", "").replace("\\!", "")
    try:
        return Fraction(token)
    except (ValueError, ZeroDivisionError):
        return None


def _fraction(match: re.Match[str]) -> Fraction | None:
    top = match.group(1) or match.group(2) or match.group(5)
    bottom = match.group(3) or match.group(4) or match.group(6)
    return Fraction(int(top), int(bottom)) if int(bottom) else None


def _edited(chosen: str, start: int) -> tuple[Fraction | None, int, int]:
    """The value the edit at ``start`` changes (a whole fraction, else a number token) and
    its span; ``(None, start, start)`` when the edit is on no value."""
    for match in _FRACTION.finditer(chosen, max(0, start - 40), start + 40):
        if match.start() <= start < match.end():
            return _fraction(match), match.start(), match.end()
    token = next((m for m in _TOKEN.finditer(chosen) if m.start() <= start < m.end()), None)
    if token is None:
        return None, start, start
    return _number(token.group()), token.start(), token.start() + len(token.group().rstrip(".,"))


# An operand: an arithmetic operator right after the value (a degree sign excepted) or right
# before it (a leading minus is a sign).  Spaces allowed.
_OPERATOR_AFTER = re.compile(r"\s*(?:[-+*/_!]|\^(?!\s*\{?\s*\\circ)|\\cdot|\\times|\\div)")
_OPERATOR_BEFORE = re.compile(r"(?:[+*/^_]|\\cdot|\\times|\\div)\s*\Z")


def invariant_problems(problem: str, chosen: str, rejected: str) -> list[str]:
    """What the edit breaks, judged without the rule's code (empty: nothing)."""
    start = 0
    while chosen[start] == rejected[start]:
        start += 1
    end = len(chosen)
    while chosen[end - 1] == rejected[end - 1 + len(rejected) - len(chosen)]:
        end -= 1
    found = []
    marker = _MARKERS.search(chosen)
    if marker is None or end > marker.start():
        found.append("edit_at_or_after_final_answer")
    if any(m.start() < end and start < m.end() for m in _ASY.finditer(chosen)):
        found.append("edit_in_asy")
    given = {_number(t) for t in _TOKEN.findall(problem)}
    given |= {_fraction(m) for m in _FRACTION.finditer(problem)}
    value, value_start, value_end = _edited(chosen, start)
    if value in given:
        found.append("edit_on_problem_number")
    if value_end > value_start and (
        _OPERATOR_AFTER.match(chosen, value_end)
        or _OPERATOR_BEFORE.search(chosen, max(0, value_start - 12), value_start)
    ):
        found.append("edit_on_operand")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="JSONL in the MATH schema")
    parser.add_argument("--limit", type=int, default=None, help="first N rows only")
    parser.add_argument("--examples", type=int, default=10, help="edits to print")
    args = parser.parse_args()
    with args.path.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle][: args.limit]
    options = StrategyOptions()
    strategies = {"math": MathStrategy(options), "arithmetic": ArithmeticStrategy(options)}
    failures = 0
    for form, write in (("MATH", lambda s: s), ("MATH_AnsAug", ansaug)):
        for name, strategy in strategies.items():
            reasons: Counter[str] = Counter()
            broken: Counter[str] = Counter()
            shown: list[str] = []
            for index, row in enumerate(rows):
                example = Example("math", "default", "test", str(index), row["problem"])
                example.solution = write(row["solution"])
                try:
                    (pair,) = strategy.make_pairs(example, random.Random(index))
                except RowRejected as rejected:
                    reasons[rejected.reason] += 1
                    continue
                reasons["paired"] += 1
                problems = invariant_problems(row["problem"], pair.chosen, pair.rejected)
                if name != "math":  # the baseline: how often it breaks the rule's invariants
                    broken.update(problems)
                    continue
                verdict = check_math_pair(
                    {
                        "prompt": f"Question: {row['problem']}\nAnswer:\n",
                        "shots": 0,
                        "chosen": pair.chosen,
                        "rejected": pair.rejected,
                        "edit_start": pair.edit_start,
                        "chosen_value": pair.chosen_value,
                        "rejected_value": pair.rejected_value,
                    }
                )
                broken.update(problems + ([f"validate:{verdict}"] if verdict else []))
                if len(shown) < args.examples and index % 97 == 0:
                    at = pair.edit_start
                    shown.append(
                        f"{pair.chosen[max(0, at - 40) : at]!r} "
                        f"[{pair.chosen_value} -> {pair.rejected_value}]"
                    )
            paired = reasons.pop("paired", 0)
            if name == "math":
                failures += sum(broken.values())
            print(f"\n{form} / {name}: {paired}/{len(rows)} rows pair = {paired / len(rows):.1%}")
            for reason, count in reasons.most_common():
                print(f"  reject {reason:34s} {count:6d}  {count / len(rows):6.1%}")
            print(f"  pairs breaking an invariant: {dict(broken) or 'none'}")
            if name == "math":
                for line in shown:
                    print(f"  edit: {line}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
