"""PNG plots of a run, drawn with matplotlib's non-interactive backend.

Every panel of one figure shares its y-axis, so a flat line (DPOP) and a drop (DPO) look
as large as they are, and the reference model's value is a dashed horizontal line.

``logprobs.png``: held-out chosen and rejected sequence log-probs against step, one
panel per loss (do they rise and fall together, as "Common pitfalls of margin-based
preference optimization", arXiv:2410.13828, asks?).
``after_edit.png``: the chosen completion's mean per-token log-prob after the edit
against step, all losses in one panel, the quantity "Smaug: Fixing Failure Modes of
Preference Optimisation with DPO-Positive" (arXiv:2402.13228) is about.
``regions.png``: the before/at/after-edit bars per loss next to the reference.
With several seeds every seed is its own line (the same colour).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from pairgen.training.measurements import MetricRow
from pairgen.training.results import TrainResult

REGIONS = ("before", "at", "after")


def eval_points(metrics: list[MetricRow], loss: str) -> dict[int, list[MetricRow]]:
    """The held-out curve of one loss, per seed, in step order: the ``curve`` points (the
    curve pairs at every evaluation) when the run measured them, else the ``eval`` ones."""
    split = "curve" if any(m.split == "curve" for m in metrics) else "eval"
    out: dict[int, list[MetricRow]] = {}
    for m in metrics:
        if m.objective == loss and m.split == split:
            out.setdefault(m.seed or 0, []).append(m)
    return {seed: sorted(points, key=lambda m: m.step) for seed, points in out.items()}


def write_plots(run_dir: Path, report: TrainResult, metrics: list[MetricRow]) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written: list[Path] = []
    losses = list(report.losses)
    ref = report.reference.eval
    curve_ref = report.reference.curve or ref  # the curves' own pairs
    if losses:
        fig, axes = plt.subplots(
            1, len(losses), figsize=(4 * len(losses), 3.2), squeeze=False, sharey=True
        )
        for ax, name in zip(axes[0], losses, strict=True):
            for i, points in enumerate(eval_points(metrics, name).values()):
                steps = [m.step for m in points]
                for key, colour in (("chosen_logp", "C0"), ("rejected_logp", "C1")):
                    label = key.split("_")[0] if i == 0 else None
                    values = [getattr(m.values, key) for m in points]
                    ax.plot(steps, values, marker="o", color=colour, label=label)
            for key, colour in (("chosen_logp", "C0"), ("rejected_logp", "C1")):
                if curve_ref is not None:
                    ax.axhline(getattr(curve_ref, key), color=colour, linestyle="--", linewidth=1)
            ax.set_title(name)
            ax.set_xlabel("step")
        axes[0][0].set_ylabel("held-out log π(y); dashed: reference")
        legend(axes[0][0])
        fig.tight_layout()
        written.append(_save(fig, run_dir / "logprobs.png"))
        plt.close(fig)

        fig, ax = plt.subplots(figsize=(5.5, 3.6))
        for j, name in enumerate(losses):
            for i, points in enumerate(eval_points(metrics, name).values()):
                ax.plot(
                    [m.step for m in points],
                    [m.values.after for m in points],
                    marker="o",
                    color=f"C{j}",
                    label=name if i == 0 else None,
                )
        if curve_ref is not None:
            ax.axhline(
                curve_ref.after, color="black", linestyle="--", linewidth=1, label="reference"
            )
        ax.set_xlabel("step")
        ax.set_ylabel("chosen log-prob per token after the edit")
        legend(ax)
        fig.tight_layout()
        written.append(_save(fig, run_dir / "after_edit.png"))
        plt.close(fig)

    names = ["reference", *losses]
    values = [ref] + [report.losses[n].eval for n in losses]  # None: no held-out pairs
    fig, ax = plt.subplots(figsize=(1.5 + 1.3 * len(names), 3.2))
    width = 0.8 / len(REGIONS)
    for offset, region in enumerate(REGIONS):
        xs = [i + (offset - 1) * width for i in range(len(names))]
        heights = [getattr(v, region) if v is not None else math.nan for v in values]
        ax.bar(xs, heights, width, label=f"{region} edit")
    ax.set_xticks(range(len(names)), names)
    ax.set_ylabel("mean per-token log-prob of chosen")
    ax.axhline(0, color="black", linewidth=0.5)
    ax.legend()
    fig.tight_layout()
    written.append(_save(fig, run_dir / "regions.png"))
    plt.close(fig)
    return written


def legend(ax: Any) -> None:
    """The panel's legend, when it has labelled lines (none without held-out pairs:
    matplotlib would warn about an empty legend)."""
    if ax.get_legend_handles_labels()[0]:
        ax.legend()


def _save(fig: Any, path: Path) -> Path:
    fig.savefig(path, dpi=100)
    return path


__all__ = ["eval_points", "write_plots"]
