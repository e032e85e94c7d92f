"""Where a build writes before OUT changes: ``OUT/.pairgen/staging/``, and how it resumes.

A build never writes into OUT's managed paths directly.  Shards, rejects and the
manifest go to the staging area, laid out exactly like OUT (``data/``, ``rejects/``,
``manifest.json``), and :mod:`pairgen.output.swap` moves them in only once every split is
complete and checked.  A failure or a kill before then leaves OUT as it was.

Why inside OUT (a hidden ``.pairgen`` folder) and not beside it: the swap is a handful of
``rename`` calls, atomic only within one file system, and OUT's own folder is the one
place certain to be on OUT's file system and writable whenever OUT is; it also keeps
pairgen from writing into OUT's parent, which may belong to someone else.  Readers and
publish only look at managed paths, so the staging area is never mistaken for output.

Resume: after each split is written the staging journal (``journal.json``) records its
manifest entry, sha256 of every file included, under a *key* that covers everything that
decides the bytes (the config hash, the input checksums, the library versions).  A rerun
with the same key keeps every split whose files still hash as recorded and builds only the
rest; anything else in the staging area (a split that was being written, a stale key) is
deleted first.  Only the build holding OUT's lock opens the staging area, so whatever it
finds there belongs to a run that is gone.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pairgen.errors import PairgenError
from pairgen.output.files import file_sha256, json_text, write_text_atomically
from pairgen.output.manifest import DATA_DIR, REJECTS_DIR, SplitEntry, parse_as

STAGING_NAME = "staging"
JOURNAL_NAME = "journal.json"
DISCARD_PREFIX = "discard-"  # staging areas on their way out (renamed, then deleted)


@dataclass
class Staging:
    """A build's staging area and the splits it has completed (those reused included)."""

    root: Path
    key: str
    done: dict[tuple[str, str], SplitEntry] = field(default_factory=dict)
    reused: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def open(cls, state: Path, key: str, resume: bool) -> Staging:
        """The staging area under ``state`` (``OUT/.pairgen``), resumed when ``resume``
        and its journal has ``key``, else empty.  The caller holds OUT's lock."""
        remove_discarded(state)
        root = state / STAGING_NAME
        staging = cls(root, key)
        journal = None if _holds_links(root) else _read_journal(root / JOURNAL_NAME)
        if resume and journal is not None and journal.get("key") == key:
            staging._keep_verified(journal)
        else:
            discard(root)
        root.mkdir(parents=True, exist_ok=True)
        staging._write_journal()
        return staging

    def reusable(self, config: str, split: str) -> SplitEntry | None:
        """The verified entry of a split a killed run completed, if any."""
        return self.done.get((config, split)) if (config, split) in self.reused else None

    def record(self, config: str, split: str, entry: SplitEntry) -> None:
        """A split is complete: note it (and its checksums) for a run that resumes."""
        self.done[(config, split)] = entry
        self._write_journal()

    def unexpected_files(self, listed: list[str]) -> list[str]:
        """Files under the staged ``data/`` and ``rejects/`` that ``listed`` lacks (none,
        unless the build has a bug): the last check before anything is swapped in."""
        wanted = set(listed)
        return [p for p in _files_under(self.root) if p not in wanted]

    # -- internals -------------------------------------------------------------------
    def _keep_verified(self, journal: dict[str, Any]) -> None:
        for name, entry in _journal_entries(journal):
            config, _, split = name.partition("/")
            if all(
                (self.root / path).is_file() and file_sha256(self.root / path) == digest
                for path, digest in _checksums(entry)
            ):
                self.done[(config, split)] = entry
                self.reused.append((config, split))
        kept = {path for entry in self.done.values() for path in entry.files()}
        for path in _files_under(self.root):
            if path not in kept:
                (self.root / path).unlink()
        for name in os.listdir(self.root):  # a manifest or anything else of the dead run
            if name not in (DATA_DIR, REJECTS_DIR, JOURNAL_NAME):
                remove(self.root / name)

    def _write_journal(self) -> None:
        splits = {f"{c}/{s}": asdict(entry) for (c, s), entry in self.done.items()}
        write_text_atomically(
            self.root / JOURNAL_NAME, json_text({"key": self.key, "splits": splits})
        )


def _holds_links(root: Path) -> bool:
    """Whether the staging area is, or holds, a symlink: then it is discarded (the link
    itself removed), never resumed, so nothing is deleted through it."""
    if root.is_symlink():
        return True
    for directory, subdirs, names in os.walk(root):
        if any((Path(directory) / name).is_symlink() for name in subdirs + names):
            return True
    return False


def discard(path: Path) -> None:
    """Remove a staging area: renamed aside first, so a kill halfway through deleting it
    never leaves something that looks like a staging area with half its files."""
    if not os.path.lexists(path):
        return
    aside = path.with_name(f"{DISCARD_PREFIX}{uuid.uuid4().hex}")
    os.rename(path, aside)
    remove(aside)


def remove_discarded(state: Path) -> None:
    """Finish deleting what killed runs had set aside (the caller holds OUT's lock)."""
    for entry in state.glob(f"{DISCARD_PREFIX}*"):
        remove(entry)


def remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _files_under(root: Path) -> list[str]:
    """Every file (or link) under ``root``'s ``data/`` and ``rejects/``, relative to root."""
    found = []
    for folder in (DATA_DIR, REJECTS_DIR):
        for directory, _, names in os.walk(root / folder):
            found += [(Path(directory) / n).relative_to(root).as_posix() for n in names]
    return sorted(found)


def _read_journal(path: Path) -> dict[str, Any] | None:
    try:
        journal = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # none, or torn: nothing to resume
    return journal if isinstance(journal, dict) else None


def _journal_entries(journal: dict[str, Any]) -> list[tuple[str, SplitEntry]]:
    splits = journal.get("splits")
    if not isinstance(splits, dict):
        return []
    entries = []
    for name, value in splits.items():
        try:
            entries.append((name, parse_as(SplitEntry, value, name, None)))
        except PairgenError:
            continue  # written by another version: rebuild that split
    return entries


def _checksums(entry: SplitEntry) -> list[tuple[str, str]]:
    return [(s.path, s.sha256) for s in entry.shards] + [(entry.rejects.path, entry.rejects.sha256)]


__all__ = ["STAGING_NAME", "Staging", "discard", "remove_discarded"]
