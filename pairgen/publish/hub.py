"""Publishing a validated build to the Hugging Face Hub, in one commit.

``publish`` refuses a build that ``pairgen validate`` rejects or whose card does not
describe it, then compares every local file with the remote branch (LFS sha256 for
large files, git blob sha1 for small ones) so that it knows *before* sending anything
which files are new or changed, and which stale pairgen files (an old shard of a larger
earlier build under ``data/``, ``rejects/`` or ``plots/``) must go.  That one plan is what
``--dry-run`` prints and what a real publish commits, with huggingface_hub's
``create_commit`` (preupload, LFS/Xet upload, ndjson commit).  Identical content makes no
commit at all.

The token comes from ``HF_TOKEN`` or ``hf auth login`` through huggingface_hub and is only
ever put in request headers; error messages are built from status codes and server
messages and scrubbed of it all the same.  The endpoint is read from ``HF_ENDPOINT`` at
call time (huggingface_hub reads it once, at import).
"""

from __future__ import annotations

import hashlib
import os
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pairgen.build.lock import output_lock
from pairgen.errors import PairgenError, whole_message
from pairgen.files import file_sha256, regular_file_inside
from pairgen.manifest import (
    CARD_NAME,
    MANAGED_PREFIXES,
    MANIFEST_NAME,
    Manifest,
    read_manifest,
)
from pairgen.publish.card import write_card
from pairgen.publish.card_check import check_card, read_card_text
from pairgen.publish.card_context import plot_files

REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
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

    @property
    def changed(self) -> bool:
        return bool(self.upload or self.delete)


@dataclass(frozen=True, slots=True)
class PublishResult:
    plan: PublishPlan
    committed: bool
    commit_url: str | None = None
    pr_url: str | None = None
    notes: list[str] = field(default_factory=list)


def git_blob_sha1(path: Path) -> str:
    """The git object id of a small file (how the Hub identifies non-LFS files)."""
    data = path.read_bytes()
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


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


def resolve_endpoint(endpoint: str | None = None) -> str:
    from huggingface_hub import constants

    return (endpoint or os.environ.get("HF_ENDPOINT") or constants.ENDPOINT).rstrip("/")


def check_ready(out: Path, repo_id: str) -> Manifest:
    """Refuse a build that fails validation or whose card does not describe it."""
    from pairgen.validate.run import validate_output

    if not REPO_ID.match(repo_id):
        raise PairgenError(f"--repo must be ORG/NAME, got {repo_id!r}")
    manifest = read_manifest(out)
    for path in upload_paths(out, manifest):  # links first: validation would follow them
        if path != CARD_NAME or os.path.lexists(out / CARD_NAME):
            shipped_file(out, path)
    report = validate_output(out)
    if not report.ok:
        shown = "; ".join(str(v) for v in report.violations[:3])
        more = f" (and {len(report.violations) - 3} more)" if len(report.violations) > 3 else ""
        raise PairgenError(f"validation failed, no commit was made: {shown}{more}", file=str(out))
    card = out / CARD_NAME
    if not card.is_file():
        write_card(out, repo_id=repo_id)
    problems = check_card(out, read_card_text(card), manifest)
    if problems:
        raise PairgenError(
            "README.md does not describe this build (run `pairgen card` again): "
            + "; ".join(problems[:3]),
            file=str(card),
        )
    return manifest


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


def publish(
    out: str | Path,
    repo_id: str,
    *,
    private: bool = False,
    revision: str | None = None,
    create_pr: bool = False,
    dry_run: bool = False,
    endpoint: str | None = None,
    commit_message: str | None = None,
) -> PublishResult:
    """Validate, plan and (unless ``dry_run``) commit a build to a Hub dataset repo.

    The output's lock is held throughout (a dry run too: the plan must describe files no
    build is replacing meanwhile), so a build into ``out`` waits for no half-read publish.
    """
    out = Path(out)
    with output_lock(out, "publish", writes=False):
        return _publish(
            out,
            repo_id,
            private=private,
            revision=revision,
            create_pr=create_pr,
            dry_run=dry_run,
            endpoint=endpoint,
            commit_message=commit_message,
        )


def _publish(
    out: Path,
    repo_id: str,
    *,
    private: bool,
    revision: str | None,
    create_pr: bool,
    dry_run: bool,
    endpoint: str | None,
    commit_message: str | None,
) -> PublishResult:
    from huggingface_hub import CommitOperationAdd, CommitOperationDelete, HfApi, get_token

    manifest = check_ready(out, repo_id)
    token = get_token()
    if token is None and not dry_run:
        raise PairgenError("no Hugging Face token: set HF_TOKEN or run `hf auth login`")
    branch = revision or "main"
    api = HfApi(endpoint=resolve_endpoint(endpoint), token=token)
    with hub_errors(api.endpoint, repo_id, token):
        plan = plan_publish(api, out, manifest, repo_id, branch)
        if dry_run or not plan.changed:
            return PublishResult(plan, committed=False)
        notes = []
        if not plan.repo_exists:
            api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
        elif private:
            notes.append(
                "--private only applies when the repo is created; its visibility was left as is"
            )
        if branch != "main":
            _ensure_branch(api, repo_id, branch, create_pr)
        operations: list[Any] = [
            CommitOperationAdd(f.path_in_repo, str(f.local)) for f in plan.upload
        ]
        operations += [CommitOperationDelete(path) for path in plan.delete]
        with warnings.catch_warnings(record=True) as caught:  # the Hub's card warnings
            warnings.simplefilter("always", UserWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            info = api.create_commit(
                repo_id,
                operations,
                commit_message=commit_message or default_message(manifest),
                commit_description=f"config_hash {manifest.config_hash}",
                repo_type="dataset",
                revision=branch,
                create_pr=create_pr,
                # Fails instead of overwriting if someone pushed after the plan was made.
                parent_commit=plan.parent_commit,
            )
        notes += [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    return PublishResult(
        plan, True, str(info.commit_url), info.pr_url, [redact(n, token) for n in notes]
    )


def _ensure_branch(api: Any, repo_id: str, branch: str, create_pr: bool) -> None:
    from huggingface_hub.errors import RevisionNotFoundError

    try:
        api.repo_info(repo_id, repo_type="dataset", revision=branch)
    except RevisionNotFoundError:
        if create_pr:
            raise PairgenError(
                f"--create-pr needs an existing branch; {branch!r} does not exist"
            ) from None
        api.create_branch(repo_id, branch=branch, repo_type="dataset", exist_ok=True)


def default_message(manifest: Manifest) -> str:
    return f"pairgen publish: {manifest.total_pairs:,} pairs in {', '.join(manifest.configs)}"


def redact(text: str, token: str | None) -> str:
    return text.replace(token, "hf_***") if token else text


@contextmanager
def hub_errors(endpoint: str, repo_id: str, token: str | None) -> Iterator[None]:
    """Turn client, HTTP and network failures into one clear line (never containing the token)."""
    import httpx2
    from huggingface_hub.errors import HfHubHTTPError, OfflineModeIsEnabled, RepositoryNotFoundError

    try:
        yield
    except PairgenError:
        raise
    except OfflineModeIsEnabled as exc:
        raise PairgenError(
            "HF_HUB_OFFLINE is set: publishing needs the network; no commit was made"
        ) from exc
    except RepositoryNotFoundError as exc:
        raise PairgenError(
            f"dataset repo {repo_id!r} not found or not accessible with this token at {endpoint}; "
            "no commit was made"
        ) from exc
    except HfHubHTTPError as exc:
        status = exc.response.status_code if exc.response is not None else None
        raise PairgenError(redact(_http_message(status, endpoint, repo_id, exc), token)) from exc
    except (httpx2.TransportError, OSError) as exc:
        raise PairgenError(
            redact(
                f"cannot reach the Hub at {endpoint}: {type(exc).__name__}: {exc}; "
                "no commit was made",
                token,
            )
        ) from exc
    except (ValueError, RuntimeError) as exc:  # README rejected by the Hub, failed LFS upload
        cause = f" ({exc.__cause__})" if exc.__cause__ else ""
        raise PairgenError(
            redact(f"publishing failed: {exc}{cause}; no commit was made", token)
        ) from exc


def _http_message(status: int | None, endpoint: str, repo_id: str, exc: Exception) -> str:
    if status == 401:
        return (
            f"authentication failed at {endpoint} (HTTP 401): the token is missing, invalid "
            "or expired; "
            "set HF_TOKEN or run `hf auth login`; no commit was made"
        )
    if status == 403:
        return (
            f"permission denied for {repo_id!r} (HTTP 403): the token cannot write there; "
            "no commit was made"
        )
    return f"the Hub refused the request (HTTP {status}): {whole_message(exc)}; no commit was made"


__all__ = [
    "REGULAR_MAX_BYTES",
    "REPO_ID",
    "LocalFile",
    "PublishPlan",
    "PublishResult",
    "check_ready",
    "default_message",
    "git_blob_sha1",
    "hub_errors",
    "local_files",
    "plan_publish",
    "publish",
    "redact",
    "remote_files",
    "resolve_endpoint",
    "shipped_file",
    "upload_paths",
]
