"""MetaMathQA rows routed by type: GSM_* by the arithmetic rule, MATH_* by the math rule."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.config.strategy_options import StrategyOptions
from pairgen.errors import RowRejected
from pairgen.pipeline.run import build
from pairgen.query.catalog import open_catalog, run_query
from pairgen.record import Example
from pairgen.strategies import build_strategy
from pairgen.validate.run import validate_output

GSM = (
    "Natalia sold 48 clips in April and half as many in May. "
    "In May she sold 48/2 = <<48/2=24>>24 clips. Altogether 48+24 = <<48+24=72>>72 clips.\n"
    "The answer is: 72"
)
MATH = "We have $x^2 = 49 - 13 = 36$, so $x = 6$ and $2x + 1 = 13$.\nThe answer is: 13"


def example(kind: str, solution: str) -> Example:
    return Example(
        "metamath", "default", "train", "0", "q?", solution=solution, meta={"type": kind}
    )


def test_each_type_goes_to_its_rule() -> None:
    strategy = build_strategy("by_type", StrategyOptions())
    gsm = strategy.make_pairs(example("GSM_AnsAug", GSM), random.Random(0))
    maths = strategy.make_pairs(example("MATH_Rephrased", MATH), random.Random(0))
    assert [d.strategy for d in gsm] == ["arithmetic"]
    assert [d.strategy for d in maths] == ["math"]


@pytest.mark.parametrize("kind", ["", "gsm_ansaug", "MATHS", "Other"])
def test_unknown_type_is_a_reject_not_a_guess(kind: str) -> None:
    strategy = build_strategy("by_type", StrategyOptions())
    with pytest.raises(RowRejected) as err:
        strategy.make_pairs(example(kind, GSM), random.Random(0))
    assert err.value.reason == "unknown_type"
    assert "--strategy arithmetic" in err.value.detail


def test_metamath_build_routes_and_validates(tmp_path: Path) -> None:
    rows = [
        {"query": "q1", "response": GSM, "type": "GSM_AnsAug", "original_question": "q1"},
        {"query": "q2", "response": MATH, "type": "MATH_AnsAug", "original_question": "q2"},
    ]
    data = tmp_path / "mm.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "out"
    build(
        BuildSpec(
            out=out,
            sources=(SourceSpec("metamath", backend="files", data_files={"train": (str(data),)}),),
        )
    )
    table = run_query(open_catalog(out), "SELECT source_id, strategy FROM pairs ORDER BY 1")
    assert table.to_pylist() == [
        {"source_id": "0", "strategy": "arithmetic"},
        {"source_id": "1", "strategy": "math"},
    ]
    assert validate_output(out).ok
