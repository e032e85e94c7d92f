"""``pairgen train`` and ``pairgen report``: validate pairs with a short DPO vs DPOP run.

Every option of ``pairgen train`` is a field of :class:`~pairgen.training.config.TrainConfig`
(a torch-free module): its type, default and checks are read from there when this
command is built; this module adds only each option's name and help text
(:data:`TRAIN_FLAGS`).  torch is imported when the command runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from pairgen.cli.choices import fixed
from pairgen.cli.console import cell, say, show
from pairgen.cli.conventions import json_option, quiet_option
from pairgen.cli.fields import Flag, field_options, given
from pairgen.training.config import (
    ATTENTIONS,
    DEFAULT_LR,
    DEFAULT_SFT_STEPS,
    DEFAULT_THREADS,
    DEVICES,
    DTYPES,
    FALLBACK_LR,
    LOSS_NAMES,
    SFT_STEPS_PER_STEP,
    TrainConfig,
)

if TYPE_CHECKING:
    from pairgen.training.results import TrainResult


def _by_model(defaults: dict[str, Any], otherwise: str) -> str:
    return "default: " + ", ".join(f"{m} {v:g}" for m, v in defaults.items()) + f", {otherwise}"


# TrainConfig field -> its option; out_dir is the positional argument.
TRAIN_FLAGS: dict[str, Flag] = {
    "run_dir": Flag("Where metrics, report and plots go.", ("--run-dir",)),
    "model": Flag("tiny, smollm2-135m, or a Hugging Face id / local path."),
    "losses": Flag(
        "A loss to train (repeatable).",
        ("--loss",),
        fixed("loss", LOSS_NAMES, case_sensitive=False),
    ),
    "steps": Flag("Optimizer steps per loss."),
    "batch_size": Flag("Pairs per micro-batch."),
    "grad_accum": Flag("Micro-batches per optimizer step."),
    "lr": Flag(f"AdamW learning rate ({_by_model(DEFAULT_LR, f'else {FALLBACK_LR:g}')})."),
    "weight_decay": Flag("AdamW weight decay."),
    "beta": Flag("β for every loss (default: each loss's own)."),
    "lam": Flag("λ: DPOP's penalty weight (default: each loss's own).", ("--lambda",)),
    "max_length": Flag(
        "Max tokens of prompt + longer completion (default: the 99th percentile of the "
        "pairs' lengths, capped by the model's positions)."
    ),
    "truncate": Flag(
        "Truncate pairs over --max-length, or skip them.", ("--truncate/--skip-long",)
    ),
    "max_pairs": Flag("Use the first N pairs only."),
    "split": Flag("Shards of this split (default: train if built, else all)."),
    "eval_fraction": Flag("Share of pairs held out."),
    "max_eval_pairs": Flag("At most this many held-out pairs (whole questions)."),
    "curve_pairs": Flag(
        "Held-out pairs measured between the first and the last step (the plots' curves); "
        "the table uses every held-out pair."
    ),
    "eval_every": Flag(
        "Held-out evaluation every N steps (default: steps // 8; 0: at the start and end)."
    ),
    "log_every": Flag("A metrics.jsonl line every N steps."),
    "sft_steps": Flag(
        f"SFT warm-up steps on chosen before the reference "
        f"({_by_model(DEFAULT_SFT_STEPS, 'else 0')}, the default at most "
        f"{SFT_STEPS_PER_STEP} x --steps)."
    ),
    "sft_lr": Flag("Learning rate of the SFT warm-up (default: --lr)."),
    "grad_cosine": Flag("Report cos(∇log π_w, ∇log π_l) and the Table 1 cases."),
    "grad_pairs": Flag("Held-out pairs the gradient cosine is measured on."),
    "tolerance": Flag("Verdict tolerance, nats per token."),
    "seed": Flag("Seed for init, split and batch order."),
    "seeds": Flag(
        "Repeat the run for seeds SEED, SEED+1, ...: the table shows mean [min, max], "
        "the verdict must hold in every seed."
    ),
    "threads": Flag(f"torch CPU threads ({_by_model(DEFAULT_THREADS, 'else torch decides')})."),
    "device": Flag(
        "Where to train (auto: CUDA, then MPS, then the CPU).", choices=fixed("device", DEVICES)
    ),
    "dtype": Flag("Autocast dtype (the weights stay float32).", choices=fixed("dtype", DTYPES)),
    "attention": Flag(
        "sdpa: the model's own attention with a dense mask; flex: FlexAttention with a "
        "block mask (CUDA only); auto: sdpa on every device for now (flex is picked on "
        "CUDA once its path has run on a GPU; ask for it with flex).",
        choices=fixed("attention", ATTENTIONS),
    ),
    "gradient_checkpointing": Flag("Recompute activations in backward to save memory."),
    "prefix_sharing": Flag(
        "Forward the prompt and the shared prefix of chosen and rejected once per pair "
        "(off: two sequences)."
    ),
    "group_by_length": Flag(
        "Batch pairs of similar length together (less padding).",
        ("--group-by-length/--no-group-by-length",),
    ),
    "forward_tokens": Flag(
        "Tokens per forward-only batch: reference and evaluation (default: what free "
        "memory allows, within a per-device limit)."
    ),
    "logit_chunk": Flag("Completion positions projected onto the vocabulary at a time."),
    "lora_r": Flag("Train LoRA adapters of this rank (needs peft: pairgen[lora])."),
    "lora_alpha": Flag("LoRA scale alpha / r (default: 2 * --lora-r)."),
    "save_model": Flag(
        "Save each trained loss's model and tokenizer to DIR/<loss>/ "
        "(with --seeds N > 1: DIR/seed-<s>/<loss>/)."
    ),
    "progress": Flag("Progress bars on stderr (-q: none).", ("--progress/--quiet", " /-q")),
}


@click.command()
@click.argument("out_dir", type=click.Path(path_type=Path))
@field_options(TrainConfig, TRAIN_FLAGS)
@json_option("The report (report.json)")
def train_command(out_dir: Path, as_json: bool, **options: Any) -> None:
    """Every loss starts from the same weights and sees the same batches; the report gives
    the chosen completion's log-prob before, at and after the first differing token.
    OUT_DIR is a pairgen build output (OUT/data/**/*.parquet)."""
    config = TrainConfig(out_dir=out_dir, **given(options))  # its checks run before torch loads
    from pairgen.training.analysis.seeds import train_seeds

    report = train_seeds(config)
    if as_json:
        say(report_json(report))
        return
    print_report(report)
    if config.progress:
        say(
            f"wrote {config.run_dir}/report.md, report.json, metrics.jsonl and the plots "
            "(logprobs, after_edit, regions, suffix)"
        )


@click.command()
@click.argument("run_dir", type=click.Path(path_type=Path))
@json_option("The report (report.json)")
@quiet_option("only the verdict line")
def report_command(run_dir: Path, as_json: bool, quiet: bool) -> None:
    """Rewrites report.md and the plots of RUN_DIR (a --run-dir of `pairgen train`)."""
    from pairgen.training.analysis.report import read_report, write_outputs

    report = read_report(run_dir)  # one clear error for a missing or foreign report.json
    write_outputs(run_dir, report)
    if as_json:
        say(report_json(report))
        return
    print_report(report, quiet)


def report_json(report: TrainResult) -> str:
    """``--json``: the record as report.json holds it (NaN written as null)."""
    return report.to_json()


def print_report(report: TrainResult, quiet: bool = False) -> None:
    from rich.table import Table

    from pairgen.training.analysis.report import tokenize_warning
    from pairgen.training.analysis.report_text import fmt
    from pairgen.training.analysis.table import COLUMNS, rows

    table = Table(title="chosen log-prob per token (held-out) and rewards")
    table.add_column("model", no_wrap=True)
    for _, title in COLUMNS:
        table.add_column(title, justify="right")
    for name, cells in rows(report):
        table.add_row(cell(name), *(fmt(value) for value in cells))
    if not quiet:
        show(table)
        if report.attention is not None:
            say(f"attention: {report.attention.sentence()}")
    warning = tokenize_warning(report)
    if warning:
        say(warning)
    verdict = report.verdict
    if verdict is None:  # the report is written (and its verdict set) before it is shown
        return
    if verdict.validated is None:
        say(f"verdict: not evaluated ({verdict.reason})")
    else:
        word = "validated" if verdict.validated else "not validated"
        say(f"verdict: pairs {word}: {verdict.ordering}")


__all__ = ["TRAIN_FLAGS", "report_command", "train_command"]
