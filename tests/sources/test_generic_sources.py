"""Generic sources (``--source math`` / ``--source choice``): column mappings, templates and
card metadata from the command line and pipeline files; answers in every form; one clear
line for a bad mapping; manifests that carry the settings to validate and the card."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pairgen.errors import PairgenError, RowRejected
from pairgen.hub.card import write_card
from pairgen.output.manifest import Manifest, read_manifest
from pairgen.sources import get_source
from pairgen.sources.generic import SourceSettings
from pairgen.sources.generic.answers import pick, readings
from pairgen.validate.run import validate_output

from pairgen_rows import write_jsonl

SAMPLES = Path(__file__).resolve().parents[2] / "pairgen" / "sources" / "samples"
MMLU_TEST = SAMPLES / "mmlu" / "all" / "test.jsonl"
PIQA_TRAIN = SAMPLES / "piqa" / "plain_text" / "train.jsonl"
MMLU_BIB = (
    "@article{hendryckstest2021,\n  title={Measuring Massive Multitask Language Understanding}\n}"
)


def pairgen(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pairgen", *args], capture_output=True, text=True, timeout=120
    )


def _pairs(out: Path) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for path in sorted((out / "data").glob("*/*.parquet")):
        rows += pq.read_table(path).to_pylist()
    return rows


def test_mmlu_through_the_generic_choice_source_and_a_mapping(tmp_path: Path) -> None:
    bib = tmp_path / "mmlu.bib"
    bib.write_text(MMLU_BIB, encoding="utf-8")
    out = tmp_path / "o"
    result = pairgen(
        "build", "--source", "choice", "--data-files", f"test={MMLU_TEST}",
        "--column", "prompt=question", "--column", "choices=choices", "--column", "answer=answer",
        "--template", "Subject: {subject}\nQuestion: {question}\n{choices}\nAnswer:\n",
        "--dataset-name", "MMLU", "--hub-id", "cais/mmlu", "--license", "mit",
        "--citation-file", str(bib), "--out", str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert validate_output(out).ok
    rows = [json.loads(line) for line in MMLU_TEST.read_text(encoding="utf-8").splitlines()]
    pairs = _pairs(out)
    assert len(pairs) == sum(len(row["choices"]) - 1 for row in rows)
    for pair in pairs:
        row = rows[int(str(pair["source_id"]))]
        assert pair["chosen_value"] == "ABCD"[row["answer"]]
        assert str(pair["prompt"]).startswith(f"Subject: {row['subject']}\n")
    card = write_card(out).read_text(encoding="utf-8")
    assert "license: mit" in card.split("---")[1]
    assert "hendryckstest2021" in card and "cais/mmlu" in card
    # the reproduce step: a pipeline file, which holds the citation inline
    assert "pairgen build pipeline.yaml" in card and "hendryckstest2021" in card.split("```yaml")[1]
    assert "columns: {prompt: question, choices: choices, answer: answer}" in card
    assert "allenai:arc" not in card and "cc-by-sa" not in card


def test_several_choice_columns_and_a_pipeline_file(tmp_path: Path) -> None:
    (tmp_path / "piqa.bib").write_text("@inproceedings{Bisk2020, title={PIQA}}", encoding="utf-8")
    pipeline = tmp_path / "piqa.yaml"
    pipeline.write_text(
        f"out: out\nsources:\n  - source: choice\n    data_files: {{train: {PIQA_TRAIN}}}\n"
        "    columns: {prompt: goal, choices: [sol1, sol2], answer: label}\n"
        "    dataset_name: PIQA\n    license: afl-3.0\n    citation_file: piqa.bib\n",
        encoding="utf-8",
    )
    result = pairgen("build", str(pipeline), "--quiet")
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out"
    assert validate_output(out).ok
    pairs = _pairs(out)
    assert len(pairs) == len(PIQA_TRAIN.read_text(encoding="utf-8").splitlines())
    assert {p["rejected_value"] for p in pairs} <= {"A", "B"}
    settings = read_manifest(out).configs["choice"].source_settings
    assert settings is not None and settings["license"] == "afl-3.0"
    card = write_card(out).read_text(encoding="utf-8")
    assert "license: afl-3.0" in card and "Bisk2020" in card


def test_math_source_with_an_answer_column(tmp_path: Path) -> None:
    rows = [
        {"q": "A box holds 7 rows of 6 eggs. Two eggs break. How many are left?",
         "worked": "There are $7 \\cdot 6 = 42$ eggs, and $42 - 2 = 40$ remain.", "final": "40"},
        {"q": "What is $3^4$?", "worked": "We get $3^4 = 81$.", "final": "81"},
    ]  # fmt: skip
    data = write_jsonl(tmp_path / "mine.jsonl", rows)
    out = tmp_path / "o"
    result = pairgen(
        "build", "--source", "math", "--data-files", f"train={data}", "--column", "prompt=q",
        "--column", "solution=worked", "--column", "answer=final", "--out", str(out), "--quiet",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert validate_output(out).ok
    (pair,) = _pairs(out)
    assert str(pair["chosen"]).endswith("remain.\nThe answer is: 40")
    assert pair["chosen_value"] == "42"  # 40 is the answer; 2, 6, 7 are given
    manifest = read_manifest(out)
    assert manifest.configs["math"].splits["train"].rejects_by_reason == {
        "results_all_equal_final_answer": 1
    }


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--source", "math", "--data-files", f"train={MMLU_TEST}"], "missing column 'problem'"),
        (["--source", "choice", "--data-files", f"train={MMLU_TEST}", "--column", "choices=opts"],
         "missing column 'opts'"),
        (["--source", "math", "--column", "prompt=problem", "--column", "hint=x"], "no role 'hint'"),
        (["--source", "gsm8k", "--column", "prompt=question"], "fixed schema"),
        (["--source", "math", "--column", "prompt"], "ROLE=COLUMN"),
        (["--source", "mmlu", "--template", "Q: {question}"], "{choices}"),
        (["--source", "hendrycks_math", "--template", "{0}"], "must name a column"),
    ],
)  # fmt: skip
def test_a_bad_mapping_is_one_error_line(tmp_path: Path, args: list[str], fragment: str) -> None:
    result = pairgen("build", *args, "--out", str(tmp_path / "o"), "--quiet")
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], lines
    assert not (tmp_path / "o" / "manifest.json").exists()


def test_answers_as_index_label_text_digits_or_unlabeled() -> None:
    texts, labels = ["red", "green", "blue"], ["A", "B", "C"]
    assert readings(2, texts, labels) == {"index0": 2, "index1": 1}
    assert readings("B", texts, labels) == {"label": 1}
    assert readings("(B)", texts, labels) == {"label": 1}
    assert readings("3", texts, labels) == {"index1": 2}
    assert readings(" blue ", texts, labels) == {"text": 2}
    assert readings(-1, texts, labels) is None
    assert readings("", texts, labels) is None
    assert readings("2", texts, ["2", "1", "3"]) == {"label": 0}  # a label before an index
    assert pick(readings("1", texts, labels) or {}, ("label", "index1", "text"), "1") == 0
    with pytest.raises(RowRejected, match="different readings"):
        pick(readings("1", texts, labels) or {}, ("index0", "index1"), "1")
    for bad in (3, "D", "purple"):
        with pytest.raises(RowRejected, match="answer"):
            pick(readings(bad, texts, labels) or {}, ("label", "index0", "text"), bad)


def test_arc_struct_choices_through_the_generic_source() -> None:
    source = get_source("choice", SourceSettings(columns=(("answer", "answerKey"), ("id", "id"))))
    row = {
        "id": "Q1",
        "question": "Which gas do plants take in?",
        "choices": {"text": ["oxygen", "carbon dioxide"], "label": ["1", "2"]},
        "answerKey": "2",
    }
    example = source.read_row(row, config="default", split="train", row_index=0)
    assert example.choice_labels == ("1", "2") and example.answer_index == 1
    assert example.source_id == "Q1"
    assert "(1) oxygen\n(2) carbon dioxide" in source.render_prompt(example)


def test_settings_round_trip_and_old_manifests_still_read(tmp_path: Path) -> None:
    settings = SourceSettings(columns=(("prompt", "goal"),), keep_columns=("level",), license="mit")
    assert SourceSettings.from_json(settings.to_json()) == settings
    with pytest.raises(PairgenError, match="unknown source setting"):
        SourceSettings.from_json({"licence": "mit"})
    out = tmp_path / "o"
    assert pairgen("build", "--source", "gsm8k", "--out", str(out), "--quiet").returncode == 0
    text = (out / "manifest.json").read_text(encoding="utf-8")
    assert "source_settings" not in text  # fixed-schema builds write what they always did
    assert Manifest.from_json(json.loads(text)).to_json() == text


def test_keep_columns_travel_into_the_pair_rows(tmp_path: Path) -> None:
    out = tmp_path / "o"
    result = pairgen(
        "build", "--source", "mmlu", "--keep-column", "subject", "--keep-column", "answer",
        "--split", "test", "--out", str(out), "--quiet",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert validate_output(out).ok
    rows = [json.loads(line) for line in MMLU_TEST.read_text(encoding="utf-8").splitlines()]
    for pair in _pairs(out):
        row = rows[int(str(pair["source_id"]))]
        assert pair["subject"] == row["subject"]
        assert pair["answer"] == str(row["answer"])  # non-text values are kept as JSON
    clash = pairgen("build", "--source", "mmlu", "--keep-column", "split", "--out", str(out))
    assert clash.returncode == 2 and "--keep-column split" in clash.stderr
