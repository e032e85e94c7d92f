"""The build stage: sources -> pairs -> shards, rejects and ``manifest.json``.

Reading happens in the calling process (it is I/O), pairing and statistics in the
workers (:func:`pairgen.pipeline.batch.process_batch`), writing back in the calling process in
input order.  The manifest reconciles every split: ``rows_in = rows_paired +
rows_rejected``; a build that cannot reconcile is a bug and fails loudly.

OUT is the user's asset, so a build (:func:`build`) holds OUT's lock
(:mod:`pairgen.output.lock`), writes into a staging area (:mod:`pairgen.output.staging`),
reuses the splits a killed run of the same build completed, and replaces OUT's managed
files only at the end, in one short swap (:mod:`pairgen.output.swap`).
"""

from __future__ import annotations

import hashlib
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from pairgen.config.source_settings import kept_columns
from pairgen.config.spec import BuildSpec, check_spec, config_hash
from pairgen.errors import PairgenError
from pairgen.metrics import load_tokenizer
from pairgen.metrics.tokenizer_identity import TokenizerRef, tokenizer_ref
from pairgen.output.files import json_text, write_text_atomically
from pairgen.output.lock import output_error, output_lock
from pairgen.output.manifest import (
    DATA_DIR,
    MANIFEST_NAME,
    MANIFEST_VERSION,
    REJECTS_DIR,
    ConfigEntry,
    InputEntry,
    Manifest,
    SplitEntry,
    hashed_settings,
    library_versions,
    rejects_path,
)
from pairgen.output.staging import STAGING_NAME, Staging
from pairgen.output.swap import finish_swap, swap_in
from pairgen.pipeline.batch import process_batch, warm_up
from pairgen.pipeline.executors import ordered_map
from pairgen.pipeline.resolve import ResolvedSource, resolve_sources
from pairgen.pipeline.verdict import build_notes, judged
from pairgen.pipeline.writer import SplitWriter, in_background, write_rejects
from pairgen.record import REJECT_SCHEMA, pair_schema
from pairgen.sources.inputs import (
    RawBatch,
    SplitInput,
    expected_rows,
    iter_split,
    recorded_hub_repo,
)
from pairgen.strategies import recorded_options

# progress("config/split", rows read so far, rows the input holds or None if unknown);
# the total of a text file is estimated from its bytes (pairgen.sources.row_counts), so it
# is never shown below the rows done, and the split's last call gives the exact count
ProgressCallback = Callable[[str, int, int | None], None]


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What :func:`build` made: the manifest now in ``OUT/manifest.json``, and the splits
    (``config/split``) taken from a killed run's staging area instead of being rebuilt.

    ``reused`` is not in the manifest: a resumed build's manifest is byte-identical to
    an uninterrupted one's.
    """

    out: Path
    manifest: Manifest
    reused: tuple[str, ...] = ()

    @property
    def notes(self) -> list[str]:
        """What to tell the user about the finished build (stderr lines): splits left out
        as unlabeled, splits kept although refused (``verdict.build_notes``)."""
        return build_notes(self.manifest)


def build(spec: BuildSpec, progress: ProgressCallback | None = None) -> BuildResult:
    """Run a whole build into ``spec.out``; OUT changes only if every split succeeds.

    Everything that can fail on bad input (sources, files, tokenizer, settings, the
    few-shot pool) is resolved before anything is written.  A second build into the same
    OUT fails at once naming the first; a kill at any moment leaves the previous output
    as it was (or, past the swap's commit point, the new one, completed by the next run).
    """
    check_spec(spec)
    tokenizer = tokenizer_ref(spec.tokenizer) if spec.tokenizer is not None else None
    if tokenizer is not None:
        load_tokenizer(tokenizer.load)  # fail early, in the parent, with a clear message
    fresh = not spec.out.exists()
    with output_lock(spec.out, "build") as state:
        with writing(spec.out):
            finish_swap(spec.out, state / STAGING_NAME)  # a killed run's, if any
        refuse_unmanaged(spec.out)
        try:
            return build_locked(spec, state, progress, tokenizer)
        except PairgenError:
            if fresh and not (state / STAGING_NAME).exists():
                shutil.rmtree(spec.out, ignore_errors=True)  # bad input: leave no empty OUT
            raise


def build_locked(
    spec: BuildSpec,
    state: Path,
    progress: ProgressCallback | None,
    tokenizer: TokenizerRef | None = None,
) -> BuildResult:
    """The build proper, with OUT's lock held and any earlier swap finished.

    ``tokenizer`` is ``spec.tokenizer`` resolved: outputs record its portable name
    (:mod:`pairgen.metrics.tokenizer_identity`), never a path of this machine."""
    resolved = resolve_sources(spec, tokenizer)
    settings = hashed_settings(
        spec.seed,
        spec.format,
        spec.shots,
        spec.pool_size,
        tokenizer.recorded if tokenizer is not None else None,
        recorded_options(spec.options, [item.plan.strategy for item in resolved]),
        spec.max_field_chars,
    )
    headers = {item.plan.output_config: config_header(item) for item in resolved}
    splits = {item.plan.output_config: [i.split for i in item.inputs] for item in resolved}
    hashed = config_hash(settings, {c: {**h, "splits": splits[c]} for c, h in headers.items()})
    versions = library_versions()
    with writing(spec.out):
        staging = Staging.open(state, resume_key(hashed, versions, resolved), spec.resume)
    configs = {
        item.plan.output_config: ConfigEntry(
            **headers[item.plan.output_config],
            inputs=tuple(InputEntry(**asdict(record)) for record in item.records),
            unlabeled_splits=item.unlabeled,
            splits={
                split_input.split: build_split(spec, item, split_input, staging, progress)
                for split_input in item.inputs
            },
        )
        for item in resolved
    }
    manifest = Manifest(
        manifest_version=MANIFEST_VERSION,
        config_hash=hashed,
        versions=versions,
        configs=configs,
        **settings,  # type: ignore[arg-type]
    )
    unexpected = staging.unexpected_files(manifest.files())
    if unexpected:
        raise RuntimeError(f"staging area holds files the manifest does not list: {unexpected}")
    with writing(spec.out):
        write_text_atomically(staging.root / MANIFEST_NAME, manifest.to_json())
        swap_in(spec.out, staging.root)
    reused = tuple(f"{c}/{s}" for c, s, _ in manifest.splits() if (c, s) in staging.reused)
    return BuildResult(out=spec.out, manifest=manifest, reused=reused)


def config_header(item: ResolvedSource) -> dict[str, Any]:
    """A config's manifest fields known before any row is read (the config hash's part)."""
    return {
        "source": item.source.name,
        "source_config": item.config,
        "hub_repo": recorded_hub_repo(item.spec.hub_repo or item.source.hub_repo),
        "license": item.source.license,
        "backend": item.spec.backend,
        "strategy": item.plan.strategy,
        "source_settings": item.spec.settings.to_json() if item.spec.settings else None,
    }


def resume_key(hashed: str, versions: dict[str, str], resolved: list[ResolvedSource]) -> str:
    """What must match for a killed run's splits to be reused: every input that decides
    the bytes (settings and sources through the config hash, the input files' checksums
    or Hub commits, the versions of the libraries that write them)."""
    inputs = {item.plan.output_config: [asdict(r) for r in item.records] for item in resolved}
    payload = {"config_hash": hashed, "versions": versions, "inputs": inputs}
    return hashlib.sha256(json_text(payload).encode()).hexdigest()


def refuse_unmanaged(out: Path) -> None:
    """A ``data/`` or ``rejects/`` in an OUT that holds no pairgen build is someone else's:
    a build would replace it, so it refuses instead (pairgen never deletes what it does
    not manage)."""
    if (out / MANIFEST_NAME).is_file():
        return
    for name in (DATA_DIR, REJECTS_DIR):
        if (out / name).exists() or (out / name).is_symlink():
            raise PairgenError(
                f"{name}/ exists but this folder holds no pairgen build (no {MANIFEST_NAME}); "
                "pairgen would replace it: move it away or choose another --out",
                file=str(out / name),
            )


@contextmanager
def writing(out: Path) -> Iterator[None]:
    """Errors of the disk (full, read-only, no permission) as one line naming the path."""
    try:
        yield
    except OSError as exc:
        raise output_error(exc, out) from exc


def build_split(
    spec: BuildSpec,
    item: ResolvedSource,
    split_input: SplitInput,
    staging: Staging,
    progress: ProgressCallback | None,
) -> SplitEntry:
    """One split's manifest entry: taken from a killed run when it completed there, else
    paired and written into the staging area (and recorded in its journal); then judged
    (:mod:`pairgen.pipeline.verdict`), before anything reaches OUT."""
    config, split = item.plan.output_config, split_input.split
    entry = staging.reusable(config, split)
    if entry is None:
        with writing(spec.out):
            entry = write_split(spec, item, split_input, staging.root, progress)
            staging.record(config, split, entry)
    where = f"{config}/{split}"
    return judged(entry, where, item.source, item.plan.strategy, staging.root, spec.allow_rejects)


def write_split(
    spec: BuildSpec,
    item: ResolvedSource,
    split_input: SplitInput,
    root: Path,
    progress: ProgressCallback | None,
) -> SplitEntry:
    """Pair one split and write its shards and rejects under ``root``."""
    plan, config, split = item.plan, item.plan.output_config, split_input.split
    kept = kept_columns(plan.source_settings)
    writer = SplitWriter(root, config, split, pair_schema(spec.format == "conversational", kept))
    reject_tables: list[pa.Table] = []
    counts: Counter[str] = Counter()
    batches: Iterator[RawBatch] = iter_split(
        split_input, item.source, spec.batch_rows, spec.max_field_chars
    )
    warm_up(plan)
    total = expected_rows(split_input) if progress is not None else None
    if progress is not None:
        progress(f"{config}/{split}", 0, total)
    try:
        results = ordered_map(process_batch, plan, batches, spec.workers, spec.executor)
        # closing(): a failed write stops the worker pool now, not when the frame is freed
        with closing(results), in_background(writer.write) as write:
            for result in results:
                write(result.pairs)
                if result.rejects.num_rows:
                    reject_tables.append(result.rejects)
                counts["rows_in"] += result.rows_in
                counts["rows_paired"] += result.rows_paired
                counts["pairs"] += result.pairs.num_rows
                if progress is not None:
                    shown = None if total is None else max(total, counts["rows_in"])
                    progress(f"{config}/{split}", counts["rows_in"], shown)
        shards = writer.close()
        if progress is not None and total != counts["rows_in"]:  # an estimate, or unknown
            progress(f"{config}/{split}", counts["rows_in"], counts["rows_in"])
    except BaseException:
        writer.abort()
        raise
    rejects = pa.concat_tables(reject_tables) if reject_tables else REJECT_SCHEMA.empty_table()
    rejects_entry = write_rejects(root, rejects_path(config, split), rejects)
    if counts["rows_in"] != counts["rows_paired"] + rejects.num_rows:
        raise RuntimeError(f"{config}/{split}: rows do not reconcile: {dict(counts)}")
    reasons = Counter(rejects.column("reason").to_pylist()) if rejects.num_rows else Counter()
    return SplitEntry(
        rows_in=counts["rows_in"],
        rows_paired=counts["rows_paired"],
        rows_rejected=rejects.num_rows,
        pairs=counts["pairs"],
        rejects_by_reason=dict(sorted(reasons.items())),
        shards=tuple(shards),
        rejects=rejects_entry,
        rows_sha256=writer.digest.hexdigest(),
    )


__all__ = ["BuildResult", "build"]
