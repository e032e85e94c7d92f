"""``pairgen stats``: summary tables of a build in the terminal, plus PNG plots."""

from __future__ import annotations

import json
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import click

from pairgen.cli.choices import format_option
from pairgen.cli.console import cell, say, show
from pairgen.cli.conventions import json_option, number, quiet_option
from pairgen.output.manifest import PLOTS_DIR

REJECTS_SQL = (
    "SELECT source, config, split, reason, count(*) AS rows FROM rejects GROUP BY ALL ORDER BY ALL"
)


@click.command()
@click.argument("out", type=click.Path(path_type=Path))
@click.option(
    "--plots", type=click.Path(path_type=Path), help="Where to write the PNGs (default OUT/plots)."
)
@click.option("--no-plots", is_flag=True, help="Only the tables.")
@format_option("the summary is")
@json_option("Both tables (per split, and rejects by reason) and the plots written")
@quiet_option("no 'wrote' lines for the plots")
def stats_command(
    out: Path,
    plots: Path | None,
    no_plots: bool,
    output_format: str,
    as_json: bool,
    quiet: bool,
) -> None:
    """Per source/config/split: pairs, rejects, edit distance and shared suffix; and plots."""
    from pairgen.output.lock import output_error, output_lock
    from pairgen.output.owned import record_written
    from pairgen.query.catalog import SUMMARY_SQL, open_catalog, run_query, to_csv
    from pairgen.query.plots import write_plots

    con = open_catalog(out)  # no build there: fails before the lock creates OUT/.pairgen
    # plots in OUT are OUT's files: written under its lock, like a build's
    target = plots if plots is not None else out / PLOTS_DIR
    writes_out = not no_plots and out.resolve() in target.resolve().parents
    try:
        with output_lock(out, "stats") if writes_out else nullcontext(out):
            summary = run_query(con, SUMMARY_SQL)
            reasons = run_query(con, REJECTS_SQL)
            try:
                written = [] if no_plots else write_plots(con, target)
            except OSError as exc:  # a full disk: one line, and no partial plot is left
                raise output_error(exc, target) from exc
            if writes_out:
                record_written(out, written)  # pairgen's plots: a rebuild may replace them
    finally:
        con.close()
    if as_json:
        document = {
            "splits": summary.to_pylist(),
            "rejects": reasons.to_pylist(),
            "plots": [str(path) for path in written],
        }
        say(json.dumps(document, indent=2, default=str))
        return
    if output_format == "csv":
        sys.stdout.write(to_csv(summary))
        return
    print_summary(summary.to_pylist(), reasons.to_pylist())
    if not quiet:
        for path in written:
            say(f"wrote {path}")


def _fmt(value: Any, digits: int = 4) -> str:
    if value is None:
        return "-"
    return f"{value:,}" if isinstance(value, int) else number(value, digits)


HEADERS = {
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
ONE_DECIMAL = {"chars_after_diff_mean", "tokens_after_diff_mean", "tokens_after_diff_median"}


def print_summary(rows: list[dict[str, Any]], reasons: list[dict[str, Any]]) -> None:
    from rich.table import Table

    table = Table(title="pairs per source/config/split", title_justify="left")
    for key, header in HEADERS.items():
        table.add_column(
            header, justify="left" if key in ("source", "config", "split") else "right"
        )
    for row in rows:
        table.add_row(
            *(
                cell(row[k])
                if isinstance(row[k], str)
                else _fmt(row[k], 1 if k in ONE_DECIMAL else 4)
                for k in HEADERS
            )
        )
    show(table)
    if reasons:
        by_reason = Table(title="rejects by reason", title_justify="left")
        for name in ("source", "config", "split", "reason", "rows"):
            by_reason.add_column(name, justify="right" if name == "rows" else "left")
        for row in reasons:
            by_reason.add_row(
                *(cell(row[k]) for k in ("source", "config", "split", "reason")),
                f"{row['rows']:,}",
            )
        show(by_reason)


__all__ = ["stats_command"]
