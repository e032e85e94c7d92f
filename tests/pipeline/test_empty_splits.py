"""A split whose rows were all rejected (kept with --allow-rejects): no shard, declared
empty, loadable as the rest."""

from __future__ import annotations

from pathlib import Path

import datasets
import pytest

from pairgen.cli import main
from pairgen.output.manifest import read_manifest
from pairgen.query.catalog import open_catalog, run_query
from pairgen.validate.run import validate_output


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """HellaSwag's unlabeled test split, named and allowed: all rejects."""
    out = tmp_path_factory.mktemp("demo") / "out"
    splits = ["--split", "train", "--split", "validation", "--split", "test"]
    main(["build", "--source", "hellaswag", *splits, "--allow-rejects", "--out", str(out), "-q"])
    return out


def test_an_all_rejected_split_has_no_shard_and_is_listed_empty(demo: Path) -> None:
    empty = read_manifest(demo).configs["hellaswag"].splits["test"]
    assert empty.rejects_allowed == "6 of 6 rows (100%) rejected as unlabeled, none paired"
    assert (empty.pairs, empty.shards, empty.rows_rejected) == (0, (), empty.rows_in)
    assert empty.rows_in > 0 and (demo / empty.rejects.path).is_file()
    assert not list((demo / "data" / "hellaswag").glob("test-*"))
    report = validate_output(demo)
    assert report.ok, report.violations[:3]
    counts = run_query(open_catalog(demo), "SELECT count(*) AS n FROM pairs WHERE split = 'test'")
    assert counts["n"][0].as_py() == sum(
        info.pairs for _, split, info in read_manifest(demo).splits() if split == "test"
    )


def test_every_config_loads_with_the_parquet_builder(demo: Path, tmp_path: Path) -> None:
    manifest = read_manifest(demo)
    for config, entry in manifest.configs.items():
        loaded = datasets.load_dataset(
            "parquet", data_dir=str(demo / "data" / config), cache_dir=str(tmp_path / "cache")
        )
        expected = {split: info.pairs for split, info in entry.splits.items() if info.pairs}
        assert {split: len(rows) for split, rows in loaded.items()} == expected, config
