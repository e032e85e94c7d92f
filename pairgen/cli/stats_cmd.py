"""``pairgen stats``: summary tables of a build in the terminal, plus PNG plots."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from pairgen.cli.console import console
from pairgen.errors import PairgenError
from pairgen.query.catalog import (
    OUTPUT_FORMATS,
    SUMMARY_SQL,
    open_catalog,
    run_query,
    to_csv,
    to_json,
)
from pairgen.query.plots import write_plots

REJECTS_SQL = (
    "SELECT source, config, split, reason, count(*) AS rows FROM rejects GROUP BY ALL ORDER BY ALL"
)


def stats_command(
    out: Annotated[Path, typer.Argument(help="A pairgen build output directory.")],
    plots: Annotated[
        Path | None, typer.Option(help="Where to write the PNGs (default OUT/plots).")
    ] = None,
    no_plots: Annotated[bool, typer.Option("--no-plots", help="Only the tables.")] = False,
    output_format: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
) -> None:
    """Per source/config/split summary (pairs, rejects, edit distance, shared suffix) and plots."""
    if output_format not in OUTPUT_FORMATS:
        raise PairgenError(
            f"unknown --format {output_format!r}; use one of {', '.join(OUTPUT_FORMATS)}"
        )
    con = open_catalog(out)
    try:
        summary = run_query(con, SUMMARY_SQL)
        reasons = run_query(con, REJECTS_SQL)
        written = (
            [] if no_plots else write_plots(con, plots if plots is not None else out / "plots")
        )
    finally:
        con.close()
    if output_format == "csv":
        sys.stdout.write(to_csv(summary))
        return
    if output_format == "json":
        sys.stdout.write(to_json(summary))
        return
    print_summary(summary.to_pylist(), reasons.to_pylist())
    for path in written:
        console.print(f"wrote {path}", highlight=False)


def _fmt(value: Any, digits: int = 4) -> str:
    if value is None:
        return "-"
    return f"{value:,}" if isinstance(value, int) else f"{value:.{digits}f}"


def print_summary(rows: list[dict[str, Any]], reasons: list[dict[str, Any]]) -> None:
    table = Table(title="pairs per source/config/split", title_justify="left")
    headers = {
        "source": "source",
        "config": "config",
        "split": "split",
        "pairs": "pairs",
        "rows_paired": "rows paired",
        "rejects": "rejects",
        "ned_mean": "NED mean",
        "ned_median": "NED median",
        "ned_p90": "NED p90",
        "chars_after_diff_mean": "chars after diff",
        "tokens_after_diff_mean": "tokens after diff",
        "tokens_after_diff_median": "tokens after diff p50",
    }
    for key, header in headers.items():
        table.add_column(
            header, justify="left" if key in ("source", "config", "split") else "right"
        )
    for row in rows:
        digits = {
            "chars_after_diff_mean": 1,
            "tokens_after_diff_mean": 1,
            "tokens_after_diff_median": 1,
        }
        table.add_row(
            *(
                row[k] if isinstance(row[k], str) else _fmt(row[k], digits.get(k, 4))
                for k in headers
            )
        )
    console.print(table)
    if reasons:
        by_reason = Table(title="rejects by reason", title_justify="left")
        for name in ("source", "config", "split", "reason", "rows"):
            by_reason.add_column(name, justify="right" if name == "rows" else "left")
        for row in reasons:
            by_reason.add_row(
                row["source"], row["config"], row["split"], row["reason"], f"{row['rows']:,}"
            )
        console.print(by_reason)


def register(app: typer.Typer) -> None:
    app.command("stats")(stats_command)
