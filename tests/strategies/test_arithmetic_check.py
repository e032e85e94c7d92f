"""The arithmetic invariant's fast path (the window around the edit) agrees with the full check."""

from __future__ import annotations

import json
import random

from pairgen.metrics import edit_stats
from pairgen.record import Example
from pairgen.sources import get_source
from pairgen.sources.inputs import sample_path
from pairgen.strategies.arithmetic.check import check_arithmetic_rows
from pairgen.strategies.arithmetic.options import ArithmeticOptions
from pairgen.strategies.arithmetic.results import find_results, replace_result
from pairgen.strategies.arithmetic.strategy import ArithmeticStrategy, check_arithmetic_pair
from pairgen.strategies.numbers import NUMBER_RE

from pairgen_rows import edit_start


def arithmetic_cases(rng: random.Random) -> list[tuple[str, str, int, str, str]]:
    """Real pairs from the GSM8K and MetaMath samples (two draws each) and corruptions of
    each, among them edits of the result that computes the final answer (rule 5: the
    window cannot see the final answer, the full check rejects them)."""
    solutions = []
    for source, config, field in (
        ("gsm8k", "main", "answer"),
        ("metamath", "metamath", "response"),
    ):
        for split in ("train", "test"):
            path = sample_path(get_source(source), config, split)
            if path.is_file():
                solutions += [
                    json.loads(line)[field]
                    for line in path.read_text(encoding="utf-8").splitlines()
                ]
    strategies = [
        ArithmeticStrategy(ArithmeticOptions()),
        ArithmeticStrategy(ArithmeticOptions(strip_annotations=True)),
    ]
    cases = []
    for index, solution in enumerate(solutions):
        for strategy, draw in ((s, d) for s in strategies for d in range(2)):
            try:
                (pair,) = strategy.make_pairs(
                    Example("s", "c", "train", str(index), "q", solution=solution), rng
                )
            except Exception:
                continue
            if draw:  # a second draw: the pair only (more valid cases)
                cases.append(_fields(pair))
                continue
            chosen, rejected = pair.chosen, pair.rejected
            cases.append(
                (chosen, rejected, edit_start(pair), pair.chosen_value, pair.rejected_value)
            )
            for number in rng.sample(
                list(NUMBER_RE.finditer(chosen)), k=min(6, len(NUMBER_RE.findall(chosen)))
            ):
                new = str(rng.randint(0, 999))
                changed = chosen[: number.start()] + new + chosen[number.end() :]
                prefix = int(edit_stats([chosen], [changed]).common_prefix[0])
                cases.append((chosen, changed, prefix, number.group(), new))
            at = rng.randrange(len(rejected))
            for broken in (
                rejected[:at] + "X" + rejected[at + 1 :],
                rejected[:at] + rejected[at + 1 :],
            ):
                cases.append(
                    (chosen, broken, edit_start(pair), pair.chosen_value, pair.rejected_value)
                )
            cases.append(
                (chosen, rejected, edit_start(pair) + 1, pair.chosen_value, pair.rejected_value)
            )
            cases.append((chosen, chosen, edit_start(pair), pair.chosen_value, pair.rejected_value))
            cases += _final_value_edits(chosen)
    return cases


def _fields(pair: Example) -> tuple[str, str, int, str, str]:
    return pair.chosen, pair.rejected, edit_start(pair), pair.chosen_value, pair.rejected_value


def _final_value_edits(chosen: str) -> list[tuple[str, str, int, str, str]]:
    """Each result equal to the final answer, edited the way the strategy edits a result."""
    intermediate = find_results(chosen)
    cases = []
    for result in find_results(chosen, final_ok=True):
        if result in intermediate:
            continue
        start, end, _, _ = result
        old = chosen[start:end]
        new = str(int(old) + 1) if old.isdigit() else "1" + old
        changed = replace_result(chosen, result, new)
        prefix = int(edit_stats([chosen], [changed]).common_prefix[0])
        cases.append((chosen, changed, prefix, old, new))
    return cases


def test_fast_arithmetic_check_agrees_with_the_full_check() -> None:
    cases = arithmetic_cases(random.Random(7))
    chosen, rejected, edit_start, chosen_value, rejected_value = (
        list(c) for c in zip(*cases, strict=True)
    )
    stats = edit_stats(chosen, rejected)
    fast = check_arithmetic_rows(
        chosen,
        rejected,
        stats.common_prefix.tolist(),
        stats.common_suffix.tolist(),
        edit_start,
        chosen_value,
        rejected_value,
    )
    full = [check_arithmetic_pair(*case) for case in cases]
    assert len(cases) > 500
    assert sum(v is None for v in full) > 100 and sum(v is not None for v in full) > 100
    # rule 5's edits are among the cases, and the full check (so the fast path) rejects each
    final_edits = [e for chosen_text in set(chosen) for e in _final_value_edits(chosen_text)]
    assert len(final_edits) > 20
    assert all(check_arithmetic_pair(*case) is not None for case in final_edits)
    assert fast == full
