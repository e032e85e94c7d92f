"""Reading is bounded: an over-long line is skipped while it streams by, never held.

``bounded_lines`` is checked against ``bytes.split`` on arbitrary input (hypothesis), and
real builds show that a line too long for the field limit becomes one ``too_long``
reject (the rows around it kept), compressed or not, and that a JSON array or CSV header
that expands without end is refused with one line.
"""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.errors import PairgenError
from pairgen.pipeline import build
from pairgen.sources import rawio
from pairgen.sources.rawio import bounded_lines

from pairgen_rows import gsm8k_rows


@settings(max_examples=300, deadline=None)
@given(
    data=st.binary(max_size=300)
    | st.lists(st.sampled_from([b"\n", b"ab", b"x" * 40])).map(b"".join),
    limit=st.integers(1, 50),
    read=st.integers(1, 17),
)
def test_bounded_lines_agrees_with_split(data: bytes, limit: int, read: int) -> None:
    old = rawio.READ_BYTES
    rawio.READ_BYTES = read  # many reads per line, lines across reads
    try:
        got = list(bounded_lines(pa.BufferReader(data), limit))
    finally:
        rawio.READ_BYTES = old
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()  # a final line break ends the last line, it does not start one
    assert got == [line if len(line) <= limit else len(line) for line in lines]


def line_file(path: Path, long_chars: int) -> Path:
    rows = gsm8k_rows(3)
    rows[1] = {**rows[1], "question": "x" * long_chars}
    text = "".join(json.dumps(row) + "\n" for row in rows).encode()
    path.write_bytes(gzip.compress(text) if path.suffix == ".gz" else text)
    return path


@pytest.mark.parametrize("name", ["rows.jsonl", "rows.jsonl.gz"])
def test_a_line_over_the_limit_is_one_too_long_reject(tmp_path: Path, name: str) -> None:
    limit = 1000  # --max-field-chars: lines over 64,000 bytes are skipped unread
    data = line_file(tmp_path / name, 100_000)
    out = tmp_path / "out"
    spec = SourceSpec("gsm8k", backend="files", data_files={"train": [str(data)]})
    result = build(BuildSpec(out=out, sources=(spec,), max_field_chars=limit))
    info = result.manifest.configs["gsm8k"].splits["train"]
    assert (info.rows_in, info.rows_rejected, info.rejects_by_reason) == (3, 1, {"too_long": 1})
    rejects = pq.read_table(out / info.rejects.path).to_pylist()
    assert rejects[0]["row_index"] == 1 and "skipped unread" in rejects[0]["detail"]
    assert rejects[0]["raw"] == "{}"  # nothing of it was kept


def test_a_json_array_that_expands_without_end_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rawio, "MAX_JSON_ARRAY_BYTES", 1 << 20)
    monkeypatch.setattr("pairgen.sources.readers.MAX_JSON_ARRAY_BYTES", 1 << 20)
    path = tmp_path / "rows.json.gz"
    path.write_bytes(gzip.compress(b"[" + b" " * (4 << 20) + b"]"))
    spec = SourceSpec("gsm8k", backend="files", data_files={"train": [str(path)]})
    with pytest.raises(PairgenError, match="over 1 MiB"):
        build(BuildSpec(out=tmp_path / "out", sources=(spec,)))


def test_a_csv_header_that_never_ends_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv.gz"
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb") as handle:
        for _ in range(8):
            handle.write(b"q" * (1 << 20))
    path.write_bytes(buffer.getvalue())
    spec = SourceSpec("gsm8k", backend="files", data_files={"train": [str(path)]})
    with pytest.raises(PairgenError, match="no header line"):
        build(BuildSpec(out=tmp_path / "out", sources=(spec,), max_field_chars=1000))


def test_a_line_that_never_ends_stops_the_reader() -> None:
    from pairgen.sources.rawio import LineTooLong

    stream = pa.BufferReader(b"ok\n" + b"x" * 5000)
    lines = bounded_lines(stream, 10, give_up=100)
    assert next(lines) == b"ok"
    with pytest.raises(LineTooLong) as raised:
        next(lines)
    assert raised.value.line == 2


def test_a_gzip_bomb_is_one_error_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pairgen.sources.readers.MAX_SKIPPED_LINE_BYTES", 4 << 20)
    path = tmp_path / "bomb.jsonl.gz"
    path.write_bytes(gzip.compress(b"a" * (16 << 20)))
    spec = SourceSpec("gsm8k", backend="files", data_files={"train": [str(path)]})
    with pytest.raises(PairgenError, match="without a line break"):
        build(BuildSpec(out=tmp_path / "out", sources=(spec,), max_field_chars=1000))
