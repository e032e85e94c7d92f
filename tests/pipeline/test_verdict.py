"""The split verdict: a split that pairs nothing, or that one reject reason rules, is one
error line naming it (OUT untouched) unless ``--allow-rejects`` keeps it, and then the
manifest says so; splits a source publishes unlabeled are left out unless named."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from build_outputs import tree

from pairgen.config.spec import DEFAULT_MAX_REJECT_SHARE, BuildSpec, SourceSpec
from pairgen.errors import PairgenError
from pairgen.output.manifest import RejectsEntry, SplitEntry, read_manifest
from pairgen.pipeline import build
from pairgen.pipeline.verdict import judge
from pairgen.validate.rebuild import rebuild_and_compare

from pairgen_rows import gsm8k_rows, write_jsonl

# SVAMP's shape: the "solution" is an equation, with no intermediate result to corrupt
SVAMP_ROWS = [
    {"Body": f"Jack had {n + 8} pens.", "Question": "He gave 3 away. How many are left?",
     "Equation": f"( {n + 8}.0 - 3.0 )", "Answer": n + 5}
    for n in range(12)
]  # fmt: skip


def pairgen(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pairgen", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


def one_choice_rows(path: Path, rows: int = 30) -> Path:
    """Questions with one choice each: a mapping that points at the wrong column looks like
    this (every row a ``too_few_choices`` reject)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for index in range(rows):
            row = {"question": f"Which is {index}?", "choices": [str(index)], "answer": 0}
            handle.write(json.dumps(row) + "\n")
    return path


def split_entry(rows_in: int, paired: int, **reasons: int) -> SplitEntry:
    return SplitEntry(
        rows_in=rows_in,
        rows_paired=paired,
        rows_rejected=rows_in - paired,
        pairs=paired,
        rejects_by_reason=reasons,
        shards=(),
        rejects=RejectsEntry("rejects/c/train.parquet", rows_in - paired, ""),
        rows_sha256="",
    )


def test_judge_refuses_no_pairs_and_a_ruling_reason_only() -> None:
    assert judge(split_entry(10, 7, no_intermediate_result=3)) is None
    assert judge(split_entry(10, 5, a=5)) is None  # exactly the threshold: stands
    assert DEFAULT_MAX_REJECT_SHARE == 0.5
    ruled = judge(split_entry(10, 4, a=6))
    assert ruled is not None and (ruled.reason, ruled.count) == ("a", 6)
    assert ruled.summary() == "6 of 10 rows (60%) rejected as a"
    spread = judge(split_entry(10, 0, a=4, b=3, c=3))  # no reason rules, but nothing paired
    assert spread is not None and spread.summary().endswith("rejected as a, none paired")
    assert judge(split_entry(0, 0)) is not None  # an empty input: no pair either
    just_over = judge(split_entry(1267, 628, unknown_answer_key=639))  # Winogrande's 1-based
    assert just_over is not None and "(50.4%)" in just_over.summary()


def test_svamp_like_equations_are_refused_and_out_keeps_its_content(tmp_path: Path) -> None:
    out = tmp_path / "out"
    good = write_jsonl(tmp_path / "gsm8k.jsonl", gsm8k_rows(8))
    first = pairgen(
        "build", "--source", "gsm8k", "--data-files", f"train={good}", "--out", str(out)
    )
    assert first.returncode == 0, first.stderr
    before = tree(out)
    svamp = write_jsonl(tmp_path / "svamp.jsonl", SVAMP_ROWS)
    mapping = ["--column", "question=Question", "--column", "solution=Equation"]
    result = pairgen(
        "build", "--source", "math", *mapping, "--data-files", f"train={svamp}", "--out", str(out)
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: math/train: 12 of 12 rows (100%)")
    for fragment in ("none paired", "e.g. row 0:", "--column solution=COLUMN", "--allow-rejects"):
        assert fragment in lines[0]
    assert tree(out) == before  # the refused build changed nothing in OUT


def test_a_mapping_that_pairs_nothing_is_refused_then_allowed_and_recorded(
    tmp_path: Path,
) -> None:
    path = one_choice_rows(tmp_path / "in" / "mmlu.jsonl")
    args = ["build", "--source", "choice", "--data-files", f"train={path}"]
    refused = pairgen(*args, "--out", str(tmp_path / "refused"))
    assert refused.returncode == 2
    message = refused.stderr.strip()
    assert "choice/train: 30 of 30 rows (100%) rejected as too_few_choices" in message
    assert "1 choice(s)" in message and "--column choices=COLUMN" in message
    assert not (tmp_path / "refused" / "manifest.json").exists()

    kept = pairgen(*args, "--allow-rejects", "--out", str(tmp_path / "kept"), "--json")
    assert kept.returncode == 0, kept.stderr
    assert json.loads(kept.stdout)["pairs"] == 0
    assert "warning: choice/train: 30 of 30 rows (100%)" in kept.stderr
    entry = read_manifest(tmp_path / "kept").configs["choice"].splits["train"]
    assert entry.rejects_allowed == "30 of 30 rows (100%) rejected as too_few_choices, none paired"
    report, violations = rebuild_and_compare(tmp_path / "kept", [tmp_path / "in"])
    assert violations == [] and [r.status for r in report] == ["identical"]


def test_a_refused_split_is_reused_when_the_rerun_allows_it(tmp_path: Path) -> None:
    path = one_choice_rows(tmp_path / "in.jsonl")
    source = SourceSpec(source="choice", backend="files", data_files={"train": [str(path)]})
    spec = BuildSpec(out=tmp_path / "out", sources=(source,))
    with pytest.raises(PairgenError, match="too_few_choices"):
        build(spec)
    result = build(replace(spec, allow_rejects=True))
    assert result.reused == ("choice/train",)
    assert result.manifest.allow_rejects


def test_a_build_with_only_good_splits_records_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(BuildSpec(out=out, sources=(SourceSpec(source="gsm8k"),), allow_rejects=True))
    text = (out / "manifest.json").read_text(encoding="utf-8")
    assert "rejects_allowed" not in text and "unlabeled_splits" not in text


def test_unlabeled_splits_are_left_out_unless_named(tmp_path: Path) -> None:
    result = pairgen("build", "--source", "hellaswag", "--out", str(tmp_path / "o"), "-q")
    assert result.returncode == 0, result.stderr
    assert "note: hellaswag/test left out" in result.stderr
    entry = read_manifest(tmp_path / "o").configs["hellaswag"]
    assert entry.unlabeled_splits == ("test",) and sorted(entry.splits) == ["train", "validation"]
    assert {i.split for i in entry.inputs} == {"train", "validation"}

    named = pairgen("build", "--source", "piqa", "--split", "test", "--out", str(tmp_path / "p"))
    assert named.returncode == 2
    assert "piqa/test: 4 of 4 rows (100%) rejected as unlabeled" in named.stderr


def test_a_build_of_unlabeled_splits_only_is_an_error(tmp_path: Path) -> None:
    path = Path(shutil.copy(piqa_sample("test"), tmp_path / "test.jsonl"))
    result = pairgen(
        "build", "--source", "piqa", "--data-files", f"test={path}", "--out", str(tmp_path / "o")
    )
    assert result.returncode == 2
    assert "every split given (test) is one the source publishes without answer labels" in (
        result.stderr
    )


def piqa_sample(split: str) -> Path:
    from pairgen.sources import get_source
    from pairgen.sources.inputs import sample_path

    return sample_path(get_source("piqa"), "plain_text", split)


def test_the_pipeline_key_allows_and_must_be_a_boolean(tmp_path: Path) -> None:
    path = one_choice_rows(tmp_path / "in.jsonl")
    for value, code in (("true", 0), ('"yes"', 2)):
        pipeline = tmp_path / f"p{code}.yaml"
        pipeline.write_text(
            f"out: out{code}\nallow_rejects: {value}\n"
            f"sources:\n  - {{source: choice, data_files: {{train: {path.name}}}}}\n",
            encoding="utf-8",
        )
        result = pairgen("build", str(pipeline), "-q")
        assert result.returncode == code, result.stderr
    assert "allow_rejects must be true or false" in result.stderr


# CARP-en's shape: worked steps that state the result in prose, the answer in its own column
CARP_ROWS = [
    {"content": f"Calculate $( {n} a - b ) ( - {n} a - b )$ equals to ____?",
     "steps": f"$- b$ is the same term, and its opposite is ${n} a$ and $- {n} a$. Therefore, "
     f"the result is $( - b ) ^ {{ 2 }} - {n * n} a ^ {{ 2 }} = b ^ {{ 2 }} - {n * n} a ^ {{ 2 }}$.",
     "answer": f"b ^ {{ 2 }} - {n * n} a ^ {{ 2 }}"}
    for n in range(2, 8)
]  # fmt: skip


def test_solutions_without_a_final_answer_name_the_answer_column(tmp_path: Path) -> None:
    data = write_jsonl(tmp_path / "carp.jsonl", CARP_ROWS)
    mapping = ["--column", "prompt=content", "--column", "solution=steps"]
    out = str(tmp_path / "out")
    result = pairgen(
        "build", "--source", "math", *mapping, "--data-files", f"test={data}", "--out", out
    )
    assert result.returncode == 2, result.stderr
    line = result.stderr.strip()
    assert line.startswith("error: math/test: 6 of 6 rows (100%) rejected as no_final_answer")
    for fragment in ("states no final answer", "\\boxed{X}", "'#### X'", "'Answer: X'",
                     "--column answer=COLUMN", "'The answer is: X'"):  # fmt: skip
        assert fragment in line
    assert "--column solution=COLUMN" not in line and "intermediate result" not in line
    mapped = pairgen(
        "build", "--source", "math", *mapping, "--column", "answer=answer",
        "--data-files", f"test={data}", "--out", out, "--allow-rejects",
    )  # fmt: skip
    assert mapped.returncode == 0, mapped.stderr
