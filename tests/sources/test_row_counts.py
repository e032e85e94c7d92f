"""Row totals for progress bars: exact where cheap, estimated from bytes for text files."""

from __future__ import annotations

import csv
import gzip
import json
import random
from pathlib import Path

from pairgen.sources.row_counts import SAMPLE_BYTES, count_rows


def jsonl(path: Path, rows: int, seed: int = 0) -> Path:
    """Rows of uneven length (10 to 400 characters of text)."""
    rng = random.Random(seed)
    lines = [
        json.dumps({"question": "x" * rng.randint(10, 400), "answer": "#### 1"})
        for _ in range(rows)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_small_file_is_counted_exactly(tmp_path: Path) -> None:
    path = tmp_path / "train.jsonl"
    path.write_text(
        '{"a": 1}\n\n{"a": 2}\n  \n{"a": 3}', encoding="utf-8"
    )  # blank lines, no final \n
    assert count_rows(path) == 3


def test_a_large_file_is_estimated_within_a_few_percent(tmp_path: Path) -> None:
    path = jsonl(tmp_path / "train.jsonl", 20_000)
    assert path.stat().st_size > 2 * SAMPLE_BYTES
    estimate = count_rows(path)
    assert estimate is not None and abs(estimate - 20_000) / 20_000 < 0.05


def test_a_csv_header_is_not_a_row(tmp_path: Path) -> None:
    path = tmp_path / "train.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["question", "answer"])
        writer.writerows([["q", "#### 1"]] * 7)
    assert count_rows(path) == 7


def test_a_json_array_and_a_compressed_file_have_no_total(tmp_path: Path) -> None:
    array = tmp_path / "train.json"
    array.write_text(json.dumps([{"a": 1}, {"a": 2}]), encoding="utf-8")
    large_array = tmp_path / "large.json"
    large_array.write_text(json.dumps([{"a": "x" * 100}] * 20_000), encoding="utf-8")
    compressed = tmp_path / "train.jsonl.gz"
    compressed.write_bytes(gzip.compress(jsonl(tmp_path / "plain.jsonl", 10).read_bytes()))
    assert large_array.stat().st_size > SAMPLE_BYTES
    assert [count_rows(p) for p in (array, large_array, compressed)] == [None, None, None]
