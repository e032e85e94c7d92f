"""Where a build's recorded inputs are now: found by name, proved by checksum.

A manifest names each input file by its file name and sha256, a bundled sample by
``sample:<source>/<config>/<split>.jsonl`` and its sha256, a Hub input by commit and a
local Hub mirror by its directory name and content hash (never a path of the building
machine).  ``validate --rebuild`` (:mod:`pairgen.validate.rebuild`) and the source-row
recheck (:mod:`pairgen.validate.source_rows`) both find them again here, so the two
agree on which file is "the build's input": the same name, the same bytes.

Both look only where they are told (docs/safety.md): in each ``--inputs DIR`` and below
it, or, with none named, directly in the current directory and never below it; a file
is hashed only when it is a regular file (never a FIFO or a device) of the recorded size.
"""

from __future__ import annotations

import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pairgen.errors import PairgenError
from pairgen.output.files import file_sha256
from pairgen.output.manifest import ConfigEntry, InputEntry
from pairgen.sources import get_source
from pairgen.sources.inputs import directory_revision, sample_path


@dataclass(frozen=True, slots=True)
class InputFinder:
    """Finds recorded inputs again: by name under the search folders, proved by checksum."""

    dirs: tuple[Path, ...]
    search_below: bool = True  # only in folders the user named, never the whole cwd

    @classmethod
    def searching(cls, input_dirs: Sequence[Path] = ()) -> InputFinder:
        """A finder over ``--inputs DIR`` folders and below them; with none, the top level
        of the current directory only."""
        if input_dirs:
            return cls(tuple(Path(d) for d in input_dirs))
        return cls((Path.cwd(),), search_below=False)

    def locate(self, entry: ConfigEntry, split: str) -> tuple[list[Path], str | None]:
        """The paths of one split's inputs (files and Hub mirrors), or why they are not here."""
        records = [record for record in entry.inputs if record.split == split]
        if not records:
            return [], "the manifest records no input for it"
        paths = []
        for record in records:
            path, reason = self._one(entry, record)
            if reason is not None:
                return [], reason
            if path is not None:
                paths.append(path)
        return paths, None

    def local_files(
        self, entry: ConfigEntry, split: str
    ) -> tuple[list[tuple[Path, InputEntry]], str | None]:
        """One split's inputs as local files to read, in the recorded order, each with its
        record; or why they cannot be read here (a Hub input, a file not found)."""
        records = [record for record in entry.inputs if record.split == split]
        if not records:
            return [], "the manifest records no input for it"
        if entry.backend == "hub":
            where = ", ".join(dict.fromkeys(record.location for record in records))
            return [], (
                f"its rows come from a Hub dataset ({where}), which validate does not re-read "
                "(--rebuild compares them)"
            )
        found = []
        for record in records:
            if entry.backend == "sample":
                path, reason = self._sample(entry, record)
            else:
                path, reason = self._one(entry, record)
            if path is None:
                return [], reason or f"input {record.location} was not found"
            found.append((path, record))
        return found, None

    def _one(self, entry: ConfigEntry, record: InputEntry) -> tuple[Path | None, str | None]:
        if entry.backend == "sample":
            return None, self._sample(entry, record)[1]  # the rebuild reads samples itself
        if record.location.startswith("hf://"):
            return None, None  # a Hub commit: reachable if the Hub (or its cache) answers
        mirror = entry.backend == "hub"
        for candidate in self._candidates(record.location):
            if mirror and candidate.is_dir() and directory_revision(candidate) == record.revision:
                return candidate, None
            if not mirror and _same_file(candidate, record):
                return candidate, None
        what = f"the Hub mirror {record.location}" if mirror else f"input {record.location}"
        return None, f"{what} with the recorded checksum is not {self._where()}"

    def _where(self) -> str:
        """Where the search looked, as the note says it: ``under`` the ``--inputs``
        folders, or ``in`` the current directory alone (its sub-folders are not searched:
        a build records names only, and the whole tree may be large or not the user's)."""
        where = ", ".join(str(d) for d in self.dirs)
        if self.search_below:
            return f"under {where} (--inputs DIR)"
        return f"in {where} (sub-folders are not searched: pass --inputs DIR)"

    @staticmethod
    def _sample(entry: ConfigEntry, record: InputEntry) -> tuple[Path | None, str | None]:
        """This pairgen's bundled sample file, when it is the one the build read."""
        try:
            path = sample_path(get_source(entry.source), entry.source_config, record.split)
        except PairgenError as exc:  # a plugin's source that is not installed here
            return None, str(exc)
        if not path.is_file() or file_sha256(path) != record.sha256:
            return None, f"this pairgen's bundled sample {path.name} differs from the build's"
        return path, None

    def _candidates(self, name: str) -> Iterator[Path]:
        """Where a file of that name may be: directly in each folder, then, in folders the
        user named (``--inputs DIR``), below it (lazily: the search stops at the first one
        with the right checksum).  A build records a file by its name alone, so a recorded
        name that is a path (``../x``, ``/dev/zero``) is nowhere to look."""
        if "\0" in name or "/" in name or name in ("", ".", ".."):
            return
        yield from (d / name for d in self.dirs)
        for folder in self.dirs if self.search_below else ():
            if folder.is_dir():
                yield from folder.rglob(name)


def _same_file(candidate: Path, record: InputEntry) -> bool:
    """Whether ``candidate`` is the recorded input: a regular file (never a FIFO or a
    device) of the recorded size, hashed only then, with the recorded sha256."""
    try:
        info = candidate.stat()
    except OSError:
        return False
    if not stat.S_ISREG(info.st_mode):
        return False
    if record.bytes is not None and info.st_size != record.bytes:
        return False
    return file_sha256(candidate) == record.sha256


__all__ = ["InputFinder"]
