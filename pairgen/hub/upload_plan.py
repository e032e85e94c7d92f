"""The upload plan of a publish: what goes up, what is already there, what must go.

Every local file is compared with the remote branch (LFS sha256 for large files, git blob
sha1 for small ones) so that :mod:`pairgen.hub.upload` knows *before* sending anything
which files are new or changed, and which stale pairgen files (an old shard of a larger
earlier build under ``data/``, ``rejects/`` or ``plots/``) must go.  That one plan is what
``--dry-run`` prints and what a real publish commits; making it sends read-only requests
only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pairgen.errors import PairgenError
from pairgen.hub.card_context import plot_files
from pairgen.output.files import file_sha256, regular_file_inside
from pairgen.output.manifest import CARD_NAME, MANAGED_PREFIXES, MANIFEST_NAME, Manifest

REGULAR_MAX_BYTES = 10 * 1024 * 1024  # files the Hub may store as plain git blobs


@dataclass(frozen=True, slots=True)
class LocalFile:
    """A file of the build and where it goes in the repo."""

    path_in_repo: str
    local: Path
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class PublishPlan:
    """What a publish sends: files to add (new or changed), unchanged ones, stale ones to delete."""

    repo_id: str
    revision: str
    endpoint: str
    repo_exists: bool
    upload: list[LocalFile]
    unchanged: list[LocalFile]
    delete: list[str]
    parent_commit: str | None = None  # the remote commit the plan was made against
    # False: made without the Hub (a dry run offline): every file is listed as to upload,
    # and whether the repo exists, what it holds and what is stale are unknown
    remote_checked: bool = True

    @property
    def changed(self) -> bool:
        return bool(self.upload or self.delete)


def git_blob_sha1(path: Path) -> str:
    """The git object id of a small file (how the Hub identifies non-LFS files).

    huggingface_hub's own ``git_hash``: the same ids as the hand-written
    ``sha1(b"blob %d\\0" % len(data) + data)`` it replaced (empty, 11 KB and 10 MB files),
    in 41 ms instead of 104 ms at 10 MB (it hashes the bytes without copying them).
    """
    from huggingface_hub.utils.sha import git_hash

    return git_hash(path.read_bytes())


def upload_paths(out: Path, manifest: Manifest) -> list[str]:
    """What a publish ships, relative to OUT: card, manifest, shards, rejects, plots."""
    paths = [CARD_NAME, MANIFEST_NAME, *manifest.files()]
    paths += [p.relative_to(out).as_posix() for p in plot_files(out)]
    return sorted(dict.fromkeys(paths))


def shipped_file(out: Path, path: str) -> Path:
    """``out / path`` if it is a regular file inside ``out``; a symlink on the way is refused.

    Nothing is followed out of the output folder (a linked ``plots/``, a shard pointing
    elsewhere), so no file from outside it can reach the Hub.
    """
    try:
        return regular_file_inside(out, path)
    except FileNotFoundError:
        raise PairgenError("file listed by the build is missing", file=str(out / path)) from None


def local_files(out: Path, manifest: Manifest) -> list[LocalFile]:
    """The files a publish ships (:func:`upload_paths`), each checked and hashed."""
    files = []
    for path in upload_paths(out, manifest):
        local = shipped_file(out, path)
        files.append(LocalFile(path, local, local.stat().st_size, file_sha256(local)))
    return files


def plan_publish(
    api: Any, out: Path, manifest: Manifest, repo_id: str, revision: str
) -> PublishPlan:
    """Compare the build with the remote branch (read-only requests only)."""
    files = local_files(out, manifest)
    remote, exists, head = remote_files(api, repo_id, revision)
    upload, unchanged = [], []
    for item in files:
        if _same_content(item, remote.get(item.path_in_repo)):
            unchanged.append(item)
        else:
            upload.append(item)
    ours = {f.path_in_repo for f in files}
    stale = sorted(p for p in remote if p.startswith(MANAGED_PREFIXES) and p not in ours)
    return PublishPlan(repo_id, revision, api.endpoint, exists, upload, unchanged, stale, head)


def local_plan(
    out: Path, manifest: Manifest, repo_id: str, revision: str, endpoint: str
) -> PublishPlan:
    """The plan of a dry run that cannot reach the Hub: every file, checked and hashed
    locally as a real publish would, listed as to upload; nothing compared."""
    files = local_files(out, manifest)
    return PublishPlan(repo_id, revision, endpoint, False, files, [], [], remote_checked=False)


def remote_files(api: Any, repo_id: str, revision: str) -> tuple[dict[str, Any], bool, str | None]:
    """Remote files, whether the repo exists, and the head commit the files were listed at.

    Files of ``revision``, or of ``main`` when that branch does not exist yet (a new branch
    starts from it).

    The first request is a plain repo-info call, which huggingface_hub does not retry:
    an unreachable endpoint fails in milliseconds instead of after half a minute of retries.
    """
    from huggingface_hub.errors import RepositoryNotFoundError, RevisionNotFoundError

    try:
        head = api.dataset_info(repo_id, revision=revision).sha
    except RepositoryNotFoundError:
        return {}, False, None
    except RevisionNotFoundError:
        if revision == "main":
            return {}, True, None
        return remote_files(api, repo_id, "main")
    tree = api.list_repo_tree(repo_id, recursive=True, repo_type="dataset", revision=head)
    return {f.path: f for f in tree if hasattr(f, "blob_id")}, True, head


def _same_content(item: LocalFile, remote: Any) -> bool:
    if remote is None or remote.size != item.size:
        return False
    if remote.lfs is not None:
        return bool(remote.lfs.sha256 == item.sha256)
    return item.size <= REGULAR_MAX_BYTES and remote.blob_id == git_blob_sha1(item.local)


__all__ = [
    "REGULAR_MAX_BYTES",
    "LocalFile",
    "PublishPlan",
    "git_blob_sha1",
    "local_files",
    "local_plan",
    "plan_publish",
    "remote_files",
    "shipped_file",
    "upload_paths",
]
