"""GSM8K and MetaMathQA sources: metadata, field checks, the bundled samples, a real build."""

from __future__ import annotations

import ast
import json
import operator
import random
import re
from pathlib import Path
from typing import Any

import datasets
import pyarrow.parquet as pq
import pytest

from pairgen.errors import RowRejected
from pairgen.sources import get_source
from pairgen.sources.gsm8k import GSM8K
from pairgen.sources.metamath import MetaMath
from pairgen.strategies.arithmetic.options import ArithmeticOptions
from pairgen.strategies.arithmetic.strategy import (
    ArithmeticStrategy,
    check_arithmetic_pair,
    final_answer,
)

from pairgen_rows import edit_start

SAMPLES = Path(__file__).resolve().parents[2] / "pairgen" / "sources" / "samples"
SAMPLE_FILES = {
    ("gsm8k", "train"): SAMPLES / "gsm8k" / "main" / "train.jsonl",
    ("gsm8k", "test"): SAMPLES / "gsm8k" / "main" / "test.jsonl",
    ("metamath", "train"): SAMPLES / "metamath" / "default" / "train.jsonl",
}
# Rows that make no pair, by (source, split) -> {row index: reject reason}.  Every other
# sample row must become a valid pair.  Stripping annotations also loses the results that
# have no "=" in the visible text (GSM8K train 15: "= <<...>>1500ml"; 24: "equals <<...>>21").
NONE = "no_intermediate_result"
FINAL = "results_all_equal_final_answer"  # rule 5: each result is the final answer's value
GIVEN = "results_all_in_problem"  # each result only restates a number the problem gives
NO_PAIR = {
    ("gsm8k", "train"): {
        6: NONE,
        18: NONE,
        29: NONE,
        25: FINAL,  # "100 - 50 - 15 - 30 = $<<...=5>>5.\n#### 5"
        28: FINAL,  # "45000 * 3 = <<...>>135000 tickets.\n#### 135000"
    },
    ("gsm8k", "test"): {
        5: NONE,
        2: FINAL,  # "1,250 * 6 = <<1250*6=7500>>7,500 miles.\n#### 7,500"
        3: FINAL,  # "-40 + 15 = <<-40+15=-25>>-25 meters.\n#### -25"
        7: FINAL,  # "8 * .25 = <<8*.25=2>>2 kg of flour.\n#### 2"
        10: FINAL,  # "4 * $1,150 = $<<4*1150=4600>>4,600.\n#### 4,600"
    },
    ("metamath", "train"): {
        11: NONE,
        18: NONE,
        24: NONE,
        33: NONE,
        # "180(6-2) = 180 \\cdot 4 = \\boxed{720}": the 180 after "=" is an operand
        21: NONE,
        5: GIVEN,  # "15 * x = 11.25" restates "pays $11.25" ("= 11.25 / 15": an operand)
        14: GIVEN,  # "3x = 165" restates "the answer ... is 165"
        25: GIVEN,  # "7x = 91" restates "is 91"
        26: GIVEN,  # "$4.5x = 54$" restates "is 54"; "= 12" is the final answer
        27: GIVEN,  # "x + 1,250 = 3,000" restates "is 3,000"; "= 1,750" is the final answer
        8: FINAL,  # "2,500 * 6 = 15,000 bottles.\n#### 15,000"
        9: FINAL,  # "4 - 9 = -5 degrees.\n#### -5"
        16: FINAL,  # "2.4 * 7 = 16.8 miles"
        20: FINAL,  # "$0.2 \\cdot 45 = 9$ ... The answer is: 9"
        32: FINAL,  # "&= 2 \\cdot 5 + 6 \\\\ &= 16": the 2 is an operand, 16 the answer
        35: FINAL,  # "0.125 \\times 64 = \\frac{64}{8} = 8": 8 is the answer
    },
}
NO_PAIR_STRIPPED = {
    **NO_PAIR,
    ("gsm8k", "train"): {
        **NO_PAIR["gsm8k", "train"],
        15: NONE,
        24: NONE,
        # stripping drops "<<4*6=24>> twenty-four desks": only "= 19", the answer, is left
        11: FINAL,
    },
}
HUB_COLUMNS = {
    "gsm8k": ["question", "answer"],
    "metamath": ["query", "response", "type", "original_question"],
}


def read_rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize(
    ("cls", "name", "repo", "configs", "splits", "required"),
    [
        (GSM8K, "gsm8k", "openai/gsm8k", ("main",), ("train", "test"), ("question", "answer")),
        (
            MetaMath,
            "metamath",
            "meta-math/MetaMathQA",
            ("default",),
            ("train",),
            ("query", "response"),
        ),
    ],
)
def test_source_metadata(
    cls: type[GSM8K | MetaMath],
    name: str,
    repo: str,
    configs: tuple[str, ...],
    splits: tuple[str, ...],
    required: tuple[str, ...],
) -> None:
    source = get_source(name)
    assert type(source) is cls
    assert (source.name, source.hub_repo, source.configs, source.splits) == (
        name,
        repo,
        configs,
        splits,
    )
    assert source.required_columns == required
    # MetaMathQA mixes GSM_* and MATH_* rows: each by its own rule (strategies/by_type)
    expected = "by_type" if name == "metamath" else "arithmetic"
    assert (source.default_strategy, source.license) == (expected, "mit")
    assert source.pretty_name
    assert source.citation.startswith("@article{") and source.citation.endswith("}")
    assert source.output_config(source.default_config) == name


def test_samples_load_with_datasets_in_the_hub_schema(tmp_path: Path) -> None:
    for (name, split), path in SAMPLE_FILES.items():
        ds = datasets.load_dataset(
            "json", data_files={split: str(path)}, split=split, cache_dir=str(tmp_path)
        )
        assert ds.column_names == HUB_COLUMNS[name]
        assert all(f.dtype == "string" for f in ds.features.values())
    assert sum(len(read_rows(SAMPLE_FILES["gsm8k", s])) for s in ("train", "test")) >= 40
    assert len(read_rows(SAMPLE_FILES["metamath", "train"])) >= 35


def pair_or_reason(
    name: str, split: str, index: int, row: dict[str, Any], strip: bool
) -> str | None:
    """Run a sample row through source and strategy: the reject reason, or None for a
    pair that passes the check and keeps the final answer."""
    source = get_source(name)
    strategy = ArithmeticStrategy(ArithmeticOptions(strip_annotations=strip))
    try:
        example = source.to_example(row, config=source.default_config, split=split, row_index=index)
        [draft] = strategy.make_pairs(example, random.Random(index))
    except RowRejected as err:
        return err.reason
    args = (edit_start(draft), draft.chosen_value, draft.rejected_value)
    assert check_arithmetic_pair(draft.chosen, draft.rejected, *args) is None
    assert final_answer(draft.rejected) == final_answer(draft.chosen) is not None
    return None


@pytest.mark.parametrize("strip", [False, True])
@pytest.mark.parametrize("key", list(SAMPLE_FILES))
def test_every_sample_row_pairs_or_rejects_as_expected(key: tuple[str, str], strip: bool) -> None:
    name, split = key
    expected = (NO_PAIR_STRIPPED if strip else NO_PAIR)[key]
    for index, row in enumerate(read_rows(SAMPLE_FILES[key])):
        got = pair_or_reason(name, split, index, row, strip)
        assert got == expected.get(index), (index, row)


_OPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


def evaluate(node: ast.AST) -> float:
    """A calculator-annotation expression (numbers, + - * /, unary minus, parentheses)."""
    if isinstance(node, ast.Expression):
        return evaluate(node.body)
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -evaluate(node.operand)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return float(_OPS[type(node.op)](evaluate(node.left), evaluate(node.right)))
    raise ValueError(ast.dump(node))


def test_gsm8k_samples_have_correct_arithmetic_and_one_final_line() -> None:
    for split in ("train", "test"):
        for row in read_rows(SAMPLE_FILES["gsm8k", split]):
            answer = row["answer"]
            assert answer.count("####") == 1 and "\n#### " in answer
            for expr, result in re.findall(r"<<([^=<>]*)=([^<>]*)>>", answer):
                assert evaluate(ast.parse(expr, mode="eval")) == pytest.approx(float(result))


def test_samples_cover_the_real_quirks() -> None:
    gsm = "\n".join(
        r["answer"] for s in ("train", "test") for r in read_rows(SAMPLE_FILES["gsm8k", s])
    )
    for quirk in (
        r">>\d{1,3},\d{3}",
        r">>\d+\.\d\d\b",
        r">>-\d",
        r">>\.\d",
        r">>\d+%",
        r"\$<<",
        r"#### -",
    ):
        assert re.search(quirk, gsm), quirk
    rows = read_rows(SAMPLE_FILES["metamath", "train"])
    assert {r["type"] for r in rows} == {
        f"{origin}_{kind}"
        for origin in ("GSM", "MATH")
        for kind in ("AnsAug", "Rephrased", "SV", "FOBAR")
    }
    responses = "\n".join(r["response"] for r in rows)
    assert all(r["response"].rstrip().split("\n")[-1].count("The answer is: ") == 1 for r in rows)
    for quirk in (
        r"\S\.The answer is: ",
        r"\\boxed\{",
        r"\\frac\{",
        r"\$[^$]+=[^$]+\$",
        r"\\\$",
        r"\d,\d{3}",
    ):
        assert re.search(quirk, responses), quirk


@pytest.mark.parametrize(
    ("name", "column", "value", "reason"),
    [
        ("gsm8k", "question", None, "missing_field"),
        ("gsm8k", "answer", 72, "bad_field_type"),
        ("gsm8k", "answer", "   ", "empty_field"),
        ("metamath", "query", None, "missing_field"),
        ("metamath", "response", ["The answer is: 1"], "bad_field_type"),
        ("metamath", "response", "", "empty_field"),
    ],
)
def test_bad_fields_are_rejected(name: str, column: str, value: Any, reason: str) -> None:
    key = (name, "train")
    row = {**read_rows(SAMPLE_FILES[key])[0], column: value}
    source = get_source(name)
    with pytest.raises(RowRejected) as err:
        source.to_example(row, config=source.default_config, split="train", row_index=0)
    assert err.value.reason == reason
    assert column in err.value.detail


def test_metamath_keeps_type_and_original_question_as_optional_meta() -> None:
    row = read_rows(SAMPLE_FILES["metamath", "train"])[4]
    example = MetaMath().to_example(row, config="default", split="train", row_index=4)
    assert (example.question, example.solution) == (row["query"], row["response"])
    assert example.meta == {"type": "GSM_SV", "original_question": row["original_question"]}
    bare = {"query": row["query"], "response": row["response"], "type": None}
    example = MetaMath().to_example(bare, config="default", split="train", row_index=4)
    assert example.meta == {"type": "", "original_question": ""}
    assert example.source_id == "4"


def test_sample_build_writes_valid_arithmetic_pairs(sample_build: Path) -> None:
    manifest = json.loads((sample_build / "manifest.json").read_text())
    for name in ("gsm8k", "metamath"):
        for split, counts in manifest["configs"][name]["splits"].items():
            assert counts["rows_in"] == counts["rows_paired"] + counts["rows_rejected"]
            rows = read_rows(SAMPLE_FILES[name, split])
            # MetaMathQA's MATH_* rows go to the math rule (tests/strategies/test_by_type.py)
            gsm_rows = {
                str(i) for i, r in enumerate(rows) if not r.get("type", "GSM_").startswith("MATH_")
            }
            table = pq.read_table(sample_build / "data" / name / f"{split}-00000-of-00001.parquet")
            paired = set()
            for row in table.to_pylist():
                expected = "arithmetic" if row["source_id"] in gsm_rows else "math"
                assert row["strategy"] == expected, row["source_id"]
                assert row["edit_start"] == row["common_prefix_chars"]
                paired.add(row["source_id"])
                if expected == "arithmetic":
                    args = (row["edit_start"], row["chosen_value"], row["rejected_value"])
                    assert check_arithmetic_pair(row["chosen"], row["rejected"], *args) is None
            unpaired_gsm = {int(i) for i in gsm_rows - paired}
            assert unpaired_gsm == {i for i in NO_PAIR[name, split] if str(i) in gsm_rows}
