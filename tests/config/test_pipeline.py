"""Pipeline files: paths resolve against the file's folder, values are checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from pairgen.config.pipeline_file import load_pipeline
from pairgen.errors import PairgenError
from pairgen.pipeline import build


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pipe" / "p.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_relative_paths_resolve_against_the_pipeline_folder(tmp_path: Path) -> None:
    (tmp_path / "pipe" / "mirror").mkdir(parents=True)
    path = write(
        tmp_path,
        "out: ../built\nsources:\n  - {source: gsm8k, from: hub, hub_repo: mirror}\n"
        "  - {source: metamath, from: files, data_files: {train: data/mm.jsonl}}\n",
    )
    spec = load_pipeline(path)
    assert spec.out == tmp_path / "built"
    assert spec.sources[0].hub_repo == str(tmp_path / "pipe" / "mirror")
    assert spec.sources[1].data_files == {"train": [str(tmp_path / "pipe" / "data/mm.jsonl")]}


def test_a_single_split_name_is_one_split(tmp_path: Path) -> None:
    spec = load_pipeline(write(tmp_path, "out: o\nsources:\n  - {source: gsm8k, splits: test}\n"))
    assert spec.sources[0].splits == ("test",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("out: o\nworkers: '2'\nsources: [{source: gsm8k}]\n", "workers must be a whole number"),
        (
            "out: o\noptions: {strip_annotations: 'false'}\nsources: [{source: gsm8k}]\n",
            "strip_annotations must be true or false",
        ),
        ("out: o\nsources: [{source: gsm8k, splits: {a: 1}}]\n", "must be a list of split names"),
        ("out: o\nsources: []\n", "non-empty 'sources' list"),
    ],
)
def test_bad_values_are_one_line_errors(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(PairgenError, match=message):
        build(load_pipeline(write(tmp_path, text)))


def test_data_files_must_name_their_split(tmp_path: Path) -> None:
    path = write(tmp_path, "out: o\nsources:\n  - {source: gsm8k, data_files: a.jsonl}\n")
    with pytest.raises(PairgenError, match=r"data_files must map each split to its file"):
        load_pipeline(path)
