"""Fixtures for the training tests: real Parquet shards in pairgen's layout."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

from train_shards import metamath_pairs, write_shard


@pytest.fixture
def pairs_dir(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    write_shard(out, metamath_pairs(12))
    return out


@pytest.fixture(autouse=True)
def one_thread() -> Iterator[None]:
    """The tiny model runs ~3x faster on one thread than two on a shared machine."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
