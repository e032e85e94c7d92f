"""``--seeds N``: the whole run once per seed, then one report over all of them.

A verdict from one seed and a few steps can flip with the seed.  Each seed ``s`` in
``seed, seed + 1, ...`` is a complete run of its own (initialisation, held-out split,
batch order; every loss from that seed's same start) written to ``RUN/seed-<s>/`` (and,
with ``--save-model DIR``, its models to ``DIR/seed-<s>/<loss>/``: one seed's models must
not overwrite another's); the report in ``RUN`` keeps each seed's numbers
(``per_seed``), shows the mean and the min-max range, and validates only if the ordering
holds in every seed (:func:`pairgen.training.analysis.verdict.verdict`).  The seeds'
choices.jsonl lines (choice builds) are gathered in ``RUN/choices.jsonl``, each naming its seed.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import fields, replace

from pairgen.training.analysis.outcomes import OUTCOMES_NAME, read_outcomes, write_outcomes
from pairgen.training.analysis.report import read_metrics, write_outputs
from pairgen.training.config import TrainConfig
from pairgen.training.loop.reference import ReferenceCache
from pairgen.training.measurements import Measurement, MetricRow, QuestionOutcome
from pairgen.training.results import References, SeedRun, TrainResult
from pairgen.training.run import train


def mean_of(measurements: list[Measurement]) -> Measurement:
    """Column-wise mean of the defined numbers (NaN where no seed has one): the
    top-level row the plots draw."""

    def mean(name: str) -> float:
        values = [getattr(m, name) for m in measurements]
        kept = [float(v) for v in values if math.isfinite(v)]
        return sum(kept) / len(kept) if kept else math.nan

    return Measurement(*(mean(f.name) for f in fields(Measurement)))


def mean_of_all(measurements: list[Measurement | None]) -> Measurement | None:
    """:func:`mean_of` when every seed measured (None when one had no held-out pairs)."""
    kept = [m for m in measurements if m is not None]
    return mean_of(kept) if kept and len(kept) == len(measurements) else None


def train_seeds(cfg: TrainConfig) -> TrainResult:
    """Run ``cfg`` for each of its seeds; return (and write) the report over all of them."""
    if cfg.seeds == 1:
        return train(cfg)
    started = time.perf_counter()
    reports: list[TrainResult] = []
    metrics: list[MetricRow] = []
    outcomes: list[QuestionOutcome] = []
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
        metrics += [replace(m, seed=seed) for m in read_metrics(one.run_dir)]
        if (one.run_dir / OUTCOMES_NAME).is_file():  # each line names its seed
            outcomes += read_outcomes(one.run_dir)
    first = reports[0]
    report = replace(
        first,
        config=cfg,
        per_seed=[SeedRun(cfg.seed + i, r.reference, r.losses) for i, r in enumerate(reports)],
        reference=References(
            eval=mean_of_all([r.reference.eval for r in reports]),
            curve=mean_of_all([r.reference.curve for r in reports]),
        ),
        losses={
            name: replace(result, eval=mean_of_all([r.losses[name].eval for r in reports]))
            for name, result in first.losses.items()
        },
        seconds=time.perf_counter() - started,
    )
    with open(cfg.run_dir / "metrics.jsonl", "w", encoding="utf-8") as log:
        log.writelines(json.dumps(m.as_dict()) + "\n" for m in metrics)
    write_outcomes(cfg.run_dir, outcomes)
    write_outputs(cfg.run_dir, report)
    return report


__all__ = ["mean_of", "mean_of_all", "train_seeds"]
