"""The arithmetic invariant's fast path (the window around the edit) agrees with the full check."""

from __future__ import annotations

import json
import random

from pairgen.metrics import edit_stats
from pairgen.record import Example
from pairgen.sources import get_source
from pairgen.sources.inputs import sample_path
from pairgen.strategies import StrategyOptions
from pairgen.strategies.arithmetic.check import check_arithmetic_rows
from pairgen.strategies.arithmetic.strategy import ArithmeticStrategy, check_arithmetic_pair
from pairgen.strategies.numbers import NUMBER_RE


def arithmetic_cases(rng: random.Random) -> list[tuple[str, str, int, str, str]]:
    """Real pairs from the GSM8K and MetaMath samples and corruptions of each."""
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
        ArithmeticStrategy(StrategyOptions()),
        ArithmeticStrategy(StrategyOptions(strip_annotations=True)),
    ]
    cases = []
    for index, solution in enumerate(solutions):
        for strategy in strategies:
            try:
                (pair,) = strategy.make_pairs(
                    Example("s", "c", "train", str(index), "q", solution=solution), rng
                )
            except Exception:
                continue
            chosen, rejected = pair.chosen, pair.rejected
            cases.append(
                (chosen, rejected, pair.edit_start, pair.chosen_value, pair.rejected_value)
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
                    (chosen, broken, pair.edit_start, pair.chosen_value, pair.rejected_value)
                )
            cases.append(
                (chosen, rejected, pair.edit_start + 1, pair.chosen_value, pair.rejected_value)
            )
            cases.append((chosen, chosen, pair.edit_start, pair.chosen_value, pair.rejected_value))
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
    assert fast == full
