"""The build command as a user runs it: a real subprocess, one clear line on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pairgen_rows import GSM8K_ROWS, write_jsonl


def pairgen(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pairgen", *args], capture_output=True, text=True, timeout=120
    )


def build_from_file(
    path: Path, out: Path, source: str = "gsm8k"
) -> subprocess.CompletedProcess[str]:
    """``pairgen build`` of one train file with the files backend."""
    return pairgen(
        "build",
        "--source",
        source,
        "--from",
        "files",
        "--data-files",
        f"train={path}",
        "--out",
        str(out),
    )


def assert_clean_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    message = " ".join(result.stderr.split())
    for fragment in fragments:
        assert fragment in message, message


def test_build_from_samples_prints_a_summary(tmp_path: Path) -> None:
    result = pairgen("build", "--source", "gsm8k", "--from", "sample", "--out", str(tmp_path / "o"))
    assert result.returncode == 0, result.stderr
    assert "pairs/s" in result.stdout and "gsm8k" in result.stdout
    assert (tmp_path / "o/manifest.json").is_file()


def test_unknown_source(tmp_path: Path) -> None:
    result = pairgen("build", "--source", "nope", "--out", str(tmp_path / "o"))
    assert_clean_error(result, "unknown source 'nope'", "gsm8k")


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "absent.jsonl"
    result = build_from_file(missing, tmp_path / "o", source="gsm8k")
    assert_clean_error(result, str(missing), "file not found")


def test_file_not_in_the_schema_names_the_missing_column(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "wrong.jsonl", [{"question": "q", "response": "r"}])
    result = build_from_file(path, tmp_path / "o", source="gsm8k")
    assert_clean_error(result, str(path), "missing column 'answer'")


def test_parquet_not_in_the_schema_names_the_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "wrong.parquet"
    pq.write_table(pa.table({"query": ["q"]}), path)
    result = build_from_file(path, tmp_path / "o", source="metamath")
    assert_clean_error(result, str(path), "missing column 'response'")


def test_unparsable_line_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_text(
        json.dumps(GSM8K_ROWS[0]) + "\n" + '{"question": "unterminated\n', encoding="utf-8"
    )
    result = build_from_file(path, tmp_path / "o", source="gsm8k")
    assert_clean_error(result, str(path), "row 2", "unparsable JSON")


def test_output_path_that_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("x")
    result = pairgen("build", "--source", "gsm8k", "--out", str(target))
    assert_clean_error(result, str(target), "not a directory")


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    missing = f"train={tmp_path / 'absent.jsonl'}"
    args = ("build", "--source", "gsm8k", "--data-files", missing, "--out", str(tmp_path / "o"))
    result = pairgen(*args, "--debug")
    assert (
        result.returncode != 0 and "Traceback" in result.stderr and "PairgenError" in result.stderr
    )
    assert "Traceback" not in pairgen(*args).stderr


def test_a_bad_row_in_a_good_file_is_rejected_and_the_rest_built(tmp_path: Path) -> None:
    rows = [
        GSM8K_ROWS[0],
        {"question": "q", "answer": None},
        {"question": 5, "answer": "x"},
        GSM8K_ROWS[1],
    ]
    path = write_jsonl(tmp_path / "mixed.jsonl", rows)
    result = build_from_file(path, tmp_path / "o", source="gsm8k")
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "o/manifest.json").read_text())
    split = manifest["configs"]["gsm8k"]["splits"]["train"]
    assert (split["rows_in"], split["rows_paired"], split["rows_rejected"]) == (4, 2, 2)
    reasons = (
        pq.read_table(tmp_path / "o/rejects/gsm8k/train.parquet").column("row_index").to_pylist()
    )
    assert reasons == [1, 2]


def test_pipeline_file_builds_both_math_sources(tmp_path: Path) -> None:
    pipeline = tmp_path / "p.yaml"
    pipeline.write_text(
        "out: built\nsources:\n  - {source: gsm8k}\n  - {source: metamath, from: sample}\n"
    )
    result = pairgen("build", str(pipeline))
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "built/manifest.json").read_text())
    assert sorted(manifest["configs"]) == ["gsm8k", "metamath"]


def test_pipeline_with_an_unknown_key_is_an_error(tmp_path: Path) -> None:
    pipeline = tmp_path / "p.yaml"
    pipeline.write_text("out: built\nsede: 3\nsources:\n  - {source: gsm8k}\n")
    result = pairgen("build", str(pipeline))
    assert_clean_error(result, str(pipeline), "'sede'")


def test_unknown_command_is_a_usage_error_without_traceback() -> None:
    result = pairgen("nosuchcommand")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "no such command" in result.stderr


def test_text_that_utf8_cannot_hold_is_a_reject_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "surrogate.jsonl"
    good = json.dumps(GSM8K_ROWS[0])
    path.write_text(good + "\n" + '{"question": "Broken emoji \\ud83d", "answer": "x = 1"}\n')
    result = build_from_file(path, tmp_path / "o")
    assert result.returncode == 0, result.stderr
    rejects = pq.read_table(tmp_path / "o/rejects/gsm8k/train.parquet").to_pylist()
    assert [r["reason"] for r in rejects] == ["bad_encoding"]
    assert "\\ud83d" in rejects[0]["raw"]


def test_option_flags_override_a_pipeline_and_source_flags_are_refused(tmp_path: Path) -> None:
    pipeline = tmp_path / "p.yaml"
    pipeline.write_text("out: built\nsources:\n  - {source: arc, config: ARC-Easy}\n")
    result = pairgen("build", str(pipeline), "--choice-template", "sentence")
    assert result.returncode == 0, result.stderr
    chosen = pq.read_table(tmp_path / "built/data/arc-easy/train-00000-of-00001.parquet")["chosen"]
    assert chosen[0].as_py().startswith("The answer is (")
    assert_clean_error(
        pairgen("build", str(pipeline), "--split", "test"), "--split cannot be combined"
    )


def test_strategy_flag_builds_validates_and_is_reproduced(tmp_path: Path) -> None:
    from pairgen.hub.reproduce import reproduce
    from pairgen.output.manifest import read_manifest
    from pairgen.validate.run import validate_output

    out = tmp_path / "out"
    result = pairgen("build", "--source", "metamath", "--strategy", "math", "--out", str(out))
    assert result.returncode == 0, result.stderr
    manifest = read_manifest(out)
    assert {entry.strategy for entry in manifest.configs.values()} == {"math"}
    assert pq.read_table(next((out / "data").rglob("*.parquet"))).column("strategy")[0].as_py() == (
        "math"
    )
    report = validate_output(out, rebuild=True)  # the rebuild uses the recorded strategy
    assert report.ok, report.violations[:3]
    assert {r.status for r in report.rebuilt} == {"identical"}
    assert "--strategy math" in reproduce(manifest, "out").command


def test_a_strategy_for_the_other_kind_of_example_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = pairgen("build", "--source", "arc", "--strategy", "math", "--out", str(out))
    assert_clean_error(result, "strategy 'math'", "source 'arc'", "labelled choices")
    assert not out.exists()
    # refused before the inputs are looked at (hashed, or asked of the Hub)
    missing = str(tmp_path / "missing.jsonl")
    result = pairgen(
        "build",
        "--source",
        "arc",
        "--strategy",
        "math",
        "--data-files",
        f"train={missing}",
        "--out",
        str(out),
    )
    assert_clean_error(result, "strategy 'math'", "source 'arc'")
