"""Fixtures for the training tests: real Parquet shards in pairgen's layout."""

from __future__ import annotations

from pathlib import Path

import pytest
from train_shards import metamath_pairs, write_shard


@pytest.fixture
def pairs_dir(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    write_shard(out, metamath_pairs(12))
    return out
