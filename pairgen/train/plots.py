"""PNG plots of a run, drawn with matplotlib's non-interactive backend.

``logprobs.png``: held-out chosen and rejected sequence log-probs against step, one
panel per loss (seed 001, Figs. 1-2: do they rise and fall together?).
``regions.png``: the before/at/after-edit bars per loss next to the reference (seed 000).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

REGIONS = ("before", "at", "after")


def write_plots(run_dir: Path, report: dict[str, Any], metrics: list[dict[str, Any]]) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written: list[Path] = []
    losses = list(report["losses"])
    if losses:
        fig, axes = plt.subplots(1, len(losses), figsize=(4 * len(losses), 3.2), squeeze=False)
        for ax, name in zip(axes[0], losses, strict=True):
            points = [m for m in metrics if m["objective"] == name and m["split"] == "eval"]
            steps = [m["step"] for m in points]
            ax.plot(steps, [m["chosen_logp"] for m in points], marker="o", label="chosen")
            ax.plot(steps, [m["rejected_logp"] for m in points], marker="o", label="rejected")
            ax.set_title(name)
            ax.set_xlabel("step")
            ax.set_ylabel("held-out log π(y)")
            ax.legend()
        fig.tight_layout()
        written.append(_save(fig, run_dir / "logprobs.png"))
        plt.close(fig)

    names = ["reference", *losses]
    values = [report["reference"]["eval"]] + [report["losses"][n]["eval"] for n in losses]
    fig, ax = plt.subplots(figsize=(1.5 + 1.3 * len(names), 3.2))
    width = 0.8 / len(REGIONS)
    for offset, region in enumerate(REGIONS):
        xs = [i + (offset - 1) * width for i in range(len(names))]
        ax.bar(xs, [v.get(region, float("nan")) for v in values], width, label=f"{region} edit")
    ax.set_xticks(range(len(names)), names)
    ax.set_ylabel("mean per-token log-prob of chosen")
    ax.axhline(0, color="black", linewidth=0.5)
    ax.legend()
    fig.tight_layout()
    written.append(_save(fig, run_dir / "regions.png"))
    plt.close(fig)
    return written


def _save(fig: Any, path: Path) -> Path:
    fig.savefig(path, dpi=100)
    return path


__all__ = ["write_plots"]
