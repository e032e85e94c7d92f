"""``--seeds N``: the whole run once per seed, then one report over all of them.

A verdict from one seed and a few steps can flip with the seed.  Each seed ``s`` in
``seed, seed + 1, ...`` is a complete run of its own (initialisation, held-out split,
batch order; every loss from that seed's same start) written to ``RUN/seed-<s>/`` (and,
with ``--save-model DIR``, its models to ``DIR/seed-<s>/<loss>/``: one seed's models must
not overwrite another's); the report in ``RUN`` keeps each seed's numbers
(``per_seed``), shows the mean and the min-max range, and validates only if the ordering
holds in every seed (:func:`pairgen.training.report.verdict`).
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import replace
from typing import Any

from pairgen.training.config import TrainConfig
from pairgen.training.reference import ReferenceCache
from pairgen.training.report import read_metrics, write_outputs
from pairgen.training.results import SeedRun, TrainResult
from pairgen.training.trainer import train


def mean_of(measurements: list[dict[str, Any]]) -> dict[str, Any]:
    """Key-wise mean of the defined numbers (the top-level row the plots draw)."""
    out: dict[str, Any] = {}
    for key in measurements[0]:
        values = [m.get(key) for m in measurements]
        kept = [float(v) for v in values if isinstance(v, int | float) and math.isfinite(v)]
        out[key] = sum(kept) / len(kept) if kept else None
    return out


def train_seeds(cfg: TrainConfig) -> TrainResult:
    """Run ``cfg`` for each of its seeds; return (and write) the report over all of them."""
    if cfg.seeds == 1:
        return train(cfg)
    started = time.perf_counter()
    reports: list[TrainResult] = []
    metrics: list[dict[str, Any]] = []
    cache = ReferenceCache()  # the seeds share reference log-probs when their start does
    for seed in range(cfg.seed, cfg.seed + cfg.seeds):
        one = replace(
            cfg,
            seed=seed,
            seeds=1,
            run_dir=cfg.run_dir / f"seed-{seed}",
            save_model=None if cfg.save_model is None else cfg.save_model / f"seed-{seed}",
        )
        reports.append(train(one, cache))
        metrics += [{**m, "seed": seed} for m in read_metrics(one.run_dir)]
    first = reports[0]
    report = replace(
        first,
        config=cfg.as_dict(),
        per_seed=[SeedRun(cfg.seed + i, r.reference, r.losses) for i, r in enumerate(reports)],
        reference={
            key: mean_of([r.reference[key] for r in reports])
            for key in first.reference
            if all(r.reference.get(key) for r in reports)
        },
        losses={
            name: replace(result, eval=mean_of([r.losses[name].eval for r in reports]))
            for name, result in first.losses.items()
        },
        seconds=time.perf_counter() - started,
    )
    with open(cfg.run_dir / "metrics.jsonl", "w", encoding="utf-8") as log:
        log.writelines(json.dumps(m) + "\n" for m in metrics)
    write_outputs(cfg.run_dir, report)
    return report


__all__ = ["mean_of", "train_seeds"]
