"""Validate asks each row's registered strategy; unknown names and crashing checks are
violations, never tracebacks."""

from __future__ import annotations

import random
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from tamper import rewrite_shard, set_cell, set_values

from pairgen.record import Example
from pairgen.strategies import STRATEGY_CLASSES
from pairgen.strategies.base import Strategy
from pairgen.validate.run import validate_output

SHARD = "data/gsm8k/train-00000-of-00001.parquet"


class CrashingStrategy(Strategy):
    """A strategy whose stored-pair check has a bug."""

    name = "crashing"

    def make_pairs(self, example: Example, rng: random.Random) -> list[Example]:
        raise NotImplementedError

    def check_pair(self, row: Mapping[str, Any]) -> str | None:
        return str(1 // 0)


def test_a_row_of_an_unregistered_strategy_is_named(out: Path) -> None:
    rewrite_shard(out, SHARD, lambda t: set_cell(t, "strategy", 2, "nope"))
    found = [(v.row, v.check, v.reason) for v in validate_output(out).violations]
    assert found == [(2, "invariant", "unknown strategy 'nope'")]


def test_a_crashing_check_is_a_violation_per_row(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(STRATEGY_CLASSES, "crashing", f"{__name__}:CrashingStrategy")
    rewrite_shard(out, SHARD, lambda t: set_values(t, "strategy", ["crashing"] * t.num_rows))
    found = validate_output(out).violations
    assert found and {(v.check, v.reason) for v in found} == {
        (
            "crashing",
            "the crashing check failed: ZeroDivisionError: integer division or modulo by zero",
        )
    }
