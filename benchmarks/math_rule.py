"""Pair rate of the MATH strategy on real competition-maths solutions, with invariant checks.

Reads a local JSONL file in the MATH schema (``problem``, ``level``, ``type``,
``solution``; e.g. the MATH test split) and pairs every row twice: as MATH writes it
(final answer: the first ``\\boxed{}``) and in MetaMathQA's ``MATH_AnsAug`` form (the
solution with ``\\nThe answer is: X`` appended, X the last ``\\boxed{}``'s content).  The
arithmetic strategy on the same rows is the baseline.  The math strategy runs twice: with
the strict tier (the default) and with ``--math-tier carried``.  For every pair it checks,
with code independent of the rule, that the edit lies outside ``[asy]``, before the first
final answer marker, on a value the problem does not state, and (strict pairs) on no
operand (no arithmetic operator right next to the value); and that ``pairgen validate``'s
check accepts it.  Any failed check of a math-strategy pair makes the exit status 1; the
baseline's pairs are counted the same way, for comparison.

Then it measures precision on the hand-labelled audit set (``tests/data/math_audit.jsonl``,
565 MATH500 sites labelled ``computed`` or not by a reader who never saw the rule): of the
sites each tier returns, how many are not computed, on the held-in half (even ``item``, the
half the rules were developed on) and the held-out half (odd).  The baseline in the same
run is the whole pool: every strict-pool site is one the strict rule returned before issue
20, every carried-pool site one a naive "seen earlier" rule returns.

Usage: python benchmarks/math_rule.py MATH.jsonl [--limit N] [--examples N] [--audit PATH]
No MATH data is shipped: point it at a file you have.
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
from pairgen.metrics import edit_stats
from pairgen.record import Example
from pairgen.strategies.arithmetic.options import ArithmeticOptions
from pairgen.strategies.arithmetic.strategy import ArithmeticStrategy
from pairgen.strategies.math.options import MathOptions
from pairgen.strategies.math.rule import analyse, find_candidates
from pairgen.strategies.math.strategy import MathStrategy

AUDIT = Path(__file__).resolve().parent.parent / "tests" / "data" / "math_audit.jsonl"

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


def _edited(chosen: str, start: int, whole: bool = True) -> tuple[Fraction | None, int, int]:
    """The value the edit at ``start`` changes (a whole fraction, else a number token; with
    ``whole=False`` the number token, also inside a fraction) and its span; ``(None, start,
    start)`` when the edit is on no value."""
    for match in _FRACTION.finditer(chosen, max(0, start - 40), start + 40) if whole else ():
        if match.start() <= start < match.end():
            return _fraction(match), match.start(), match.end()
    token = next((m for m in _TOKEN.finditer(chosen) if m.start() <= start < m.end()), None)
    if token is None:
        return None, start, start
    return _number(token.group()), token.start(), token.start() + len(token.group().rstrip(".,"))


# An operand: an arithmetic operator right after the value (a degree sign and the power of
# ten of a decimal mantissa ``9.94 \times 10^{-19}`` excepted) or right before it (a
# leading minus is a sign).  Spaces allowed.
# (a numeral marked as base ten, ``= 1024_{10}``, is one value, not a subscripted operand)
_OPERATOR_AFTER = re.compile(
    r"\s*(?:[-+*/!]|_(?!\s*(?:\{\s*10\s*\}|10(?![0-9])))|\^(?!\s*\{?\s*\\circ)"
    r"|\\cdot|\\times|\\div)"
)
_POWER_OF_TEN_AFTER = re.compile(r"\s*(?:\\cdot|\\times)\s*10\s*\^")
_OPERATOR_BEFORE = re.compile(r"(?:[+*/^_]|\\cdot|\\times|\\div)\s*\Z")


# ``3 \times 4 = 12``, ``\sqrt{0^2 + 3^2} = 3``: a value the problem states may be
# edited as the result of an operation on numbers (no letter left of ``=``/``\equiv``)
_EXPRESSION_START = re.compile(
    r".*(?:\$|\\\[|\\\\|\n|&(?!\s*\Z)|=|\\equiv|<|>|\\[lg]eq?(?![A-Za-z]))", re.DOTALL
)
_RESULT_RELATION = re.compile(r"&?\s*(?:=|\\equiv|\\approx)\s*(?:-|\\pm)?\s*(?:\\\$)?\s*\Z")
_NUMERIC_MARKUP = re.compile(
    r"\\(?:sqrt|[dt]?frac|cdot|times|div|left|right|circ|pm|q?quad)(?![A-Za-z])|\\[,;! ]"
)


def _computed_result(chosen: str, value_start: int) -> bool:
    """Whether the value at ``value_start`` follows ``=`` after an operation on numbers."""
    before = chosen[max(0, value_start - 120) : value_start]
    relation = _RESULT_RELATION.search(before)
    if relation is None:
        return False
    left = before[: relation.start()]
    start = _EXPRESSION_START.match(left)
    left = left[start.end() if start else 0 :]
    operation = re.search(r"[0-9.)}]\s*[-+*/^!]|[(){}]|\\[a-z]", left) is not None
    left = _NUMERIC_MARKUP.sub(" ", left)
    has_digit = re.search(r"[0-9]", left) is not None
    return operation and has_digit and re.search(r"[A-Za-z]", left) is None


# A number of the problem that is only the exponent of a symbol (``x^2``, ``(x + 1)^3``,
# ``\omega^7``) states no quantity: a value equal to it may be edited where it is a whole
# side of a relation (right after ``=``, ``\equiv``, an inequality, or right before one).
_EXPONENT_OF_SYMBOL = re.compile(r"[A-Za-z)]\s*\^\s*(?:\{[^{}]*\}|-?[0-9]+)")
_AFTER_RELATION = re.compile(
    r"(?:=|\\equiv|\\approx|<|>|\\[lg]eq?|\\neq?|\\[lg]t)\s*(?:-|\\pm)?\s*\Z"
)
_BEFORE_RELATION = re.compile(r"\s*&?\s*(?:=|\\equiv|\\approx|<|>|\\[lg]eq?|\\neq?)")


def _only_exponent(problem: str, value: Fraction | None) -> bool:
    """Whether every token of ``problem`` with this value is in the exponent of a symbol."""
    exponents = [m.span() for m in _EXPONENT_OF_SYMBOL.finditer(problem)]
    found = [m for m in _TOKEN.finditer(problem) if _number(m.group()) == value]
    return bool(found) and all(any(s <= m.start() < e for s, e in exponents) for m in found)


def _whole_side(chosen: str, start: int, end: int) -> bool:
    return bool(
        _AFTER_RELATION.search(chosen, max(0, start - 12), start)
        or _BEFORE_RELATION.match(chosen, end)
    )


def invariant_problems(
    problem: str, chosen: str, rejected: str, operands_allowed: bool = False
) -> list[str]:
    """What the edit breaks, judged without the rule's code (empty: nothing).

    ``operands_allowed``: a carried-tier pair, whose edit is on an operand by design."""
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
    value, value_start, value_end = _edited(chosen, start, whole=not operands_allowed)
    exponent_only = (
        not operands_allowed
        and _only_exponent(problem, value)
        and not any(_fraction(m) == value for m in _FRACTION.finditer(problem))
        and _whole_side(chosen, value_start, value_end)
    )
    if value in given and not _computed_result(chosen, value_start) and not exponent_only:
        found.append("edit_on_problem_number")
    if (
        not operands_allowed
        and value_end > value_start
        and not (
            "." in chosen[value_start:value_end] and _POWER_OF_TEN_AFTER.match(chosen, value_end)
        )
        and (
            _OPERATOR_AFTER.match(chosen, value_end)
            or _OPERATOR_BEFORE.search(chosen, max(0, value_start - 12), value_start)
        )
    ):
        found.append("edit_on_operand")
    return found


def audit_precision(path: Path) -> None:
    """Non-computed share of the sites each tier returns on the audit set (module doc)."""
    with path.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    print(f"\naudit set {path.name}: {len(rows)} labelled MATH500 sites")
    for tier in ("strict", "carried"):
        for half, parity in (("held-in (even item)", 0), ("held-out (odd item)", 1)):
            pool = [r for r in rows if r["tier"] == tier and r["item"] % 2 == parity]
            kept = [r for r in pool if _returned(r)]
            base_bad = sum(r["label"] != "computed" for r in pool)
            bad = sum(r["label"] != "computed" for r in kept)
            computed = sum(r["label"] == "computed" for r in pool)
            print(
                f"  {tier:7s} {half:20s} baseline (whole pool): {base_bad:3d}/{len(pool):3d} "
                f"= {base_bad / len(pool):5.1%} non-computed | now: {bad:3d}/{len(kept):3d} = "
                f"{bad / max(len(kept), 1):5.1%} non-computed, computed sites kept "
                f"{len(kept) - bad}/{computed}"
            )


def _returned(row: dict[str, object]) -> bool:
    problem, solution = str(row["problem"]), str(row["solution"])
    if row["tier"] == "strict":
        sites = find_candidates(problem, solution)
    else:
        sites = [c for c in analyse(problem, solution, 3)[0] if c.tier == 3]
    return any(c.start == row["start"] and c.end == row["end"] for c in sites)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="JSONL in the MATH schema")
    parser.add_argument("--limit", type=int, default=None, help="first N rows only")
    parser.add_argument("--examples", type=int, default=10, help="edits to print")
    parser.add_argument("--audit", type=Path, default=AUDIT, help="hand-labelled audit set")
    args = parser.parse_args()
    with args.path.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle][: args.limit]
    strategies = {
        "math": MathStrategy(MathOptions()),
        "math --math-tier carried": MathStrategy(MathOptions(math_tier="carried")),
        "arithmetic": ArithmeticStrategy(ArithmeticOptions()),
    }
    failures = 0
    for form, write in (("MATH", lambda s: s), ("MATH_AnsAug", ansaug)):
        for name, strategy in strategies.items():
            is_math = isinstance(strategy, MathStrategy)
            reasons: Counter[str] = Counter()
            broken: Counter[str] = Counter()
            kinds: Counter[str] = Counter()
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
                kinds[str(pair.edit_kind)] += 1
                problems = invariant_problems(
                    row["problem"], pair.chosen, pair.rejected, pair.edit_kind == "carried"
                )
                if not is_math:  # the baseline: how often it breaks the rule's invariants
                    broken.update(problems)
                    continue
                at = int(edit_stats([pair.chosen], [pair.rejected]).common_prefix[0])  # as built
                verdict = strategy.check_pair(
                    {
                        "prompt": f"Question: {row['problem']}\nAnswer:\n",
                        "shots": 0,
                        "pair_index": 0,
                        "chosen": pair.chosen,
                        "rejected": pair.rejected,
                        "edit_start": at,
                        "chosen_value": pair.chosen_value,
                        "rejected_value": pair.rejected_value,
                        "edit_kind": pair.edit_kind,
                    }
                )
                broken.update(problems + ([f"validate:{verdict}"] if verdict else []))
                if len(shown) < args.examples and index % 97 == 0:
                    shown.append(
                        f"{pair.edit_kind}: {pair.chosen[max(0, at - 40) : at]!r} "
                        f"[{pair.chosen_value} -> {pair.rejected_value}]"
                    )
            paired = reasons.pop("paired", 0)
            if is_math:
                failures += sum(broken.values())
            print(f"\n{form} / {name}: {paired}/{len(rows)} rows pair = {paired / len(rows):.1%}")
            print(f"  edit_kind: {dict(kinds.most_common())}")
            for reason, count in reasons.most_common():
                print(f"  reject {reason:34s} {count:6d}  {count / len(rows):6.1%}")
            print(f"  pairs breaking an invariant: {dict(broken) or 'none'}")
            for line in shown:
                print(f"  edit: {line}")
    if args.audit.exists():
        audit_precision(args.audit)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
