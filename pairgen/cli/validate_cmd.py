"""``pairgen validate``: exit 0 only when every checksum, count and invariant holds."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pairgen.cli.console import console
from pairgen.validate.run import ValidationReport, validate_output


def validate_command(
    out: Annotated[Path, typer.Argument(help="A pairgen build output directory.")],
    show: Annotated[int, typer.Option(help="Violations listed in full (all are counted).")] = 50,
) -> None:
    """Recompute every statistic, check every invariant, checksum and count of a build."""
    report = validate_output(out)
    print_report(report, show)
    if not report.ok:
        raise SystemExit(1)  # not typer.Exit: the CLI runs typer with standalone_mode=False


def print_report(report: ValidationReport, show: int) -> None:
    """One line per violation (``shard, row N: reason [check]``), greppable at any width."""
    rate = report.pairs_checked / max(report.seconds, 1e-9)
    timing = (
        f"{report.pairs_checked:,} pairs in {report.shards_checked} shards, "
        f"{report.seconds:.2f} s ({rate:,.0f} pairs/s)"
    )
    if report.ok:
        console.print(f"[bold green]valid[/]: {report.out}: {timing}", highlight=False)
        return
    for violation in report.violations[:show]:
        console.print(f"{violation} [dim]\\[{violation.check}][/]", highlight=False, soft_wrap=True)
    if len(report.violations) > show:
        console.print(f"... and {len(report.violations) - show:,} more (--show N lists more)")
    counts = ", ".join(f"{check}: {count:,}" for check, count in report.by_check().most_common())
    console.print(
        f"[bold red]invalid[/]: {len(report.violations):,} violations ({counts}); checked {timing}",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    app.command("validate")(validate_command)
