"""``pairgen validate``: prove that a build output is what its manifest says.

Three layers, each reported as :class:`~pairgen.checks.Violation` (shard, row, reason):

1. the manifest: every listed shard and rejects file exists, has the recorded sha256 and
   row count, is named the Hub way, and every split reconciles
   ``rows_in = rows_paired + rows_rejected``; no unlisted Parquet file hides in
   ``data/`` or ``rejects/``;
2. the files: each one opens as Parquet with the schema pairgen writes (a truncated or
   bit-flipped file is a violation naming it, never a traceback);
3. the rows (:mod:`pairgen.checks`): statistics recomputed from the text, strategy
   invariants, provenance; across a split, ids are unique and the pairs come from
   exactly ``rows_paired`` source rows.

:func:`validate_output` never raises for a broken output (it reports); it raises
:class:`~pairgen.errors.PairgenError` only when it cannot even start (no manifest) or
cannot finish honestly (a tokenizer named in the shards cannot be loaded).
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pairgen.build import MANIFEST_NAME, read_manifest
from pairgen.checks import ChoiceGroups, ShardContext, Violation, check_batch
from pairgen.errors import PairgenError
from pairgen.hashing import file_sha256
from pairgen.record import REJECT_SCHEMA, pair_schema

ProgressCallback = Callable[[str, int], None]
_SHARD_NAME = re.compile(r"(?P<split>.+)-(?P<index>\d{5})-of-(?P<total>\d{5})\.parquet")
# Errors pyarrow raises on a damaged file or page; anything else is a bug and propagates.
_READ_ERRORS = (pa.ArrowException, OSError, ValueError, UnicodeDecodeError)


@dataclass
class ValidationReport:
    """The outcome of :func:`validate_output`; ``ok`` only with no violation at all."""

    out: Path
    violations: list[Violation] = field(default_factory=list)
    pairs_checked: int = 0
    shards_checked: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.violations

    def by_check(self) -> Counter[str]:
        return Counter(v.check for v in self.violations)


@dataclass
class _SplitState:
    """What the row checks of one split accumulate for the split-level checks."""

    ids: list[pa.Array] = field(default_factory=list)
    source_ids: list[pa.Array] = field(default_factory=list)
    groups: ChoiceGroups = field(default_factory=ChoiceGroups)
    complete: bool = True  # False once a shard could not be read in full


def validate_output(out: Path, progress: ProgressCallback | None = None) -> ValidationReport:
    """Check every shard, checksum, count and row invariant of the build in ``out``."""
    started = time.perf_counter()
    out = Path(out)
    manifest = read_manifest(out)
    report = ValidationReport(out=out)
    report.violations += manifest_shape_problems(manifest)
    if report.violations:  # nothing below can be trusted to read a malformed manifest
        report.seconds = time.perf_counter() - started
        return report
    conversational = manifest.get("format") == "conversational"
    shots = manifest.get("shots") if isinstance(manifest.get("shots"), int) else None
    schema = pair_schema(conversational)
    listed: set[str] = set()
    for config, entry in _configs(manifest, report):
        for split, info in entry.get("splits", {}).items():
            listed |= _validate_split(
                out, config, split, entry, info, schema, report, progress, shots
            )
    report.violations += _unlisted_files(out, listed)
    report.seconds = time.perf_counter() - started
    return report


def manifest_shape_problems(manifest: Any) -> list[Violation]:
    """Violations for a manifest whose structure is not what ``pairgen build`` writes.

    A hand-edited or truncated manifest must give a clear ``manifest`` violation, not a
    traceback from deep inside the shard checks.
    """

    def problem(where: str, expected: str) -> list[Violation]:
        return [Violation(MANIFEST_NAME, None, f"{where} is not {expected}", "manifest")]

    if not isinstance(manifest, dict):
        return problem("the manifest", "a JSON object")
    configs = manifest.get("configs")
    if not isinstance(configs, dict):
        return problem("'configs'", "an object")
    found: list[Violation] = []
    for config, entry in configs.items():
        where = f"configs.{config}"
        if not isinstance(entry, dict) or not isinstance(entry.get("splits"), dict):
            found += problem(f"{where}", "an object with a 'splits' object")
            continue
        for split, info in entry["splits"].items():
            at = f"{where}.splits.{split}"
            if not isinstance(info, dict):
                found += problem(at, "an object")
                continue
            shards = info.get("shards")
            if not isinstance(shards, list) or not all(
                isinstance(s, dict) and isinstance(s.get("path"), str) for s in shards
            ):
                found += problem(f"{at}.shards", "a list of objects with a 'path'")
            rejects = info.get("rejects")
            if not isinstance(rejects, dict) or not isinstance(rejects.get("path"), str):
                found += problem(f"{at}.rejects", "an object with a 'path'")
    return found


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
    shots: int | None = None,
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
    state = _SplitState()
    listed = set()
    for index, shard in enumerate(shards):
        listed.add(shard["path"])
        expected_name = f"data/{config}/{split}-{index:05d}-of-{len(shards):05d}.parquet"
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
    found += state.groups.violations()
    if state.complete:
        found += _split_totals(where, paired, state)
    if info.get("rejects"):
        listed.add(info["rejects"]["path"])
        found += _validate_rejects(out, info, config, split)
    return listed


def _file_violations(
    out: Path, listed: dict[str, Any]
) -> tuple[list[Violation], pq.ParquetFile | None]:
    """Existence, checksum and readability of one listed Parquet file."""
    path, name = out / listed["path"], listed["path"]
    if not path.is_file():
        return [
            Violation(name, None, "missing: listed in the manifest but not on disk", "missing")
        ], None
    found = []
    digest = file_sha256(path)
    if digest != listed.get("sha256"):
        found.append(
            Violation(
                name,
                None,
                f"sha256 mismatch: manifest {listed.get('sha256')}, file {digest}",
                "sha256",
            )
        )
    try:
        parquet = pq.ParquetFile(path)
    except _READ_ERRORS as exc:
        found.append(
            Violation(
                name,
                None,
                f"not a readable Parquet file (truncated or corrupt?): {_brief(exc)}",
                "unreadable",
            )
        )
        return found, None
    rows = parquet.metadata.num_rows
    if rows != listed.get("rows"):
        found.append(
            Violation(name, None, f"has {rows} rows, manifest says {listed.get('rows')}", "rows")
        )
    return found, parquet


def _validate_shard(
    out: Path,
    shard: dict[str, Any],
    schema: pa.Schema,
    ctx: ShardContext,
    state: _SplitState,
    report: ValidationReport,
) -> int:
    """File and row checks of one pair shard; returns the rows checked."""
    found, parquet = _file_violations(out, shard)
    report.violations += found
    if parquet is None:
        state.complete = False
        return 0
    if not parquet.schema_arrow.equals(schema):
        report.violations.append(
            Violation(ctx.shard, None, _schema_difference(parquet.schema_arrow, schema), "schema")
        )
        state.complete = False
        return 0
    first_row = 0
    for group in range(parquet.num_row_groups):
        batch_ctx = ShardContext(ctx.shard, ctx.source, ctx.config, ctx.split, first_row, ctx.shots)
        try:
            batch = _read_group(parquet, group)
            # decoding errors surface only when the checks convert the text to Python
            report.violations += check_batch(batch, batch_ctx, state.groups)
        except _READ_ERRORS as exc:
            reason = f"row group {group} (rows from {first_row}) cannot be read: {_brief(exc)}"
            report.violations.append(Violation(ctx.shard, None, reason, "unreadable"))
            state.complete = False
            return first_row
        state.ids.append(batch.column("id"))
        state.source_ids.append(batch.column("source_id"))
        first_row += batch.num_rows
    return first_row


def _read_group(parquet: pq.ParquetFile, group: int) -> pa.RecordBatch:
    """One row group as a batch; the prompt (the largest column, few-shot exemplars and
    all) is read only when a choice pair needs it for its invariant."""
    columns = [name for name in parquet.schema_arrow.names if name != "prompt"]
    table = parquet.read_row_group(group, columns=columns)
    if pc.any(pc.equal(table.column("strategy"), "choice")).as_py():
        table = table.append_column(
            "prompt", parquet.read_row_group(group, columns=["prompt"]).column(0)
        )
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


def _validate_rejects(out: Path, info: dict[str, Any], config: str, split: str) -> list[Violation]:
    """Checksum, schema, count and reasons of one split's rejects file."""
    listed = {**info["rejects"], "rows": info["rows_rejected"]}
    found, parquet = _file_violations(out, listed)
    if parquet is None:
        return found
    name = listed["path"]
    try:
        table = parquet.read()
    except _READ_ERRORS as exc:
        return [*found, Violation(name, None, f"cannot be read: {_brief(exc)}", "unreadable")]
    if not table.schema.equals(REJECT_SCHEMA):
        return [
            *found,
            Violation(name, None, _schema_difference(table.schema, REJECT_SCHEMA), "schema"),
        ]
    reasons = dict(Counter(table.column("reason").to_pylist()))
    if reasons != info.get("rejects_by_reason", {}):
        found.append(
            Violation(
                name, None, f"reasons {reasons} != manifest {info.get('rejects_by_reason')}", "rows"
            )
        )
    for column, expected in (("config", config), ("split", split)):
        bad = (
            table.num_rows - pc.sum(pc.equal(table.column(column), expected)).as_py()
            if table.num_rows
            else 0
        )
        if bad:
            found.append(
                Violation(
                    name, None, f"{bad} rows have {column} other than {expected!r}", "provenance"
                )
            )
    return found


def _unlisted_files(out: Path, listed: set[str]) -> list[Violation]:
    """Parquet files under data/ or rejects/ that the manifest does not know about."""
    found = []
    for folder in ("data", "rejects"):
        for path in sorted((out / folder).rglob("*.parquet")):
            name = path.relative_to(out).as_posix()
            if name not in listed:
                found.append(
                    Violation(
                        name, None, "not listed in the manifest (stale or foreign file)", "unlisted"
                    )
                )
    return found


def _schema_difference(actual: pa.Schema, expected: pa.Schema) -> str:
    missing = [n for n in expected.names if n not in actual.names]
    extra = [n for n in actual.names if n not in expected.names]
    changed = [
        f"{f.name}: {actual.field(f.name).type} (expected {f.type})"
        for f in expected
        if f.name in actual.names and not actual.field(f.name).type.equals(f.type)
    ]
    parts = [
        f"missing {missing}" if missing else "",
        f"extra {extra}" if extra else "",
        "; ".join(changed),
    ]
    detail = "; ".join(p for p in parts if p) or "column order or nullability differs"
    return f"schema differs from what pairgen writes: {detail}"


def _brief(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


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
