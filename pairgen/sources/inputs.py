"""Reading source rows from the Hub, from local files, or from the bundled samples.

All three backends yield the same thing: :class:`RawBatch` objects (a slice of one split,
with the row index of its first row and the file it came from), in input order and in
bounded memory.  Rows stay raw here; turning them into examples is the source's job and
happens in the workers.

- ``hub``: :func:`datasets.load_dataset` with a configurable revision; the resolved commit
  is recorded.
- ``files``: local files in the Hub's schema (``--data-files SPLIT=PATTERN``: files,
  globs, directories; Parquet, JSON Lines, JSON, CSV, gzip or zstd compressed),
  resolved by :mod:`pairgen.sources.datafiles`, read by :mod:`pairgen.sources.readers`.
- ``sample``: the handwritten examples shipped in ``pairgen/samples/`` (no network).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa

from pairgen.config.source_settings import DEFAULT_MAX_FIELD_CHARS
from pairgen.errors import PairgenError
from pairgen.output.files import check_name, file_sha256
from pairgen.sources import BACKENDS
from pairgen.sources.base import Source
from pairgen.sources.datafiles import resolve_data_files
from pairgen.sources.duplicates import DuplicateIds, duplicate_reject
from pairgen.sources.rawio import RawRows, check_columns, compact
from pairgen.sources.readers import read_file
from pairgen.sources.row_counts import count_rows

Backend = Literal["hub", "files", "sample"]
DEFAULT_BATCH_ROWS = 4096
SAMPLES_DIR = Path(__file__).resolve().parent / "samples"


@dataclass(frozen=True, slots=True)
class RawBatch:
    """Consecutive raw rows of one split: Arrow columns, or dicts when parsed by hand.

    ``file`` is the input's recorded name (its file name, ``sample:...``, or the Hub
    location), never a path of this machine; ``repeats`` maps the offsets of rows whose
    id an earlier row of the split has to that row's index
    (:mod:`pairgen.sources.duplicates`).
    """

    split: str
    file: str
    first_row: int
    rows: RawRows
    repeats: Mapping[int, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return self.rows.num_rows if isinstance(self.rows, pa.RecordBatch) else len(self.rows)

    def check_unique(self, offset: int, source_id: str) -> None:
        """Raise the ``duplicate_id`` reject when the row at ``offset`` repeats an id."""
        if self.repeats:
            duplicate_reject(self.repeats, offset, source_id)

    def to_pylist(self) -> list[dict[str, Any]]:
        return self.rows.to_pylist() if isinstance(self.rows, pa.RecordBatch) else self.rows


@dataclass(frozen=True, slots=True)
class InputRecord:
    """What went into a split, for the manifest: a file with its checksum, or a Hub commit.

    ``location`` names a file by its file name alone (``train.jsonl``; the sha256 says
    which file it was), a bundled sample as ``sample:<source>/<config>/<split>.jsonl``,
    the Hub as ``hf://datasets/<repo>`` and a local mirror by its directory's name: no
    absolute path of the build machine is written into an output.
    """

    split: str
    location: str
    sha256: str | None = None
    revision: str | None = None
    bytes: int | None = None  # a file's size: validate --rebuild hashes only a same-size file


@dataclass(slots=True)
class SplitInput:
    """One split's input: where its rows come from, and how to read them."""

    split: str
    backend: str
    paths: list[Path] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # what outputs record for each path
    hub_repo: str = ""
    hub_config: str = ""
    revision: str | None = None

    def __post_init__(self) -> None:
        if not self.names:  # a file is recorded by its name, never its path on this machine
            self.names = [path.name for path in self.paths]


def sample_path(source: Source, config: str, split: str) -> Path:
    """The bundled sample file of a source/config/split."""
    root = source.samples_dir or SAMPLES_DIR / source.name
    return root / config / f"{split}.jsonl"


def sample_splits(source: Source, config: str) -> list[str]:
    """Splits that have bundled samples, in the source's canonical split order."""
    return [s for s in source.splits if sample_path(source, config, s).is_file()]


def resolve_inputs(
    source: Source,
    config: str,
    backend: str,
    data_files: Mapping[str, Sequence[str | Path]],
    revision: str | None,
    splits: Sequence[str] | None,
    hub_repo: str | None = None,
) -> list[SplitInput]:
    """Decide which file(s) or Hub split feed each split, checking they exist.

    ``hub_repo`` replaces the source's Hub id for the ``hub`` backend: another repo, or a
    local directory holding a clone or mirror of the Hub repository (air-gapped
    clusters), which ``datasets.load_dataset`` reads the same way.
    """
    if backend not in BACKENDS:
        raise PairgenError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")
    if config not in source.configs and not source.open_configs:
        raise PairgenError(
            f"source {source.name!r} has no config {config!r}; configs: {', '.join(source.configs)}"
        )
    check_name("config", config)  # it names a folder under OUT/data/: never a path
    if backend == "files":
        if not data_files:
            raise PairgenError("--from files needs at least one --data-files SPLIT=PATH")
        chosen = _split_names(splits or list(data_files))
        files = resolve_data_files(data_files, chosen)
        return [SplitInput(split, backend, paths=paths) for split, paths in files.items()]
    if backend == "sample":
        available = sample_splits(source, config)
        if not available:  # e.g. an open config (the Hub dataset's own): else 0 pairs, exit 0
            raise PairgenError(
                f"no bundled sample for {source.name}/{config}; use --from hub or --from files"
            )
        chosen = _split_names(splits or available)
        for split in chosen:
            if split not in available:
                raise PairgenError(
                    f"no bundled sample for {source.name}/{config} split {split!r}; "
                    f"samples exist for: {', '.join(available)}"
                )
        return [
            SplitInput(
                s,
                backend,
                paths=[sample_path(source, config, s)],
                names=[f"sample:{source.name}/{config}/{s}.jsonl"],
            )
            for s in chosen
        ]
    chosen = _split_names(splits or list(source.splits))
    repo = hub_repo or source.hub_repo
    return [
        SplitInput(s, backend, hub_repo=repo, hub_config=config, revision=revision) for s in chosen
    ]


def _split_names(splits: Sequence[str]) -> list[str]:
    """The splits to build, once each, every name checked (a split names shard files)."""
    return [check_name("split", split) for split in dict.fromkeys(splits)]


def describe_inputs(split_inputs: Sequence[SplitInput]) -> list[InputRecord]:
    """Manifest entries for a source's splits: file checksums, or the resolved Hub commit.

    Each Hub repo (or local mirror) is resolved once for all its splits, and every Hub
    split is pinned to that commit, so the rows read are exactly the ones the manifest
    names even if the branch moves during the build, and no two splits can come from
    different commits.
    """
    revisions: dict[tuple[str, str | None], str] = {}
    records: list[InputRecord] = []
    for split_input in split_inputs:
        if split_input.backend != "hub":
            records += [
                InputRecord(
                    split_input.split, name, sha256=file_sha256(path), bytes=path.stat().st_size
                )
                for path, name in zip(split_input.paths, split_input.names, strict=True)
            ]
            continue
        repo = split_input.hub_repo
        mirror = Path(repo).is_dir()
        key = (repo, split_input.revision)
        if key not in revisions:
            revisions[key] = (
                directory_revision(Path(repo))
                if mirror
                else resolve_hub_revision(repo, split_input.revision)
            )
        location = recorded_hub_location(repo)
        if not mirror:
            split_input.revision = revisions[key]
        records.append(InputRecord(split_input.split, location, revision=revisions[key]))
    return records


def recorded_hub_repo(repo: str) -> str:
    """How outputs name a Hub repo: its id, or a local mirror's directory name (never
    its path on this machine; ``validate --rebuild --inputs DIR`` finds it by name).
    A source with no Hub id (``""``) stays ``""``: never the folder pairgen runs in."""
    return Path(repo).resolve().name if repo and Path(repo).is_dir() else repo


def recorded_hub_location(repo: str) -> str:
    """How outputs name a Hub input: ``hf://datasets/<repo>``, or a mirror's name."""
    return recorded_hub_repo(repo) if repo and Path(repo).is_dir() else f"hf://datasets/{repo}"


def directory_revision(directory: Path) -> str:
    """A content hash standing in for the commit of a local mirror of a Hub repo."""
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file() and ".git" not in p.parts):
        digest.update(path.relative_to(directory).as_posix().encode())
        digest.update(file_sha256(path).encode())
    return f"sha256:{digest.hexdigest()}"


def resolve_hub_revision(repo: str, revision: str | None) -> str:
    """The commit sha a Hub revision (branch, tag or sha) points at right now."""
    from huggingface_hub import HfApi

    from pairgen.remote import hub_unavailable

    what = f"cannot resolve revision {revision or 'main'!r} of dataset {repo!r} on the Hub"
    reason = hub_unavailable()
    if reason is not None:
        raise PairgenError(
            f"{what}: {reason}; build from local files (--data-files SPLIT=PATH) or a local "
            "mirror folder of the repo (--hub-repo DIR)"
        )
    try:
        info = HfApi().dataset_info(repo, revision=revision)
    except Exception as exc:  # network, auth, missing repo: all user-facing
        raise PairgenError(f"{what}: {type(exc).__name__}: {exc}") from exc
    return str(info.sha)


def expected_rows(split_input: SplitInput) -> int | None:
    """How many rows a split's files hold, when they say so cheaply (a progress bar's
    total: exact for Parquet, estimated from bytes for uncompressed text; see
    :mod:`pairgen.sources.row_counts`); ``None`` for the Hub."""
    if split_input.backend == "hub":
        return None
    counts = [count_rows(path) for path in split_input.paths]
    return None if None in counts else sum(c for c in counts if c is not None)


def iter_split(
    split_input: SplitInput,
    source: Source,
    batch_rows: int = DEFAULT_BATCH_ROWS,
    max_field_chars: int = DEFAULT_MAX_FIELD_CHARS,
) -> Iterator[RawBatch]:
    """All raw rows of one split, in order, as batches of at most ``batch_rows`` rows
    (a line too long for ``max_field_chars`` is skipped unread: a ``too_long`` reject)."""
    next_row = 0
    ids = DuplicateIds(source)
    if split_input.backend == "hub":
        yield from _iter_hub(split_input, source, batch_rows, ids)
        return
    for path, name in zip(split_input.paths, split_input.names, strict=True):
        for rows in read_file(path, source, batch_rows, max_field_chars):
            batch = RawBatch(split_input.split, name, next_row, rows, ids.repeats(rows, next_row))
            next_row += len(batch)
            yield batch


def _iter_hub(
    split_input: SplitInput, source: Source, batch_rows: int, ids: DuplicateIds
) -> Iterator[RawBatch]:
    import datasets

    local = Path(split_input.hub_repo).is_dir()
    location = split_input.hub_repo if local else f"hf://datasets/{split_input.hub_repo}"
    try:
        dataset = datasets.load_dataset(
            split_input.hub_repo,
            split_input.hub_config,
            split=split_input.split,
            revision=split_input.revision,
        )
    except Exception as exc:
        raise PairgenError(
            f"cannot load split {split_input.split!r} from the Hub: {type(exc).__name__}: {exc}",
            file=location,
        ) from exc
    check_columns(dataset.column_names, source, location)
    recorded = recorded_hub_location(split_input.hub_repo)
    next_row = 0
    for batch in dataset.data.table.to_batches(max_chunksize=batch_rows):
        rows = compact(batch)
        repeats = ids.repeats(rows, next_row)
        yield RawBatch(split_input.split, recorded, next_row, rows, repeats)
        next_row += batch.num_rows


__all__ = [
    "DEFAULT_BATCH_ROWS",
    "SAMPLES_DIR",
    "Backend",
    "InputRecord",
    "RawBatch",
    "SplitInput",
    "describe_inputs",
    "directory_revision",
    "expected_rows",
    "iter_split",
    "recorded_hub_location",
    "recorded_hub_repo",
    "resolve_hub_revision",
    "resolve_inputs",
    "sample_path",
    "sample_splits",
]
