"""The report's sections on the suffix-length effect and multiple-choice accuracy.

Both read what :func:`pairgen.training.analysis.effects.held_out_effects` stored per
loss (per seed with ``--seeds``): a table per section in report.md and ``suffix.png``,
one panel per loss with a shared y-axis (Δ after-edit log-prob against the number of chosen tokens
after the first difference).
"""

from __future__ import annotations

from pathlib import Path

from pairgen.training.analysis.report_text import fmt, table
from pairgen.training.measurements import PairedChange
from pairgen.training.results import TrainResult


def suffix_lines(report: TrainResult) -> list[str]:
    losses = [n for n, r in report.losses.items() if r.suffix]
    if not losses:
        return []
    runs = report.runs()
    # (loss, bin) -> one cell per seed, in seed order; "–" where a seed has no pair there,
    # so the k-th value of every cell is the same seed's
    cells: dict[tuple[str, str], list[str]] = {}
    corr = []
    for name in losses:
        for index, run in enumerate(runs):
            s = run.losses[name].suffix
            if s is None:
                continue
            for b in s.bins:
                column = cells.setdefault((name, b.tokens_after), ["–"] * len(runs))
                column[index] = f"{b.mean_delta:+.3f} ({b.pairs})"
            seed = f"seed {run.seed}: " if len(runs) > 1 else ""
            corr.append(
                f"- {name}: {seed}Spearman ρ = {fmt(s.spearman_rho)}, "
                f"p = {fmt(s.p_value)} ({s.p_method}; {s.pairs} pairs)"
            )
    labels = sorted({label for _, label in cells}, key=bin_start)
    body = [
        [label, *("; ".join(cells.get((n, label), ["–"] * len(runs))) for n in losses)]
        for label in labels
    ]
    per_seed = (
        f" With {len(runs)} seeds a cell lists one value per seed, in seed order "
        f"({', '.join(str(r.seed) for r in runs)}); – where a seed held out no such pair."
        if len(runs) > 1
        else ""
    )
    return [
        "",
        "## Suffix length and the after-edit change",
        "",
        "Per held-out pair: Δ = trained minus reference of the chosen completion's mean "
        "per-token log-prob after the edit, binned by the number of chosen tokens after the "
        "first difference; each cell is the mean Δ (pairs). A negative ρ means the longer the "
        "shared suffix, the larger the drop." + per_seed,
        "",
        *table(["tokens after the edit", *losses], body),
        "",
        *corr,
    ]


def bin_start(label: str) -> int:
    """Where a bin label (``9-16``, ``257+``) starts, to list the bins in order."""
    return int(label.split("-")[0].rstrip("+"))


def choice_lines(report: TrainResult) -> list[str]:
    runs = report.runs()
    body = []
    definition = ""
    for run in runs:
        seed = f" (seed {run.seed})" if len(runs) > 1 else ""
        with_choice = [(n, r.choice) for n, r in run.losses.items() if r.choice is not None]
        if not with_choice:
            continue
        definition = definition or with_choice[0][1].acc_norm_by
        reference = with_choice[0][1].reference
        body.append(
            [
                f"reference{seed}",
                str(reference.questions),
                fmt(reference.acc),
                fmt(reference.acc_norm),
                "",
                "",
            ]
        )
        body += [
            [
                f"{name}{seed}",
                str(c.trained.questions),
                fmt(c.trained.acc),
                fmt(c.trained.acc_norm),
                change(c.acc_change),
                change(c.acc_norm_change),
            ]
            for name, c in with_choice
        ]
    if not body:
        return []
    return [
        "",
        "## Multiple-choice accuracy",
        "",
        "Held-out questions scored as lm-evaluation-harness scores multiple-choice tasks: "
        "acc picks the choice with the highest log-likelihood given the prompt, acc_norm the "
        f"highest {definition or OLD_ACC_NORM}. The change is the trained model's minus the "
        "reference's on the same questions, paired question by question: the difference, "
        "its standard error, the questions it got right that the reference got wrong "
        "(+) and the reverse (-), and the exact McNemar p-value; each question's outcome "
        "is in choices.jsonl.",
        "",
        *table(["model", "questions", "acc", "acc_norm", "acc change", "acc_norm change"], body),
    ]


# what acc_norm divided by before report.json recorded its definition
OLD_ACC_NORM = "log-likelihood divided by the whole completion's length in characters"


def change(paired: PairedChange | None) -> str:
    """A paired change as a cell: ``+0.020 ± 0.010 (+5/-1, p 0.22)``."""
    if paired is None:
        return "–"
    return (
        f"{paired.difference:+.3f} ± {fmt(paired.se)} "
        f"(+{paired.better}/-{paired.worse}, p {paired.mcnemar_p:.3g})"
    )


def plot_suffix(run_dir: Path, report: TrainResult) -> Path | None:
    """suffix.png: Δ after-edit log-prob against tokens after the edit, one panel per loss."""
    losses = [n for n, r in report.losses.items() if r.suffix]
    if not losses:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(
        1, len(losses), figsize=(4 * len(losses), 3.2), squeeze=False, sharey=True
    )
    runs = report.runs()
    for ax, name in zip(axes[0], losses, strict=True):
        xs: list[float] = []
        for run in runs:
            suffix = run.losses[name].suffix
            points = suffix.points if suffix is not None else []
            xs += [p[0] for p in points]
            label = f"seed {run.seed}" if len(runs) > 1 else None
            ax.scatter([p[0] for p in points], [p[1] for p in points], s=10, alpha=0.6, label=label)
        ax.axhline(0, color="black", linestyle="--", linewidth=1)
        ax.set_xscale("symlog")  # linear near 0: a pair can have no token after the edit
        if xs and min(xs) >= 1:
            ax.set_xlim(left=0.8 * min(xs))  # no empty decade before the shortest suffix
        ax.set_title(name)
        ax.set_xlabel("chosen tokens after the edit")
    axes[0][0].set_ylabel("Δ after-edit log-prob per token")
    if len(runs) > 1:
        axes[0][0].legend(fontsize="small")
    fig.tight_layout()
    path = run_dir / "suffix.png"
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


__all__ = ["choice_lines", "plot_suffix", "suffix_lines"]
