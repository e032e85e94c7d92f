"""The run report: report.json, report.md (the table, the verdict and every section in
words) and the plots; and the run folder read back (``pairgen report RUN``).

The table is :mod:`~pairgen.training.analysis.table`'s, the verdict
:mod:`~pairgen.training.analysis.verdict`'s, the suffix and choice sections
:mod:`~pairgen.training.analysis.report_effects`'.  With several seeds
(``report.per_seed``) every figure is the seeds' mean and min-max range.
"""

from __future__ import annotations

import json
from pathlib import Path

from pairgen.errors import PairgenError
from pairgen.training.analysis.report_effects import choice_lines, plot_suffix, suffix_lines
from pairgen.training.analysis.report_text import fmt, table
from pairgen.training.analysis.table import COLUMNS, rows, speed
from pairgen.training.analysis.verdict import verdict
from pairgen.training.measurements import MetricRow
from pairgen.training.results import TokenizeReport, TrainResult, Verdict

SMAUG = "Smaug: Fixing Failure Modes of Preference Optimisation with DPO-Positive"
PITFALLS = "Common pitfalls of margin-based preference optimization"

SKIP_REASONS = {
    "too_long": "longer than the max length (--skip-long)",
    "edit_beyond_max_length": "their first difference lies beyond the max length",
    "identical_tokens": "chosen and rejected give the same tokens",
}


def tokenize_sentence(stats: TokenizeReport, max_length: int | None) -> str:
    """What tokenization did to the pairs, in words (kept, truncated, skipped and why)."""
    text = f"{stats.read} pairs read, {stats.kept} kept"
    if stats.truncated:
        text += f", {stats.truncated} of them truncated to {max_length} tokens"
    skipped = {k: v for k, v in stats.skipped.items() if v}
    if skipped:
        reasons = "; ".join(f"{n} because {SKIP_REASONS.get(k, k)}" for k, n in skipped.items())
        text += f"; {sum(skipped.values())} skipped ({reasons})"
    return text


def tokenize_warning(report: TrainResult) -> str | None:
    """The console warning for skipped or truncated pairs, with counts; None if none."""
    stats = report.data.tokenize
    if not stats.truncated and not any(stats.skipped.values()):
        return None
    return (
        f"warning: {tokenize_sentence(stats, max_length(report)[0])}. "
        "Raise --max-length to keep them whole."
    )


def markdown(report: TrainResult) -> str:
    """report.md: the table, the verdict, the data and the settings, in words."""
    cfg, data = report.config, report.data
    first = next(iter(report.losses.values()), None)
    runs = report.runs()
    seeds = ", ".join(str(r.seed) for r in runs)
    lines = [
        f"# pairgen train report: {report.model.name}",
        "",
        f"Pairs from `{cfg.out_dir}`: "
        f"{tokenize_sentence(data.tokenize, max_length(report)[0])}. "
        f"{data.train_pairs} pairs train, {data.eval_pairs} are held out.",
        f"Each loss ran {cfg.steps} optimizer steps of {cfg.batch_size} pairs × "
        f"{cfg.grad_accum} accumulation at learning rate "
        f"{first.lr if first and first.lr is not None else '–'}, "
        f"max length {max_length(report)[0]} tokens{max_length_note(report)}, "
        f"{'seed' if len(runs) == 1 else f'{len(runs)} seeds:'} {seeds}; "
        f"{report.seconds:.0f} s in all.",
        *attention_lines(report),
        "",
        "Mean per-token log-prob of the chosen completion before, at and after the first "
        f"differing token, on the held-out pairs, as in {SMAUG} (on MetaMath: DPO -1.82, "
        "DPOP -0.26, reference -0.37 after the edit). Rewards are log π - log π_ref "
        "summed over the completion, without β, so every loss compares.",
    ]
    if len(runs) > 1:
        lines.append("Each cell: the mean over seeds [min, max].")
    lines += [
        "",
        *table(
            ["model", *(t for _, t in COLUMNS)],
            [[name, *(fmt(cell) for cell in cells)] for name, cells in rows(report)],
        ),
    ]
    lines += ["", "## Verdict", "", *verdict_lines(report.verdict or verdict(report), len(runs))]
    lines += cost_lines(report)
    lines += suffix_lines(report) + choice_lines(report)
    lines += cosine_lines(report)
    lines += ["", "## Losses", "", *loss_table(report)]
    lines += [
        "",
        "Plots: `logprobs.png` (held-out log-probs of chosen and rejected against step, "
        "the reference as a dashed line), `after_edit.png` (the after-edit log-prob against "
        "step), `regions.png` (before/at/after per loss), `suffix.png` (the after-edit change "
        "against the number of tokens after the edit).",
        "",
    ]
    return "\n".join(lines)


def attention_lines(report: TrainResult) -> list[str]:
    """The attention implementation the run used and why (none in an older report.json)."""
    if report.attention is None:
        return []
    return [f"Attention: {report.attention.sentence()}."]


def max_length(report: TrainResult) -> tuple[int | None, str | None]:
    """The max length the run used (chosen from the data when not set) and how, in words."""
    chosen = report.max_length
    if chosen is None:  # a report.json from before the max length was recorded
        return report.config.max_length, None
    return chosen.tokens, chosen.how


def max_length_note(report: TrainResult) -> str:
    how = max_length(report)[1]
    return f" ({how})" if how else ""


def verdict_lines(v: Verdict, seeds: int) -> list[str]:
    if v.validated is None:
        return [f"Not evaluated: {v.reason}."]
    word = "**validated**" if v.validated else "**not validated**"
    scope = "" if seeds == 1 else f" in every one of the {seeds} seeds"
    lines = [
        f"Pairs {word}: the ordering DPO < reference <= DPOP after the edit must hold{scope}, "
        f"DPOP allowed {v.tolerance} nats per token below the reference. {v.ordering}.",
        "",
    ]
    lines += [f"- {name}: {'yes' if ok else 'no'}" for name, ok in v.checks.items()]
    if v.seeds_failing and seeds > 1:
        lines.append(f"- seeds where it fails: {', '.join(map(str, v.seeds_failing))}")
    return lines


def cosine_lines(report: TrainResult) -> list[str]:
    cosine = [
        (n, r.grad_cosine_start, r.grad_cosine_end)
        for n, r in report.losses.items()
        if r.grad_cosine_start and r.grad_cosine_end
    ]
    if not cosine:
        return []

    def cases(counts: dict[str, int]) -> str:
        return ", ".join(f"{case} {n}" for case, n in sorted(counts.items())) or "–"

    body = [
        [name, fmt(s.mean_cosine), cases(s.cases), fmt(e.mean_cosine), cases(e.cases)]
        for name, s, e in cosine
    ]
    return [
        "",
        "## Gradient cosine",
        "",
        f"cos(∇log π(chosen), ∇log π(rejected)) on held-out pairs, and how many pairs fall in "
        f"each case of the first-order analysis in {PITFALLS} (which of the two log-probs "
        "rises or falls), at the start and at the end of training.",
        "",
        *table(
            [
                "loss",
                "cosine at start",
                "pairs per case at start",
                "cosine at end",
                "pairs per case at end",
            ],
            body,
        ),
    ]


def loss_table(report: TrainResult) -> list[str]:
    """Each loss's hyper-parameters and speed, one row per loss; over several seeds the
    speed is each seed's run's mean [min, max], like every other figure."""
    losses = report.losses
    runs = report.runs()
    keys = list(
        dict.fromkeys(k for r in losses.values() for k, v in r.hyper.items() if v is not None)
    )
    body = [
        [
            name,
            *(fmt(r.hyper.get(k)) for k in keys),
            *(
                speed([getattr(run.losses[name], key) for run in runs], d)
                for key, d in SPEED.items()
            ),
        ]
        for name, r in losses.items()
    ]
    return table(["loss", *keys, "seconds", "pairs/s"], body)


SPEED = {"seconds": 1, "pairs_per_second": 2}  # a loss's speed figures -> decimals shown


def cost_lines(report: TrainResult) -> list[str]:
    """What the run forwarded besides its steps, in words (docs/training-cost.md)."""
    cost = report.cost
    if cost is None:
        return []
    reused = (
        f", {cost.reference_pairs_reused} reused from an earlier seed"
        if cost.reference_pairs_reused
        else ""
    )
    curve = (
        f"; the curves between the first and the last step use the first "
        f"{cost.curve_pairs} held-out pairs"
        if cost.curve_pairs < report.data.eval_pairs
        else ""
    )
    return [
        "",
        "## Cost",
        "",
        f"The steps used {cost.trained_pairs} of the {report.data.train_pairs} training pairs; "
        f"reference log-probs were computed for {cost.reference_pairs_computed} pairs"
        f"{reused}{curve}. Padded slots in the training batches: "
        f"{cost.padded_slots_per_token:.1%} of the real tokens.",
    ]


def write_outputs(run_dir: Path, report: TrainResult) -> None:
    """Add the verdict and write report.json, report.md and the plots."""
    from pairgen.training.analysis.plots import write_plots

    report.verdict = verdict(report)
    (run_dir / "report.json").write_text(report.to_json() + "\n")
    (run_dir / "report.md").write_text(markdown(report))
    write_plots(run_dir, report, read_metrics(run_dir))
    plot_suffix(run_dir, report)


def read_report(run_dir: Path) -> TrainResult:
    path = run_dir / "report.json"
    if not path.is_file():
        raise PairgenError(
            "no report.json here; is this a `pairgen train --run-dir`?", file=str(run_dir)
        )
    try:
        stored = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise PairgenError(f"unreadable report.json: {exc}", file=str(path)) from exc
    if not isinstance(stored, dict) or "losses" not in stored or "reference" not in stored:
        raise PairgenError("report.json lacks 'losses'/'reference'", file=str(path))
    try:
        return TrainResult.from_dict(stored)
    except (KeyError, TypeError, ValueError) as exc:
        raise PairgenError(f"unreadable report.json: {exc}", file=str(path)) from exc


def read_metrics(run_dir: Path) -> list[MetricRow]:
    """The rows of the run's metrics.jsonl (none if it has none)."""
    path = run_dir / "metrics.jsonl"
    if not path.is_file():
        return []
    lines = path.read_text().splitlines()
    return [MetricRow.from_dict(json.loads(line)) for line in lines if line.strip()]


__all__ = [
    "markdown",
    "read_metrics",
    "read_report",
    "tokenize_warning",
    "write_outputs",
]
