"""The three backends on real files: samples, local files, and a local Hub mirror."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.errors import PairgenError
from pairgen.pipeline import build
from pairgen.sources import get_source
from pairgen.sources.inputs import SplitInput, iter_split, resolve_inputs, sample_splits

from pairgen_rows import GSM8K_ROWS, gsm8k_rows, write_jsonl


def rows_of(split_input: SplitInput, batch_rows: int = 3) -> list[dict[str, object]]:
    source = get_source("gsm8k")
    rows: list[dict[str, object]] = []
    expected_first = 0
    for batch in iter_split(split_input, source, batch_rows):
        assert batch.first_row == expected_first
        expected_first += len(batch)
        rows.extend(batch.to_pylist())
    return rows


def test_every_source_ships_samples_of_at_least_30_rows() -> None:
    for name in ("gsm8k", "metamath", "arc", "hellaswag"):
        source = get_source(name)
        for config in source.configs:
            splits = sample_splits(source, config)
            assert splits, (name, config)
        total = sum(
            len(resolve_inputs(source, c, "sample", {}, None, None)) for c in source.configs
        )
        assert total >= 1
        rows = sum(
            len(rows_of_source(name, c, s))
            for c in source.configs
            for s in sample_splits(source, c)
        )
        assert rows >= 30, name


def rows_of_source(name: str, config: str, split: str) -> list[dict[str, object]]:
    source = get_source(name)
    (split_input,) = resolve_inputs(source, config, "sample", {}, None, [split])
    return [row for batch in iter_split(split_input, source) for row in batch.to_pylist()]


def test_jsonl_and_parquet_give_the_same_rows(tmp_path: Path) -> None:
    rows = gsm8k_rows(10)
    jsonl = write_jsonl(tmp_path / "a.jsonl", rows)
    parquet = tmp_path / "a.parquet"
    pq.write_table(pa.Table.from_pylist(rows), parquet)
    assert rows_of(SplitInput("train", "files", paths=[jsonl])) == rows
    assert rows_of(SplitInput("train", "files", paths=[parquet])) == rows


def test_several_files_continue_the_row_index(tmp_path: Path) -> None:
    first = write_jsonl(tmp_path / "a.jsonl", gsm8k_rows(4))
    second = write_jsonl(tmp_path / "b.jsonl", gsm8k_rows(5))
    assert len(rows_of(SplitInput("train", "files", paths=[first, second]))) == 9


def test_json_array_file_like_metamathqa_on_the_hub(tmp_path: Path) -> None:
    path = tmp_path / "MetaMathQA-395K.json"
    path.write_text(json.dumps(gsm8k_rows(7)), encoding="utf-8")
    assert rows_of(SplitInput("train", "files", paths=[path])) == gsm8k_rows(7)


def test_mixed_types_fall_back_to_python_without_losing_rows(tmp_path: Path) -> None:
    rows = [*gsm8k_rows(5), {"question": 3, "answer": ["not", "text"]}, *gsm8k_rows(2)]
    path = write_jsonl(tmp_path / "mixed.jsonl", rows)
    assert rows_of(SplitInput("train", "files", paths=[path])) == rows


def test_unknown_split_and_backend_are_clear_errors(tmp_path: Path) -> None:
    source = get_source("gsm8k")
    with pytest.raises(PairgenError, match="no bundled sample"):
        resolve_inputs(source, "main", "sample", {}, None, ["validation"])
    with pytest.raises(PairgenError, match="unknown backend"):
        resolve_inputs(source, "main", "ftp", {}, None, None)
    with pytest.raises(PairgenError, match="has no config"):
        resolve_inputs(source, "socratic", "sample", {}, None, None)


def hub_mirror(root: Path) -> Path:
    """A local directory laid out like the openai/gsm8k repository on the Hub."""
    (root / "main").mkdir(parents=True)
    for split, n in (("train", 12), ("test", 4)):
        pq.write_table(
            pa.Table.from_pylist(gsm8k_rows(n)), root / "main" / f"{split}-00000-of-00001.parquet"
        )
    (root / "README.md").write_text(
        "---\nconfigs:\n- config_name: main\n  data_files:\n"
        "  - split: train\n    path: main/train-*\n  - split: test\n    path: main/test-*\n---\n",
        encoding="utf-8",
    )
    return root


def test_hub_backend_reads_a_local_mirror_with_datasets(tmp_path: Path) -> None:
    mirror = hub_mirror(tmp_path / "gsm8k-mirror")
    spec = BuildSpec(
        out=tmp_path / "out",
        sources=(SourceSpec("gsm8k", backend="hub", hub_repo=str(mirror)),),
    )
    entry = build(spec).manifest.configs["gsm8k"]
    assert {s: v.rows_in for s, v in entry.splits.items()} == {"train": 12, "test": 4}
    (record, *_) = entry.inputs
    assert record.revision is not None and record.revision.startswith("sha256:")
    assert record.location == "gsm8k-mirror"  # the mirror's name, not its path here
    assert entry.backend == "hub" and entry.hub_repo == "gsm8k-mirror"


@pytest.mark.usefixtures("hub_offline")
def test_hub_backend_without_network_names_the_dataset() -> None:
    source = get_source("gsm8k")
    (split_input,) = resolve_inputs(source, "main", "hub", {}, "main", ["train"])
    with pytest.raises(PairgenError, match=r"openai/gsm8k.*OfflineModeIsEnabled"):
        list(iter_split(split_input, source))


def test_fixture_rows_are_in_the_gsm8k_hub_schema() -> None:
    assert all(set(row) == {"question", "answer"} for row in GSM8K_ROWS)


def test_a_byte_order_mark_is_not_part_of_the_first_row(tmp_path: Path) -> None:
    rows = [*gsm8k_rows(3), {"question": 3, "answer": "mixed types force the Python reader"}]
    jsonl = tmp_path / "bom.jsonl"
    jsonl.write_bytes(b"\xef\xbb\xbf" + "".join(json.dumps(r) + "\n" for r in rows).encode())
    assert rows_of(SplitInput("train", "files", paths=[jsonl])) == rows
    array = tmp_path / "bom.json"
    array.write_bytes(b"\xef\xbb\xbf" + json.dumps(gsm8k_rows(2)).encode())
    assert rows_of(SplitInput("train", "files", paths=[array])) == gsm8k_rows(2)


def test_a_file_listed_twice_for_a_split_is_an_error_and_splits_are_deduplicated(
    tmp_path: Path,
) -> None:
    source = get_source("gsm8k")
    path = write_jsonl(tmp_path / "a.jsonl", gsm8k_rows(2))
    with pytest.raises(PairgenError, match="same file twice"):
        resolve_inputs(source, "main", "files", {"train": [path, path]}, None, None)
    inputs = resolve_inputs(source, "main", "sample", {}, None, ["train", "train"])
    assert [i.split for i in inputs] == ["train"]


def test_jsonl_batches_own_only_their_rows(tmp_path: Path) -> None:
    """A batch cut from a larger JSON block must not drag the block to a worker."""
    path = write_jsonl(tmp_path / "train.jsonl", gsm8k_rows(300))
    source = get_source("gsm8k")
    (split,) = resolve_inputs(source, "main", "files", {"train": [str(path)]}, None, None, None)
    batches = list(iter_split(split, source, batch_rows=50))
    assert [len(b) for b in batches] == [50] * 6
    whole = sum(buffer.size for buffer in batches[0].rows.column("answer").buffers() if buffer)
    sliced = pa.Table.from_pylist(gsm8k_rows(300)).column("answer").nbytes
    assert whole < sliced / 3  # its own 50 rows, not the 300 of the block
