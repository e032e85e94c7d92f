"""Flags and pipeline files merged into one BuildSpec: each rule once, errors name the flags."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pairgen.config.merge import BuildFlags, available_cpus, build_spec
from pairgen.config.pipeline_file import load_pipeline
from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.errors import PairgenError


def flags(**given: object) -> BuildFlags:
    return BuildFlags(**{"source": "gsm8k", "out": "o", **given})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("given", "backend"),
    [
        ({}, SourceSpec.__dataclass_fields__["backend"].default),
        ({"data_files": ("train=a.jsonl",)}, "files"),
        ({"hub_repo": "org/mirror"}, "hub"),
        ({"revision": "main"}, "hub"),
        ({"revision": "main", "hub_repo": "org/x", "from_": "hub"}, "hub"),
        ({"from_": "files", "data_files": ("train=a.jsonl",)}, "files"),
    ],
)
def test_source_flags_imply_their_backend(given: dict[str, object], backend: str) -> None:
    (source,) = build_spec(flags(**given)).sources
    assert source.backend == backend


@pytest.mark.parametrize(
    ("given", "names"),
    [
        ({"from_": "sample", "data_files": ("train=x",)}, ["--from sample", "--data-files"]),
        ({"from_": "hub", "data_files": ("train=x",)}, ["--from hub", "--data-files"]),
        ({"from_": "files", "hub_repo": "org/x"}, ["--from files", "--hub-repo"]),
        ({"from_": "sample", "revision": "v1"}, ["--from sample", "--revision"]),
        ({"data_files": ("train=x",), "revision": "v1"}, ["--data-files", "--revision"]),
    ],
)
def test_a_contradiction_names_both_flags(given: dict[str, object], names: list[str]) -> None:
    with pytest.raises(PairgenError) as info:
        build_spec(flags(**given))
    for name in names:
        assert name in str(info.value)


def test_settings_not_given_take_the_spec_defaults_and_the_cpu_count() -> None:
    spec = build_spec(flags())
    defaults = BuildSpec(out=Path("o"), sources=())
    assert (spec.seed, spec.shots, spec.format, spec.executor) == (
        defaults.seed,
        defaults.shots,
        defaults.format,
        defaults.executor,
    )
    assert spec.workers == available_cpus() == len(os.sched_getaffinity(0))
    assert build_spec(flags(workers=1, seed=7)).workers == 1


def test_strategy_options_apply_with_and_without_a_pipeline(tmp_path: Path) -> None:
    assert build_spec(flags(options={"strip_annotations": True})).options["strip_annotations"]
    pipeline = tmp_path / "p.yaml"
    pipeline.write_text("out: o\noptions: {clean_markup: false}\nsources: [{source: hellaswag}]\n")
    spec = build_spec(BuildFlags(pipeline=pipeline, options={"choice_template": "sentence"}))
    assert spec.options == {"clean_markup": False, "choice_template": "sentence"}


def test_pipeline_file_values_yield_to_flags_and_beat_command_defaults(tmp_path: Path) -> None:
    pipeline = tmp_path / "p.yaml"
    pipeline.write_text("out: o\nworkers: 1\nseed: 5\nsources: [{source: gsm8k}]\n")
    assert build_spec(BuildFlags(pipeline=pipeline)).workers == 1
    spec = build_spec(BuildFlags(pipeline=pipeline, seed=9, out=str(tmp_path / "x")))
    assert (spec.seed, spec.out) == (9, tmp_path / "x")
    pipeline.write_text("out: o\nsources: [{source: gsm8k}]\n")
    assert build_spec(BuildFlags(pipeline=pipeline)).workers == available_cpus()
    assert load_pipeline(pipeline).workers == BuildSpec(out=Path(), sources=()).workers


def test_source_flags_with_a_pipeline_file_are_refused(tmp_path: Path) -> None:
    pipeline = tmp_path / "p.yaml"
    pipeline.write_text("out: o\nsources: [{source: gsm8k}]\n")
    with pytest.raises(PairgenError, match="--from, --split cannot be combined"):
        build_spec(BuildFlags(pipeline=pipeline, from_="hub", split=("test",)))


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"source": None}, "give a pipeline file or --source"),
        ({"out": None}, "--out is required"),
        ({"data_files": ("train.jsonl",)}, "--data-files expects SPLIT=PATH"),
    ],
)
def test_missing_or_malformed_flags(given: dict[str, object], message: str) -> None:
    with pytest.raises(PairgenError, match=message):
        build_spec(flags(**given))


def test_pipeline_sources_follow_the_same_implication(tmp_path: Path) -> None:
    pipeline = tmp_path / "p.yaml"
    pipeline.write_text(
        "out: o\nsources:\n  - {source: gsm8k, data_files: {train: a.jsonl}}\n"
        "  - {source: arc, revision: main}\n"
    )
    assert [s.backend for s in load_pipeline(pipeline).sources] == ["files", "hub"]
    pipeline.write_text(
        "out: o\nsources:\n  - {source: gsm8k, from: sample, data_files: {train: x}}\n"
    )
    with pytest.raises(PairgenError, match=r"sources\[0\].*from: sample contradicts data_files"):
        load_pipeline(pipeline)


def test_available_cpus_follows_the_affinity_mask() -> None:
    """Pinned to one CPU (as taskset or a container would), the default is one worker."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); "
            "from pairgen.config.merge import available_cpus; print(available_cpus())",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "1"
