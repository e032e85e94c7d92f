"""``pairgen validate OUT --rebuild``: the build made again from its recorded inputs."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tamper import edit_manifest, rewrite_shard, set_cell, with_recomputed_char_stats

from pairgen.cli import main
from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.errors import PairgenError
from pairgen.hub.reproduce import reproduce
from pairgen.output.manifest import read_manifest
from pairgen.pipeline import build
from pairgen.validate.rebuild import SplitRebuild
from pairgen.validate.run import validate_output

from pairgen_rows import gsm8k_rows, write_jsonl

GSM8K = "data/gsm8k/train-00000-of-00001.parquet"
ARC = "data/arc-easy/test-00000-of-00001.parquet"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """GSM8K from a local file (with few-shot prompts) and ARC-Easy from the samples."""
    root = tmp_path_factory.mktemp("rebuild")
    train = write_jsonl(root / "in" / "train.jsonl", gsm8k_rows(24))
    test = write_jsonl(root / "in" / "test.jsonl", gsm8k_rows(9))
    sources = (
        SourceSpec(
            source="gsm8k",
            backend="files",
            data_files={"train": [str(train)], "test": [str(test)]},
        ),
        SourceSpec(source="arc", config="ARC-Easy"),
    )
    build(BuildSpec(out=root / "out", sources=sources, shots=2, seed=7))
    return root / "out"


def run(*args: str) -> int:
    try:
        main(list(args))
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def inputs(built: Path) -> Path:
    """The folder holding the build's input files (the manifest names them, no path)."""
    return built.parent / "in"


def test_a_clean_build_rebuilds_byte_for_byte(
    built: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    report = validate_output(built, rebuild=True, input_dirs=[inputs(built)])
    assert report.ok, report.violations[:3]
    assert sorted(report.rebuilt, key=str) == [
        SplitRebuild(config, split, "identical")
        for config, split in [
            ("arc-easy", "test"),
            ("arc-easy", "train"),
            ("gsm8k", "test"),
            ("gsm8k", "train"),
        ]
    ]
    monkeypatch.chdir(built.parent)  # not searched below the current directory ...
    assert run("validate", str(built), "--rebuild") == 1
    assert "(sub-folders are not searched: pass --inputs DIR)" in capsys.readouterr().out
    monkeypatch.chdir(inputs(built))  # ... only in it, unless --inputs names a folder
    assert run("validate", str(built), "--rebuild") == 0
    printed = capsys.readouterr().out
    assert "rebuild: gsm8k/test: identical" in printed and "valid" in printed
    assert "rebuilt 4 of 4 splits" in printed


def test_the_source_row_recheck_looks_only_where_the_rebuild_looks(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both find inputs with the one InputFinder: without --inputs, the current directory's
    top level only (never below it); the files' split is then not rechecked, with a note."""
    monkeypatch.chdir(built.parent)  # the inputs are one folder below: not looked for
    report = validate_output(built)
    assert report.ok
    assert any("source rows not rechecked" in n and "gsm8k/" in n for n in report.notes)
    monkeypatch.chdir(inputs(built))
    rechecked = validate_output(built)
    assert rechecked.ok and not any("gsm8k/" in n for n in rechecked.notes)
    assert rechecked.source_pairs_checked > report.source_pairs_checked
    below = validate_output(built, input_dirs=[built.parent])  # named: searched below it
    assert below.source_pairs_checked == rechecked.source_pairs_checked


def test_a_doctored_shard_that_passes_every_other_check_fails_the_rebuild(
    built: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A whole question of ARC deleted, counts, checksums and rows_sha256 recomputed:
    nothing in OUT contradicts it any more, only the source rows do."""

    def drop_question(table: pa.Table) -> pa.Table:
        first = table.column("source_id")[0]
        keep = [i for i, s in enumerate(table.column("source_id")) if s != first]
        return table.take(keep)

    rewrite_shard(out, ARC, drop_question)

    def fewer_rows(manifest: dict[str, Any]) -> None:
        split = manifest["configs"]["arc-easy"]["splits"]["test"]
        split["rows_in"] -= 1
        split["rows_paired"] -= 1

    edit_manifest(out, fewer_rows)
    assert validate_output(out).ok  # consistent tampering: only the rebuild can tell
    assert run("validate", str(out), "--rebuild", "--inputs", str(inputs(built))) == 1
    printed = capsys.readouterr().out
    assert f"{ARC}: differs from the rebuild, byte for byte [rebuild]" in printed
    assert "rebuild: arc-easy/test: different" in printed
    assert "rebuild: gsm8k/train: identical" in printed


def test_a_changed_value_is_named_with_its_file(built: Path, out: Path) -> None:
    rewrite_shard(
        out,
        GSM8K,
        lambda t: with_recomputed_char_stats(
            set_cell(t, "rejected", 0, t["rejected"][0].as_py().replace("#### ", "#### 1"))
        ),
    )
    report = validate_output(out, rebuild=True, input_dirs=[inputs(built)])
    found = [(v.shard, v.check) for v in report.violations]
    assert (GSM8K, "rebuild") in found
    assert ("manifest.json", "rebuild") in found  # rows_sha256 differs from the rebuild's


def test_inputs_are_found_below_the_given_folders_by_name_and_checksum(
    built: Path, tmp_path: Path
) -> None:
    deep = tmp_path / "mirror" / "gsm8k" / "v1"
    shutil.copytree(inputs(built), deep)
    (tmp_path / "mirror" / "train.jsonl").write_text("same name, other rows\n")
    report = validate_output(built, rebuild=True, input_dirs=[tmp_path / "mirror"])
    assert report.ok and {r.status for r in report.rebuilt} == {"identical"}


def test_a_changed_input_is_named_per_split(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The other splits are still rebuilt and compared; the exit status is 1 all the same."""
    folder = Path(shutil.copytree(inputs(built), tmp_path / "in"))
    test_file = folder / "test.jsonl"
    test_file.write_text(test_file.read_text() + test_file.read_text().splitlines()[0] + "\n")
    report = validate_output(built, rebuild=True, input_dirs=[folder])
    statuses = {(r.config, r.split): r.status for r in report.rebuilt}
    assert statuses == {
        ("gsm8k", "train"): "identical",
        ("gsm8k", "test"): "not rebuilt",
        ("arc-easy", "train"): "identical",
        ("arc-easy", "test"): "identical",
    }
    (problem,) = report.violations
    assert problem.check == "not_rebuilt" and problem.shard == "manifest.json gsm8k/test"
    assert "input test.jsonl with the recorded checksum is not under" in problem.reason
    assert run("validate", str(built), "--rebuild", "--inputs", str(folder)) == 1
    printed = capsys.readouterr().out
    assert "rebuild: gsm8k/test: not rebuilt (input test.jsonl with the recorded" in printed
    assert "rebuilt 3 of 4 splits" in printed


@pytest.mark.usefixtures("hub_offline")
def test_hub_inputs_by_commit_and_local_mirrors(tmp_path: Path) -> None:
    """A local mirror of a Hub repo is found by name and content hash; a Hub commit that
    cannot be reached (offline) is named per split, not a traceback."""
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
    report = validate_output(out, rebuild=True, input_dirs=[tmp_path / "mirrors"])
    assert report.ok and [r.status for r in report.rebuilt] == ["identical"]

    def from_the_hub(manifest: dict[str, Any]) -> None:
        entry = manifest["configs"]["gsm8k"]
        entry["hub_repo"] = "openai/gsm8k"
        entry["inputs"][0].update(location="hf://datasets/openai/gsm8k", revision="e" * 40)

    edit_manifest(out, from_the_hub)
    (problem,) = validate_output(out, rebuild=True).violations
    assert problem.check == "not_rebuilt" and problem.shard == "manifest.json gsm8k/train"
    assert "not rebuilt: the build failed: " in problem.reason and "openai/gsm8k" in problem.reason


def test_a_changed_field_limit_is_recorded_rebuilt_and_reproduced(tmp_path: Path) -> None:
    # the limit decides which rows are too_long rejects: without it in the manifest the
    # rebuild would keep those rows and differ
    out = tmp_path / "out"
    limit = ["--max-field-chars", "50", "--allow-rejects"]  # most rows: too_long, on purpose
    assert run("build", "--source", "arc", *limit, "--out", str(out)) == 0
    manifest = read_manifest(out)
    assert manifest.max_field_chars == 50
    assert any(info.rejects_by_reason.get("too_long") for _, _, info in manifest.splits())
    report = validate_output(out, rebuild=True)
    assert report.ok, report.violations[:3]
    assert {r.status for r in report.rebuilt} == {"identical"}
    assert "--max-field-chars 50 --allow-rejects" in reproduce(manifest, "out").command

    default = tmp_path / "default"
    build(BuildSpec(out=default, sources=(SourceSpec(source="arc"),)))
    assert "max_field_chars" not in (default / "manifest.json").read_text(encoding="utf-8")
    assert manifest.config_hash != read_manifest(default).config_hash


def test_a_config_name_in_the_manifest_never_chooses_where_the_rebuild_writes(
    out: Path, tmp_path: Path
) -> None:
    """A manifest is anyone's: its config names are not paths (an absolute one would
    replace the scratch folder): the manifest reader refuses it, naming the field, before
    anything is rebuilt."""
    escaped = tmp_path / "escaped"
    edit_manifest(out, lambda m: m.update(configs={str(escaped): m["configs"]["arc-easy"]}))
    with pytest.raises(PairgenError, match="a config name is letters"):
        validate_output(out, rebuild=True)
    assert not escaped.exists()
