"""End-to-end builds on real files: determinism, reconciliation, readers of the shards."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import duckdb
import polars as pl
import pyarrow.parquet as pq
import pytest

from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.errors import PairgenError
from pairgen.output.manifest import Manifest, read_manifest
from pairgen.output.owned import record_written
from pairgen.pipeline import build
from pairgen.record import PAIR_SCHEMA, REJECT_SCHEMA

from pairgen_rows import build_files, gsm8k_rows, write_jsonl


def shard_bytes(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted((out / "data").rglob("*.parquet"))
    }


def test_shards_are_byte_identical_across_workers_and_batch_sizes(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "train.jsonl", gsm8k_rows(300))
    files = {"train": [str(source)]}
    one = build_files(tmp_path / "one", files, workers=1, batch_rows=4096)
    two = build_files(tmp_path / "two", files, workers=2, batch_rows=37)
    assert shard_bytes(tmp_path / "one") == shard_bytes(tmp_path / "two")
    assert (tmp_path / "one/rejects/gsm8k/train.parquet").read_bytes() == (
        tmp_path / "two/rejects/gsm8k/train.parquet"
    ).read_bytes()
    assert one.configs == two.configs


def test_a_different_seed_changes_the_corruption(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "train.jsonl", gsm8k_rows(60))
    build_files(tmp_path / "a", {"train": [str(source)]}, seed=1)
    build_files(tmp_path / "b", {"train": [str(source)]}, seed=2)
    a = pq.read_table(next((tmp_path / "a/data").rglob("*.parquet"))).column("rejected").to_pylist()
    b = pq.read_table(next((tmp_path / "b/data").rglob("*.parquet"))).column("rejected").to_pylist()
    assert a != b


def test_manifest_reconciles_rows_and_records_checksums(tmp_path: Path, gsm8k_file: Path) -> None:
    manifest = build_files(tmp_path / "out", {"train": [str(gsm8k_file)]})
    split = manifest.configs["gsm8k"].splits["train"]
    assert split.rows_in == 40
    assert split.rows_in == split.rows_paired + split.rows_rejected
    assert split.rows_rejected == 10  # the no-arithmetic fixture row, every 4th row
    assert split.rejects_by_reason == {"no_intermediate_result": 10}
    shard = split.shards[0]
    assert shard.path == "data/gsm8k/train-00000-of-00001.parquet"
    assert pq.read_metadata(tmp_path / "out" / shard.path).num_rows == split.pairs == 30
    assert read_manifest(tmp_path / "out") == manifest
    inputs = manifest.configs["gsm8k"].inputs
    assert inputs[0].sha256 and inputs[0].split == "train"


def test_rejects_keep_the_raw_row_and_reason(tmp_path: Path, gsm8k_file: Path) -> None:
    build_files(tmp_path / "out", {"train": [str(gsm8k_file)]})
    rejects = pq.read_table(tmp_path / "out/rejects/gsm8k/train.parquet")
    assert rejects.schema.equals(REJECT_SCHEMA)
    row = rejects.to_pylist()[0]
    assert row["row_index"] == 3 and row["file"] == gsm8k_file.name
    assert json.loads(row["raw"])["answer"].startswith("There is nothing")


def test_shards_read_with_datasets_polars_and_duckdb(sample_build: Path) -> None:
    manifest = read_manifest(sample_build)
    expected = manifest.configs["gsm8k"].splits["train"].pairs
    dataset = datasets.load_dataset(
        "parquet", data_dir=str(sample_build / "data/gsm8k"), split="train"
    )
    assert dataset.num_rows == expected
    assert {"prompt", "chosen", "rejected"} <= set(dataset.column_names)
    frame = pl.read_parquet(sample_build / "data/gsm8k/train-*.parquet")
    assert frame.height == expected
    count = duckdb.sql(
        f"SELECT count(*) FROM read_parquet('{sample_build}/data/gsm8k/train-*.parquet')"
    ).fetchall()
    assert count == [(expected,)]


def test_shards_have_the_documented_schema_and_layout(sample_build: Path) -> None:
    for shard in (sample_build / "data").rglob("*.parquet"):
        parquet = pq.ParquetFile(shard)
        assert parquet.schema_arrow.equals(PAIR_SCHEMA)
        assert parquet.metadata.row_group(0).column(0).compression == "ZSTD"
    assert not list(sample_build.rglob("*.partial"))


def test_pairs_keep_an_explicit_prompt(sample_build: Path) -> None:
    table = pq.read_table(next((sample_build / "data/metamath").glob("*.parquet")))
    for row in table.select(["prompt", "chosen", "rejected"]).to_pylist():
        assert row["prompt"].strip()
        assert row["chosen"] != row["rejected"]


def test_rebuilding_replaces_stale_shards(tmp_path: Path, gsm8k_file: Path) -> None:
    out = tmp_path / "out"
    build_files(out, {"train": [str(gsm8k_file)], "test": [str(gsm8k_file)]})
    build_files(out, {"train": [str(gsm8k_file)]})
    assert sorted(p.name for p in (out / "data/gsm8k").iterdir()) == [
        "train-00000-of-00001.parquet"
    ]


def test_shots_put_other_examples_in_the_prompt(tmp_path: Path) -> None:
    spec = BuildSpec(out=tmp_path / "out", sources=(SourceSpec(source="gsm8k"),), shots=2)
    build(spec)
    table = pq.read_table(tmp_path / "out/data/gsm8k/train-00000-of-00001.parquet")
    for row in table.select(["prompt", "shots"]).to_pylist():
        assert row["shots"] == 2
        assert row["prompt"].count("Question:") == 3


@pytest.mark.parametrize("fmt", ["conversational"])
def test_conversational_format_loads_as_messages(tmp_path: Path, fmt: str) -> None:
    spec = BuildSpec(
        out=tmp_path / "out", sources=(SourceSpec(source="gsm8k"),), format=fmt, shots=1
    )
    build(spec)
    dataset = datasets.load_dataset(
        "parquet", data_dir=str(tmp_path / "out/data/gsm8k"), split="train"
    )
    row = dataset[0]
    assert [m["role"] for m in row["prompt"]] == ["user", "assistant", "user"]
    assert row["chosen"][0]["role"] == "assistant"
    assert row["chosen"][0]["content"] != row["rejected"][0]["content"]


def test_config_hash_covers_resolved_settings_only(tmp_path: Path) -> None:
    def manifest_for(name: str, **kwargs: object) -> Manifest:
        source = SourceSpec(source="gsm8k", **kwargs)  # type: ignore[arg-type]
        return build(BuildSpec(out=tmp_path / name, sources=(source,), seed=7)).manifest

    implicit = manifest_for("a")
    explicit = manifest_for("b", config="main", strategy="arithmetic", splits=("test", "train"))
    other_splits = manifest_for("c", splits=("train",))
    assert implicit.config_hash == explicit.config_hash
    assert implicit.config_hash != other_splits.config_hash
    reseeded = build(BuildSpec(out=tmp_path / "d", sources=(SourceSpec("gsm8k"),), seed=8))
    assert reseeded.manifest.config_hash != implicit.config_hash
    assert implicit.pool_size == 256


def test_rebuilding_removes_pairgens_stale_card_and_plots(tmp_path: Path, gsm8k_file: Path) -> None:
    """Only the card and plots pairgen recorded as written (OUT/.pairgen/written.json) are
    retired; a README of the user's own stays (tests/output/test_out_safety.py)."""
    out = tmp_path / "out"
    build_files(out, {"train": [str(gsm8k_file)]})
    (out / "README.md").write_text("---\nconfigs: []\n---\nold card\n")
    (out / "plots").mkdir()
    (out / "plots" / "edit_distance.png").write_bytes(b"png")
    record_written(out, [out / "README.md", out / "plots" / "edit_distance.png"])
    build_files(out, {"train": [str(gsm8k_file)]})
    assert not (out / "README.md").exists()
    assert not (out / "plots" / "edit_distance.png").exists()  # the folder may stay


def test_a_relative_and_an_absolute_tokenizer_path_give_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outputs name a local tokenizer by folder name and content hash, never by its path."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    backend = Tokenizer(models.WordLevel({"<unk>": 0}, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.Whitespace()
    PreTrainedTokenizerFast(tokenizer_object=backend, unk_token="<unk>").save_pretrained(
        tmp_path / "tk"
    )
    monkeypatch.chdir(tmp_path)
    relative = build(BuildSpec(out=Path("rel"), sources=(SourceSpec("gsm8k"),), tokenizer="tk"))
    absolute = build(
        BuildSpec(out=Path("abs"), sources=(SourceSpec("gsm8k"),), tokenizer=str(tmp_path / "tk"))
    )
    assert relative.manifest.tokenizer == absolute.manifest.tokenizer
    assert relative.manifest.tokenizer.startswith("tk@sha256:")  # type: ignore[union-attr]
    assert relative.manifest.config_hash == absolute.manifest.config_hash
    assert shard_bytes(tmp_path / "rel") == shard_bytes(tmp_path / "abs")
    shard = tmp_path / "rel/data/gsm8k/train-00000-of-00001.parquet"
    assert set(pq.read_table(shard, columns=["tokenizer"]).column(0).to_pylist()) == {
        relative.manifest.tokenizer
    }


def test_shots_without_a_train_split_is_an_error(tmp_path: Path, gsm8k_file: Path) -> None:
    with pytest.raises(PairgenError, match="train split to draw exemplars"):
        build_files(tmp_path / "out", {"test": [str(gsm8k_file)]}, shots=2)


def test_a_failed_rebuild_leaves_the_previous_output_intact(
    tmp_path: Path, gsm8k_file: Path
) -> None:
    out = tmp_path / "out"
    build_files(out, {"train": [str(gsm8k_file)]})
    before = shard_bytes(out)
    with pytest.raises(PairgenError, match="file not found"):
        build_files(out, {"train": [str(tmp_path / "typo.jsonl")]})
    with pytest.raises(PairgenError, match="workers must be at least 1"):
        build_files(out, {"train": [str(gsm8k_file)]}, workers=0)
    assert shard_bytes(out) == before and read_manifest(out).configs


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"workers": "2"}, "workers must be a whole number"),
        ({"batch_rows": 0}, "batch_rows must be at least 1"),
        ({"executor": "dask"}, "unknown executor"),
    ],
)
def test_settings_of_the_wrong_type_are_clear_errors(
    tmp_path: Path, gsm8k_file: Path, settings: dict[str, object], message: str
) -> None:
    with pytest.raises(PairgenError, match=message):
        build_files(tmp_path / "out", {"train": [str(gsm8k_file)]}, **settings)
