"""The report's main table: per model (the reference, then each loss) the held-out
measurement, one cell per column; over several seeds each cell is the seeds' mean, min
and max.  The CLI prints it, report.md writes it, the verdict reads its rows.
"""

from __future__ import annotations

import math
from dataclasses import fields, replace

from pairgen.training.analysis.report_text import Cell, fmt
from pairgen.training.measurements import Measurement
from pairgen.training.results import SeedRun, TrainResult

# (key in a measurement, column title)
COLUMNS = [
    ("before", "before edit"),
    ("at", "at edit"),
    ("after", "after edit"),
    ("chosen_logp", "log π(chosen)"),
    ("rejected_logp", "log π(rejected)"),
    ("reward_margin", "reward margin"),
    ("reward_accuracy", "reward acc."),
    ("loss", "loss"),
]


def held_out(run: SeedRun, name: str) -> Measurement:
    """One row of a seed's table (``reference`` or a loss); NaN throughout when the
    run held out no pairs."""
    found = run.reference.eval if name == "reference" else run.losses[name].eval
    return found if found is not None else UNMEASURED


UNMEASURED = Measurement(*(math.nan for _ in fields(Measurement)))


def rows(report: TrainResult) -> list[tuple[str, list[Cell]]]:
    """Table rows: the reference first, then each loss's held-out measurement, one cell
    per column of :data:`COLUMNS`.

    Over several seeds each cell is a ``(mean, low, high)`` triple; :func:`fmt` shows it.
    """
    runs = report.runs()

    def measurement(run: SeedRun, name: str) -> Measurement:
        row = held_out(run, name)
        if name == "reference":  # rewards of the reference against itself are 0: blanks
            return replace(row, reward_margin=math.nan, reward_accuracy=math.nan)
        return row

    out: list[tuple[str, list[Cell]]] = []
    for name in ["reference", *report.losses]:
        per_seed = [measurement(run, name) for run in runs]
        if len(per_seed) == 1:
            out.append((name, [getattr(per_seed[0], key) for key, _ in COLUMNS]))
        else:
            out.append((name, [spread([getattr(m, key) for m in per_seed]) for key, _ in COLUMNS]))
    return out


def spread(values: list[float]) -> tuple[float, float, float] | None:
    """Mean, min and max of the defined values (None when none is defined)."""
    kept = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    if not kept:
        return None
    return (sum(kept) / len(kept), min(kept), max(kept))


def speed(values: list[float], decimals: int) -> str:
    """One run's figure, or the seeds' mean [min, max]."""
    if len(values) == 1:
        return f"{values[0]:.{decimals}f}"
    return fmt(spread(values))


__all__ = ["COLUMNS", "held_out", "rows", "speed", "spread"]
