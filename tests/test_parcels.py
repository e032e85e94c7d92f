"""Parcels: objects handed between processes with their Arrow buffers in shared memory."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pairgen import parcels
from pairgen.executors import ordered_map
from pairgen.parcels import pack, unpack


def table_of(texts: list[str]) -> pa.Table:
    return pa.table({"text": texts, "length": [len(t) for t in texts]})


@pytest.fixture(scope="module")
def parcel_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("parcels")


@given(texts=st.lists(st.text(), min_size=1, max_size=30))
def test_a_table_comes_back_equal_through_a_file(parcel_dir: Path, texts: list[str]) -> None:
    parcel = pack({"pairs": table_of(texts), "rows": len(texts)}, parcel_dir)
    assert parcel.path is not None and len(parcel.sizes) >= 1  # buffers out of band
    back = unpack(parcel)
    assert back["pairs"].equals(table_of(texts)) and back["rows"] == len(texts)
    assert not Path(parcel.path).exists()  # unlinked as soon as it is mapped


def test_arrays_point_into_the_mapping_and_outlive_the_file(tmp_path: Path) -> None:
    batch = pa.record_batch({"x": np.arange(100_000, dtype=np.int64)})
    parcel = pack(batch, tmp_path)
    assert parcel.payload.__len__() < 10_000  # the 800 KB of data did not go in the pickle
    back = unpack(parcel)
    assert list(tmp_path.iterdir()) == []
    assert back.column(0).to_numpy()[-1] == 99_999


def test_without_a_directory_or_buffers_everything_is_in_band(tmp_path: Path) -> None:
    in_band = pack(table_of(["a", "b"]), None)
    assert in_band.path is None and unpack(in_band).equals(table_of(["a", "b"]))
    plain = pack({"rows": [1, 2, 3]}, tmp_path)
    assert plain.path is None and unpack(plain) == {"rows": [1, 2, 3]}
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_directory_falls_back_to_the_pipe(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-dir"
    parcel = pack(table_of(["x" * 1000]), missing)
    assert parcel.path is None
    assert unpack(parcel).equals(table_of(["x" * 1000]))


def test_empty_buffers_need_no_mapping(tmp_path: Path) -> None:
    empty = table_of([])
    assert unpack(pack(empty, tmp_path)).equals(empty)
    assert list(tmp_path.iterdir()) == []


def double_lengths(factor: int, table: pa.Table) -> pa.Table:
    return table.append_column(
        "double", pa.array([factor * n for n in table["length"].to_pylist()])
    )


def test_process_pool_leaves_no_parcels_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parcels, "SHARED_MEMORY_DIR", tmp_path)
    tables = [table_of([f"row {i}-{j}" for j in range(50)]) for i in range(12)]
    results = list(ordered_map(double_lengths, 2, tables, workers=2))
    assert [r["double"].to_pylist() for r in results] == [
        [2 * n for n in t["length"].to_pylist()] for t in tables
    ]
    abandoned = ordered_map(double_lengths, 2, tables, workers=2)
    next(abandoned)
    abandoned.close()  # a consumer that stops early (a failed build) leaves nothing either
    assert list(tmp_path.iterdir()) == []
