"""What the commands print: JSON alone on stdout, nothing when quiet, user text verbatim."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pairgen.cli import main
from pairgen.config.pipeline_file import load_pipeline
from pairgen.errors import PairgenError
from pairgen.output.manifest import read_manifest


def pairgen(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pairgen", *args], capture_output=True, text=True, timeout=120
    )


def test_build_json_is_the_only_thing_on_stdout(tmp_path: Path) -> None:
    result = pairgen("build", "--source", "arc", "--config", "ARC-Easy", "--out", str(tmp_path / "o"), "--json")  # fmt: skip
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    manifest = read_manifest(tmp_path / "o")
    assert document["pairs"] == manifest.total_pairs > 0
    assert {(s["config"], s["split"]) for s in document["splits"]} == {
        (config, split) for config, split, _ in manifest.splits()
    }


def test_build_and_validate_quiet_print_nothing_on_success(tmp_path: Path) -> None:
    out = str(tmp_path / "o")
    built = pairgen("build", "--source", "gsm8k", "--out", out, "--quiet")
    assert (built.returncode, built.stdout) == (0, ""), built.stderr
    checked = pairgen("validate", out, "--quiet")
    assert (checked.returncode, checked.stdout) == (0, ""), checked.stderr


def test_validate_json_reports_violations(
    sample_build: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["validate", str(sample_build), "--json"])
    document = json.loads(capsys.readouterr().out)
    assert document["ok"] is True and document["pairs_checked"] > 0
    assert document["violations"] == []
    (tmp_path / "manifest.json").write_text(
        (sample_build / "manifest.json").read_text(encoding="utf-8"), encoding="utf-8"
    )
    with pytest.raises(SystemExit) as exit_info:
        main(["validate", str(tmp_path), "--json"])
    assert exit_info.value.code == 1
    document = json.loads(capsys.readouterr().out)
    assert document["ok"] is False and document["violations"]
    assert set(document["violations"][0]) == {"shard", "row", "reason", "check"}


def test_file_names_with_brackets_print_verbatim(tmp_path: Path) -> None:
    missing = tmp_path / "my[bold]file.jsonl"
    result = pairgen("build", "--source", "gsm8k", "--data-files", f"train={missing}", "--out", str(tmp_path / "o"))  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {missing}: ") and result.stderr.count("\n") == 1


def test_error_lines_are_never_read_as_markup(capsys: pytest.CaptureFixture[str]) -> None:
    from pairgen.cli.console import error

    error("--executor ray needs Ray: pip install 'pairgen[ray]' [red]x[/red]")
    assert capsys.readouterr().err == (
        "error: --executor ray needs Ray: pip install 'pairgen[ray]' [red]x[/red]\n"
    )


def test_a_multi_line_error_is_printed_whole(tmp_path: Path) -> None:
    pipeline = tmp_path / "p.yaml"
    pipeline.write_text("out: o\nsources: [\n  {source: gsm8k\n", encoding="utf-8")
    with pytest.raises(PairgenError) as info:
        load_pipeline(pipeline)
    assert "\n" in str(info.value)  # YAML's message spans lines: where, then what
    result = pairgen("build", str(pipeline))
    assert result.returncode == 2
    assert result.stderr == f"error: {info.value}\n"
