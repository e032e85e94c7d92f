"""The typed manifest: the same bytes as ever, and a malformed one names its bad field."""

from __future__ import annotations

import copy
import fnmatch
import json
from pathlib import Path
from typing import Any

import pytest

from pairgen.errors import PairgenError
from pairgen.output.manifest import (
    MANIFEST_NAME,
    SHARD_NAME,
    Manifest,
    read_manifest,
    rejects_path,
    shard_glob,
    shard_path,
)


@pytest.fixture(scope="module")
def raw(sample_build: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((sample_build / MANIFEST_NAME).read_text("utf-8"))
    return loaded


def test_the_typed_manifest_writes_the_bytes_it_was_read_from(sample_build: Path) -> None:
    manifest = read_manifest(sample_build)
    assert manifest.to_json() == (sample_build / MANIFEST_NAME).read_text(encoding="utf-8")
    assert Manifest.from_json(manifest.to_dict()) == manifest


def test_typed_attributes_reach_every_file(sample_build: Path) -> None:
    manifest = read_manifest(sample_build)
    train = manifest.configs["gsm8k"].splits["train"]
    assert train.rows_in == train.rows_paired + train.rows_rejected
    assert train.shards[0].path == shard_path("gsm8k", "train", 0, 1)
    assert train.rejects.path == rejects_path("gsm8k", "train")
    assert all((sample_build / path).is_file() for path in manifest.files())
    assert manifest.total_pairs == sum(info.pairs for _, _, info in manifest.splits())


@pytest.mark.parametrize(
    ("edit", "field", "message"),
    [
        (lambda m: m.pop("seed"), "seed", "missing"),
        (lambda m: m.update(shots="2"), "shots", "must be a whole number, got str"),
        (lambda m: m.update(seed=True), "seed", "must be a whole number, got bool"),
        (lambda m: m.update(extra=1), "extra", "unknown manifest field"),
        (lambda m: m.update(configs=[]), "configs", "must be an object, got list"),
        (
            lambda m: m["configs"]["gsm8k"]["splits"]["train"].update(pairs=None),
            "configs.gsm8k.splits.train.pairs",
            "got null",
        ),
        (
            lambda m: m["configs"]["gsm8k"]["splits"]["train"]["shards"][0].pop("sha256"),
            "configs.gsm8k.splits.train.shards[0].sha256",
            "missing",
        ),
    ],
)
def test_a_malformed_manifest_names_the_field(
    raw: dict[str, Any], edit: Any, field: str, message: str
) -> None:
    data = copy.deepcopy(raw)
    edit(data)
    with pytest.raises(PairgenError, match=message) as failure:
        Manifest.from_json(data, file="m.json")
    assert failure.value.field == field and failure.value.file == "m.json"


def test_a_manifest_from_a_newer_pairgen_is_refused(raw: dict[str, Any]) -> None:
    with pytest.raises(PairgenError, match="newer than this pairgen reads"):
        Manifest.from_json({**raw, "manifest_version": 99})


def test_a_manifest_that_is_not_json_names_the_line(tmp_path: Path) -> None:
    (tmp_path / MANIFEST_NAME).write_text('{\n  "seed": ,\n}\n', encoding="utf-8")
    with pytest.raises(PairgenError, match="not valid JSON") as failure:
        read_manifest(tmp_path)
    assert failure.value.row == 2


def test_no_manifest_is_not_a_build(tmp_path: Path) -> None:
    with pytest.raises(PairgenError, match="not a pairgen build output"):
        read_manifest(tmp_path)


@pytest.mark.parametrize(("split", "index", "total"), [("train", 0, 1), ("my-split", 2, 13)])
def test_shard_names_match_the_pattern_validate_and_cards_use(
    split: str, index: int, total: int
) -> None:
    path = shard_path("cfg", split, index, total)
    match = SHARD_NAME.fullmatch(path.rsplit("/", 1)[1])
    assert match is not None
    assert (match["split"], int(match["index"]), int(match["total"])) == (split, index, total)
    assert fnmatch.fnmatch(path, shard_glob("cfg", split))


def test_a_manifest_of_an_older_pairgen_asks_for_a_rebuild(sample_build: Path) -> None:
    """0.2's manifests (version 1) lack the edit_kind column and the math tier: one line."""
    raw = json.loads((sample_build / "manifest.json").read_text(encoding="utf-8"))
    with pytest.raises(PairgenError, match="written by an older pairgen; rebuild"):
        Manifest.from_json({**raw, "manifest_version": 1})
