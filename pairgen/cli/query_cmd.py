"""``pairgen query``: SQL over a build's shards (views ``pairs`` and ``rejects``)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from pairgen.cli.choices import format_option
from pairgen.cli.console import cell, say, show
from pairgen.cli.conventions import json_option, number, plural, quiet_option
from pairgen.errors import PairgenError
from pairgen.query.sql_files import QUERY_FILE_MAX_BYTES, ready_queries

if TYPE_CHECKING:
    import pyarrow as pa

CELL_CHARS = 80


@click.command()
@click.argument("target")
@click.argument("sql", required=False)
@click.option(
    "--file",
    "-f",
    type=click.Path(path_type=Path),
    help=f"Read the SQL from a file (at most {QUERY_FILE_MAX_BYTES // 1024} KiB), "
    f"or name a ready query: {', '.join(ready_queries())}.",
)
@format_option("the rows are")
@json_option("The rows (an array of objects)")
@quiet_option("no row-count line under the table")
@click.option(
    "--db", type=click.Path(path_type=Path), help="Also keep a DuckDB catalog file with the views."
)
@click.option(
    "--max-rows", type=click.IntRange(min=0), default=50, show_default=True, help="Rows of a table."
)
@click.option(
    "--unrestricted",
    is_flag=True,
    help="DuckDB's full powers: other files, COPY TO, ATTACH, INSTALL/LOAD, network.",
)
def query_command(
    target: str,
    sql: str | None,
    file: Path | None,
    output_format: str,
    db: Path | None,
    max_rows: int,
    unrestricted: bool,
    as_json: bool,
    quiet: bool,
) -> None:
    """TARGET is a build output directory or hf://datasets/ORG/NAME; SQL runs over the views
    `pairs` and `rejects`.  The shards are only read, never modified, and DuckDB may read
    them and nothing else unless --unrestricted is given."""
    from pairgen.query.catalog import open_catalog, run_query, to_csv, to_json
    from pairgen.query.sql_files import read_sql_file

    if (sql is None) == (file is None):
        raise PairgenError("give the SQL as an argument or with --file (one of the two)")
    text = sql if sql is not None else read_sql_file(file)  # type: ignore[arg-type]
    con = open_catalog(target, db=db, unrestricted=unrestricted)
    try:
        result = run_query(con, text)
    finally:
        con.close()
    if as_json:
        sys.stdout.write(to_json(result))
    elif output_format == "csv":
        sys.stdout.write(to_csv(result))
    else:
        print_table(result, max_rows, quiet)


def _cell(value: Any) -> str:
    if value is None:
        return "NULL"
    text = number(value) if isinstance(value, float) else str(value)
    text = text.replace("\n", "⏎")
    return text if len(text) <= CELL_CHARS else text[: CELL_CHARS - 1] + "…"


def print_table(result: pa.Table, max_rows: int, quiet: bool = False) -> None:
    """Rows as a terminal table: long cells cut, newlines shown as ⏎, text never markup."""
    import pyarrow as pa
    from rich.table import Table

    from pairgen.query.catalog import rows_by_position

    table = Table(show_lines=False)
    for field in result.schema:
        numeric = pa.types.is_integer(field.type) or pa.types.is_floating(field.type)
        table.add_column(
            cell(field.name),
            justify="right" if numeric else "left",
            overflow="ellipsis",
            min_width=min(len(field.name), 8),
        )
    for row in rows_by_position(result.slice(0, max_rows)):
        table.add_row(*(cell(_cell(v)) for v in row))
    show(table)
    hidden = result.num_rows - max_rows
    if quiet:
        return
    suffix = (
        f" ({hidden:,} not shown; use --format csv, --json or --max-rows)" if hidden > 0 else ""
    )
    say(f"{plural(result.num_rows, 'row')}{suffix}")


__all__ = ["query_command"]
