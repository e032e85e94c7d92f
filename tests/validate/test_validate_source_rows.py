"""``pairgen validate`` rechecks every pair against its source row, read its own way.

The row checks see only the output; a wrong *reading* of the data (an answer index
counted from the wrong base, choice columns swapped, another solution column) makes
pairs that pass them all.  These tests build real outputs, then make the manifest say
what the data really means (or tamper the pairs), and check that the source-row recheck
names the pair, the source row and what differs; and that every bundled sample build,
under every completion option, passes it.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tamper import edit_manifest, rewrite_shard, set_cell, with_recomputed_char_stats

from pairgen.cli import main
from pairgen.config.source_settings import SourceSettings
from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.errors import RowRejected
from pairgen.output.manifest import read_manifest
from pairgen.pipeline import build
from pairgen.sources.choices import choice_completion
from pairgen.sources.generic.choice import GenericChoice
from pairgen.strategies import StrategyOptions
from pairgen.validate.run import validate_output
from pairgen.validate.source_checks import (
    SourceChoices,
    check_choice_pair,
    one_number_changed,
    read_choices,
)
from pairgen.validate.source_rows import CHECK, NOT_RECHECKED
from pairgen.validate.source_schemas import raw_schema

from pairgen_rows import gsm8k_rows, write_jsonl

SAMPLE_SOURCES = (
    SourceSpec(source="gsm8k"),
    SourceSpec(source="metamath"),
    SourceSpec(source="arc", config="ARC-Challenge"),
    SourceSpec(source="arc", config="ARC-Easy"),
    SourceSpec(source="hellaswag"),
    SourceSpec(source="hendrycks_math"),
    SourceSpec(source="math"),
    SourceSpec(source="mmlu"),
    SourceSpec(source="piqa"),
)
# Winogrande's schema (handwritten rows): ``answer`` is "1"/"2", counted from 1;
# ``label`` is the same answer counted from 0
WINO = [
    ("The trophy did not fit in the suitcase because the _ was too big.", "trophy", "suitcase", 1),
    (
        "The trophy did not fit in the suitcase because the _ was too small.",
        "trophy",
        "suitcase",
        2,
    ),
    ("Ann asked Mary for the time because _ had a watch.", "Ann", "Mary", 2),
    ("Ann asked Mary for the time because _ had no watch.", "Ann", "Mary", 1),
    ("The cat chased the mouse until the _ was caught.", "cat", "mouse", 2),
    ("The cat chased the mouse until the _ was tired.", "cat", "mouse", 1),
]
WINO_COLUMNS = (("prompt", "sentence"), ("choices", "option1,option2"), ("answer", "label"))
ONE_BASED = [["prompt", "sentence"], ["choices", "option1,option2"], ["answer", "answer"]]
PIQA = "data/piqa/train-00000-of-00001.parquet"
GSM8K = "data/gsm8k/train-00000-of-00001.parquet"


def violations(out: Path, **kwargs: Any) -> list[str]:
    return [v.reason for v in validate_output(out, **kwargs).violations if v.check == CHECK]


def set_settings(**changes: Any) -> Any:
    def edit(manifest: dict[str, Any]) -> None:
        (entry,) = manifest["configs"].values()
        entry["source_settings"].update(changes)

    return edit


# -- every bundled sample build passes ------------------------------------------------
@pytest.mark.parametrize(
    ("options", "fmt"),
    [
        (StrategyOptions(), "standard"),
        (
            StrategyOptions(strip_annotations=True, choice_template="sentence", clean_markup=False),
            "conversational",
        ),
    ],
    ids=["defaults", "sentence-raw-markup-stripped-conversational"],
)
def test_every_sample_build_passes_with_every_pair_rechecked(
    tmp_path: Path, options: StrategyOptions, fmt: str
) -> None:
    out = tmp_path / "out"
    build(BuildSpec(out=out, sources=SAMPLE_SOURCES, options=options, format=fmt))
    report = validate_output(out)
    assert report.ok, [str(v) for v in report.violations[:3]]
    assert report.source_pairs_checked == read_manifest(out).total_pairs > 400
    assert not [note for note in report.notes if note.startswith(NOT_RECHECKED)]


# -- a wrong reading of the answer or the choices fails -------------------------------
@pytest.fixture(scope="module")
def wino(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Winogrande-like rows built with the 0-based ``label`` column (the right reading)."""
    root = tmp_path_factory.mktemp("wino")
    rows = [
        {"sentence": s, "option1": a, "option2": b, "answer": str(n), "label": n - 1}
        for s, a, b, n in WINO
    ]
    data = write_jsonl(root / "in" / "validation.jsonl", rows)
    source = SourceSpec(
        source="choice",
        backend="files",
        data_files={"validation": [str(data)]},
        settings=SourceSettings(columns=WINO_COLUMNS),
    )
    build(BuildSpec(out=root / "out", sources=(source,)))
    return root / "out"


@pytest.fixture
def wino_out(wino: Path, tmp_path: Path) -> Path:
    """A private copy of the Winogrande build, whose manifest a test may edit."""
    return Path(shutil.copytree(wino, tmp_path / "out"))


@pytest.fixture
def wino_inputs(wino: Path) -> list[Path]:
    """Where the Winogrande build's input file is (``--inputs DIR``)."""
    return [wino.parent / "in"]


def test_the_right_reading_passes_and_the_same_answer_counted_from_1_too(
    wino_out: Path, wino_inputs: list[Path], tmp_path: Path
) -> None:
    report = validate_output(wino_out, input_dirs=[tmp_path / "elsewhere"])
    assert report.ok and report.source_pairs_checked == 0  # not found: a note, no failure
    (note,) = report.notes
    assert note.startswith(f"{NOT_RECHECKED}: choice/validation: input validation.jsonl with")
    assert violations(wino_out, input_dirs=wino_inputs) == []
    # the 1-based "answer" column read with answer_base 1 names the same choices
    edit_manifest(wino_out, set_settings(columns=ONE_BASED, answer_base=1))
    report = validate_output(wino_out, input_dirs=wino_inputs)
    assert report.ok and report.source_pairs_checked == len(WINO)


def test_a_1_based_answer_read_from_0_fails_naming_pair_row_and_difference(
    wino_out: Path, wino_inputs: list[Path]
) -> None:
    edit_manifest(wino_out, set_settings(columns=ONE_BASED))
    found = violations(wino_out, input_dirs=wino_inputs)
    assert len(found) == len(WINO)
    assert found[0] == (
        "pair choice/validation/0/0: source row 0 (validation.jsonl): chosen is choice (A) "
        "'trophy', but the source answer '1' (index 1, counted from answer_base 0) names "
        "choice (B) 'suitcase'"
    )
    assert found[1].endswith(
        "the source answer '2' (index 2, counted from answer_base 0) names no choice: the row "
        "makes no pair"
    )


def test_swapped_choice_columns_fail(wino_out: Path, wino_inputs: list[Path]) -> None:
    swapped = [["choices", "option2,option1"], ["answer", "label"]]
    edit_manifest(wino_out, set_settings(columns=swapped))
    found = violations(wino_out, input_dirs=wino_inputs)
    assert len(found) == len(WINO)
    assert found[0].endswith(
        "chosen is '(A) trophy', no choice of the row, but the source answer 0 (index 0, "
        "counted from answer_base 0) names choice (A) 'suitcase'"
    )


# -- maths: another solution column, and tampered pairs -------------------------------
def test_a_solution_read_from_another_column_fails(tmp_path: Path) -> None:
    sample = Path(__file__).parents[2] / "pairgen/sources/samples/hendrycks_math/default/test.jsonl"
    rows = [json.loads(line) for line in sample.read_text(encoding="utf-8").splitlines()]
    for row, other in zip(rows, rows[1:] + rows[:1], strict=True):
        row["worked"] = other["solution"]
    data = write_jsonl(tmp_path / "in" / "test.jsonl", rows)
    source = SourceSpec(source="math", backend="files", data_files={"test": [str(data)]})
    build(BuildSpec(out=tmp_path / "out", sources=(source,)))
    assert violations(tmp_path / "out", input_dirs=[tmp_path / "in"]) == []

    def worked(manifest: dict[str, Any]) -> None:
        manifest["configs"]["math"]["source_settings"] = SourceSettings(
            columns=(("solution", "worked"),)
        ).to_json()

    edit_manifest(tmp_path / "out", worked)
    found = violations(tmp_path / "out", input_dirs=[tmp_path / "in"])
    assert found and all("chosen is not the source row's 'worked'" in f for f in found)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tamper") / "out"
    build(BuildSpec(out=out, sources=(SourceSpec(source="gsm8k"), SourceSpec(source="piqa"))))
    return out


def test_a_turned_around_piqa_pair_passes_the_output_checks_but_not_its_source_row(
    out: Path,
) -> None:
    def turn_around(table: pa.Table) -> pa.Table:
        row = table.slice(0, 1).to_pylist()[0]
        for a, b in (("chosen", "rejected"), ("chosen_value", "rejected_value")):
            table = set_cell(set_cell(table, a, 0, row[b]), b, 0, row[a])
        return with_recomputed_char_stats(table)

    rewrite_shard(out, PIQA, turn_around)  # the digest recomputed too
    assert validate_output(out, source_rows=False).ok
    (problem,) = validate_output(out).violations
    assert (problem.shard, problem.row, problem.check) == (PIQA, 0, CHECK)
    assert problem.reason.startswith("pair piqa/train/")
    assert ", but the source answer " in problem.reason and "counted from answer_base 0" in (
        problem.reason
    )


def test_a_chosen_solution_changed_or_a_second_number_changed_fails(out: Path) -> None:
    table = pq.read_table(out / GSM8K)
    chosen, rejected = table["chosen"][2].as_py(), table["rejected"][5].as_py()
    head, marker, answer = rejected.rpartition("#### ")
    edited = set_cell(table, "chosen", 2, chosen.replace("\n", "  \n", 1))
    edited = set_cell(edited, "rejected", 5, f"{head}{marker}{answer}1")
    rewrite_shard(out, GSM8K, lambda _: with_recomputed_char_stats(edited))
    found = {v.row: v.reason for v in validate_output(out).violations if v.check == CHECK}
    pair, row = table["id"][2].as_py(), table["source_id"][2].as_py()
    assert found[2].startswith(f"pair {pair}: source row {row} (sample:gsm8k/main/train.jsonl)")
    assert "chosen is not the source row's 'answer': from character" in found[2]
    # the edited result (annotation and visible number) and the final answer
    assert re.search(r"rejected changes 3 numbers of the source solution \(.*\), not one", found[5])


# -- what cannot be rechecked is a note ----------------------------------------------
@pytest.mark.usefixtures("hub_offline")
def test_hub_inputs_are_a_note_not_a_failure(tmp_path: Path) -> None:
    mirror = tmp_path / "mirrors" / "gsm8k-copy"
    (mirror / "main").mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist(gsm8k_rows(12)), mirror / "main" / "train-0.parquet")
    (mirror / "README.md").write_text(
        "---\nconfigs:\n- config_name: main\n  data_files:\n"
        "  - split: train\n    path: main/train-*\n---\n"
    )
    out = tmp_path / "out"
    spec = SourceSpec("gsm8k", backend="hub", hub_repo=str(mirror), splits=("train",))
    build(BuildSpec(out=out, sources=(spec,)))
    report = validate_output(out)
    assert report.ok and report.source_pairs_checked == 0
    assert report.notes == [
        f"{NOT_RECHECKED}: gsm8k/train: its rows come from a Hub dataset (gsm8k-copy), which "
        "validate does not re-read (--rebuild compares them)"
    ]


def test_the_command_line_says_what_it_rechecked(
    wino: Path, wino_inputs: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    def run(*args: str) -> str:
        try:
            main(["validate", str(wino), *args])
        except SystemExit as exc:
            assert not exc.code
        return capsys.readouterr().out

    assert "source rows:" not in run()  # the input is not under the current directory
    folder = str(wino_inputs[0])
    assert f"source rows: {read_manifest(wino).total_pairs} pairs rechecked" in run(
        "--inputs", folder
    )
    assert "source rows" not in run("--inputs", folder, "--no-source-rows")
    document = json.loads(run("--inputs", folder, "--json"))
    assert document["source_pairs_checked"] == read_manifest(wino).total_pairs


# -- properties: validate's reading agrees with the build's on well-formed rows --------
_TEXT = st.builds(
    # runs of whitespace inside (kept), blank space around (dropped)
    lambda words, gap, around: f"{around}{gap.join(words)}{around}",
    st.lists(st.sampled_from(["a", "b", "xy", "z.", "why?"]), min_size=1, max_size=3),
    st.sampled_from([" ", "  ", "\t", " \n "]),
    st.sampled_from(["", " ", "\n", "  "]),
)
# how the choices column holds the list: as a list, or as text (a CSV's column)
_SHAPES = {
    "list": lambda texts: texts,
    "json": json.dumps,
    "python": repr,
    "numpy": lambda texts: "[" + " ".join(repr(text) for text in texts) + "]",
}
_EMBEDDED = ("", "{}){}", "({}) {}", "{}. {}")  # a label inside each text, or none
# the answer reading each form of answer is recorded with (the build settles it from a
# whole column; one row cannot tell a 0-based index from a 1-based one)
_READINGS = {
    "label": SourceSettings(answer_kind="label"),
    "index": SourceSettings(answer_kind="index", answer_base=0),
    "digits": SourceSettings(answer_kind="index", answer_base=0),
    "text": SourceSettings(answer_kind="text"),
}


@st.composite
def choice_rows(draw: st.DrawFn) -> tuple[dict[str, Any], int, str]:
    texts = draw(st.lists(_TEXT, min_size=2, max_size=5, unique_by=lambda t: " ".join(t.split())))
    gold = draw(st.integers(0, len(texts) - 1))
    form = draw(st.sampled_from(sorted(_READINGS)))
    label = draw(st.sampled_from(["{}", "({})", "{})", "{}."])).format("ABCDE"[gold])
    answer: Any = {
        "label": label,
        "index": gold,
        "digits": str(gold),
        "text": f" {texts[gold]} ",
    }[form]
    embedded = draw(st.sampled_from(_EMBEDDED))
    if embedded:
        texts = [embedded.format("ABCDE"[i], text) for i, text in enumerate(texts)]
    choices = _SHAPES[draw(st.sampled_from(sorted(_SHAPES)))](texts)
    return {"question": "Q?", "choices": choices, "answer": answer}, gold, form


@settings(max_examples=300, deadline=None)
@given(choice_rows(), st.sampled_from(["letter", "sentence"]))
def test_validate_reads_generated_choice_rows_as_the_build_does(
    case: tuple[dict[str, Any], int, str], template: str
) -> None:
    row, gold, form = case
    reading = _READINGS[form]
    source = GenericChoice.configured(reading)()
    schema, _ = raw_schema("choice", reading.to_json())
    assert schema is not None
    choices = read_choices(row, schema, clean_markup=True)
    assert not isinstance(choices, str)
    try:
        example = source.to_example(row, config="default", split="train", row_index=0)
    except RowRejected as rejected:  # texts that are only labels (["a", "b"]): both refuse
        assert rejected.reason == "label_only_choices"
        assert "only labels" in str(check_choice_pair("", "", choices, template, False))
        return
    assert example.answer_index == gold
    assert choices.gold == gold and choices.texts == list(example.choices)
    assert choices.labels == list(example.choice_labels)
    written = [choice_completion(example, i, template) for i in range(len(example.choices))]
    for wrong in (i for i in range(len(written)) if i != gold):
        assert check_choice_pair(written[gold], written[wrong], choices, template, False) is None
        assert check_choice_pair(written[wrong], written[gold], choices, template, False)
    if form in ("index", "digits"):  # the same row counted from 1: another gold, or none
        shifted = read_choices(row, replace(schema, answer_base=1), clean_markup=True)
        assert not isinstance(shifted, str) and shifted.gold != gold
        assert check_choice_pair(written[gold], written[gold - 1], shifted, template, False)


def test_a_choice_is_read_with_its_inner_whitespace_and_without_its_own_label() -> None:
    piqa, _ = raw_schema("piqa", None)
    choice, _ = raw_schema("choice", {"columns": [], "answer_kind": "label"})
    assert piqa is not None and choice is not None
    row = {"sol1": "glue it", "sol2": "finish, woodgrain with  bobby pin\n", "label": 1}
    read = read_choices(row, piqa, clean_markup=True)
    assert not isinstance(read, str) and read.texts[1] == "finish, woodgrain with  bobby pin"
    kept, collapsed = (
        "(B) finish, woodgrain with  bobby pin",
        "(B) finish, woodgrain with bobby pin",
    )
    assert check_choice_pair(kept, "(A) glue it", read, "letter", False) is None
    assert check_choice_pair(collapsed, "(A) glue it", read, "letter", False) == (
        "chosen is '(B) finish, woodgrain with bobby pin', no choice of the row, but the "
        "source answer 1 (index 1, counted from answer_base 0) names choice (B) 'finish, "
        "woodgrain with  bobby pin'"
    )
    # AQuA-RAT's options carry their labels; a CSV stores the list as NumPy's repr
    aqua = {"choices": "['A)21 km' 'B)42 km'\n 'C)63 km']", "answer": "(B)"}
    read = read_choices(aqua, choice, clean_markup=True)
    assert not isinstance(read, str)
    assert (read.texts, read.labels, read.gold) == (["21 km", "42 km", "63 km"], list("ABC"), 1)
    # a lone "A. Lincoln" is text, and a mix of list forms is no list
    lone = read_choices({"choices": ["A. Lincoln", "Grant"], "answer": "A"}, choice, True)
    assert not isinstance(lone, str) and lone.texts == ["A. Lincoln", "Grant"]
    mixed = read_choices({"choices": "['a', 'b' 'c']", "answer": "A"}, choice, True)
    assert isinstance(mixed, str) and "are not a list of texts" in mixed


_NUMBERS = st.lists(st.integers(0, 10_000), min_size=2, max_size=6)


@settings(max_examples=200, deadline=None)
@given(_NUMBERS, st.data())
def test_exactly_one_changed_number_is_what_a_rejected_solution_may_differ_by(
    numbers: list[int], data: st.DataObject
) -> None:
    solution = " + ".join(map(str, numbers)) + " = x\n#### x"
    at = data.draw(st.integers(0, len(numbers) - 1))
    new = data.draw(st.integers(0, 10_000).filter(lambda n: n != numbers[at]))
    one = [new if i == at else n for i, n in enumerate(numbers)]
    assert one_number_changed(solution, " + ".join(map(str, one)) + " = x\n#### x") is None
    other = (at + 1) % len(numbers)
    two = [n + 1 if i == other else n for i, n in enumerate(one)]
    assert one_number_changed(solution, " + ".join(map(str, two)) + " = x\n#### x")
    assert one_number_changed(solution, solution.replace("+", "-", 1))
    assert one_number_changed(solution, solution) == "rejected is the source solution unchanged"


def test_a_pair_of_choices_that_are_only_labels_fails_the_recheck() -> None:
    """Issue 26 (MathQA's ``choices: [A, B, C, D]``): such pairs compare labels only; a
    build refuses them, and a pair file that holds one fails validate."""
    choices = SourceChoices(["A", "B", "C", "D"], ["A", "B", "C", "D"], 3, "answer 3 (index)")
    reason = check_choice_pair("(D) D", "(A) A", choices, "letter", continuation=False)
    assert reason is not None and "are only labels, not the options' texts" in reason
    real = SourceChoices(["B", "A", "C"], ["A", "B", "C"], 0, "answer 'A' (label)")
    assert check_choice_pair("(A) B", "(B) A", real, "letter", continuation=False) is None


def test_without_inputs_the_note_says_sub_folders_of_the_current_directory_are_not_searched(
    wino: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 26: the input is in ``CWD/in``, and validate looks directly in the current
    directory only (by design); the note said it "is not under" CWD, which reads as false."""
    monkeypatch.chdir(wino.parent)
    (note,) = validate_output(wino).notes
    assert note.endswith(
        f"input validation.jsonl with the recorded checksum is not in {wino.parent} "
        "(sub-folders are not searched: pass --inputs DIR)"
    )
