"""``pairgen validate OUT --rebuild``: build again from the recorded inputs, compare bytes.

The row checks prove what can be proved from OUT alone; what cannot (which choice is the
dataset's answer, that a MetaMath result was not replaced by another plausible one, that
no row was dropped by someone who also recomputed every checksum) needs the source rows.
A build is deterministic (same inputs, settings and library versions give the same
bytes), so the strongest proof is to make the build again and compare every shard and
rejects file byte for byte.

Per config, from the manifest: the source, its config, backend and strategy; per split,
its inputs (files by sha256, the bundled samples by sha256, a Hub dataset by commit);
the seed, format, shots, pool size, tokenizer and strategy options.  An input that is
gone or changed makes its split *not rebuilt*, with the reason (a file moved, a sample
changed with a pairgen upgrade, the Hub unreachable): a ``not_rebuilt`` violation, since
the proof that was asked for was not made.  Every difference is a ``rebuild`` violation
naming the file (or the manifest field).  The rebuild runs in a temporary directory and
never touches OUT.
"""

from __future__ import annotations

import filecmp
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from pairgen.config.source_settings import SourceSettings
from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.errors import PairgenError
from pairgen.metrics.tokenizer_identity import is_local_name, local_name
from pairgen.output.manifest import (
    MANIFEST_NAME,
    ConfigEntry,
    Manifest,
    SplitEntry,
    library_versions,
    read_manifest,
)
from pairgen.pipeline import build
from pairgen.sources import get_source
from pairgen.sources.inputs import sample_path
from pairgen.strategies import StrategyOptions
from pairgen.validate.files import refused_path
from pairgen.validate.input_finder import InputFinder
from pairgen.validate.rows import Violation
from pairgen.validate.token_recheck import TokenRecheck

# Settings of the manifest that are not BuildSpec fields of the same name.
_NOT_SETTINGS = ("out", "sources", "options")
# Split fields that the rebuild must reproduce (shards and rejects are compared as files).
_COUNTS = ("rows_in", "rows_paired", "rows_rejected", "pairs", "rejects_by_reason", "rows_sha256")


@dataclass(frozen=True, slots=True)
class SplitRebuild:
    """What the rebuild of one split found: ``identical``, ``different`` or ``not rebuilt``."""

    config: str
    split: str
    status: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.config}/{self.split}: {self.status}" + (
            f" ({self.detail})" if self.detail else ""
        )


def rebuild_and_compare(
    out: Path,
    input_dirs: Sequence[Path] = (),
    tokens: TokenRecheck | None = None,
    manifest: Manifest | None = None,
) -> tuple[list[SplitRebuild], list[Violation]]:
    """Rebuild every split of ``out`` whose inputs are reachable and compare the bytes.

    Input files are recorded by name and sha256 (never a path on the building machine):
    they are looked for in ``input_dirs`` and below (default: directly in the current
    directory, not below it), and hashed only when a regular file of the recorded size.  A
    local tokenizer is recorded by name and content hash: it must be handed back in
    ``tokens`` (``validate --tokenizer PATH``, hash already checked), else nothing is
    rebuilt.  ``manifest``: the one ``validate`` already read (else read here).
    """
    out = Path(out)
    manifest = manifest if manifest is not None else read_manifest(out)
    finder = InputFinder.searching(input_dirs)
    results: list[SplitRebuild] = []
    violations: list[Violation] = []
    with tempfile.TemporaryDirectory(prefix="pairgen-rebuild-") as scratch:
        tokenizer, missing = _tokenizer(manifest.tokenizer, tokens or TokenRecheck(), Path(scratch))
        for index, (config, entry) in enumerate(manifest.configs.items()):
            here = Path(scratch) / str(index)  # a manifest's config name is never a path here
            found, problems = _rebuild_config(
                out, manifest, config, entry, finder, here, (tokenizer, missing)
            )
            results += found
            violations += problems
    return results, violations


def _rebuild_config(
    out: Path,
    manifest: Manifest,
    config: str,
    entry: ConfigEntry,
    finder: InputFinder,
    scratch: Path,
    tokenizer: tuple[str | None, str | None],
) -> tuple[list[SplitRebuild], list[Violation]]:
    located = {split: finder.locate(entry, split) for split in entry.splits}
    unreachable = {split: tokenizer[1] or reason for split, (_, reason) in located.items()}
    if manifest.shots and "train" not in entry.splits:
        pool = _pool_unreachable(entry)
        unreachable = {split: reason or pool for split, reason in unreachable.items()}
    splits = tuple(split for split, reason in unreachable.items() if reason is None)
    if splits:
        paths = {split: located[split][0] for split in splits}
        try:
            rebuilt = build(_spec(manifest, entry, paths, scratch, tokenizer[0])).manifest
        except PairgenError as exc:  # the Hub unreachable, a tokenizer gone, ...
            unreachable.update({split: f"the build failed: {exc}" for split in splits})
            splits = ()
    results = [
        SplitRebuild(config, split, "not rebuilt", reason)
        for split, reason in unreachable.items()
        if reason is not None
    ]
    violations = [
        Violation(
            f"{MANIFEST_NAME} {r.config}/{r.split}", None, f"not rebuilt: {r.detail}", "not_rebuilt"
        )
        for r in results
    ]
    for split in splits:
        differences = _compare(
            out, scratch, entry.splits[split], next(iter(rebuilt.configs.values())).splits[split]
        )  # the one config rebuilt, whatever the manifest calls it (validate checks that)
        note = _version_note(manifest)
        differences = [Violation(v.shard, v.row, v.reason + note, v.check) for v in differences]
        status = "different" if differences else "identical"
        detail = f"{len(differences)} difference(s)" if differences else ""
        results.append(SplitRebuild(config, split, status, detail))
        violations += differences
    return results, violations


def _version_note(manifest: Manifest) -> str:
    """Why bytes may legitimately differ: another pairgen made the output."""
    built_with, now = manifest.versions.get("pairgen"), library_versions().get("pairgen")
    return "" if built_with == now else f" (built with pairgen {built_with}, rebuilt with {now})"


def _tokenizer(
    recorded: str | None, tokens: TokenRecheck, scratch: Path
) -> tuple[str | None, str | None]:
    """What the rebuild passes as ``--tokenizer``, or why it cannot rebuild at all.

    A local tokenizer handed back under another name is linked under the recorded name,
    so the rebuild records the very name the build did (the name is part of the bytes).
    """
    if recorded is None or not is_local_name(recorded):
        return recorded, None  # a Hub id (or an older build's path): loaded as recorded
    path = tokens.target(recorded)
    if path is None:
        return None, (
            f"the build used the local tokenizer {recorded}; pass --tokenizer PATH to rebuild"
        )
    link = scratch / "tokenizer" / local_name(recorded)
    link.parent.mkdir()
    os.symlink(path, link, target_is_directory=Path(path).is_dir())
    return str(link), None


def _pool_unreachable(entry: ConfigEntry) -> str | None:
    """The few-shot pool of a build without its train split came from train all the same."""
    if entry.backend == "files":
        return "its few-shot exemplars came from a train file the manifest does not record"
    if entry.backend == "sample":
        path = sample_path(get_source(entry.source), entry.source_config, "train")
        return None if path.is_file() else f"the few-shot pool's sample {path} is missing"
    return None


def _spec(
    manifest: Manifest,
    entry: ConfigEntry,
    paths: dict[str, list[Path]],
    out: Path,
    tokenizer: str | None = None,
) -> BuildSpec:
    """The build of some splits of one config exactly as the manifest recorded it, from
    the inputs found again (``paths``: files, or a Hub mirror's folder) and the
    ``tokenizer`` to load (see :func:`_tokenizer`)."""
    mirror = next((p[0] for p in paths.values() if p and p[0].is_dir()), None)
    revisions = [r.revision for r in entry.inputs if r.location.startswith("hf://")]
    source = SourceSpec(
        source=entry.source,
        config=entry.source_config,
        backend=entry.backend,
        data_files={s: [str(p) for p in found] for s, found in paths.items()}
        if entry.backend == "files"
        else {},
        revision=revisions[0] if revisions else None,
        splits=tuple(paths),
        strategy=entry.strategy,
        hub_repo=str(mirror) if mirror is not None else entry.hub_repo,
        settings=SourceSettings.from_json(entry.source_settings) if entry.source_settings else None,
    )
    settings: dict[str, Any] = {
        f.name: getattr(manifest, f.name)
        for f in fields(BuildSpec)
        if f.name not in _NOT_SETTINGS and hasattr(manifest, f.name)
    }
    settings["tokenizer"] = tokenizer
    return BuildSpec(
        out=out,
        sources=(source,),
        options=StrategyOptions(manifest.options),
        **settings,
    )


def _compare(
    out: Path, scratch: Path, recorded: SplitEntry, rebuilt: SplitEntry
) -> list[Violation]:
    """Byte-for-byte differences between a split of OUT and its rebuild."""
    found = []
    recorded_files, rebuilt_files = recorded.files(), rebuilt.files()
    for path in dict.fromkeys(recorded_files + rebuilt_files):
        if path not in rebuilt_files:
            found.append(Violation(path, None, "the rebuild has no such file", "rebuild"))
        elif path not in recorded_files:
            found.append(
                Violation(
                    path, None, "the rebuild makes this file; OUT does not list it", "rebuild"
                )
            )
        elif (
            refused_path(out, path) is not None
            or not (out / path).is_file()
            or not filecmp.cmp(out / path, scratch / path, shallow=False)
        ):
            found.append(
                Violation(path, None, "differs from the rebuild, byte for byte", "rebuild")
            )
    for name in _COUNTS:
        stated, made = getattr(recorded, name), getattr(rebuilt, name)
        if stated != made:
            reason = f"{name} is {stated!r}, the rebuild gives {made!r}"
            found.append(Violation(MANIFEST_NAME, None, reason, "rebuild"))
    return found


__all__ = ["SplitRebuild", "rebuild_and_compare"]
