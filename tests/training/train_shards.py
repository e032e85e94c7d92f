"""Helpers for the training tests: MetaMath-style pairs written as real Parquet shards."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq


def metamath_pairs(n: int, seed: int = 0) -> list[dict[str, str]]:
    """MetaMath-style pairs: one intermediate result corrupted, final answer kept.

    The corrupted value always ends in 7 and the correct one never does, so even the
    tiny model can learn the preference in a few steps (the tests check the mechanism,
    not arithmetic).
    """
    rng = random.Random(seed)
    rows = []
    while len(rows) < n:
        a, b, c = rng.randint(2, 40), rng.randint(2, 40), rng.randint(2, 9)
        s = a + b
        if s % 10 == 7:
            continue
        total, wrong = s * c, s - s % 10 + 7
        prompt = f"Question: Tom has {a} red and {b} blue boxes with {c} pens each. How many pens?\nAnswer:"
        steps = "{} + {} = {} boxes. {} * {} = {} pens. The answer is: {}"
        rows.append(
            {
                "id": f"pair-{len(rows)}",
                "prompt": prompt,
                "chosen": " " + steps.format(a, b, s, s, c, total, total),
                "rejected": " " + steps.format(a, b, wrong, wrong, c, total, total),
            }
        )
    return rows


def write_shard(
    out: Path, rows: list[dict[str, Any]], config: str = "main", split: str = "train"
) -> Path:
    path = out / "data" / config / f"{split}-00000-of-00001.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), path)
    return path
