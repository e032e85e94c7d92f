"""Parcels: objects handed between processes with their large buffers in shared memory."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.errors import PairgenError
from pairgen.pipeline import build, parcels
from pairgen.pipeline.executors import ordered_map
from pairgen.pipeline.parcels import (
    LOCK_NAME,
    MIN_OUT_OF_BAND_BYTES,
    NEW_LOCK_NAME,
    pack,
    parcel_directory,
    remove_abandoned,
    unpack,
)
from pairgen.pipeline.writer import SplitWriter

from pairgen_rows import gsm8k_rows, write_jsonl


def table_of(texts: list[str]) -> pa.Table:
    return pa.table({"text": texts, "length": [len(t) for t in texts]})


@pytest.fixture(scope="module")
def parcel_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("parcels")


@settings(deadline=None)  # no timing here: 2 cores shared by many jobs
@given(texts=st.lists(st.text(), max_size=30), repeat=st.sampled_from([1, 3000]))
def test_a_table_comes_back_equal(parcel_dir: Path, texts: list[str], repeat: int) -> None:
    table = table_of(texts * repeat)
    parcel = pack({"pairs": table, "rows": table.num_rows}, parcel_dir)
    back = unpack(parcel)
    assert back["pairs"].equals(table) and back["rows"] == table.num_rows
    assert list(parcel_dir.iterdir()) == []  # every file unlinked as soon as it is mapped


def test_large_buffers_travel_as_files_one_each(tmp_path: Path) -> None:
    """A kept part of a result (a batch's rejects) must not pin the rest of it."""
    pairs = pa.table({"x": np.arange(100_000, dtype=np.int64)})
    rejects = pa.table({"raw": ["{...}" * 20_000]})
    parcel = pack({"pairs": pairs, "rejects": rejects}, tmp_path)
    assert len(parcel.paths) == 2  # x's 800 KB and raw's 100 KB, in files of their own
    assert len(parcel.payload) < MIN_OUT_OF_BAND_BYTES  # the data did not go in the pickle
    back = unpack(parcel)
    assert list(tmp_path.iterdir()) == []
    assert back["pairs"].equals(pairs) and back["rejects"].equals(rejects)


def test_small_buffers_and_plain_objects_stay_in_the_pickle(tmp_path: Path) -> None:
    small = pack(table_of(["a", "b"]), tmp_path)
    plain = pack({"rows": [1, 2, 3]}, tmp_path)
    assert small.paths == () and plain.paths == ()
    assert unpack(small).equals(table_of(["a", "b"])) and unpack(plain) == {"rows": [1, 2, 3]}
    assert list(tmp_path.iterdir()) == []


def test_without_a_usable_directory_everything_is_in_band(tmp_path: Path) -> None:
    big = table_of(["x" * 1000] * 200)
    for directory in (None, tmp_path / "no-such-dir"):
        parcel = pack(big, directory)
        assert parcel.paths == ()
        assert unpack(parcel).equals(big)


def test_a_non_contiguous_array_is_copied_in_band(tmp_path: Path) -> None:
    strided = np.arange(200_000, dtype=np.int64)[::2]
    parcel = pack(strided, tmp_path)
    assert parcel.paths == ()
    assert np.array_equal(unpack(parcel), strided)


def double_lengths(factor: int, table: pa.Table) -> pa.Table:
    doubled = pa.array([factor * n for n in table["length"].to_pylist()])
    return table.append_column("double", doubled)


def test_process_pool_leaves_no_parcels_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parcels, "SHARED_MEMORY_DIR", tmp_path)
    tables = [table_of([f"row {i}-{j}" * 300 for j in range(50)]) for i in range(12)]
    results = list(ordered_map(double_lengths, 2, tables, workers=2))
    assert [r["double"].to_pylist() for r in results] == [
        [2 * n for n in t["length"].to_pylist()] for t in tables
    ]
    abandoned = ordered_map(double_lengths, 2, tables, workers=2)
    next(abandoned)
    abandoned.close()  # a consumer that stops early (a failed build) leaves nothing either
    assert list(tmp_path.iterdir()) == []


def test_only_abandoned_parcel_directories_are_removed(tmp_path: Path) -> None:
    """Unlocked pairgen directories go; live runs, strangers' names and links stay."""
    abandoned = tmp_path / "pairgen-abandoned"
    abandoned.mkdir()
    (abandoned / LOCK_NAME).touch()
    (abandoned / "x.parcel").write_bytes(b"0" * 10)
    live = tmp_path / "pairgen-live"
    live.mkdir()
    (live / LOCK_NAME).touch()
    held = os.open(live / LOCK_NAME, os.O_RDONLY)
    fcntl.flock(held, fcntl.LOCK_EX)  # as a running build holds its own
    strangers = [tmp_path / name for name in ("pairgen-12-x", "pairgen-²-x", "pairgen-9" * 9)]
    for directory in strangers:
        directory.mkdir()
        (directory / "keep.txt").write_text("not pairgen's")
    (tmp_path / "pairgen-link").symlink_to(abandoned, target_is_directory=True)
    try:
        with parcel_directory(tmp_path) as directory:
            assert directory.name.startswith("pairgen-") and (directory / LOCK_NAME).is_file()
            assert not abandoned.exists() and live.exists()
            assert all((d / "keep.txt").exists() for d in strangers)
            remove_abandoned(tmp_path)  # another run starting now leaves this one alone
            assert directory.exists()
        assert not directory.exists()
        assert (tmp_path / "pairgen-link").is_symlink()
    finally:
        os.close(held)


def test_a_directory_killed_while_being_set_up_is_removed(tmp_path: Path) -> None:
    """Killed between creating its directory and naming its lock: only ``.lock.new``."""
    half = tmp_path / "pairgen-half"
    half.mkdir()
    (half / NEW_LOCK_NAME).touch()
    remove_abandoned(tmp_path)
    assert not half.exists()


def test_the_directory_of_a_killed_run_is_removed_by_the_next(tmp_path: Path) -> None:
    code = (
        "import sys, time; from pathlib import Path; from pairgen.pipeline.parcels import parcel_directory\n"
        "with parcel_directory(Path(sys.argv[1])) as d:\n"
        "    (d / 'x.parcel').write_bytes(b'0' * 100); print(d, flush=True); time.sleep(60)\n"
    )
    run = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE)
    assert run.stdout is not None
    directory = Path(run.stdout.readline().decode().strip())
    remove_abandoned(tmp_path)
    assert directory.exists()  # alive: kept
    run.send_signal(signal.SIGKILL)
    run.wait()
    assert directory.exists()  # SIGKILL left it behind
    remove_abandoned(tmp_path)
    assert not directory.exists()


def test_a_build_failing_mid_split_stops_its_workers_and_their_parcels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shm"
    shared.mkdir()
    monkeypatch.setattr(parcels, "SHARED_MEMORY_DIR", shared)
    calls = []

    def failing_write(self: SplitWriter, table: pa.Table) -> None:
        calls.append(table.num_rows)
        if len(calls) == 2:
            raise OSError("disk full")

    monkeypatch.setattr(SplitWriter, "write", failing_write)
    source = write_jsonl(tmp_path / "train.jsonl", gsm8k_rows(400))
    spec = BuildSpec(
        out=tmp_path / "out",
        sources=(SourceSpec("gsm8k", backend="files", data_files={"train": [str(source)]}),),
        workers=2,
        batch_rows=16,
    )
    with pytest.raises(PairgenError, match="cannot write the output: disk full") as failure:
        build(spec)
    assert failure.traceback  # the frames are still referenced, and yet:
    assert list(shared.iterdir()) == []
