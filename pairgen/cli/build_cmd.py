"""``pairgen build``: parse the flags, run :func:`pairgen.pipeline.build`, print the summary.

How flags combine with each other and with a pipeline file is decided in
:mod:`pairgen.config.merge`, never here; the strategy options' flags, types and
defaults come from each registered strategy's ``Options``
(:func:`pairgen.strategies.option_fields`, plugins' included).
"""

from __future__ import annotations

import json
import sys
import time
from contextlib import redirect_stdout
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from pairgen.cli.choices import Choices, fixed
from pairgen.cli.console import cell, say, show
from pairgen.cli.conventions import json_option, number, plural, quiet_option
from pairgen.cli.fields import default_text, given, strategy_options
from pairgen.cli.progress import RowProgress
from pairgen.config.merge import BuildFlags, available_cpus, build_spec
from pairgen.config.spec import (
    DEFAULT_MAX_REJECT_SHARE,
    EXECUTORS,
    FORMATS,
    BuildSpec,
    output_folder,
)
from pairgen.strategies import option_fields


def _default(setting: str) -> str:
    """A BuildSpec setting's default, for the help text."""
    return f"(default: {default_text(BuildSpec.__dataclass_fields__[setting])})"


def _source_names() -> list[str]:
    from pairgen.sources import source_names

    return source_names()


def _backends() -> tuple[str, ...]:
    from pairgen.sources import BACKENDS

    return BACKENDS


def _strategy_names() -> list[str]:
    from pairgen.strategies import strategy_names

    return strategy_names()


EPILOG = """\b
Examples:
  pairgen build --source gsm8k --out out/gsm8k                 # bundled samples
  pairgen build --source metamath --data-files train=mm.jsonl --out out/mm
  pairgen build --source hellaswag --revision main --split validation --out out/hs
  pairgen build pipeline.yaml --workers 4 --json > summary.json
  pairgen build --source math --data-files train=mine.jsonl --column prompt=question \\
      --column solution=answer --license cc-by-4.0 --out out/mine
"""


@click.command(epilog=EPILOG)
@click.argument("pipeline", required=False, type=click.Path(path_type=Path))
@click.option("--source", type=Choices("source", _source_names), help="The dataset to pair.")
@click.option("--config", help="Source config, e.g. ARC-Challenge (default: the source's own).")
@click.option(
    "--from",
    "backend",
    type=Choices("backend", _backends),
    help="Where rows come from (default: sample, or what --data-files / --hub-repo imply).",
)
@click.option(
    "--data-files",
    multiple=True,
    metavar="SPLIT=PATTERN",
    help="A split's local rows in the Hub's schema: a file, a glob ('data/train-*.parquet', "
    "'**' crosses folders) or a folder (repeatable); implies --from files.",
)
@click.option(
    "--hub-repo",
    metavar="REPO|DIR",
    help="Another Hub dataset id, or a local mirror directory; implies --from hub.",
)
@click.option("--revision", help="Hub branch, tag or commit; implies --from hub.")
@click.option("--split", "splits", multiple=True, help="Only this split (repeatable).")
@click.option(
    "--strategy",
    type=Choices("strategy", _strategy_names),
    help="How pairs are made (default: the source's own, e.g. math for --source math).",
)
@click.option(
    "--column",
    "columns",
    multiple=True,
    metavar="ROLE=COLUMN",
    help="Generic sources and presets: which column fills a role (repeatable), e.g. "
    "prompt=problem, solution=solution; choices=sol1,sol2 for several columns.",
)
@click.option(
    "--template",
    help="Prompt template over the row's fields, str.format style: "
    "'Problem ({type}):\\n{question}\\nSolution:\\n'; {choices} lists labelled choices.",
)
@click.option(
    "--keep-column",
    "keep_columns",
    multiple=True,
    metavar="COLUMN",
    help="Copy this column of the rows into every pair row (repeatable), e.g. subject.",
)
@click.option(
    "--answer-kind",
    type=click.Choice(["label", "index", "text"]),
    help="Multiple choice: the answer column holds labels (B), indices or choice texts "
    "(default: decided from the data; an error when it cannot be).",
)
@click.option(
    "--answer-base",
    type=click.Choice(["0", "1"]),
    help="Multiple choice: indices in the answer column count from 0 or from 1 "
    "(default: decided from the data, e.g. an answer 0 or n of n choices).",
)
@click.option("--dataset-name", help="The dataset's name on the card.")
@click.option("--hub-id", help="The dataset's Hub id, for the card (and --from hub).")
@click.option("--license", "license_id", help="The dataset's license id, e.g. mit, cc-by-4.0.")
@click.option(
    "--citation-file",
    type=click.Path(path_type=Path),
    help="A file holding the dataset's BibTeX citation, for the card.",
)
@click.option(
    "--out",
    callback=lambda _ctx, _param, value: None if value is None else output_folder(value),
    help="Output directory.",
)
@click.option("--seed", type=int, help=f"Global seed {_default('seed')}.")
@click.option(
    "--workers",
    type=int,
    help=f"Worker processes; the output does not depend on it "
    f"(default: the CPUs this process may use, here {available_cpus()}).",
)
@click.option(
    "--executor",
    type=fixed("executor", EXECUTORS),
    help="A local process pool, or Ray (pip install 'pairgen[ray]').",
)
@click.option("--tokenizer", help="Tokenizer name or path, for token-level statistics.")
@click.option("--shots", type=int, help=f"Few-shot exemplars in each prompt {_default('shots')}.")
@click.option(
    "--format",
    "output_format",
    type=fixed("format", FORMATS),
    help="Text columns as strings (standard) or TRL message lists (conversational).",
)
@click.option(
    "--max-field-chars",
    type=int,
    help="Rows with a longer text field (list fields: all their texts) are rejected as "
    f"too_long; bounds the cost of pathological rows {_default('max_field_chars')}.",
)
@click.option(
    "--resume/--no-resume",
    default=None,
    help=f"Reuse the splits a killed run of this same build completed {_default('resume')}.",
)
@click.option(
    "--allow-rejects",
    is_flag=True,
    default=None,
    help="Build a split even when no row pairs or one reject reason takes over "
    f"{DEFAULT_MAX_REJECT_SHARE:.0%} of its rows (refused otherwise); the manifest records it.",
)
@strategy_options(option_fields().values())
@json_option("The summary (per-split figures and rejects by reason)")
@quiet_option("no progress bar and no summary")
def build_command(
    pipeline: Path | None,
    source: str | None,
    config: str | None,
    backend: str | None,
    data_files: tuple[str, ...],
    hub_repo: str | None,
    revision: str | None,
    splits: tuple[str, ...],
    strategy: str | None,
    columns: tuple[str, ...],
    template: str | None,
    keep_columns: tuple[str, ...],
    answer_kind: str | None,
    answer_base: str | None,
    dataset_name: str | None,
    hub_id: str | None,
    license_id: str | None,
    citation_file: Path | None,
    out: Path | None,
    seed: int | None,
    workers: int | None,
    executor: str | None,
    tokenizer: str | None,
    shots: int | None,
    output_format: str | None,
    max_field_chars: int | None,
    resume: bool | None,
    allow_rejects: bool | None,
    as_json: bool,
    quiet: bool,
    **options: Any,
) -> None:
    """Pairs come from one source (--source and its flags) or from the sources a pipeline
    YAML file lists; run flags (--out, --seed, --workers, ...) override the file's."""
    from pairgen.pipeline import build
    from pairgen.query.summary import summarize

    spec = build_spec(
        BuildFlags(
            pipeline=pipeline,
            source=source,
            config=config,
            backend=backend,
            data_files=data_files,
            revision=revision,
            hub_repo=hub_repo,
            splits=splits,
            strategy=strategy,
            columns=columns,
            template=template,
            keep_columns=keep_columns,
            answer_kind=answer_kind,
            answer_base=None if answer_base is None else int(answer_base),
            dataset_name=dataset_name,
            hub_id=hub_id,
            license=license_id,
            citation_file=citation_file,
            out=out,
            seed=seed,
            workers=workers,
            executor=executor,
            tokenizer=tokenizer,
            shots=shots,
            format=output_format,
            max_field_chars=max_field_chars,
            resume=resume,
            allow_rejects=allow_rejects,
            options=given(options),
        )
    )
    started = time.perf_counter()
    # stray prints of libraries go to stderr: with --json, stdout holds the JSON only
    with RowProgress(enabled=not quiet) as progress, redirect_stdout(sys.stderr):
        result = build(spec, progress=progress.callback)
    elapsed = time.perf_counter() - started
    for note in result.notes:  # stderr: --json keeps stdout for the JSON
        click.echo(note, err=True)
    summaries = [asdict(s) for s in summarize(spec.out, result.manifest)]
    if as_json:
        say(json.dumps(summary_document(spec.out, summaries, elapsed, result.reused), indent=2))
    elif not quiet:
        print_summary(summaries, elapsed, spec.out)
        if result.reused:
            say(f"reused from an interrupted run: {', '.join(result.reused)}")


def summary_document(
    out: Path, splits: list[dict[str, Any]], elapsed: float, reused: tuple[str, ...]
) -> dict[str, Any]:
    """What ``--json`` prints: the output, its splits' figures, and the time taken."""
    return {
        "out": str(out),
        "pairs": sum(s["pairs"] for s in splits),
        "seconds": round(elapsed, 3),
        "reused_splits": list(reused),
        "splits": splits,
    }


def print_summary(summaries: list[dict[str, Any]], elapsed: float, out: Path) -> None:
    from rich.table import Table

    table = Table(title=cell(f"pairgen build -> {out}"), title_justify="left")
    columns = {
        "config": "config",
        "split": "split",
        "rows_in": "rows",
        "pairs": "pairs",
        "rows_rejected": "rejects",
        "mean_ned": "NED mean",
        "median_ned": "NED med",
        "mean_tokens_after_diff": "tok after",
    }
    for key, name in columns.items():
        text_column = key in ("config", "split")
        table.add_column(name, justify="left" if text_column else "right", no_wrap=text_column)
    for s in summaries:
        table.add_row(
            cell(s["config"]),
            cell(s["split"]),
            *(f"{s[k]:,}" for k in ("rows_in", "pairs", "rows_rejected")),
            _fmt(s["mean_ned"]),
            _fmt(s["median_ned"]),
            _fmt(s["mean_tokens_after_diff"], 1),
        )
    show(table)
    reasons = Table(title="rejects by reason", title_justify="left")
    for name in ("config", "split", "reason", "rows"):
        reasons.add_column(name, justify="right" if name == "rows" else "left")
    for s in summaries:
        for reason, count in s["rejects_by_reason"].items():
            reasons.add_row(cell(s["config"]), cell(s["split"]), cell(reason), f"{count:,}")
    if reasons.row_count:
        show(reasons)
    total = sum(s["pairs"] for s in summaries)
    rate = total / max(elapsed, 1e-9)
    say(f"{plural(total, 'pair')} in {elapsed:.1f} s ({rate:,.0f} pairs/s)")


def _fmt(value: float | None, digits: int = 4) -> str:
    return "-" if value is None else number(value, digits)


__all__ = ["build_command"]
