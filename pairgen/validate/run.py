"""``pairgen validate``: prove that a build output is what its manifest says.

Three layers, each reported as :class:`~pairgen.validate.rows.Violation` (shard, row, reason):

1. the manifest: every listed shard and rejects file exists, has the recorded sha256 and
   row count, is named the Hub way, and every split reconciles
   ``rows_in = rows_paired + rows_rejected``; no unlisted Parquet file hides in
   ``data/`` or ``rejects/``;
2. the files: each one opens as Parquet with the schema pairgen writes (a truncated or
   bit-flipped file is a violation naming it, never a traceback); these two layers'
   checks live in :mod:`pairgen.validate.files`;
3. the rows (:mod:`pairgen.validate.rows`): statistics recomputed from the text, what
   each row's strategy promises (asked through the strategy registry), provenance;
   across a split, ids are unique, the pairs come from exactly ``rows_paired`` source
   rows, and ids, prompts and completions hash to the split's ``rows_sha256``
   (:mod:`pairgen.build.digest`): a prompt moved to another pair, a pair turned around or
   a row deleted shows even when checksums and counts were updated to match.

:func:`validate_output` never raises for a broken output (it reports); it raises
:class:`~pairgen.errors.PairgenError` only when it cannot even start (no manifest) or
cannot finish honestly (a tokenizer named in the shards cannot be loaded, or the
``tokenizer`` handed back is not the build's).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pairgen.build.digest import RowsDigest
from pairgen.errors import PairgenError
from pairgen.manifest import MANIFEST_NAME, read_manifest_json, shard_path
from pairgen.record import pair_schema
from pairgen.sources.generic.settings import kept_columns
from pairgen.strategies import StrategyOptions
from pairgen.validate.files import (
    READ_ERRORS,
    brief,
    file_violations,
    manifest_shape_problems,
    refused_path,
    rejects_violations,
    schema_difference,
    unlisted_files,
)
from pairgen.validate.rebuild import SplitRebuild, rebuild_and_compare
from pairgen.validate.rows import (
    QuestionGroups,
    ShardContext,
    StrategyChecks,
    Violation,
    check_batch,
)
from pairgen.validate.token_recheck import TokenRecheck, not_rechecked_note, token_recheck

ProgressCallback = Callable[[str, int], None]


@dataclass
class ValidationReport:
    """The outcome of :func:`validate_output`; ``ok`` only with no violation at all."""

    out: Path
    violations: list[Violation] = field(default_factory=list)
    pairs_checked: int = 0
    shards_checked: int = 0
    seconds: float = 0.0
    rebuilt: list[SplitRebuild] = field(default_factory=list)  # with ``rebuild=True``
    rebuild_seconds: float = 0.0  # not in ``seconds``, which times the checks
    notes: list[str] = field(default_factory=list)  # what was not checked, and why

    @property
    def ok(self) -> bool:
        return not self.violations

    def by_check(self) -> Counter[str]:
        return Counter(v.check for v in self.violations)


@dataclass
class _SplitState:
    """What the row checks of one split accumulate for the split-level checks."""

    checks: StrategyChecks
    tokens: TokenRecheck
    ids: list[pa.Array] = field(default_factory=list)
    source_ids: list[pa.Array] = field(default_factory=list)
    groups: QuestionGroups = field(default_factory=QuestionGroups)
    digest: RowsDigest = field(default_factory=RowsDigest)
    complete: bool = True  # False once a shard could not be read in full


def validate_output(
    out: Path,
    progress: ProgressCallback | None = None,
    *,
    rebuild: bool = False,
    input_dirs: Sequence[Path] = (),
    tokenizer: str | None = None,
) -> ValidationReport:
    """Check every shard, checksum, count and row invariant of the build in ``out``; with
    ``rebuild``, also build it again from its recorded inputs (input files looked for in
    ``input_dirs``) and compare the bytes (:mod:`pairgen.validate.rebuild`).

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
    manifest = read_manifest_json(out)  # raw: a malformed one is reported, not raised
    report.violations += manifest_shape_problems(manifest)
    if report.violations:  # nothing below can be trusted to read a malformed manifest
        report.seconds = time.perf_counter() - started
        return report
    conversational = manifest.get("format") == "conversational"
    shots = manifest.get("shots") if isinstance(manifest.get("shots"), int) else None
    schema = pair_schema(conversational)
    checks = _strategy_checks(manifest, report)
    tokens = token_recheck(manifest.get("tokenizer"), tokenizer)
    if tokens.skipped and tokens.recorded is not None:
        report.notes.append(not_rechecked_note(tokens.recorded))
    listed: set[str] = set()
    for config, entry in _configs(manifest, report):
        kept = kept_columns(entry.get("source_settings"))
        config_schema = pair_schema(conversational, kept) if kept else schema
        for split, info in entry.get("splits", {}).items():
            listed |= _validate_split(
                out,
                config,
                split,
                entry,
                info,
                config_schema,
                report,
                progress,
                checks,
                shots,
                tokens,
            )
    report.violations += unlisted_files(out, listed)
    report.seconds = time.perf_counter() - started
    if rebuild:
        report.rebuilt, found = rebuild_and_compare(out, input_dirs, tokens)
        report.violations += found
        report.rebuild_seconds = time.perf_counter() - started - report.seconds
    return report


def _strategy_checks(manifest: dict[str, Any], report: ValidationReport) -> StrategyChecks:
    """The strategies' checks, configured with the options the build recorded."""
    try:
        return StrategyChecks(StrategyOptions(**manifest.get("options", {})))
    except TypeError as exc:
        reason = f"options are not the strategy options pairgen writes: {exc}"
        report.violations.append(Violation(MANIFEST_NAME, None, reason, "manifest"))
        return StrategyChecks(StrategyOptions())


def _configs(
    manifest: dict[str, Any], report: ValidationReport
) -> list[tuple[str, dict[str, Any]]]:
    configs = manifest.get("configs")
    if not isinstance(configs, dict) or not configs:
        report.violations.append(
            Violation(MANIFEST_NAME, None, "manifest lists no configs", "manifest")
        )
        return []
    return list(configs.items())


def _validate_split(
    out: Path,
    config: str,
    split: str,
    entry: dict[str, Any],
    info: dict[str, Any],
    schema: pa.Schema,
    report: ValidationReport,
    progress: ProgressCallback | None,
    checks: StrategyChecks,
    shots: int | None = None,
    tokens: TokenRecheck | None = None,
) -> set[str]:
    """Check one split's counts, shards and rejects; return the paths it lists."""
    where = f"{MANIFEST_NAME} {config}/{split}"
    found = report.violations
    try:
        rows_in, paired, rejected = (
            int(info[k]) for k in ("rows_in", "rows_paired", "rows_rejected")
        )
        pairs, shards = int(info["pairs"]), list(info["shards"])
    except (KeyError, TypeError, ValueError) as exc:
        found.append(Violation(where, None, f"malformed split entry: {exc!r}", "manifest"))
        return set()
    if rows_in != paired + rejected:
        found.append(
            Violation(
                where,
                None,
                f"rows_in {rows_in} != rows_paired {paired} + rows_rejected {rejected}",
                "manifest",
            )
        )
    if pairs != sum(int(s.get("rows", 0)) for s in shards):
        found.append(
            Violation(where, None, f"pairs {pairs} != the sum of the shard row counts", "manifest")
        )
    state = _SplitState(checks, tokens or TokenRecheck())
    listed = set()
    for index, shard in enumerate(shards):
        listed.add(shard["path"])
        expected_name = shard_path(config, split, index, len(shards))
        if shard["path"] != expected_name:
            found.append(
                Violation(shard["path"], None, f"shard should be named {expected_name}", "manifest")
            )
        ctx = ShardContext(shard["path"], str(entry.get("source", "")), config, split, shots=shots)
        rows = _validate_shard(out, shard, schema, ctx, state, report)
        report.pairs_checked += rows
        report.shards_checked += 1
        if progress is not None:
            progress(shard["path"], rows)
    found += state.groups.violations(checks)
    if state.complete:
        found += _split_totals(where, paired, state)
        found += _digest_violations(where, info, state)
    if info.get("rejects"):
        listed.add(info["rejects"]["path"])
        found += rejects_violations(out, info, config, split)
    return listed


def _validate_shard(
    out: Path,
    shard: dict[str, Any],
    schema: pa.Schema,
    ctx: ShardContext,
    state: _SplitState,
    report: ValidationReport,
) -> int:
    """File and row checks of one pair shard; returns the rows checked."""
    found, parquet = file_violations(out, shard)
    report.violations += found
    if parquet is None:
        state.complete = False
        return 0
    if not parquet.schema_arrow.equals(schema):
        report.violations.append(
            Violation(ctx.shard, None, schema_difference(parquet.schema_arrow, schema), "schema")
        )
        state.complete = False
        return 0
    first_row = 0
    for group in range(parquet.num_row_groups):
        batch_ctx = ShardContext(ctx.shard, ctx.source, ctx.config, ctx.split, first_row, ctx.shots)
        try:
            batch = _read_group(parquet, group)
            # decoding errors surface only when the checks convert the text to Python
            report.violations += check_batch(
                batch, batch_ctx, state.checks, state.groups, state.tokens
            )
        except READ_ERRORS as exc:
            reason = f"row group {group} (rows from {first_row}) cannot be read: {brief(exc)}"
            report.violations.append(Violation(ctx.shard, None, reason, "unreadable"))
            state.complete = False
            return first_row
        state.digest.update(batch)
        state.ids.append(batch.column("id"))
        state.source_ids.append(batch.column("source_id"))
        first_row += batch.num_rows
    return first_row


def _read_group(parquet: pq.ParquetFile, group: int) -> pa.RecordBatch:
    """One row group as a batch (every column: the digest covers the prompt)."""
    table = parquet.read_row_group(group)
    batches = table.combine_chunks().to_batches()
    return batches[0] if batches else pa.RecordBatch.from_pylist([], schema=table.schema)


def _split_totals(where: str, paired: int, state: _SplitState) -> list[Violation]:
    """Across a split: unique ids, and pairs from exactly ``rows_paired`` source rows."""
    found = []
    ids = pa.chunked_array(state.ids, pa.string())
    if len(ids) and pc.count_distinct(ids).as_py() != len(ids):
        counts = pc.value_counts(ids)
        repeated = [c["values"] for c in counts.to_pylist() if c["counts"] > 1]
        found.append(
            Violation(
                where,
                None,
                f"{len(repeated)} duplicate pair ids, e.g. {repeated[:3]}",
                "duplicate_id",
            )
        )
    sources = (
        pc.count_distinct(pa.chunked_array(state.source_ids, pa.string())).as_py() if ids else 0
    )
    if sources != paired:
        found.append(
            Violation(
                where,
                None,
                f"pairs come from {sources} source rows, rows_paired is {paired}",
                "manifest",
            )
        )
    return found


def _digest_violations(where: str, info: dict[str, Any], state: _SplitState) -> list[Violation]:
    """The split's rows against the ``rows_sha256`` the build recorded."""
    recorded = info.get("rows_sha256")
    if not isinstance(recorded, str):
        reason = "no rows_sha256: the manifest cannot bind prompts to pairs (rebuild it)"
        return [Violation(where, None, reason, "manifest")]
    computed = state.digest.hexdigest()
    if computed == recorded:
        return []
    reason = (
        f"rows_sha256 is {recorded} but the shards give {computed}: an id, prompt or "
        "completion changed, or a row was moved, added or deleted"
    )
    return [Violation(where, None, reason, "rows_sha256")]


def require_valid(out: Path) -> ValidationReport:
    """The report of a valid output, or a :class:`PairgenError` summarizing the first problems."""
    report = validate_output(out)
    if not report.ok:
        first = "; ".join(str(v) for v in report.violations[:3])
        raise PairgenError(
            f"validation failed with {len(report.violations)} violation(s): {first}", file=str(out)
        )
    return report


__all__ = ["ValidationReport", "Violation", "require_valid", "validate_output"]
