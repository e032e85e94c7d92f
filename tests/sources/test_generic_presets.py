"""Presets (MATH, MMLU, PIQA): bundled samples in the Hub schema, real builds, validate,
and cards that carry each dataset's own license and citation."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.hub.card import write_card
from pairgen.output.manifest import read_manifest
from pairgen.pipeline import build
from pairgen.sources import get_source
from pairgen.validate.run import validate_output

SAMPLES = Path(__file__).resolve().parents[2] / "pairgen" / "sources" / "samples"
SCHEMAS = {
    "hendrycks_math": ("default", ["problem", "level", "type", "solution"]),
    "mmlu": ("all", ["question", "subject", "choices", "answer"]),
    "piqa": ("plain_text", ["goal", "sol1", "sol2", "label"]),
}


def _rows(name: str) -> list[dict[str, object]]:
    config, _ = SCHEMAS[name]
    rows = []
    for path in sorted((SAMPLES / name / config).glob("*.jsonl")):
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return rows


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_samples_are_in_the_hub_schema(name: str) -> None:
    rows = _rows(name)
    assert len(rows) >= 30
    assert all(list(row) == SCHEMAS[name][1] for row in rows)
    assert len({json.dumps(row) for row in rows}) == len(rows)  # no copy-pasted row


def _build(tmp_path: Path, name: str) -> Path:
    out = tmp_path / name
    build(BuildSpec(out=out, sources=(SourceSpec(source=name),)))
    return out


@pytest.mark.parametrize(
    ("name", "license", "citation_key"),
    [
        ("hendrycks_math", "mit", "hendrycksmath2021"),
        ("mmlu", "mit", "hendryckstest2021"),
        ("piqa", "afl-3.0", "Bisk2020"),
    ],
)
def test_preset_builds_validates_and_cards_its_own_license(
    tmp_path: Path, name: str, license: str, citation_key: str
) -> None:
    out = _build(tmp_path, name)
    report = validate_output(out)
    assert report.ok, report.violations
    card = write_card(out).read_text(encoding="utf-8")
    header = card.split("---")[1]
    assert f"license: {license}" in header
    assert citation_key in card
    assert "allenai:arc" not in card and "cc-by-sa-4.0" not in card


def test_mmlu_one_pair_per_wrong_choice_gold_chosen(tmp_path: Path) -> None:
    out = _build(tmp_path, "mmlu")
    rows = {(r["subject"], r["question"]): r for r in _rows("mmlu")}
    table = pq.read_table(sorted((out / "data" / "mmlu").glob("test-*.parquet"))[0])
    pairs = table.to_pylist()
    by_question: dict[str, list[dict[str, object]]] = {}
    for pair in pairs:
        by_question.setdefault(str(pair["source_id"]), []).append(pair)
    assert len(by_question) == 32
    letters = "ABCD"
    test_rows = [json.loads(x) for x in (SAMPLES / "mmlu/all/test.jsonl").read_text().splitlines()]
    for source_id, group in by_question.items():
        row = test_rows[int(source_id)]
        assert len(group) == len(row["choices"]) - 1
        gold = letters[row["answer"]]
        assert {p["chosen_value"] for p in group} == {gold}
        assert {p["rejected_value"] for p in group} == set(letters[: len(row["choices"])]) - {gold}
        assert all(str(p["chosen"]).startswith(f"({gold}) ") for p in group)
    assert rows  # the sample's subjects travel with it


def test_piqa_unlabeled_test_split_is_left_out_or_all_rejects(tmp_path: Path) -> None:
    entry = read_manifest(_build(tmp_path, "piqa")).configs["piqa"]
    assert entry.unlabeled_splits == ("test",) and "test" not in entry.splits
    out = tmp_path / "named"
    source = SourceSpec(source="piqa", splits=("test",))
    build(BuildSpec(out=out, sources=(source,), allow_rejects=True))
    split = read_manifest(out).configs["piqa"].splits["test"]
    assert split.pairs == 0
    assert split.rejects_by_reason == {"unlabeled": split.rows_in}


def test_math_preset_pairs_keep_the_final_answer(tmp_path: Path) -> None:
    out = _build(tmp_path, "hendrycks_math")
    pairs = pq.read_table(sorted((out / "data" / "hendrycks_math").glob("*.parquet"))[0])
    for pair in pairs.to_pylist():
        chosen, rejected = str(pair["chosen"]), str(pair["rejected"])
        boxed = chosen.index("\\boxed")
        assert chosen[boxed:] == rejected[boxed - len(chosen) + len(rejected) :]
        assert int(pair["edit_start"]) < boxed
    assert get_source("hendrycks_math").default_strategy == "math"
