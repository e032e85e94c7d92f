"""One split of a build, checked shard by shard, then as a whole.

For each split the manifest lists: its counts reconcile, every shard is named the Hub
way and passes the file checks (:mod:`pairgen.validate.files`) and the row checks
(:mod:`pairgen.validate.rows`), read one row group at a time so that memory stays that of
one group.  What the rows accumulate (ids, source ids, question groups, the rows digest)
is then checked across the split: unique ids, pairs from exactly ``rows_paired`` source
rows, and the ``rows_sha256`` the build recorded.  A split whose shards could not all be
read in full skips those split-wide checks (the unreadable shard is already a violation).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pairgen.output.digest import RowsDigest
from pairgen.output.manifest import MANIFEST_NAME, ConfigEntry, ShardEntry, SplitEntry
from pairgen.validate.files import (
    READ_ERRORS,
    brief,
    file_violations,
    rejects_violations,
    schema_difference,
)
from pairgen.validate.report import ValidationReport
from pairgen.validate.rows import (
    QuestionGroups,
    ShardContext,
    StrategyChecks,
    Violation,
    check_batch,
)
from pairgen.validate.token_recheck import TokenRecheck

ProgressCallback = Callable[[str, int], None]


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


def validate_split(
    out: Path,
    config: str,
    split: str,
    entry: ConfigEntry,
    info: SplitEntry,
    schema: pa.Schema,
    report: ValidationReport,
    progress: ProgressCallback | None,
    checks: StrategyChecks,
    shots: int | None = None,
    tokens: TokenRecheck | None = None,
) -> set[str]:
    """Check one split's counts, shards and rejects; return the paths it lists.

    The typed reader already refused what types and names alone show (a misnamed shard,
    a missing ``rows_sha256``, a negative count); what needs the files is checked here."""
    where = f"{MANIFEST_NAME} {config}/{split}"
    found = report.violations
    if info.rows_in != info.rows_paired + info.rows_rejected:
        found.append(
            Violation(
                where,
                None,
                f"rows_in {info.rows_in} != rows_paired {info.rows_paired} + "
                f"rows_rejected {info.rows_rejected}",
                "manifest",
            )
        )
    if info.pairs != sum(shard.rows for shard in info.shards):
        found.append(
            Violation(
                where, None, f"pairs {info.pairs} != the sum of the shard row counts", "manifest"
            )
        )
    state = _SplitState(checks, tokens or TokenRecheck())
    for shard in info.shards:
        ctx = ShardContext(shard.path, entry.source, config, split, shots=shots)
        rows = _validate_shard(out, shard, schema, ctx, state, report)
        report.pairs_checked += rows
        report.shards_checked += 1
        if progress is not None:
            progress(shard.path, rows)
    found += state.groups.violations(checks)
    if state.complete:
        found += _split_totals(where, info.rows_paired, state)
        found += _digest_violations(where, info, state)
    found += rejects_violations(out, info, config, split)
    return set(info.files())


def _validate_shard(
    out: Path,
    shard: ShardEntry,
    schema: pa.Schema,
    ctx: ShardContext,
    state: _SplitState,
    report: ValidationReport,
) -> int:
    """File and row checks of one pair shard; returns the rows checked."""
    found, parquet = file_violations(out, shard.path, shard.sha256, shard.rows)
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


def _digest_violations(where: str, info: SplitEntry, state: _SplitState) -> list[Violation]:
    """The split's rows against the ``rows_sha256`` the build recorded."""
    recorded = info.rows_sha256
    computed = state.digest.hexdigest()
    if computed == recorded:
        return []
    reason = (
        f"rows_sha256 is {recorded} but the shards give {computed}: an id, prompt or "
        "completion changed, or a row was moved, added or deleted"
    )
    return [Violation(where, None, reason, "rows_sha256")]


__all__ = ["ProgressCallback", "validate_split"]
