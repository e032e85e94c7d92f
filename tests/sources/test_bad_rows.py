"""Hostile rows through real builds: each is a reject with a reason, never a crash or a lost row.

Every test builds from a real file and checks the manifest's reconciliation
(``rows_in = rows_paired + rows_rejected``) next to the reject reason it expects.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.output.manifest import Manifest
from pairgen.pipeline import build
from pairgen.sources.choices import MAX_CHOICES
from pairgen.strategies import StrategyOptions
from pairgen.validate.run import validate_output

from pairgen_rows import GSM8K_ROWS

ARC_ROW: dict[str, Any] = {
    "id": "Mercury_1",
    "question": "Which process makes food in a leaf?",
    "choices": {"text": ["respiration", "photosynthesis", "erosion"], "label": ["A", "B", "C"]},
    "answerKey": "B",
}
HELLASWAG_ROW: dict[str, Any] = {
    "ind": 7,
    "activity_label": "Baking",
    "ctx_a": "A man mixes flour.",
    "ctx_b": "he",
    "ctx": "A man mixes flour. he",
    "endings": ["pours it in a pan.", "swims away.", "sings loudly.", "paints a wall."],
    "source_id": "activitynet~v_1",
    "split": "train",
    "split_type": "indomain",
    "label": "0",
}
GOOD = GSM8K_ROWS[0]


def build_rows(
    tmp_path: Path, source: str, rows: list[dict[str, Any]], **settings: Any
) -> tuple[Manifest, list[dict[str, Any]]]:
    """Build ``rows`` (one JSON Lines train file); the manifest and the rejects' rows."""
    return build_text(tmp_path, source, "".join(json.dumps(r) + "\n" for r in rows), **settings)


def build_text(
    tmp_path: Path, source: str, text: str, **settings: Any
) -> tuple[Manifest, list[dict[str, Any]]]:
    path = tmp_path / "in" / "train.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    out = tmp_path / "out"
    spec = BuildSpec(
        out=out,
        sources=(SourceSpec(source, backend="files", data_files={"train": [str(path)]}),),
        allow_rejects=True,  # these splits are mostly rejects on purpose
        **settings,
    )
    manifest = build(spec).manifest
    (entry,) = manifest.configs.values()
    split = entry.splits["train"]
    assert split.rows_in == split.rows_paired + split.rows_rejected
    rejects = pq.read_table(out / split.rejects.path).to_pylist()
    assert len(rejects) == split.rows_rejected
    return manifest, rejects


def reasons(rejects: list[dict[str, Any]]) -> dict[int, str]:
    return {r["row_index"]: r["reason"] for r in rejects}


def test_a_5000_digit_number_is_never_a_result_and_never_parsed(tmp_path: Path) -> None:
    big = "9" * 5000
    rows = [
        {"question": "q", "answer": f"3*2=<<3*2={big}>>{big} apples.\n#### {big}"},
        {"question": "q", "answer": f"{big} + 1 = 7 and 2*3=6 then.\n#### 6"},
        GOOD,
    ]
    manifest, rejects = build_rows(tmp_path, "gsm8k", rows)
    assert reasons(rejects) == {0: "no_intermediate_result"}
    shard = pq.read_table(
        tmp_path / "out" / manifest.configs["gsm8k"].splits["train"].shards[0].path
    )
    edited = shard.to_pylist()[0]
    assert edited["chosen_value"] in ("7", "6") and big in edited["rejected"]


def test_json_integers_too_long_for_python_are_rejected_for_their_type(tmp_path: Path) -> None:
    big = "9" * 5000
    text = f'{{"question": {big}, "answer": "1+1=2\\n#### 2"}}\n' + json.dumps(GOOD) + "\n"
    _, rejects = build_text(tmp_path / "g", "gsm8k", text)
    assert reasons(rejects) == {0: "bad_field_type"}
    row = json.dumps({**HELLASWAG_ROW, "label": 0})[:-1]
    _, rejects = build_text(
        tmp_path / "h", "hellaswag", row.replace('"label": 0', f'"label": {big}') + "}\n"
    )
    assert reasons(rejects) == {0: "unknown_answer_key"}


@pytest.mark.parametrize("label", ["²", "٣", "1.0", "-1", "9" * 5000, "4", True, 2.0])
def test_hellaswag_labels_must_be_ascii_indexes(tmp_path: Path, label: object) -> None:
    rows = [{**HELLASWAG_ROW, "label": label}, {**HELLASWAG_ROW, "ind": 8, "label": " 1 "}]
    _, rejects = build_rows(tmp_path, "hellaswag", rows)
    assert reasons(rejects) == {0: "unknown_answer_key"}


@pytest.mark.parametrize(
    ("source", "row", "field"),
    [
        ("arc", {**ARC_ROW, "id": "Mercury_\ud800"}, "'id'"),
        (
            "arc",
            {**ARC_ROW, "choices": {"text": ["a", "b", "c"], "label": ["A", "\ud800", "B"]}},
            "choices.label[1]",
        ),
        (
            "arc",
            {**ARC_ROW, "choices": {"text": ["a", "b\udfff", "c"], "label": ["A", "B", "C"]}},
            "choices.text[1]",
        ),
        ("arc", {**ARC_ROW, "answerKey": "\ud800"}, "answerKey"),
        ("hellaswag", {**HELLASWAG_ROW, "ind": "\ud800"}, "'ind'"),
        ("hellaswag", {**HELLASWAG_ROW, "activity_label": "x\ud83d"}, "activity_label"),
        ("hellaswag", {**HELLASWAG_ROW, "endings": ["a", "b", "\ud83d", "d"]}, "endings[2]"),
        ("gsm8k", {"question": "q\ud800", "answer": GOOD["answer"]}, "question"),
        ("metamath", {"query": "q", "response": "1+1=2.\ud800 The answer is: 2"}, "response"),
    ],
)
def test_a_lone_surrogate_in_any_field_is_a_bad_encoding_reject(
    tmp_path: Path, source: str, row: dict[str, Any], field: str
) -> None:
    _, rejects = build_rows(tmp_path, source, [row])
    (reject,) = rejects
    assert reject["reason"] == "bad_encoding" and field in reject["detail"]
    assert "\\ud" in reject["raw"]  # the raw row kept, escaped


def test_bytes_that_are_not_utf8_are_a_bad_encoding_reject(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    good = json.dumps(GOOD).encode()
    path.write_bytes(
        good + b"\n" + b'{"question": "caf\xe9", "answer": "1+1=2\\n#### 2"}\n' + good + b"\n"
    )
    out = tmp_path / "out"
    spec = BuildSpec(
        out=out, sources=(SourceSpec("gsm8k", backend="files", data_files={"train": [str(path)]}),)
    )
    split = build(spec).manifest.configs["gsm8k"].splits["train"]
    assert (split.rows_in, split.rows_paired, split.rows_rejected) == (3, 2, 1)
    (reject,) = pq.read_table(out / split.rejects.path).to_pylist()
    assert reject["reason"] == "bad_encoding" and reject["row_index"] == 1


def test_text_that_looks_like_a_date_stays_text(tmp_path: Path) -> None:
    rows = [
        {"question": "2021-01-01", "answer": "2020-12-31 + 1 day: 2*3 = 6 days.\n#### 2021-01-01"}
    ] * 3
    manifest, rejects = build_rows(tmp_path / "g", "gsm8k", rows)
    assert not rejects and manifest.configs["gsm8k"].splits["train"].rows_paired == 3
    dated = {
        **ARC_ROW,
        "question": "2001-09-09",
        "choices": {"text": ["2001-01-01", "1999-12-31 10:00"], "label": ["A", "B"]},
        "answerKey": "A",
    }
    manifest, rejects = build_rows(tmp_path / "a", "arc", [dated])
    assert not rejects
    endings = ["2020-01-01", "2021-01-01", "x", "y"]
    hs = {**HELLASWAG_ROW, "ctx": "2020-02-02", "activity_label": "2020-02-02", "endings": endings}
    manifest, rejects = build_rows(tmp_path / "h", "hellaswag", [hs])
    assert not rejects


@pytest.mark.parametrize("template", ["letter", "sentence"])
@pytest.mark.parametrize("wrong", ["photosynthesis", " photosynthesis ", "photosynthesis\n"])
def test_a_wrong_choice_that_reads_like_the_answer_is_a_duplicate_choice(
    tmp_path: Path, template: str, wrong: str
) -> None:
    """The labels differ, so the completions would too: the texts are compared."""
    texts = ["respiration", "photosynthesis", wrong]
    row = {**ARC_ROW, "choices": {"text": texts, "label": ["A", "B", "C"]}}
    _, rejects = build_rows(
        tmp_path,
        "arc",
        [row, ARC_ROW | {"id": "ok"}],
        options=StrategyOptions(choice_template=template),
    )
    assert reasons(rejects) == {0: "duplicate_choice"}


@pytest.mark.parametrize(
    ("source", "first", "key"), [("arc", ARC_ROW, "id"), ("hellaswag", HELLASWAG_ROW, "ind")]
)
def test_repeated_ids_keep_the_first_row_and_the_output_validates(
    tmp_path: Path, source: str, first: dict[str, Any], key: str
) -> None:
    other = {**first, key: "other" if key == "id" else 99}
    rows = [first, other, first, {**first, key: f" {first[key]} "}, other]
    # one row per batch: the repeats are found across batches, not only within one
    _, rejects = build_rows(tmp_path, source, rows, batch_rows=1, workers=2)
    assert reasons(rejects) == {2: "duplicate_id", 3: "duplicate_id", 4: "duplicate_id"}
    assert {r["detail"] for r in rejects} >= {f"id {str(first[key])!r} was already used by row 0"}
    report = validate_output(tmp_path / "out")
    assert report.ok, report.violations


def test_a_field_over_the_limit_is_too_long(tmp_path: Path) -> None:
    long_question = {"question": "x" * 100_001, "answer": GOOD["answer"]}
    _, rejects = build_rows(tmp_path / "default", "gsm8k", [long_question, GOOD])
    assert reasons(rejects) == {0: "too_long"}
    assert "100,001 characters" in rejects[0]["detail"]
    _, rejects = build_rows(tmp_path / "small", "gsm8k", [GOOD], max_field_chars=50)
    assert reasons(rejects) == {0: "too_long"}


def test_a_list_field_counts_all_its_texts(tmp_path: Path) -> None:
    endings = ["x" * 1_000_000 + c for c in "abcd"]  # four 1 MB endings: minutes of edit distance
    _, rejects = build_rows(tmp_path / "h", "hellaswag", [{**HELLASWAG_ROW, "endings": endings}])
    assert reasons(rejects) == {0: "too_long"} and "'endings'" in rejects[0]["detail"]
    texts = ["y" * 40_000] * 3
    row = {**ARC_ROW, "choices": {"text": texts, "label": ["A", "B", "C"]}}
    _, rejects = build_rows(tmp_path / "a", "arc", [row])
    assert reasons(rejects) == {0: "too_long"}


def test_more_choices_than_letters_is_too_many_choices(tmp_path: Path) -> None:
    count = MAX_CHOICES + 1
    labels = [f"L{i}" for i in range(count)]
    row = {
        **ARC_ROW,
        "choices": {"text": [f"t{i}" for i in range(count)], "label": labels},
        "answerKey": "L0",
    }
    _, rejects = build_rows(tmp_path / "a", "arc", [row])
    assert reasons(rejects) == {0: "too_many_choices"}
    many = {**HELLASWAG_ROW, "endings": [f"e{i}" for i in range(count)]}
    _, rejects = build_rows(tmp_path / "h", "hellaswag", [many])
    assert reasons(rejects) == {0: "too_many_choices"}


@pytest.mark.parametrize(
    "row",
    [
        {"question": ["a"], "answer": {"x": 1}},
        {"question": None, "answer": "1+1=2"},
        {"question": 3.5, "answer": True},
        {"question": "q", "answer": [[[[1]]]]},
    ],
)
def test_wrong_types_are_rejects(tmp_path: Path, row: dict[str, Any]) -> None:
    _, rejects = build_rows(tmp_path, "gsm8k", [row, GOOD])
    assert set(reasons(rejects)) == {0}
    assert rejects[0]["reason"] in ("bad_field_type", "missing_field")
