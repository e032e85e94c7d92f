"""ARC and HellaSwag sources: the bundled samples, reject reasons, markup, and a real build."""

from __future__ import annotations

import json
import random
import string
from collections import Counter
from pathlib import Path
from typing import Any

import datasets
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.errors import RowRejected
from pairgen.pipeline import build
from pairgen.record import Example
from pairgen.sources import get_source
from pairgen.sources.arc import ARC
from pairgen.sources.hellaswag import HellaSwag
from pairgen.sources.markup import (
    WIKIHOW_TAGS,
    clean_wikihow_markup,
    has_wikihow_markup,
    with_raw_text,
)
from pairgen.strategies.choice.options import ChoiceOptions
from pairgen.strategies.choice.strategy import ChoiceStrategy, check_choice_group, check_choice_pair

from pairgen_rows import write_jsonl

SAMPLES = Path(__file__).resolve().parents[2] / "pairgen" / "sources" / "samples"
ARC_FILES = {
    config: {s: SAMPLES / "arc" / config / f"{s}.jsonl" for s in ("train", "test")}
    for config in ARC.configs
}
HELLASWAG_FILES = {
    s: SAMPLES / "hellaswag" / "default" / f"{s}.jsonl" for s in ("train", "validation", "test")
}


def read_rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def pair_or_reason(
    source: ARC | HellaSwag, row: dict[str, Any], config: str, split: str, index: int
) -> int | str:
    """The number of pairs a row gives, or its reject reason."""
    try:
        example = source.to_example(row, config=config, split=split, row_index=index)
        return len(ChoiceStrategy(ChoiceOptions()).make_pairs(example, random.Random(0)))
    except RowRejected as rejected:
        return rejected.reason


# -- the bundled samples ------------------------------------------------------------------
def test_samples_load_with_datasets_in_the_hub_schema(tmp_path: Path) -> None:
    arc = datasets.load_dataset(
        "json",
        data_files={s: str(p) for s, p in ARC_FILES["ARC-Challenge"].items()},
        cache_dir=str(tmp_path),
    )
    assert set(arc["train"].column_names) == {"id", "question", "choices", "answerKey"}
    assert arc["train"].features["choices"] == {
        "text": datasets.List(datasets.Value("string")),
        "label": datasets.List(datasets.Value("string")),
    }
    hellaswag = datasets.load_dataset(
        "json", data_files={s: str(p) for s, p in HELLASWAG_FILES.items()}, cache_dir=str(tmp_path)
    )
    features = hellaswag["test"].features
    assert features["label"] == datasets.Value("string")
    assert features["ind"] == datasets.Value("int64")
    assert features["endings"] == datasets.List(datasets.Value("string"))
    assert set(hellaswag["test"]["label"]) == {""}


def test_arc_samples_cover_labels_sizes_and_rejects() -> None:
    rows = {(c, s): read_rows(p) for c, files in ARC_FILES.items() for s, p in files.items()}
    assert all(len(rows[(c, "train")]) >= 20 for c in ARC.configs)
    every = [row for split_rows in rows.values() for row in split_rows]
    assert {len(row["choices"]["text"]) for row in every} == {3, 4, 5}
    assert any(row["choices"]["label"][0] == "1" for row in every)
    assert len({row["id"] for row in every}) == len(every)
    outcomes = {
        row["id"]: pair_or_reason(ARC(), row, config, split, i)
        for (config, split), split_rows in rows.items()
        for i, row in enumerate(split_rows)
    }
    rejected = {key: value for key, value in outcomes.items() if isinstance(value, str)}
    assert rejected == {"PG_ARCC_T014": "unknown_answer_key", "PG_ARCE_X003": "unknown_answer_key"}
    by_id = {row["id"]: row for row in every}
    for key, pairs in outcomes.items():
        if key not in rejected:
            assert pairs == len(by_id[key]["choices"]["text"]) - 1


def test_hellaswag_samples_pair_labelled_rows_and_reject_the_test_split() -> None:
    rows = {split: read_rows(path) for split, path in HELLASWAG_FILES.items()}
    assert sum(map(len, rows.values())) >= 30
    outcomes = Counter(
        pair_or_reason(HellaSwag(), row, "default", split, i)
        for split in ("train", "validation")
        for i, row in enumerate(rows[split])
    )
    assert outcomes == Counter({3: len(rows["train"]) + len(rows["validation"])})
    assert {
        pair_or_reason(HellaSwag(), row, "default", "test", i) for i, row in enumerate(rows["test"])
    } == {"unlabeled"}
    every = [row for split_rows in rows.values() for row in split_rows]
    assert all(isinstance(row["label"], str) for row in every)
    assert any(
        row["source_id"].startswith("wikihow~") and "[header]" in row["ctx"] for row in every
    )
    endings = [ending for row in every for ending in row["endings"]]
    assert any(e.startswith(", ") for e in endings) and any(e.startswith("'s") for e in endings)
    for row in every:
        assert row["ctx"] == (f"{row['ctx_a']} {row['ctx_b']}" if row["ctx_b"] else row["ctx_a"])


def test_hellaswag_wikihow_rows_are_clean_by_default() -> None:
    source = HellaSwag()
    for i, row in enumerate(read_rows(HELLASWAG_FILES["validation"])):
        example = source.to_example(row, config="default", split="validation", row_index=i)
        rendered = source.render_prompt(example) + "".join(example.choices)
        assert not has_wikihow_markup(rendered)
        if "[header]" in row["ctx"]:
            assert with_raw_text(example).question == row["ctx"]
            assert with_raw_text(example).choices == tuple(row["endings"])


def test_hellaswag_prompt_and_completion_join_like_prose() -> None:
    row = next(r for r in read_rows(HELLASWAG_FILES["train"]) if r["endings"][0].startswith("'s"))
    source = HellaSwag()
    example = source.to_example(row, config="default", split="train", row_index=0)
    prompt = source.render_prompt(example)
    assert prompt == f"{row['activity_label']}: {row['ctx']}"
    drafts = ChoiceStrategy(ChoiceOptions()).make_pairs(example, random.Random(0))
    assert drafts[0].chosen == row["endings"][int(row["label"])]  # "'s hair ..." glued on
    assert drafts[0].chosen_value == row["label"]
    assert source.source_id(row, 99) == str(row["ind"])


def test_arc_prompt_lists_every_choice_under_its_label() -> None:
    row = read_rows(ARC_FILES["ARC-Challenge"]["train"])[3]
    source = ARC()
    example = source.to_example(row, config="ARC-Challenge", split="train", row_index=3)
    assert source.render_question(example) == (
        "Question: Which of these is a renewable energy resource?\n"
        "(1) coal\n(2) natural gas\n(3) wind\n(4) oil\nAnswer:\n"
    )
    assert source.render_answer(example) == "(3) wind"
    assert source.source_id(row, 3) == "PG_ARCC_T004"
    assert get_source("arc").output_config("ARC-Challenge") == "arc-challenge"


# -- reject reasons -----------------------------------------------------------------------
ARC_ROW: dict[str, Any] = {
    "id": "r1",
    "question": "Which is a gas?",
    "choices": {"text": ["ice", "steam", "rock"], "label": ["A", "B", "C"]},
    "answerKey": "B",
}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"answerKey": ""}, "unlabeled"),
        ({"answerKey": None}, "unlabeled"),
        ({"answerKey": "D"}, "unknown_answer_key"),
        ({"answerKey": "b"}, "unknown_answer_key"),
        ({"choices": None}, "malformed_choices"),
        ({"choices": {"text": ["ice", "steam"], "label": ["A", "B", "C"]}}, "malformed_choices"),
        ({"choices": {"text": ["ice", 3, "rock"], "label": ["A", "B", "C"]}}, "malformed_choices"),
        ({"choices": {"text": ["ice", "  ", "rock"], "label": ["A", "B", "C"]}}, "empty_choice"),
        (
            {"choices": {"text": ["ice", "steam", "rock"], "label": ["A", "B", "B"]}},
            "duplicate_label",
        ),
        ({"choices": {"text": ["steam"], "label": ["B"]}}, "too_few_choices"),
        ({"question": None}, "missing_field"),
        ({"question": " "}, "empty_field"),
    ],
)
def test_arc_reject_reasons(change: dict[str, Any], reason: str) -> None:
    with pytest.raises(RowRejected) as info:
        ARC().to_example({**ARC_ROW, **change}, config="ARC-Easy", split="train", row_index=0)
    assert info.value.reason == reason


HELLASWAG_ROW: dict[str, Any] = {
    "ind": 7,
    "activity_label": "Surfing",
    "ctx_a": "A man paddles out on a board.",
    "ctx_b": "he",
    "ctx": "A man paddles out on a board. he",
    "endings": ["stands up and rides a wave.", "eats the board.", "flies away.", "sings."],
    "source_id": "activitynet~v_x",
    "split": "val",
    "split_type": "indomain",
    "label": "0",
}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"label": ""}, "unlabeled"),
        ({"label": None}, "unlabeled"),
        ({"label": "4"}, "unknown_answer_key"),
        ({"label": "x"}, "unknown_answer_key"),
        ({"label": True}, "unknown_answer_key"),
        ({"endings": "stands up"}, "malformed_endings"),
        ({"endings": ["a", None, "c", "d"]}, "malformed_endings"),
        ({"endings": ["a", "", "c", "d"]}, "empty_choice"),
        ({"endings": ["a", "[substeps]", "c", "d"]}, "empty_choice"),
        ({"endings": ["only one"], "label": "0"}, "too_few_choices"),
        ({"ctx": ""}, "empty_field"),
    ],
)
def test_hellaswag_reject_reasons(change: dict[str, Any], reason: str) -> None:
    with pytest.raises(RowRejected) as info:
        HellaSwag().to_example(
            {**HELLASWAG_ROW, **change}, config="default", split="validation", row_index=0
        )
    assert info.value.reason == reason


def test_hellaswag_accepts_the_original_int_label() -> None:
    example = HellaSwag().to_example(
        {**HELLASWAG_ROW, "label": 2}, config="default", split="validation", row_index=0
    )
    assert example.answer_index == 2
    assert example.choice_labels == ("0", "1", "2", "3")


# -- markup cleaning ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "after", "cleaned"),
    [
        (
            "[header] How to make tea [title] Boil water. [step] Fill it. [substeps] Use cold.",
            "",
            "How to make tea. Boil water. Fill it. Use cold.",
        ),
        ("[title] Pour the tea. [step] Wait.", "Fill the kettle.", "Pour the tea. Wait."),
        ("[title] Pour the tea.", "How to make tea", ". Pour the tea."),
        ("Write [your name] at the top.", "", "Write [your name] at the top."),
        ("  no tags here ", "", "  no tags here "),
        ("[title] [step] Wait", "", "Wait"),
        ("Done [title] [step] Wait", "", "Done. Wait"),
        ("Fill it. [substeps]", "", "Fill it."),
    ],
)
def test_clean_wikihow_markup(text: str, after: str, cleaned: str) -> None:
    assert clean_wikihow_markup(text, after=after) == cleaned


tagged_text = st.lists(
    st.one_of(
        st.sampled_from([f"[{tag}]" for tag in WIKIHOW_TAGS]),
        st.text(alphabet=string.ascii_letters + " .,[]", max_size=20),
    ),
    max_size=8,
).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(text=tagged_text)
def test_cleaning_removes_every_known_tag_and_is_idempotent(text: str) -> None:
    cleaned = clean_wikihow_markup(text)
    assert not has_wikihow_markup(cleaned)
    assert clean_wikihow_markup(cleaned) == cleaned


# -- end to end ---------------------------------------------------------------------------
def test_build_on_sample_files_reconciles_and_passes_the_checks(tmp_path: Path) -> None:
    arc_files = {s: [str(p)] for s, p in ARC_FILES["ARC-Easy"].items()}
    hellaswag_input = write_jsonl(
        tmp_path / "hs" / "validation.jsonl", read_rows(HELLASWAG_FILES["validation"])
    )
    result = build(
        BuildSpec(
            out=tmp_path / "out",
            sources=(
                SourceSpec(source="arc", config="ARC-Easy", backend="files", data_files=arc_files),
                SourceSpec(
                    source="hellaswag",
                    backend="files",
                    data_files={
                        "train": [str(HELLASWAG_FILES["train"])],
                        "validation": [str(hellaswag_input)],
                    },
                    splits=("validation",),  # exemplars still come from train
                ),
            ),
            shots=2,
        )
    )
    easy = result.manifest.configs["arc-easy"].splits
    assert easy["train"].rows_in == easy["train"].rows_paired == 21
    assert easy["test"].rows_rejected == 1
    for shard in (tmp_path / "out" / "data").rglob("*.parquet"):
        rows = pq.read_table(shard).to_pylist()
        assert rows and all(check_choice_pair(row) is None for row in rows)
        by_question: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            by_question.setdefault(row["source_id"], []).append(row)
        assert all(check_choice_group(group) is None for group in by_question.values())
        assert {row["shots"] for row in rows} == {2} or "test" in shard.name


def test_example_fields_for_arc() -> None:
    example = ARC().to_example(ARC_ROW, config="ARC-Easy", split="train", row_index=0)
    assert example == Example(
        source="arc",
        config="ARC-Easy",
        split="train",
        source_id="r1",
        question="Which is a gas?",
        choices=("ice", "steam", "rock"),
        choice_labels=("A", "B", "C"),
        answer_index=1,
    )
