"""``--data-files`` as ``datasets`` takes it: formats, compression, globs, directories, and
files identified by what they are; broken files fail with one line naming file and row."""

from __future__ import annotations

import csv
import gzip
import json
import logging
import os
import subprocess
import sys
from functools import partial
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.errors import PairgenError
from pairgen.pipeline import build
from pairgen.sources import get_source, nesting
from pairgen.sources.datafiles import expand_pattern, resolve_data_files
from pairgen.sources.inputs import SplitInput, iter_split, resolve_inputs
from pairgen.sources.nesting import ARROW_SAFE_OPENERS, MAX_NESTING, arrow_safe

from pairgen_rows import gsm8k_rows, write_jsonl

ROWS = [*gsm8k_rows(5), {"question": "2021-01-01", "answer": 'Say "2*3 = 6",\nthen 7.\n#### 7'}]


def rows_in(*paths: Path, source: str = "gsm8k") -> list[dict[str, Any]]:
    split = SplitInput("train", "files", paths=list(paths))
    return [row for batch in iter_split(split, get_source(source), 4) for row in batch.to_pylist()]


def jsonl_bytes(rows: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in rows).encode()


def write_csv(path: Path, rows: list[dict[str, Any]], delimiter: str = ",") -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["question", "answer"], delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_every_format_gives_the_same_rows(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress(jsonl_bytes(ROWS)))
    (tmp_path / "a.json.gz").write_bytes(gzip.compress(json.dumps(ROWS).encode()))
    with pa.output_stream(str(tmp_path / "a.jsonl.zst"), compression="zstd") as handle:
        handle.write(jsonl_bytes(ROWS))
    (tmp_path / "a.ndjson").write_bytes(jsonl_bytes(ROWS))
    write_csv(tmp_path / "a.csv", ROWS)
    write_csv(tmp_path / "a.tsv", ROWS, delimiter="\t")
    (tmp_path / "b.csv.gz").write_bytes(gzip.compress((tmp_path / "a.csv").read_bytes()))
    pq.write_table(pa.Table.from_pylist(ROWS), tmp_path / "a.parquet")
    for name in (
        "a.jsonl.gz",
        "a.json.gz",
        "a.jsonl.zst",
        "a.ndjson",
        "a.csv",
        "a.tsv",
        "b.csv.gz",
        "a.parquet",
    ):
        assert rows_in(tmp_path / name) == ROWS, name


def test_a_directory_is_its_data_files_sorted_and_a_glob_matches_like_datasets(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    for name in (
        "b.jsonl",
        "a.jsonl.gz",
        "sub/c.parquet",
        "README.md",
        ".hidden.jsonl",
        "__pycache__/x.jsonl",
        "notes.txt",
    ):
        (data / name).parent.mkdir(parents=True, exist_ok=True)
        (data / name).write_bytes(b"")
    names = [p.relative_to(data).as_posix() for p in expand_pattern(str(data))]
    assert names == ["a.jsonl.gz", "b.jsonl", "sub/c.parquet"]
    assert [p.name for p in expand_pattern(str(data / "*.jsonl*"))] == ["a.jsonl.gz", "b.jsonl"]
    assert [p.name for p in expand_pattern(str(data / "**" / "*.parquet"))] == ["c.parquet"]
    assert [p.name for p in expand_pattern(str(data / ".*.jsonl"))] == [".hidden.jsonl"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing.jsonl", "file not found"),
        ("notes.txt", "unsupported file type"),
        ("x.parquet.gz", "unsupported file type"),
        ("empty", "holds no data files"),
        ("nothing-*.jsonl", "no data file matches"),
    ],
)
def test_patterns_that_name_no_data_are_clear_errors(
    tmp_path: Path, name: str, message: str
) -> None:
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "x.parquet.gz").write_bytes(b"x")
    (tmp_path / "empty").mkdir()
    with pytest.raises(PairgenError, match=message) as error:
        expand_pattern(str(tmp_path / name))
    assert name in str(error.value)


def test_one_file_by_another_name_is_the_same_file(tmp_path: Path) -> None:
    real = write_jsonl(tmp_path / "dir" / "train.jsonl", gsm8k_rows(3))
    (tmp_path / "link.jsonl").symlink_to(real)
    os.link(real, tmp_path / "hard.jsonl")
    for other in (
        tmp_path / "dir" / ".." / "dir" / "train.jsonl",
        tmp_path / "link.jsonl",
        tmp_path / "hard.jsonl",
    ):
        with pytest.raises(PairgenError, match="same file twice"):
            resolve_data_files({"train": [str(real), str(other)]}, ["train"])
    with pytest.raises(PairgenError, match="same file twice"):  # a glob and a name
        resolve_data_files({"train": [str(real), str(tmp_path / "dir" / "*.jsonl")]}, ["train"])


def test_one_file_for_two_splits_is_a_warning_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write_jsonl(tmp_path / "train.jsonl", gsm8k_rows(3))
    with caplog.at_level(logging.WARNING):
        files = resolve_data_files(
            {"train": [str(path)], "test": [str(tmp_path / "*.jsonl")]}, ["train", "test"]
        )
    assert files == {"train": [path], "test": [path]}
    (record,) = caplog.records
    assert "train.jsonl" in record.getMessage() and "'test'" in record.getMessage()


def test_outputs_name_inputs_without_local_paths(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    write_jsonl(inputs / "part-0.jsonl", gsm8k_rows(4))
    write_jsonl(inputs / "part-1.jsonl", gsm8k_rows(4))
    out = tmp_path / "out"
    spec = BuildSpec(
        out=out,
        sources=(SourceSpec("gsm8k", backend="files", data_files={"train": [str(inputs)]}),),
    )
    entry = build(spec).manifest.configs["gsm8k"]
    assert [i.location for i in entry.inputs] == ["part-0.jsonl", "part-1.jsonl"]
    assert all(i.sha256 for i in entry.inputs)
    rejects = pq.read_table(out / entry.splits["train"].rejects.path).column("file").to_pylist()
    assert set(rejects) == {"part-0.jsonl", "part-1.jsonl"}  # the fixture's no-result rows
    for path in out.rglob("*"):
        if path.is_file():
            assert str(tmp_path).encode() not in path.read_bytes(), path
    (sample,) = resolve_inputs(get_source("arc"), "ARC-Easy", "sample", {}, None, ["train"])
    assert sample.names == ["sample:arc/ARC-Easy/train.jsonl"]


def deep(depth: int) -> str:
    return "[" * depth + "1" + "]" * depth


@pytest.mark.parametrize("depth", [MAX_NESTING + 1, 5_000])
def test_a_row_nested_too_deep_names_file_line_and_field(tmp_path: Path, depth: int) -> None:
    path = tmp_path / "deep.jsonl"
    path.write_text(
        json.dumps(gsm8k_rows(1)[0]) + "\n" + f'{{"question": "q", "answer": {deep(depth)}}}\n'
    )
    with pytest.raises(PairgenError, match="nested deeper") as error:
        rows_in(path)
    assert "deep.jsonl, row 2" in str(error.value)
    if depth < 1000:  # parsed, then measured: the field is known
        assert "field 'answer'" in str(error.value)
    rows_in(
        write_jsonl(
            tmp_path / "ok.jsonl", [{"question": "q", "answer": json.loads(deep(MAX_NESTING - 1))}]
        )
    )


def test_a_json_array_names_its_bad_element(tmp_path: Path) -> None:
    path = tmp_path / "rows.json"
    path.write_text(json.dumps([*gsm8k_rows(2), 5, *gsm8k_rows(1)]))
    with pytest.raises(PairgenError, match=r"element \[2\] of the JSON array is int"):
        rows_in(path)
    path.write_text(
        json.dumps([gsm8k_rows(1)[0], {"question": "q", "answer": json.loads(deep(100))}])
    )
    with pytest.raises(PairgenError, match=r"element \[1\]: value nested deeper"):
        rows_in(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"question": "a\tb", "answer": "x"}\n', "Invalid control character at column 16"),
        ("[1, 2]\n", "row must be an object"),
    ],
)
def test_a_broken_json_line_names_file_row_and_column(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_text(json.dumps(gsm8k_rows(1)[0]) + "\n" + text)
    with pytest.raises(PairgenError, match=message) as error:
        rows_in(path)
    assert "broken.jsonl, row 2" in str(error.value)


def test_a_csv_row_with_too_many_fields_is_quoted(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text('question,answer\n"q","1+1=2"\n"x","y","z"\n')
    with pytest.raises(
        PairgenError, match='a row has 3 fields where the header has 2: \'"x","y","z"\''
    ):
        rows_in(path)


def test_a_truncated_gzip_file_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl.gz"
    path.write_bytes(gzip.compress(jsonl_bytes(gsm8k_rows(200)))[:300])
    with pytest.raises(PairgenError, match=r"rows\.jsonl\.gz: cannot read"):
        rows_in(path)


def test_a_line_deep_enough_to_crash_arrow_is_one_error_line(tmp_path: Path) -> None:
    """Arrow's JSON parser dies with a segmentation fault on this line; pairgen never
    hands it over.  In a subprocess, so a regression cannot take the test run down."""
    path = tmp_path / "deep.jsonl"
    path.write_text(f'{{"question": "q", "answer": {deep(50_000)}}}\n')
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pairgen",
            "build",
            "--source",
            "gsm8k",
            "--data-files",
            f"train={path}",
            "--out",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "deep.jsonl, row 1: JSON nested deeper" in " ".join(result.stderr.split())


@pytest.mark.parametrize("chunk_bytes", [4096, 1 << 20])
def test_only_lines_with_many_brackets_are_kept_from_arrow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk_bytes: int
) -> None:
    """Small chunks put the bracket-heavy line across chunk boundaries."""
    monkeypatch.setattr(nesting, "_CHUNK_BYTES", chunk_bytes)
    short = jsonl_bytes(gsm8k_rows(50))
    cases = {
        "short.jsonl": short * 20,
        "long-text.jsonl": short + jsonl_bytes([{"q": "x" * 50_000 + "[" * 900}]) + short,
        "many-lines.jsonl": short + b"[" * ARROW_SAFE_OPENERS + b"\n" + short,
        "deep.jsonl": short + b"[" * (ARROW_SAFE_OPENERS + 1) + b"\n" + short,
        "deep-braces.jsonl": short + b'{"a":' * (ARROW_SAFE_OPENERS + 1) + b"\n",
        "deep-last.jsonl": short + b"[" * (ARROW_SAFE_OPENERS + 1),
    }
    verdicts = {}
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        verdicts[name] = arrow_safe(partial(pa.input_stream, str(path)), name)
    assert verdicts == {
        "short.jsonl": True,
        "long-text.jsonl": True,
        "many-lines.jsonl": True,
        "deep.jsonl": False,
        "deep-braces.jsonl": False,
        "deep-last.jsonl": False,
    }
