"""``pairgen validate``: every pair rechecked against its row in the recorded inputs.

The row checks (:mod:`pairgen.validate.rows`) prove what the output claims about itself;
they cannot see a wrong *reading* of the data.  Winogrande's answer ``"1"`` read as a
0-based index makes every chosen the other option, and every pair still passes the
strategy checks, the digest and the rebuild (the rebuild reads the data the same wrong
way).  So here each pair is joined to its source row and compared by a path that shares
nothing with the build's reading: the input files the manifest records (found again by
name and sha256 with :class:`~pairgen.validate.input_finder.InputFinder`, under
``--inputs DIR`` and below, default the current directory's top level; bundled samples
in the package), read by validate's own reader (:mod:`pairgen.validate.source_reader`),
with the raw schemas written down apart from the source classes
(:mod:`pairgen.validate.source_schemas`) and the checks of :mod:`pairgen.validate.source_checks`.

The join key is the pair's ``source_id``: the row's id column (ARC ``id``, HellaSwag
``ind``, a mapped ``id``), else the row's index within its split across the split's
files in recorded order (how the build numbers rows).  A repeated id is joined to its
first row, the one the build kept.  Rows are streamed in file order and kept only until
their last pair is checked, so memory stays small when pairs come in row order (they do).

What cannot be rechecked is said in one note per reason, never silently skipped and
never a violation: Hub inputs (validate does not download; ``--rebuild`` compares
them), input files not found, a source or strategy validate does not know.  A violation
(check ``source_row``) names the pair id, the source row and what differs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import pyarrow.parquet as pq

from pairgen.errors import PairgenError
from pairgen.output.manifest import (
    ConfigEntry,
    InputEntry,
    Manifest,
    SplitEntry,
    read_manifest,
)
from pairgen.validate.files import READ_ERRORS, refused_path
from pairgen.validate.input_finder import InputFinder
from pairgen.validate.source_checks import (
    check_choice_pair,
    check_maths_pair,
    option_answer,
    read_choices,
    source_solution,
    stated_answer,
    unread_option,
)
from pairgen.validate.source_reader import SourceUnreadable, iter_raw_rows
from pairgen.validate.source_schemas import CHOICES, SOLUTION, RawSchema, raw_schema, row_key
from pairgen.validate.violations import Violation, completion_texts

CHECK = "source_row"
NOT_RECHECKED = "source rows not rechecked"
# the strategies whose completions validate knows how to read back, by kind of example
# (by_type routes each MetaMathQA row to arithmetic or math; the pair's own ``strategy``
# column names which)
_STRATEGIES = {CHOICES: ("choice",), SOLUTION: ("arithmetic", "math", "by_type")}
_PAIR_COLUMNS = ["id", "source_id", "chosen", "rejected", "strategy"]

# (chosen, rejected, the source row, the strategy the pair names) -> what differs
PairCheck = Callable[[str, str, Mapping[str, Any], str], str | None]


@dataclass
class SourceRecheck:
    """What the recheck found: violations, notes on what it could not recheck, and how
    many pairs it compared with their source rows."""

    violations: list[Violation] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    pairs: int = 0


def recheck_source_rows(
    out: Path, input_dirs: Sequence[Path] = (), manifest: Manifest | None = None
) -> SourceRecheck:
    """Compare every pair of the build in ``out`` with its source row (module doc);
    ``manifest``: the one ``validate`` already read (else read here)."""
    result = SourceRecheck()
    if manifest is None:
        try:
            manifest = read_manifest(out)
        except PairgenError as exc:  # validate reports the manifest itself
            result.notes.append(f"{NOT_RECHECKED}: {exc}")
            return result
    finder = InputFinder.searching(input_dirs)
    skipped: dict[str, list[str]] = {}  # reason -> the splits it kept from the recheck
    for config, entry in manifest.configs.items():
        schema, why = raw_schema(entry.source, entry.source_settings)
        if schema is not None and entry.strategy not in _STRATEGIES[schema.kind]:
            why = f"validate does not read back completions of strategy {entry.strategy!r}"
        for split, info in entry.splits.items():
            if not info.pairs:
                continue
            files: list[tuple[Path, InputEntry]] = []
            reason = why
            if reason is None and schema is not None:
                files, reason = finder.local_files(entry, split)
            if reason is None and schema is not None:
                check = _pair_check(schema, entry, manifest.options)
                reason = _recheck_split(out, info, files, schema, check, result)
            if reason is not None:
                skipped.setdefault(reason, []).append(f"{config}/{split}")
    result.notes += [f"{NOT_RECHECKED}: {', '.join(s)}: {r}" for r, s in skipped.items()]
    return result


def _pair_check(schema: RawSchema, entry: ConfigEntry, options: Mapping[str, Any]) -> PairCheck:
    """The comparison of one pair with its raw row, under the options the build recorded."""
    if schema.kind == CHOICES:
        template = str(options.get("choice_template", "letter"))
        clean_markup = options.get("clean_markup", True) is not False

        def check_choices(
            chosen: str, rejected: str, row: Mapping[str, Any], strategy: str
        ) -> str | None:
            choices = read_choices(row, schema, clean_markup)
            if isinstance(choices, str):
                return choices
            return check_choice_pair(chosen, rejected, choices, template, schema.continuation)

        return check_choices
    strip_option = options.get("strip_annotations") is True

    def check_solution(
        chosen: str, rejected: str, row: Mapping[str, Any], strategy: str
    ) -> str | None:
        # --strip-annotations is the arithmetic rule's; by_type pairs name their rule
        strip = strip_option and strategy == "arithmetic"
        try:
            solution = source_solution(row, schema, strip)
        except ValueError as exc:
            return str(exc)
        answer = stated_answer(row, schema)
        if answer is not None and schema.choices:
            answer = option_answer(row, schema, answer)
            if answer is None:
                return unread_option(row, schema)
        return check_maths_pair(chosen, rejected, solution, schema.solution, answer)

    return check_solution


def _recheck_split(
    out: Path,
    info: SplitEntry,
    files: list[tuple[Path, InputEntry]],
    schema: RawSchema,
    check: PairCheck,
    result: SourceRecheck,
) -> str | None:
    """Check one split's pairs against its rows; the reason when that could not be done."""
    shards = [s.path for s in info.shards if refused_path(out, s.path) is None]
    try:
        wanted = Counter[str]()
        for shard in shards:
            wanted.update(
                pq.ParquetFile(out / shard).read(columns=["source_id"]).column(0).to_pylist()
            )
        rows = _SourceRows(files, schema, wanted)

        for shard in shards:
            first = 0
            for batch in pq.ParquetFile(out / shard).iter_batches(columns=_PAIR_COLUMNS):
                ids, keys = batch.column("id").to_pylist(), batch.column("source_id").to_pylist()
                chosen = completion_texts(batch.column("chosen"))
                rejected = completion_texts(batch.column("rejected"))
                strategies = batch.column("strategy").to_pylist()
                for offset, key in enumerate(keys):
                    found = rows.take(str(key))
                    pair = (chosen[offset], rejected[offset], str(strategies[offset]))
                    reason = _compare(found, key, pair, check, files)
                    if reason is not None:
                        message = f"pair {ids[offset]}: {reason}"
                        result.violations.append(Violation(shard, first + offset, message, CHECK))
                result.pairs += len(keys)
                first += len(keys)
    except SourceUnreadable as exc:
        return f"validate's reader cannot read {exc}"
    except (*READ_ERRORS, KeyError):  # the shard's own checks report what is wrong with it
        return "a shard cannot be read (see its violation)"
    return None


def _compare(
    found: _SourceRow | None,
    key: object,
    pair: tuple[str, str, str],
    check: PairCheck,
    files: list[tuple[Path, InputEntry]],
) -> str | None:
    """What is wrong with one pair (chosen, rejected, the strategy it names) against its
    source row (``found``), or ``None``."""
    if found is None:
        where = ", ".join(record.location for _, record in files)
        return f"no row of the recorded inputs ({where}) has source_id {key!r}"
    chosen, rejected, strategy = pair
    reason = check(chosen, rejected, found.values, strategy)
    return reason and f"source row {found.row} ({found.file}): {reason}"


class _SourceRow(NamedTuple):
    row: int  # within the split
    file: str  # the input's recorded name
    values: dict[str, Any]  # the columns the recheck reads


class _SourceRows:
    """A split's raw rows by ``source_id``, streamed in order: each row is held from when
    the scan passes it until its last pair (``wanted`` counts them) has taken it."""

    def __init__(
        self, files: list[tuple[Path, InputEntry]], schema: RawSchema, wanted: Counter[str]
    ) -> None:
        self._schema = schema
        self._scan = self._rows(files, schema.columns())
        self._wanted = wanted
        self._pending: dict[str, _SourceRow] = {}
        self._seen: set[str] = set()  # ids met so far (index keys cannot repeat)

    def take(self, key: str) -> _SourceRow | None:
        """The row whose pairs carry ``source_id`` ``key``, or ``None`` if there is none."""
        if key not in self._pending:
            self._scan_to(key)
        row = self._pending.get(key)
        if row is not None:
            self._wanted[key] -= 1
            if self._wanted[key] <= 0:
                del self._pending[key]
        return row

    def _scan_to(self, key: str) -> None:
        for row in self._scan:
            found = row_key(row.values, self._schema, row.row)
            if self._schema.id_column is not None:
                if found in self._seen:
                    continue  # a repeated id: the build kept the first row (duplicate_id)
                self._seen.add(found)
            if self._wanted.get(found, 0) > 0:
                self._pending[found] = row
            if found == key:
                return

    @staticmethod
    def _rows(files: list[tuple[Path, InputEntry]], columns: Sequence[str]) -> Iterator[_SourceRow]:
        index = 0
        for path, record in files:
            for raw in iter_raw_rows(path, columns):
                values = {name: raw[name] for name in columns if name in raw}
                yield _SourceRow(index, record.location, values)
                index += 1


__all__ = ["CHECK", "NOT_RECHECKED", "SourceRecheck", "recheck_source_rows"]
