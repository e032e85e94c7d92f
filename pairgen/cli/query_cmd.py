"""``pairgen query``: SQL over a build's shards (views ``pairs`` and ``rejects``)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import pyarrow as pa
import typer
from rich.table import Table

from pairgen.cli.console import console
from pairgen.errors import PairgenError
from pairgen.query.catalog import (
    OUTPUT_FORMATS,
    open_catalog,
    read_sql_file,
    rows_by_position,
    run_query,
    to_csv,
    to_json,
)

CELL_CHARS = 80


def query_command(
    target: Annotated[
        str, typer.Argument(help="Build output directory or hf://datasets/ORG/NAME.")
    ],
    sql: Annotated[
        str | None, typer.Argument(help="SQL over the views `pairs` and `rejects`.")
    ] = None,
    file: Annotated[
        Path | None, typer.Option("--file", "-f", help="Read the SQL from a file.")
    ] = None,
    output_format: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
    db: Annotated[
        Path | None, typer.Option(help="Also keep a DuckDB catalog file with the views.")
    ] = None,
    max_rows: Annotated[int, typer.Option(help="Rows shown by --format table.")] = 50,
) -> None:
    """Query the shards with DuckDB; the shards are only read, never modified."""
    if (sql is None) == (file is None):
        raise PairgenError("give the SQL as an argument or with --file (one of the two)")
    if output_format not in OUTPUT_FORMATS:
        raise PairgenError(
            f"unknown --format {output_format!r}; use one of {', '.join(OUTPUT_FORMATS)}"
        )
    text = sql if sql is not None else read_sql_file(file)  # type: ignore[arg-type]
    con = open_catalog(target, db=db)
    try:
        result = run_query(con, text)
    finally:
        con.close()
    if output_format == "csv":
        sys.stdout.write(to_csv(result))
    elif output_format == "json":
        sys.stdout.write(to_json(result))
    else:
        print_table(result, max_rows)


def _cell(value: Any) -> str:
    if value is None:
        return "NULL"
    text = f"{value:.4f}" if isinstance(value, float) else str(value)
    text = text.replace("\n", "⏎")
    return text if len(text) <= CELL_CHARS else text[: CELL_CHARS - 1] + "…"


def print_table(result: pa.Table, max_rows: int) -> None:
    """Rows as a terminal table: long cells cut, newlines shown as ⏎."""
    table = Table(show_lines=False)
    for field in result.schema:
        numeric = pa.types.is_integer(field.type) or pa.types.is_floating(field.type)
        table.add_column(
            field.name,
            justify="right" if numeric else "left",
            overflow="ellipsis",
            min_width=min(len(field.name), 8),
        )
    for row in rows_by_position(result.slice(0, max_rows)):
        table.add_row(*(_cell(v) for v in row))
    console.print(table)
    hidden = result.num_rows - max_rows
    suffix = f" ({hidden:,} not shown; use --format csv or --max-rows)" if hidden > 0 else ""
    console.print(f"{result.num_rows:,} rows{suffix}")


def register(app: typer.Typer) -> None:
    app.command("query")(query_command)
