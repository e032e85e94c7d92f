"""The end-of-build summary: per config/split counts and edit-distance figures.

Read back from the written shards (only the two statistic columns), so the summary
describes what is on disk, not what the build believed it wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from pairgen.output.files import listed_file
from pairgen.output.manifest import Manifest


@dataclass(frozen=True, slots=True)
class SplitSummary:
    config: str
    split: str
    rows_in: int
    pairs: int
    rows_rejected: int
    rejects_by_reason: dict[str, int]
    mean_ned: float | None
    median_ned: float | None
    mean_tokens_after_diff: float | None


def summarize(out: Path, manifest: Manifest) -> list[SplitSummary]:
    summaries = []
    for config, split, info in manifest.splits():
        ned, after = _read_stats(out, [shard.path for shard in info.shards])
        summaries.append(
            SplitSummary(
                config=config,
                split=split,
                rows_in=info.rows_in,
                pairs=info.pairs,
                rows_rejected=info.rows_rejected,
                rejects_by_reason=info.rejects_by_reason,
                mean_ned=float(ned.mean()) if ned.size else None,
                median_ned=float(np.median(ned)) if ned.size else None,
                mean_tokens_after_diff=float(after.mean()) if after.size else None,
            )
        )
    return summaries


def _read_stats(out: Path, shard_paths: list[str]) -> tuple[np.ndarray, np.ndarray]:
    ned_parts, after_parts = [], []
    for path in shard_paths:
        table = pq.read_table(
            listed_file(out, path), columns=["norm_edit_distance", "tokens_after_first_diff"]
        )
        ned_parts.append(table.column("norm_edit_distance").to_numpy())
        after = table.column("tokens_after_first_diff").drop_null()
        after_parts.append(after.to_numpy())
    ned = np.concatenate(ned_parts) if ned_parts else np.zeros(0)
    after = np.concatenate(after_parts) if after_parts else np.zeros(0)
    return ned, after


__all__ = ["SplitSummary", "summarize"]
