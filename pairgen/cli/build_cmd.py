"""``pairgen build``: make pairs from a source (flags) or from a pipeline file."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from pairgen.build import build
from pairgen.cli.console import console
from pairgen.config.pipeline import load_pipeline
from pairgen.config.spec import DEFAULT_SEED, BuildSpec, SourceSpec
from pairgen.errors import PairgenError
from pairgen.query.summary import SplitSummary, summarize
from pairgen.strategies import StrategyOptions


def parse_data_files(values: list[str]) -> dict[str, list[str]]:
    """``SPLIT=PATH`` pairs (repeatable, several paths per split allowed)."""
    data_files: dict[str, list[str]] = {}
    for value in values:
        split, sep, path = value.partition("=")
        if not sep or not split or not path:
            raise PairgenError(f"--data-files expects SPLIT=PATH, got {value!r}")
        data_files.setdefault(split, []).append(path)
    return data_files


def build_command(
    pipeline: Annotated[
        Path | None, typer.Argument(help="A pipeline YAML file (instead of --source).")
    ] = None,
    source: Annotated[str | None, typer.Option(help="gsm8k, metamath, arc or hellaswag.")] = None,
    config: Annotated[str | None, typer.Option(help="Source config (e.g. ARC-Challenge).")] = None,
    backend: Annotated[
        str | None, typer.Option("--from", help="hub, files or sample (default sample).")
    ] = None,
    data_files: Annotated[
        list[str] | None, typer.Option("--data-files", help="SPLIT=PATH, repeatable.")
    ] = None,
    revision: Annotated[
        str | None, typer.Option(help="Hub revision (branch, tag or commit).")
    ] = None,
    hub_repo: Annotated[
        str | None,
        typer.Option(help="--from hub: another repo id, or a local mirror directory."),
    ] = None,
    split: Annotated[
        list[str] | None, typer.Option("--split", help="Only these splits (repeatable).")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Output directory.")] = None,
    seed: Annotated[int | None, typer.Option(help=f"Global seed (default {DEFAULT_SEED}).")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes (default 1).")] = None,
    executor: Annotated[str | None, typer.Option(help="process or ray.")] = None,
    tokenizer: Annotated[
        str | None, typer.Option(help="Tokenizer name/path for token statistics.")
    ] = None,
    shots: Annotated[int | None, typer.Option(help="Few-shot exemplars in each prompt.")] = None,
    output_format: Annotated[
        str | None, typer.Option("--format", help="standard or conversational.")
    ] = None,
    strip_annotations: Annotated[
        bool | None,
        typer.Option("--strip-annotations", help="GSM8K: drop <<a*b=c>> annotations."),
    ] = None,
    choice_template: Annotated[
        str | None, typer.Option(help="Choice completions: letter (default) or sentence.")
    ] = None,
    clean_markup: Annotated[
        bool | None,
        typer.Option(
            "--clean-markup/--no-clean-markup",
            help="HellaSwag: strip WikiHow header/step markup (default on).",
        ),
    ] = None,
) -> None:
    """Build minimal pairs and write Hub-layout Parquet shards, rejects and a manifest."""
    overrides = {
        "out": out,
        "seed": seed,
        "workers": workers,
        "executor": executor,
        "tokenizer": tokenizer,
        "shots": shots,
        "format": output_format,
    }
    option_flags = {
        "strip_annotations": strip_annotations,
        "choice_template": choice_template,
        "clean_markup": clean_markup,
    }
    given_options: dict[str, Any] = {k: v for k, v in option_flags.items() if v is not None}
    if pipeline is not None:
        source_flags = {
            "--source": source,
            "--config": config,
            "--from": backend,
            "--data-files": data_files,
            "--revision": revision,
            "--hub-repo": hub_repo,
            "--split": split,
        }
        given = [flag for flag, value in source_flags.items() if value]
        if given:
            raise PairgenError(
                f"{', '.join(given)} cannot be combined with a pipeline file: "
                "set it on the sources in the file"
            )
        spec = load_pipeline(pipeline, overrides)
        spec = replace(spec, options=replace(spec.options, **given_options))
    else:
        if source is None:
            raise PairgenError("give a pipeline file or --source")
        if out is None:
            raise PairgenError("--out is required")
        source_spec = SourceSpec(
            source=source,
            config=config,
            backend=backend or "sample",
            data_files=parse_data_files(data_files or []),
            revision=revision,
            splits=tuple(split) if split else None,
            hub_repo=hub_repo,
        )
        options = replace(StrategyOptions(), **given_options)
        settings = {k: v for k, v in overrides.items() if v is not None and k != "out"}
        spec = BuildSpec(out=out, sources=(source_spec,), options=options, **settings)  # type: ignore[arg-type]
    started = time.perf_counter()
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("rows"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        tasks: dict[str, TaskID] = {}

        def advance(key: str, rows: int) -> None:
            if key not in tasks:
                tasks[key] = progress.add_task(key, total=None)
            progress.advance(tasks[key], rows)

        result = build(spec, progress=advance)
    elapsed = time.perf_counter() - started
    print_summary(summarize(spec.out, result.manifest), elapsed, spec.out)


def print_summary(summaries: list[SplitSummary], elapsed: float, out: Path) -> None:
    table = Table(title=f"pairgen build -> {out}", title_justify="left")
    headers = ("config", "split", "rows", "pairs", "rejects", "NED mean", "NED med", "tok after")
    for name in headers:
        text_column = name in ("config", "split")
        table.add_column(name, justify="left" if text_column else "right", no_wrap=text_column)
    for s in summaries:
        table.add_row(
            s.config,
            s.split,
            f"{s.rows_in:,}",
            f"{s.pairs:,}",
            f"{s.rows_rejected:,}",
            _fmt(s.mean_ned),
            _fmt(s.median_ned),
            _fmt(s.mean_tokens_after_diff, 1),
        )
    console.print(table)
    reasons = Table(title="rejects by reason", title_justify="left")
    for name in ("config", "split", "reason", "rows"):
        reasons.add_column(name, justify="right" if name == "rows" else "left")
    for s in summaries:
        for reason, count in s.rejects_by_reason.items():
            reasons.add_row(s.config, s.split, reason, f"{count:,}")
    if reasons.row_count:
        console.print(reasons)
    total = sum(s.pairs for s in summaries)
    console.print(f"{total:,} pairs in {elapsed:.1f} s ({total / max(elapsed, 1e-9):,.0f} pairs/s)")


def _fmt(value: float | None, digits: int = 4) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def register(app: typer.Typer) -> None:
    app.command("build")(build_command)
