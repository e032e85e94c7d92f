"""The build stage: sources -> pairs -> shards, rejects and ``manifest.json``.

Each split takes the row path of :mod:`pairgen.pipeline.steps` (read -> prepare -> pair ->
measure -> write: reading and writing in the calling process, the rest in the workers);
this module checks everything first (:mod:`pairgen.pipeline.resolve`), then runs each
split and records the build.  The manifest reconciles every split: ``rows_in =
rows_paired + rows_rejected``; a build that cannot reconcile is a bug and fails loudly.

OUT is the user's asset, so a build (:func:`build`) holds OUT's lock
(:mod:`pairgen.output.lock`), writes into a staging area (:mod:`pairgen.output.staging`),
reuses the splits a killed run of the same build completed, and replaces OUT's managed
files only at the end, in one short swap (:mod:`pairgen.output.swap`).
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from pairgen.config.spec import BuildSpec, check_spec, config_hash
from pairgen.errors import PairgenError
from pairgen.metrics import load_tokenizer
from pairgen.metrics.tokenizer_identity import TokenizerRef, tokenizer_ref
from pairgen.output.files import json_text, write_text_atomically
from pairgen.output.lock import output_error, output_lock
from pairgen.output.manifest import (
    DATA_DIR,
    MANIFEST_NAME,
    REJECTS_DIR,
    BuildSettings,
    ConfigEntry,
    InputEntry,
    Manifest,
    SplitEntry,
    library_versions,
)
from pairgen.output.staging import STAGING_NAME, Staging
from pairgen.output.swap import finish_swap, swap_in
from pairgen.pipeline.resolve import ResolvedSource, resolve_sources
from pairgen.pipeline.steps import ProgressCallback, run_split
from pairgen.pipeline.verdict import build_notes, judged
from pairgen.sources.inputs import SplitInput, recorded_hub_repo
from pairgen.strategies import recorded_options


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
    settings = BuildSettings(
        seed=spec.seed,
        format=spec.format,
        shots=spec.shots,
        pool_size=spec.pool_size,
        tokenizer=tokenizer.recorded if tokenizer is not None else None,
        options=recorded_options(spec.options, [item.plan.strategy for item in resolved]),
        max_field_chars=spec.max_field_chars,
    )
    headers = {item.plan.output_config: config_header(item) for item in resolved}
    splits = {item.plan.output_config: [i.split for i in item.inputs] for item in resolved}
    sources = {c: {**h, "splits": splits[c]} for c, h in headers.items()}
    hashed = config_hash(settings.hashed(), sources)
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
    manifest = Manifest.of(settings, hashed, versions, configs)
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
            root = staging.root
            entry = run_split(item.plan, item.source, split_input, root, progress)
            staging.record(config, split, entry)
    where = f"{config}/{split}"
    return judged(entry, where, item.source, item.plan.strategy, staging.root, spec.allow_rejects)


__all__ = ["BuildResult", "build"]
