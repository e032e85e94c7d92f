"""Multiple-choice rows as users bring them: right pairs, or one ``error:`` line.

Each shape below is one that real public datasets have (Winogrande's 1-based ``"1"``/``"2"``
answers and ``_`` blank, MMLU questions that enumerate ``(I) ... (IV)``, ARC labels written
``(A)``/``A)``/``A.``, AQuA's ``A)21`` options, code choices, CSVs written by
``datasets.Dataset.to_csv``); the rows here are written for the test in those schemas.
Builds run through the CLI as a user runs them, and ``pairgen validate`` checks them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import datasets
import pyarrow.parquet as pq
import pytest

from pairgen.errors import PairgenError, RowRejected
from pairgen.output.manifest import read_manifest
from pairgen.sources.choice_rows import parse_text_list, read_choices
from pairgen.sources.choices import bare_label, split_embedded_labels
from pairgen.sources.generic.answers import AnswerSurvey, readings
from pairgen.validate.run import validate_output

from pairgen_rows import write_jsonl

CHOICE = ["--source", "choice", "--quiet"]


def pairgen(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pairgen", *args], capture_output=True, text=True, timeout=120
    )


def pairs_of(out: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for path in sorted((out / "data").glob("*/*.parquet")):
        rows += pq.read_table(path).to_pylist()
    return rows


def refused(result: subprocess.CompletedProcess[str], out: Path, *fragments: str) -> None:
    """Exit 2, one ``error:`` line holding every fragment, and nothing written."""
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert not (out / "manifest.json").exists()


WINOGRANDE = [  # the Winogrande schema: sentence with a blank, two options, answer "1"/"2"
    {"sentence": "The trophy didn't fit in the case because the _ was too big.",
     "option1": "trophy", "option2": "case", "answer": "1"},
    {"sentence": "The trophy didn't fit in the case because the _ was too small.",
     "option1": "trophy", "option2": "case", "answer": "2"},
    {"sentence": "Ann asked Mary what time it was, since _ had no watch.",
     "option1": "Ann", "option2": "Mary", "answer": "1"},
]  # fmt: skip
WINOGRANDE_MAPPING = ["--column", "prompt=sentence", "--column", "choices=option1,option2"]


def test_winogrande_answers_are_read_one_based_and_recorded(tmp_path: Path) -> None:
    data = write_jsonl(tmp_path / "validation.jsonl", WINOGRANDE)
    out = tmp_path / "o"
    result = pairgen(
        "build", *CHOICE, "--data-files", f"validation={data}", *WINOGRANDE_MAPPING,
        "--out", str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    pairs = pairs_of(out)
    assert [p["chosen"] for p in pairs] == ["(A) trophy", "(B) case", "(A) Ann"]
    assert "because the _ was too big.\n(A) trophy\n(B) case" in pairs[0]["prompt"]  # the blank
    (entry,) = read_manifest(out).configs.values()
    assert entry.source_settings is not None
    assert (entry.source_settings["answer_kind"], entry.source_settings["answer_base"]) == (
        "index",
        1,
    )
    assert validate_output(out).ok
    assert validate_output(out, rebuild=True, input_dirs=[tmp_path]).ok


def test_answers_that_do_not_decide_the_base_are_refused_until_it_is_given(
    tmp_path: Path,
) -> None:
    rows = [{**row, "answer": "1"} for row in WINOGRANDE]  # 1 of 2: 0- or 1-based?
    data = write_jsonl(tmp_path / "validation.jsonl", rows)
    out = tmp_path / "o"
    args = ["build", *CHOICE, "--data-files", f"validation={data}", *WINOGRANDE_MAPPING]
    refused(pairgen(*args, "--out", str(out)), out, "column 'answer'", "--answer-base")
    assert pairgen(*args, "--answer-base", "0", "--out", str(out)).returncode == 0
    assert {p["chosen_value"] for p in pairs_of(out)} == {"B"}
    assert pairgen(*args, "--answer-base", "1", "--out", str(out)).returncode == 0
    assert {p["chosen_value"] for p in pairs_of(out)} == {"A"}
    assert validate_output(out, rebuild=True, input_dirs=[tmp_path]).ok


def test_a_column_that_is_both_labels_and_texts_is_refused_until_the_kind_is_given(
    tmp_path: Path,
) -> None:
    rows = [  # "which letter comes next": the choices are letters themselves
        {"question": "Which letter is first?", "choices": ["B", "A", "C"], "answer": "A"},
        {"question": "Which letter is second?", "choices": ["C", "B", "A"], "answer": "B"},
    ]
    data = write_jsonl(tmp_path / "train.jsonl", rows)
    out = tmp_path / "o"
    args = ["build", *CHOICE, "--data-files", f"train={data}"]
    refused(pairgen(*args, "--out", str(out)), out, "--answer-kind text")
    assert pairgen(*args, "--answer-kind", "text", "--out", str(out)).returncode == 0
    assert [p["chosen"] for p in pairs_of(out)][::2] == ["(B) A", "(B) B"]


@pytest.mark.parametrize("wrapped", ["({})", "{})", "{}.", "{}"])
def test_arc_labels_with_a_parenthesis_or_a_dot_build_and_validate(
    tmp_path: Path, wrapped: str
) -> None:
    labels = [wrapped.format(letter) for letter in "ABC"]
    row = {
        "id": "q1",
        "question": "Which is a mammal?",
        "choices": {"text": ["shark", "whale", "frog"], "label": labels},
        "answerKey": wrapped.format("B"),
    }
    data = write_jsonl(tmp_path / "test.jsonl", [row])
    for source in (["--source", "arc"], ["--source", "choice", "--column", "answer=answerKey"]):
        out = tmp_path / source[1]
        result = pairgen("build", *source, "--data-files", f"test={data}", "--out", str(out))
        assert result.returncode == 0, result.stderr
        pairs = pairs_of(out)
        assert {p["chosen"] for p in pairs} == {"(B) whale"}
        assert "\n(A) shark\n(B) whale\n(C) frog\n" in pairs[0]["prompt"]
        assert validate_output(out).ok


def test_mmlu_questions_that_enumerate_statements_validate(tmp_path: Path) -> None:
    row = {
        "question": "Which of the following are true?\n(I) 2 is prime.\n(II) 9 is prime.\n"
        "(III) 7 is prime.\n(IV) 1 is prime.",
        "subject": "college_mathematics",
        "choices": ["I only", "I and III only", "II and IV only", "I, II and III"],
        "answer": 1,
    }
    data = write_jsonl(tmp_path / "test.jsonl", [row])
    # one row answering 1 of 4 cannot tell the generic source its base; the preset knows it
    for source in (["mmlu"], ["choice", "--answer-base", "0"]):
        out = tmp_path / source[0]
        result = pairgen(
            "build", "--source", *source, "--data-files", f"test={data}", "--out", str(out)
        )
        assert result.returncode == 0, result.stderr
        assert len(pairs_of(out)) == 3 and validate_output(out).ok
        assert {p["chosen"] for p in pairs_of(out)} == {"(B) I and III only"}


def test_labels_inside_choice_texts_are_written_once_and_whitespace_is_kept(
    tmp_path: Path,
) -> None:
    rows = [
        {"question": "2 + 19 = ?", "options": ["A)21", "B)22", "C)23"], "correct": "A"},
        {"question": "Which returns 1?", "options": ["(A) def f():\n    return 1",
         "(B) def f():\n    return 2"], "correct": "A"},
        {"question": "Pick the spaced one.", "options": ["A. two  spaces", "B. one space"],
         "correct": "A"},
    ]  # fmt: skip
    data = write_jsonl(tmp_path / "test.jsonl", rows)
    out = tmp_path / "o"
    result = pairgen(
        "build", *CHOICE, "--data-files", f"test={data}", "--column", "choices=options",
        "--column", "answer=correct", "--out", str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    chosen = {p["source_id"]: p["chosen"] for p in pairs_of(out)}
    assert chosen == {
        "0": "(A) 21",
        "1": "(A) def f():\n    return 1",
        "2": "(A) two  spaces",
    }
    assert validate_output(out).ok


def test_a_csv_written_by_datasets_to_csv_is_read(tmp_path: Path) -> None:
    rows = [
        {"question": "Largest?", "choices": ["2500", "2", "it's 50", "25"], "answer": 0},
        {"question": "Smallest?", "choices": ["a\nb", "c"], "answer": 1},
    ]
    path = tmp_path / "test.csv"
    datasets.Dataset.from_list(rows).to_csv(str(path), index=False)
    out = tmp_path / "o"
    result = pairgen("build", *CHOICE, "--data-files", f"test={path}", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert [p["chosen"] for p in pairs_of(out)] == ["(A) 2500"] * 3 + ["(B) c"]
    assert validate_output(out).ok


def test_a_choices_column_of_prose_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "test.csv"
    path.write_text('question,choices,answer\nQ?,"red, green",0\n', encoding="utf-8")
    out = tmp_path / "o"
    refused(
        pairgen("build", *CHOICE, "--data-files", f"test={path}", "--out", str(out)),
        out,
        "column 'choices' holds text",
        "--column choices=",
    )


def test_the_pipeline_key_and_the_card_carry_the_base(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "validation.jsonl", WINOGRANDE)
    pipeline = tmp_path / "p.yaml"
    pipeline.write_text(
        "sources:\n  - source: choice\n    data_files: {validation: validation.jsonl}\n"
        "    columns: {prompt: sentence, choices: [option1, option2]}\n    answer_base: 1\n",
        encoding="utf-8",
    )
    out = tmp_path / "o"
    assert pairgen("build", str(pipeline), "--out", str(out), "--quiet").returncode == 0
    assert pairgen("card", str(out)).returncode == 0
    assert "--answer-kind index --answer-base 1" in (out / "README.md").read_text("utf-8")


def test_reading_helpers() -> None:
    assert [bare_label(x) for x in ("(A)", "A)", "A.", " B ", "(12)", "Mr.")] == [
        "A", "A", "A", "B", "12", "Mr.",
    ]  # fmt: skip
    assert split_embedded_labels(["A)21", "B) 22"]) == (["A", "B"], ["21", "22"])
    assert split_embedded_labels(["A. Lincoln", "Obama"]) is None  # not every choice
    assert split_embedded_labels(["B)1", "C)2"]) is None  # not A, B, ...
    assert split_embedded_labels(["1.5", "2.5"]) is None  # numbers, not labels
    assert parse_text_list("['a', 'b']") == ["a", "b"] == parse_text_list('["a", "b"]')
    assert parse_text_list("['a' 'b']") == ["a", "b"]  # NumPy's repr: two strings
    for bad in ("['a', 'b' 'c']", "[1, 2]", "a, b", "['a',, 'b']"):
        assert parse_text_list(bad) is None, bad
    assert read_choices({"text": ["x", "y"], "label": ["(1)", "(2)"]}) == (["x", "y"], ["1", "2"])
    with pytest.raises(RowRejected, match="not a list"):
        read_choices("red, green")


def test_the_survey_decides_or_names_the_option() -> None:
    texts, labels = ["x", "y", "z"], ["A", "B", "C"]
    one = AnswerSurvey("answer", ("label", "index0", "index1", "text"))
    for value in ("1", "2"):
        one.add(readings(value, texts, labels) or {}, "train row 0", value)
    with pytest.raises(PairgenError, match="--answer-base 0 or --answer-base 1"):
        one.decide()
    for value, kind in (("3", "index1"), ("0", "index0")):
        survey = AnswerSurvey("answer", ("label", "index0", "index1", "text"))
        for answer in ("1", value):
            survey.add(readings(answer, texts, labels) or {}, "train row 0", answer)
        assert survey.decide() == kind
    both = AnswerSurvey("answer", ("label", "index0", "index1", "text"))
    for value in ("0", "3"):
        both.add(readings(value, texts, labels) or {}, "train row 1", value)
    with pytest.raises(PairgenError, match=r"only a 0-based index reads .* only a 1-based"):
        both.decide()


def test_settings_round_trip_with_the_answer_reading() -> None:
    from pairgen.config.source_settings import SourceSettings

    settings = SourceSettings(answer_kind="index", answer_base=0)
    assert SourceSettings.from_json(json.loads(json.dumps(settings.to_json()))) == settings
    assert "answer_base" not in SourceSettings().to_json()  # old manifests hash the same
    for bad in ({"answer_base": 2}, {"answer_kind": "letter"}, {"answer_base": True}):
        with pytest.raises(PairgenError, match="answer_"):
            SourceSettings.from_json(bad)
