"""One ``pairgen train`` run: the training loop, the analysis around it, the report.

The loop (:mod:`pairgen.training.loop`) trains every loss from the same start and
measures the held-out table; the analysis (:mod:`pairgen.training.analysis`) adds the
gradient cosine and the held-out effects through the loop's probe, then writes
report.json, report.md, the plots and, for a choice build, choices.jsonl.  This is
where the two meet: the loop imports nothing of the analysis.
"""

from __future__ import annotations

from pairgen.training.analysis.outcomes import write_outcomes
from pairgen.training.analysis.probe import HeldOutAnalysis
from pairgen.training.analysis.report import write_outputs
from pairgen.training.config import TrainConfig
from pairgen.training.loop import trainer
from pairgen.training.loop.reference import ReferenceCache
from pairgen.training.results import TrainResult


def train(cfg: TrainConfig, cache: ReferenceCache | None = None) -> TrainResult:
    """Run every loss of ``cfg``, write metrics.jsonl, report.json, report.md, the plots
    and (choice builds) choices.jsonl to ``cfg.run_dir``; return the run's
    :class:`~pairgen.training.results.TrainResult`.

    ``cache``: reference log-probs kept from an earlier run with the same start weights
    (``--seeds``; see :func:`pairgen.training.analysis.seeds.train_seeds`).  On the CPU
    the run is deterministic (same config, same bytes).
    """
    analysis = HeldOutAnalysis()
    report = trainer.train(cfg, cache, analysis)
    write_outcomes(cfg.run_dir, analysis.outcomes)
    write_outputs(cfg.run_dir, report)
    return report


__all__ = ["train"]
