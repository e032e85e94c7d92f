"""``pairgen build``: parse the flags, run :func:`pairgen.pipeline.build`, print the summary.

Each flag is a field of :class:`~pairgen.config.merge.BuildFlags` (its name and type) plus
its help text here (:data:`BUILD_FLAGS`); the options are made from the fields
(:func:`~pairgen.cli.fields.field_options`) and what was typed goes straight into
``BuildFlags``.  How flags combine with each other and with a pipeline file is decided
in :mod:`pairgen.config.merge`, never here; the strategy options' flags, types and
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
from pairgen.cli.fields import Flag, default_text, field_options, given, strategy_options
from pairgen.cli.progress import RowProgress
from pairgen.config.merge import BuildFlags, available_cpus, build_spec
from pairgen.config.source_settings import ANSWER_BASES, ANSWER_KINDS
from pairgen.config.spec import DEFAULT_MAX_REJECT_SHARE, EXECUTORS, FORMATS, BuildSpec
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


# BuildFlags field -> its option's help (and, where the field's type does not say it, the
# values it takes); the option's name and type come from the field (pairgen.cli.fields)
BUILD_FLAGS: dict[str, Flag] = {
    "source": Flag("The dataset to pair.", choices=Choices("source", _source_names)),
    "config": Flag("Source config, e.g. ARC-Challenge (default: the source's own)."),
    "from_": Flag(
        "Where rows come from (default: sample, or what --data-files / --hub-repo imply).",
        choices=Choices("backend", _backends),
    ),
    "data_files": Flag(
        "A split's local rows in the Hub's schema: a file, a glob ('data/train-*.parquet', "
        "'**' crosses folders) or a folder (repeatable); implies --from files.",
        metavar="SPLIT=PATTERN",
    ),
    "hub_repo": Flag(
        "Another Hub dataset id, or a local mirror directory; implies --from hub.",
        metavar="REPO|DIR",
    ),
    "revision": Flag("Hub branch, tag or commit; implies --from hub."),
    "split": Flag("Only this split (repeatable)."),
    "strategy": Flag(
        "How pairs are made (default: the source's own, e.g. math for --source math).",
        choices=Choices("strategy", _strategy_names),
    ),
    "column": Flag(
        "Generic sources and presets: which column fills a role (repeatable), e.g. "
        "prompt=problem, solution=solution; choices=sol1,sol2 for several columns.",
        metavar="ROLE=COLUMN",
    ),
    "template": Flag(
        "Prompt template over the row's fields, str.format style: "
        "'Problem ({type}):\\n{question}\\nSolution:\\n'; {choices} lists labelled choices."
    ),
    "keep_column": Flag(
        "Copy this column of the rows into every pair row (repeatable), e.g. subject.",
        metavar="COLUMN",
    ),
    "answer_kind": Flag(
        "Multiple choice: the answer column holds labels (B), indices or choice texts "
        "(default: decided from the data; an error when it cannot be).",
        choices=fixed("answer kind", ANSWER_KINDS),
    ),
    "answer_base": Flag(
        "Multiple choice: indices in the answer column count from 0 or from 1 "
        "(default: decided from the data, e.g. an answer 0 or n of n choices).",
        choices=click.IntRange(min(ANSWER_BASES), max(ANSWER_BASES)),
        metavar="[" + "|".join(map(str, ANSWER_BASES)) + "]",
    ),
    "dataset_name": Flag("The dataset's name on the card."),
    "hub_id": Flag("The dataset's Hub id, for the card (and --from hub)."),
    "license": Flag("The dataset's license id, e.g. mit, cc-by-4.0."),
    "citation_file": Flag("A file holding the dataset's BibTeX citation, for the card."),
    "out": Flag("Output directory."),
    "seed": Flag(f"Global seed {_default('seed')}."),
    "workers": Flag(
        "Worker processes; the output does not depend on it "
        f"(default: the CPUs this process may use, here {available_cpus()})."
    ),
    "executor": Flag(
        "A local process pool, or Ray (pip install 'pairgen[ray]').",
        choices=fixed("executor", EXECUTORS),
    ),
    "tokenizer": Flag("Tokenizer name or path, for token-level statistics."),
    "shots": Flag(f"Few-shot exemplars in each prompt {_default('shots')}."),
    "format": Flag(
        "Text columns as strings (standard) or TRL message lists (conversational).",
        choices=fixed("format", FORMATS),
    ),
    "max_field_chars": Flag(
        "Rows with a longer text field (list fields: all their texts) are rejected as "
        f"too_long; bounds the cost of pathological rows {_default('max_field_chars')}."
    ),
    "resume": Flag(
        f"Reuse the splits a killed run of this same build completed {_default('resume')}."
    ),
    "allow_rejects": Flag(
        "Build a split even when no row pairs or one reject reason takes over "
        f"{DEFAULT_MAX_REJECT_SHARE:.0%} of its rows (refused otherwise); the manifest "
        "records it.",
        ("--allow-rejects",),
    ),
}


@click.command(epilog=EPILOG)
@click.argument("pipeline", required=False, type=click.Path(path_type=Path))
@field_options(BuildFlags, BUILD_FLAGS)
@strategy_options(option_fields().values(), taken=BUILD_FLAGS)
@json_option("The summary (per-split figures and rejects by reason)")
@quiet_option("no progress bar and no summary")
def build_command(pipeline: Path | None, as_json: bool, quiet: bool, **values: Any) -> None:
    """Pairs come from one source (--source and its flags) or from the sources a pipeline
    YAML file lists; run flags (--out, --seed, --workers, ...) override the file's."""
    from pairgen.pipeline import build
    from pairgen.query.summary import summarize

    flags = {name: values.pop(name) for name in BUILD_FLAGS}  # the rest: strategy options
    spec = build_spec(BuildFlags(pipeline=pipeline, options=given(values), **flags))
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
