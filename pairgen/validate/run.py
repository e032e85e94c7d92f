"""``pairgen validate``: prove that a build output is what its manifest says.

Three layers, each reported as :class:`~pairgen.validate.rows.Violation` (shard, row, reason):

1. the manifest: read once by :func:`~pairgen.output.manifest.read_manifest` (a manifest it
   refuses stops validate with one error line naming the field); every listed shard
   and rejects file exists, has the recorded sha256 and row count, is named the Hub
   way, and every split reconciles
   ``rows_in = rows_paired + rows_rejected``; no unlisted Parquet file hides in
   ``data/`` or ``rejects/``;
2. the files: each one opens as Parquet with the schema pairgen writes (a truncated or
   bit-flipped file is a violation naming it, never a traceback); these two layers'
   checks live in :mod:`pairgen.validate.files`, run split by split from
   :mod:`pairgen.validate.splits`;
3. the rows (:mod:`pairgen.validate.rows`): statistics recomputed from the text, what
   each row's strategy promises (asked through the strategy registry), provenance;
   across a split, ids are unique, the pairs come from exactly ``rows_paired`` source
   rows, and ids, prompts and completions hash to the split's ``rows_sha256``
   (:mod:`pairgen.output.digest`): a prompt moved to another pair, a pair turned around or
   a row deleted shows even when checksums and counts were updated to match;
4. the source rows (:mod:`pairgen.validate.source_rows`): each pair against its row in
   the recorded inputs, read by validate's own reader, so a wrong reading of the data
   (an answer index counted from the wrong base, choices columns swapped) fails here.

:func:`validate_output` reports what is wrong with the shards, rejects and rows; it raises
:class:`~pairgen.errors.PairgenError` (one ``error:`` line on the command line) when it
cannot even start: no manifest, or a manifest the typed reader refuses
(:func:`pairgen.output.manifest.read_manifest`: a misnamed shard, a missing
``rows_sha256``, a changed seed whose ``config_hash`` no longer matches, ...), or when it
cannot finish honestly (a tokenizer named in the shards cannot be loaded, or the
``tokenizer`` handed back is not the build's).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pairgen.config.source_settings import kept_columns
from pairgen.errors import PairgenError
from pairgen.output.manifest import MANIFEST_NAME, read_manifest
from pairgen.record import pair_schema
from pairgen.strategies import StrategyOptions, check_options
from pairgen.validate.files import plot_violations, refused_path, unlisted_files
from pairgen.validate.rebuild import rebuild_and_compare
from pairgen.validate.report import ValidationReport
from pairgen.validate.rows import StrategyChecks, Violation
from pairgen.validate.source_rows import recheck_source_rows
from pairgen.validate.splits import ProgressCallback, validate_split
from pairgen.validate.token_recheck import not_rechecked_note, token_recheck


def validate_output(
    out: Path,
    progress: ProgressCallback | None = None,
    *,
    rebuild: bool = False,
    input_dirs: Sequence[Path] = (),
    tokenizer: str | None = None,
    source_rows: bool = True,
) -> ValidationReport:
    """Check every shard, checksum, count and row invariant of the build in ``out``, and
    with ``source_rows`` every pair against its row in the recorded inputs (input files
    looked for in ``input_dirs``; :mod:`pairgen.validate.source_rows`); with ``rebuild``,
    also build it again from those inputs and compare the bytes
    (:mod:`pairgen.validate.rebuild`).

    ``tokenizer`` hands back the local tokenizer the build used (its path), which the
    output records by name and content hash only; without it that tokenizer's token
    columns are not rechecked (a note in the report) and no split is rebuilt."""
    started = time.perf_counter()
    out = Path(out)
    report = ValidationReport(out=out)
    refused = refused_path(out, MANIFEST_NAME)
    if refused is not None:  # a linked manifest.json is not this folder's build
        report.violations.append(refused)
        report.seconds = time.perf_counter() - started
        return report
    # the one typed reader every command uses: a manifest it refuses (a wrong type, a
    # path that is not the build's, a NUL, an unknown version, edited settings) is one
    # error line naming the field, here as in query, stats, card and publish
    # (read once: the source-row recheck and the rebuild take this same typed manifest)
    manifest = read_manifest(out)
    conversational = manifest.format == "conversational"
    schema = pair_schema(conversational)
    checks = _strategy_checks(manifest.options, report)
    tokens = token_recheck(manifest.tokenizer, tokenizer)
    if tokens.skipped and tokens.recorded is not None:
        report.notes.append(not_rechecked_note(tokens.recorded))
    listed: set[str] = set()
    for config, entry in manifest.configs.items():
        kept = kept_columns(entry.source_settings)
        config_schema = pair_schema(conversational, kept) if kept else schema
        for split, info in entry.splits.items():
            listed |= validate_split(
                out,
                config,
                split,
                entry,
                info,
                config_schema,
                report,
                progress,
                checks,
                manifest.shots,
                tokens,
            )
    report.violations += unlisted_files(out, listed)
    report.violations += plot_violations(out)
    if source_rows:
        recheck = recheck_source_rows(out, input_dirs, manifest)
        report.violations += recheck.violations
        report.notes += recheck.notes
        report.source_pairs_checked = recheck.pairs
    report.seconds = time.perf_counter() - started
    if rebuild:
        report.rebuilt, found = rebuild_and_compare(out, input_dirs, tokens, manifest)
        report.violations += found
        report.rebuild_seconds = time.perf_counter() - started - report.seconds
    return report


def _strategy_checks(options: dict[str, Any], report: ValidationReport) -> StrategyChecks:
    """The strategies' checks, configured with the options the build recorded."""
    try:
        recorded = StrategyOptions(options)
        check_options(recorded)  # names some registered strategy declares, values it takes
        return StrategyChecks(recorded)
    except (TypeError, PairgenError) as exc:
        reason = f"options are not the strategy options pairgen writes: {exc}"
        report.violations.append(Violation(MANIFEST_NAME, None, reason, "manifest"))
        return StrategyChecks(StrategyOptions())


def require_valid(out: Path, consequence: str = "") -> ValidationReport:
    """The report of a valid output, or a :class:`PairgenError` naming the first three
    problems (and how many more); ``consequence`` says what did not happen because of
    them (``publish``: "no commit was made")."""
    report = validate_output(out)
    if not report.ok:
        shown = "; ".join(str(v) for v in report.violations[:3])
        extra = len(report.violations) - 3
        more = f" (and {extra} more)" if extra > 0 else ""
        failed = f"validation failed, {consequence}" if consequence else "validation failed"
        raise PairgenError(f"{failed}: {shown}{more}", file=str(out))
    return report


__all__ = ["ValidationReport", "Violation", "require_valid", "validate_output"]
