"""Over several seeds the report's tables keep each seed in its place: the suffix bins
in order with a dash where a seed held out no such pair, and every loss's speed as the
seeds' spread rather than the first seed's figure."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pairgen.training.analysis.report import loss_table
from pairgen.training.analysis.report_effects import suffix_lines
from pairgen.training.results import TrainResult


def loss(seconds: float, bins: list[tuple[str, float]]) -> dict[str, Any]:
    return {
        "hyper": {"beta": 0.1},
        "seconds": seconds,
        "pairs_per_second": 64 / seconds,
        "suffix": {
            "pairs": len(bins),
            "spearman_rho": -0.5,
            "p_value": 0.2,
            "p_method": "permutation test",
            "bins": [{"tokens_after": t, "pairs": 1, "mean_delta": d} for t, d in bins],
        },
    }


def three_seeds() -> TrainResult:
    per_seed = [
        {"seed": 0, "losses": {"dpo": loss(100.0, [("9-16", -0.1), ("129-256", -0.9)])}},
        {"seed": 1, "losses": {"dpo": loss(200.0, [("1-8", -2.0), ("9-16", -0.2)])}},
        {"seed": 2, "losses": {"dpo": loss(300.0, [("9-16", -0.3), ("129-256", -0.8)])}},
    ]
    return TrainResult.from_dict(
        {
            "losses": per_seed[0]["losses"],
            "per_seed": [{**run, "reference": {"eval": {}}} for run in per_seed],
            "reference": {"eval": {}},
            "config": {"seed": 0, "out_dir": "/x", "run_dir": "/x/run"},
        }
    )


def test_suffix_bins_are_in_order_and_each_value_stays_with_its_seed() -> None:
    rows = [line for line in suffix_lines(three_seeds()) if line.startswith("| ")][1:]
    assert rows == [
        "| 1-8 | –; -2.000 (1); – |",
        "| 9-16 | -0.100 (1); -0.200 (1); -0.300 (1) |",
        "| 129-256 | -0.900 (1); –; -0.800 (1) |",
    ]


def test_loss_speed_over_seeds_is_their_spread_not_the_first_seeds() -> None:
    (row,) = loss_table(three_seeds())[2:]
    assert "200.000 [100.000, 300.000]" in row
    one = replace(three_seeds(), per_seed=[])
    assert loss_table(one)[2:] == ["| dpo | 0.100 | 100.0 | 0.64 |"]
