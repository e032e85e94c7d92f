"""The verdict, the point of the training stage.

The pairs *validate* when DPO raises the reward margin on held-out pairs and pushes the
chosen completion's log-prob after the edit below the reference, while DPOP keeps it at
or above the reference (within ``tolerance`` nats per token).  That is the ordering
"Smaug: Fixing Failure Modes of Preference Optimisation with DPO-Positive"
(arXiv:2402.13228) reports: DPO < reference <= DPOP.  With several seeds the verdict
holds only if it holds in every seed.
"""

from __future__ import annotations

from pairgen.training.analysis.table import held_out
from pairgen.training.results import SeedRun, TrainResult, Verdict


def check_seed(run: SeedRun, tolerance: float) -> dict[str, bool]:
    """The three checks of the ordering on one seed's held-out measurements."""
    ref, dpo, dpop = held_out(run, "reference"), held_out(run, "dpo"), held_out(run, "dpop")
    return {
        "DPO raises the reward margin": dpo.reward_margin > 0,
        "DPO lowers the after-edit log-prob below the reference": dpo.after < ref.after,
        "DPOP keeps it at or above the reference (within the tolerance)": dpop.after
        >= ref.after - tolerance,
    }


def verdict(report: TrainResult) -> Verdict:
    """Whether DPO and DPOP order the after-edit log-prob as Smaug does, in every seed."""
    tolerance = float(report.config.tolerance)
    losses = report.losses
    if "dpo" not in losses or "dpop" not in losses:
        return Verdict(None, tolerance, reason="needs both --loss dpo and --loss dpop")
    if report.reference.eval is None:
        return Verdict(None, tolerance, reason="no held-out pairs (--eval-fraction 0)")
    runs = report.runs()
    per_seed = [check_seed(run, tolerance) for run in runs]
    checks = {name: all(seed[name] for seed in per_seed) for name in per_seed[0]}
    orderings = [
        f"DPO {held_out(r, 'dpo').after:.3f} vs reference "
        f"{held_out(r, 'reference').after:.3f} vs DPOP {held_out(r, 'dpop').after:.3f}"
        for r in runs
    ]
    return Verdict(
        validated=all(checks.values()),
        tolerance=tolerance,
        checks=checks,
        ordering="; ".join(
            o if len(runs) == 1 else f"seed {r.seed}: {o}"
            for r, o in zip(runs, orderings, strict=True)
        ),
        seeds_failing=[r.seed for r, s in zip(runs, per_seed, strict=True) if not all(s.values())],
    )


__all__ = ["check_seed", "verdict"]
