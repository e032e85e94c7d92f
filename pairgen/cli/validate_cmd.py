"""``pairgen validate``: exit 0 only when every checksum, count and invariant holds."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from pairgen.cli.console import note, say, style
from pairgen.cli.conventions import json_option, plural, quiet_option
from pairgen.cli.progress import RowProgress

if TYPE_CHECKING:
    from pairgen.validate.report import ValidationReport


@click.command()
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--show", type=int, default=50, show_default=True, help="Violations listed in full.")
@json_option("The report (verdict, counts, every violation, notes)")
@quiet_option("no progress bar; print only violations")
@click.option(
    "--rebuild",
    is_flag=True,
    help="Also build OUT again from its recorded inputs and compare every file byte for byte.",
)
@click.option(
    "--inputs",
    "input_dirs",
    multiple=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Where the input files the manifest names are, found by name and checksum, to "
    "recheck each pair against its source row and for --rebuild (repeatable; searched in "
    "and below each; default: the current directory only, not below it).",
)
@click.option(
    "--source-rows/--no-source-rows",
    default=True,
    show_default=True,
    help="Recheck every pair against its row in the recorded inputs, read by validate's own "
    "reader (bundled samples always; files under --inputs; Hub inputs are not re-read).",
)
@click.option(
    "--tokenizer",
    metavar="PATH",
    help="The local tokenizer the build used (its folder or tokenizer.json), to recheck the "
    "token columns and --rebuild; the output records it by name and content hash only.",
)
def validate_command(
    out: Path,
    show: int,
    as_json: bool,
    quiet: bool,
    rebuild: bool,
    input_dirs: tuple[Path, ...],
    tokenizer: str | None,
    source_rows: bool,
) -> None:
    """Recomputes every statistic and checks every invariant, checksum and count of the build
    in OUT, and each pair against its row in the recorded inputs.  Exit status 1 when
    anything is wrong (all violations are counted), or when --rebuild could not rebuild a
    split (its inputs are gone or unreachable)."""
    from pairgen.validate.run import validate_output

    with RowProgress(enabled=not quiet, unit="pairs") as bar:
        report = validate_output(
            out,
            progress=_pair_counter(out, bar),
            rebuild=rebuild,
            input_dirs=input_dirs,
            tokenizer=tokenizer,
            source_rows=source_rows,
        )
    if as_json:
        say(json.dumps(report_document(report), indent=2))
    else:
        print_report(report, show, quiet)
    if not report.ok:
        raise SystemExit(1)


def _pair_counter(out: Path, bar: RowProgress) -> Any:
    """validate's per-shard callback, drawn as one bar over every pair the manifest lists."""
    if bar.callback is None:
        return None
    from pairgen.errors import PairgenError
    from pairgen.output.manifest import read_manifest

    try:
        total: int | None = read_manifest(out).total_pairs
    except PairgenError:  # validate reports a broken manifest itself
        total = None
    done = 0

    def advance(shard: str, rows: int) -> None:
        nonlocal done
        done += rows
        bar("validate", done, total)

    return advance


def report_document(report: ValidationReport) -> dict[str, Any]:
    """What ``--json`` prints: the verdict, the counts, and every violation."""
    return {
        "out": str(report.out),
        "ok": report.ok,
        "pairs_checked": report.pairs_checked,
        "shards_checked": report.shards_checked,
        "seconds": round(report.seconds, 3),
        "violations_by_check": dict(report.by_check().most_common()),
        "violations": [asdict(v) for v in report.violations],
        "rebuilt": [asdict(r) for r in report.rebuilt],
        "rebuild_seconds": round(report.rebuild_seconds, 3),
        "source_pairs_checked": report.source_pairs_checked,
        "notes": report.notes,
    }


def print_report(report: ValidationReport, show: int, quiet: bool = False) -> None:
    """One line per violation (``shard, row N: reason [check]``), greppable at any width."""
    rate = report.pairs_checked / max(report.seconds, 1e-9)
    timing = (
        f"{plural(report.pairs_checked, 'pair')} in {plural(report.shards_checked, 'shard')}, "
        f"{report.seconds:.2f} s ({rate:,.0f} pairs/s)"
    )
    for line in report.notes:  # what was not checked: said even with --quiet, on stderr
        note(f"note: {line}")
    for rebuilt in report.rebuilt:
        if rebuilt.status != "identical" or not quiet:
            say(f"rebuild: {rebuilt}")
    if report.source_pairs_checked and not quiet:
        say(
            f"source rows: {report.source_pairs_checked:,} pairs rechecked against their rows "
            "in the recorded inputs"
        )
    if report.rebuilt and not quiet:
        compared = sum(r.status != "not rebuilt" for r in report.rebuilt)
        total = plural(len(report.rebuilt), "split")
        say(f"rebuilt {compared} of {total} in {report.rebuild_seconds:.2f} s")
    if report.ok:
        if not quiet:
            say(f"{style('valid', fg='green', bold=True)}: {report.out}: {timing}")
        return
    for violation in report.violations[:show]:
        say(f"{violation} [{violation.check}]")
    if len(report.violations) > show:
        say(f"... and {len(report.violations) - show:,} more (--show N lists more)")
    counts = ", ".join(f"{check}: {count:,}" for check, count in report.by_check().most_common())
    invalid = style("invalid", fg="red", bold=True)
    say(f"{invalid}: {plural(len(report.violations), 'violation')} ({counts}); checked {timing}")


__all__ = ["validate_command"]
