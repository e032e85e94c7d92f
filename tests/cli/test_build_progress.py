"""The build's progress callback: rows done and the split's total where the input knows it."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.pipeline import build
from pairgen.sources import row_counts

from pairgen_rows import gsm8k_rows, write_jsonl

Call = tuple[str, int, "int | None"]


def progress_of(out: Path, path: Path) -> list[Call]:
    calls: list[Call] = []
    source = SourceSpec(source="gsm8k", backend="files", data_files={"train": [str(path)]})
    build(
        BuildSpec(out=out, sources=(source,), batch_rows=9),
        progress=lambda key, done, total: calls.append((key, done, total)),
    )
    return calls


def test_parquet_totals_come_from_the_footer(tmp_path: Path) -> None:
    path = tmp_path / "train.parquet"
    pq.write_table(pa.Table.from_pylist(gsm8k_rows(30)), path, row_group_size=7)
    calls = progress_of(tmp_path / "o", path)
    assert calls[0] == ("gsm8k/train", 0, 30)
    assert [done for _, done, _ in calls] == [0, 9, 18, 27, 30]
    assert {total for _, _, total in calls} == {30}


def test_a_small_json_lines_file_is_counted(tmp_path: Path) -> None:
    """A text file of up to a MiB is read whole for its total: exact, known from the start."""
    path = write_jsonl(tmp_path / "train.jsonl", gsm8k_rows(25))
    calls = progress_of(tmp_path / "o", path)
    assert calls == [("gsm8k/train", done, 25) for done in (0, 9, 18, 25)]


def test_a_large_json_lines_total_is_estimated_from_bytes_and_ends_exact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past SAMPLE_BYTES the total comes from sampled windows; it never shows fewer rows
    than are done, and the last call is the exact count (100%)."""
    monkeypatch.setattr(row_counts, "SAMPLE_BYTES", 2048)  # this file is then "large"
    rows = [
        {**row, "question": row["question"] * (1 + i % 5)} for i, row in enumerate(gsm8k_rows(60))
    ]
    path = write_jsonl(tmp_path / "train.jsonl", rows)
    assert path.stat().st_size > 4 * 2048
    calls = progress_of(tmp_path / "o", path)
    assert all(total is not None and total >= done for _, done, total in calls)
    assert calls[0][2] == row_counts.count_rows(path) != 60  # an estimate, known at 0
    assert calls[-1] == ("gsm8k/train", 60, 60)


def test_a_compressed_file_counts_without_a_total(tmp_path: Path) -> None:
    """A gzip file's rows cannot be known without decompressing it: the bar only counts."""
    plain = write_jsonl(tmp_path / "rows.jsonl", gsm8k_rows(25))
    path = tmp_path / "train.jsonl.gz"
    path.write_bytes(gzip.compress(plain.read_bytes()))
    calls = progress_of(tmp_path / "o", path)
    assert [total for _, _, total in calls] == [None, None, None, None, 25]
    assert [done for _, done, _ in calls] == [0, 9, 18, 25, 25]
