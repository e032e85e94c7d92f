"""``pairgen train`` and ``pairgen report``: validate pairs with a short DPO vs DPOP run."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from pairgen.cli.console import console
from pairgen.errors import PairgenError

# Wide enough for the table when the output is a file or a pipe (rich assumes 80 there).


def train_command(
    out_dir: Annotated[
        Path, typer.Argument(help="A pairgen output directory (OUT/data/**/*.parquet).")
    ],
    run_dir: Annotated[Path, typer.Option("--run-dir", help="Where metrics, report and plots go.")],
    model: Annotated[
        str, typer.Option(help="tiny, smollm2-135m, or a Hugging Face id / local path.")
    ] = "tiny",
    loss: Annotated[
        list[str] | None,
        typer.Option("--loss", help="Loss to train (repeatable); default dpo and dpop."),
    ] = None,
    steps: Annotated[int, typer.Option(min=1, help="Optimizer steps per loss.")] = 50,
    batch_size: Annotated[int, typer.Option(min=1, help="Pairs per micro-batch.")] = 4,
    grad_accum: Annotated[int, typer.Option(min=1, help="Micro-batches per optimizer step.")] = 1,
    lr: Annotated[
        float | None,
        typer.Option(
            help="AdamW learning rate (default: tiny 1e-3, smollm2-135m 2e-5, else 5e-6)."
        ),
    ] = None,
    beta: Annotated[
        float | None, typer.Option(help="β for every loss (default: each loss's own).")
    ] = None,
    lam: Annotated[
        float | None,
        typer.Option("--lambda", help="λ: DPOP penalty (default 50) / chosen-term weight."),
    ] = None,
    max_length: Annotated[
        int, typer.Option(min=8, help="Max tokens of prompt + completion.")
    ] = 512,
    skip_long: Annotated[
        bool,
        typer.Option("--skip-long", help="Skip pairs over --max-length instead of truncating."),
    ] = False,
    max_pairs: Annotated[
        int | None, typer.Option(min=2, help="Use the first N pairs only.")
    ] = None,
    split: Annotated[
        str | None, typer.Option(help="Shards of this split (default: train if built, else all).")
    ] = None,
    eval_fraction: Annotated[
        float, typer.Option(min=0.0, max=0.9, help="Share of pairs held out.")
    ] = 0.25,
    eval_every: Annotated[
        int, typer.Option(min=0, help="Held-out evaluation every N steps (0: start and end).")
    ] = 0,
    sft_steps: Annotated[
        int | None,
        typer.Option(min=0, help="SFT warm-up steps on chosen before the reference (tiny: 100)."),
    ] = None,
    grad_cosine: Annotated[
        bool, typer.Option("--grad-cosine", help="cos(∇log π_w, ∇log π_l) and Table 1 cases.")
    ] = False,
    tolerance: Annotated[float, typer.Option(help="Verdict tolerance, nats per token.")] = 0.05,
    seed: Annotated[int, typer.Option(help="Seed for init, split and batch order.")] = 0,
    threads: Annotated[int | None, typer.Option(help="torch CPU threads.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
) -> None:
    """Train DPO, DPOP (and other margin losses) from one start on the pairs and compare."""
    from pairgen.train.trainer import TrainConfig, train

    report = train(
        TrainConfig(
            out_dir=out_dir,
            run_dir=run_dir,
            model=model,
            losses=list(loss) if loss else ["dpo", "dpop"],
            steps=steps,
            batch_size=batch_size,
            grad_accum=grad_accum,
            lr=lr,
            beta=beta,
            lam=lam,
            max_length=max_length,
            truncate=not skip_long,
            max_pairs=max_pairs,
            split=split,
            eval_fraction=eval_fraction,
            eval_every=eval_every,
            sft_steps=sft_steps,
            grad_cosine=grad_cosine,
            tolerance=tolerance,
            seed=seed,
            threads=threads,
            progress=not quiet,
        )
    )
    print_report(report)
    console.print(
        f"wrote {run_dir}/report.md, report.json, metrics.jsonl, logprobs.png, regions.png"
    )


def report_command(
    run_dir: Annotated[Path, typer.Argument(help="A --run-dir of `pairgen train`.")],
) -> None:
    """Print a run's table and verdict; rewrite report.md and the plots."""
    from pairgen.train.report import read_report, write_outputs

    report = read_report(run_dir)
    if "losses" not in report or "reference" not in report:
        raise PairgenError(
            "report.json lacks 'losses'/'reference'", file=str(run_dir / "report.json")
        )
    write_outputs(run_dir, report)
    print_report(report)


def print_report(report: dict[str, object]) -> None:
    from pairgen.train.report import COLUMNS, fmt, rows

    table = Table(title="chosen log-prob per token (held-out) and rewards")
    table.add_column("model", no_wrap=True)
    for _, title in COLUMNS:
        table.add_column(title, justify="right")
    for name, values in rows(report):  # type: ignore[arg-type]
        table.add_row(name, *(fmt(values.get(key)) for key, _ in COLUMNS))
    console.print(table)
    verdict = report["verdict"]
    assert isinstance(verdict, dict)
    if verdict["validated"] is None:
        console.print(f"verdict: not evaluated ({verdict['reason']})")
    else:
        word = "[green]validated[/]" if verdict["validated"] else "[red]not validated[/]"
        console.print(f"verdict: pairs {word}: {verdict['ordering']}")


def register(app: typer.Typer) -> None:
    app.command("train")(train_command)
    app.command("report")(report_command)
