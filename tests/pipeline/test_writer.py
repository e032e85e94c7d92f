"""The shard writer: boundaries from row sizes, atomic names, identical bytes."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pairgen.pipeline.writer import SplitWriter, in_background
from pairgen.record import PAIR_SCHEMA


def pair_rows(n: int) -> pa.Table:
    """``n`` schema-valid rows with text of varying length."""
    rows = []
    for i in range(n):
        text = "x" * (i % 13 + 1)
        rows.append(
            {
                "prompt": f"Q{i}",
                "chosen": text + "1",
                "rejected": text + "2",
                "id": str(i),
                "source": "gsm8k",
                "config": "gsm8k",
                "split": "train",
                "source_id": str(i),
                "pair_index": 0,
                "strategy": "arithmetic",
                "shots": 0,
                "edit_start": len(text),
                "chosen_value": "1",
                "rejected_value": "2",
                "chosen_chars": len(text) + 1,
                "rejected_chars": len(text) + 1,
                "levenshtein": 1,
                "norm_edit_distance": 1 / (len(text) + 1),
                "common_prefix_chars": len(text),
                "common_suffix_chars": 0,
            }
        )
    return pa.Table.from_pylist(rows, schema=PAIR_SCHEMA)


def write_in_chunks(root: Path, table: pa.Table, chunk: int) -> list[str]:
    writer = SplitWriter(
        root, "gsm8k", "train", PAIR_SCHEMA, row_group_bytes=2_000, shard_bytes=5_000
    )
    for start in range(0, table.num_rows, chunk):
        writer.write(table.slice(start, chunk))
    return [s.sha256 for s in writer.close()]


@settings(max_examples=15, deadline=None)
@given(chunk_a=st.integers(1, 120), chunk_b=st.integers(1, 120))
def test_bytes_do_not_depend_on_how_rows_arrive(
    tmp_path_factory, chunk_a: int, chunk_b: int
) -> None:
    table = pair_rows(150)
    a = write_in_chunks(tmp_path_factory.mktemp("a"), table, chunk_a)
    b = write_in_chunks(tmp_path_factory.mktemp("b"), table, chunk_b)
    assert a == b
    assert len(a) > 1  # small limits force several shards


def test_shards_are_named_the_hub_way_and_hold_every_row(tmp_path: Path) -> None:
    table = pair_rows(150)
    writer = SplitWriter(
        tmp_path, "gsm8k", "train", PAIR_SCHEMA, row_group_bytes=2_000, shard_bytes=5_000
    )
    writer.write(table)
    shards = writer.close()
    total = len(shards)
    assert [s.path for s in shards] == [
        f"data/gsm8k/train-{i:05d}-of-{total:05d}.parquet" for i in range(total)
    ]
    assert sum(s.rows for s in shards) == 150
    back = pa.concat_tables(pq.read_table(tmp_path / s.path) for s in shards)
    assert back.column("id").to_pylist() == table.column("id").to_pylist()
    assert pq.ParquetFile(tmp_path / shards[0].path).metadata.num_row_groups > 1
    assert not list(tmp_path.rglob("*.partial"))


def test_an_empty_split_gets_no_shard(tmp_path: Path) -> None:
    writer = SplitWriter(tmp_path, "gsm8k", "test", PAIR_SCHEMA)
    writer.write(PAIR_SCHEMA.empty_table())
    assert writer.close() == []
    assert not list(tmp_path.rglob("*parquet*"))


def test_abort_leaves_no_partial_files(tmp_path: Path) -> None:
    writer = SplitWriter(
        tmp_path, "gsm8k", "train", PAIR_SCHEMA, row_group_bytes=2_000, shard_bytes=5_000
    )
    writer.write(pair_rows(100))
    writer.abort()
    assert not list(tmp_path.rglob("*.parquet*"))


def test_bytes_do_not_depend_on_chunking_beyond_one_page(tmp_path: Path) -> None:
    """Column chunks over 1 MiB span several pages; page boundaries must not follow batches."""
    base = pair_rows(3000)
    long_text = pa.array(["chosen text " * 40 + str(i) for i in range(3000)])
    index = base.schema.get_field_index("chosen")
    table = base.set_column(index, base.schema.field(index), long_text)
    digests = []
    for chunk in (3000, 7, 333):
        writer = SplitWriter(tmp_path / str(chunk), "gsm8k", "train", PAIR_SCHEMA)
        for start in range(0, table.num_rows, chunk):
            writer.write(table.slice(start, chunk))
        digests.append([s.sha256 for s in writer.close()])
    assert digests[0] == digests[1] == digests[2]


def test_background_writes_run_in_order_off_the_calling_thread() -> None:
    written: list[tuple[int, str]] = []
    tables = [pa.table({"i": [i]}) for i in range(20)]
    with in_background(
        lambda t: written.append((t["i"][0].as_py(), threading.current_thread().name)),
        max_pending=2,
    ) as write:
        for table in tables:
            write(table)
    assert [i for i, _ in written] == list(range(20))
    assert all(name.startswith("pairgen-writer") for _, name in written)


def test_the_first_failed_write_is_raised_and_nothing_runs_after_it() -> None:
    started: list[int] = []
    release = threading.Event()

    def write(table: pa.Table) -> None:
        i = table["i"][0].as_py()
        started.append(i)
        if i == 3:
            raise OSError("disk full")
        if i == 4:
            release.wait(5)  # still running when the failure is seen
            raise RuntimeError("a later write failing too")

    with pytest.raises(OSError, match="disk full"), in_background(write, max_pending=8) as submit:
        for i in range(10):
            submit(pa.table({"i": [i]}))
            if i == 8:
                release.set()
    assert max(started) <= 5  # the writes queued behind the failure never ran


def test_a_failing_build_keeps_its_own_error() -> None:
    def write(table: pa.Table) -> None:
        time.sleep(0.2)  # still writing when the build fails
        raise OSError("disk full")

    with pytest.raises(ValueError, match="bad row"), in_background(write) as submit:
        submit(pa.table({"i": [0]}))
        raise ValueError("worker: bad row")


def test_background_writer_is_byte_identical_to_inline(tmp_path: Path) -> None:
    rows = pair_rows(300)
    inline = SplitWriter(tmp_path / "inline", "gsm8k", "train", PAIR_SCHEMA)
    threaded = SplitWriter(tmp_path / "threaded", "gsm8k", "train", PAIR_SCHEMA)
    with in_background(threaded.write) as write:
        for start in range(0, 300, 37):
            inline.write(rows.slice(start, 37))
            write(rows.slice(start, 37))
    assert [s.sha256 for s in inline.close()] == [s.sha256 for s in threaded.close()]
