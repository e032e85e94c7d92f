"""Executors: order preserved, bounded, and the same bytes on a process pool and on Ray."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.errors import PairgenError
from pairgen.pipeline import build
from pairgen.pipeline.executors import ordered_map
from pairgen.pipeline.parcels import LOCK_NAME, SHARED_MEMORY_DIR, remove_abandoned

from pairgen_rows import gsm8k_rows, write_jsonl


def square_with_pid(offset: int, item: int) -> tuple[int, int]:
    return item * item + offset, os.getpid()


def test_process_pool_keeps_input_order_and_uses_workers() -> None:
    results = list(ordered_map(square_with_pid, 1, range(40), workers=2))
    assert [value for value, _ in results] == [i * i + 1 for i in range(40)]
    assert os.getpid() not in {pid for _, pid in results}


def test_single_worker_runs_in_process() -> None:
    results = list(ordered_map(square_with_pid, 0, range(3), workers=1))
    assert {pid for _, pid in results} == {os.getpid()}


def test_bad_settings_are_clear_errors() -> None:
    with pytest.raises(PairgenError, match="unknown executor"):
        list(ordered_map(square_with_pid, 0, range(3), executor="dask"))
    with pytest.raises(PairgenError, match="at least 1"):
        list(ordered_map(square_with_pid, 0, range(3), workers=0))


def test_ray_build_is_byte_identical_to_the_process_build(tmp_path: Path) -> None:
    import ray  # a dev dependency: CI always runs this test

    source = write_jsonl(tmp_path / "train.jsonl", gsm8k_rows(120))
    sources = (SourceSpec("gsm8k", backend="files", data_files={"train": [str(source)]}),)
    build(BuildSpec(out=tmp_path / "local", sources=sources, workers=1))
    try:
        build(
            BuildSpec(
                out=tmp_path / "ray", sources=sources, workers=2, executor="ray", batch_rows=16
            )
        )
    finally:
        ray.shutdown()
    shard = "data/gsm8k/train-00000-of-00001.parquet"
    assert (tmp_path / "local" / shard).read_bytes() == (tmp_path / "ray" / shard).read_bytes()


NAPPING_POOL = """
import time
from pairgen.pipeline.executors import ordered_map
from pairgen.pipeline.parcels import LOCK_NAME, SHARED_MEMORY_DIR, remove_abandoned

def nap(context, item):
    time.sleep(120)
    return item

for _ in ordered_map(nap, None, range(4), workers=2):
    pass
"""


def test_workers_die_when_only_their_parent_is_killed() -> None:
    """As when the OOM killer picks the building process: no worker may live on, and the
    run's /dev/shm parcel directory (locked by the parent and, inherited, the workers)
    is reclaimable as soon as they are gone."""
    parent = subprocess.Popen([sys.executable, "-c", NAPPING_POOL])
    try:
        workers: list[psutil.Process] = []
        for _ in range(600):  # until the pool has started both workers
            workers = psutil.Process(parent.pid).children()
            if len(workers) == 2:
                break
            time.sleep(0.05)
        assert len(workers) == 2
        parcels = [
            Path(f.path).parent
            for f in psutil.Process(parent.pid).open_files()
            if f.path.startswith(f"{SHARED_MEMORY_DIR}/pairgen-") and f.path.endswith(LOCK_NAME)
        ]
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
    _, alive = psutil.wait_procs(workers, timeout=10)
    for orphan in alive:  # never leave them behind, even when the test fails
        orphan.kill()
    assert alive == []
    remove_abandoned(SHARED_MEMORY_DIR)
    assert parcels and not any(directory.exists() for directory in parcels)
