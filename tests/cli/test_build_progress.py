"""The build's progress callback: rows done and the split's total where the input knows it."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pairgen.build import build
from pairgen.config.spec import BuildSpec, SourceSpec

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


def test_json_lines_count_without_a_total(tmp_path: Path) -> None:
    """A JSON Lines file does not say how many rows it holds: the bar counts, no ETA."""
    path = write_jsonl(tmp_path / "train.jsonl", gsm8k_rows(25))
    calls = progress_of(tmp_path / "o", path)
    assert [done for _, done, _ in calls] == [0, 9, 18, 25]
    assert {total for _, _, total in calls} == {None}
