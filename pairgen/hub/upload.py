"""Publishing a validated build to the Hugging Face Hub, in one commit.

``publish`` refuses a build that ``pairgen validate`` rejects or whose card does not
describe it, makes the upload plan (:mod:`pairgen.hub.upload_plan`: new or changed files,
unchanged ones, stale pairgen files to delete) and, unless it is a dry run, commits that
plan with huggingface_hub's ``create_commit`` (preupload, LFS/Xet upload, ndjson commit).
Identical content makes no commit at all.  Client, HTTP and network failures become one
line without the token (:mod:`pairgen.hub.upload_errors`).

The endpoint is read from ``HF_ENDPOINT`` at call time (huggingface_hub reads it once, at
import).
"""

from __future__ import annotations

import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pairgen.errors import PairgenError
from pairgen.hub.card import write_card
from pairgen.hub.card_check import check_card, read_card_text
from pairgen.hub.upload_errors import hub_errors, redact
from pairgen.hub.upload_plan import (
    PublishPlan,
    local_plan,
    plan_publish,
    shipped_file,
    upload_paths,
)
from pairgen.output.lock import output_lock
from pairgen.output.manifest import CARD_NAME, Manifest, read_manifest
from pairgen.remote import hub_unavailable

REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


@dataclass(frozen=True, slots=True)
class PublishResult:
    plan: PublishPlan
    committed: bool
    commit_url: str | None = None
    pr_url: str | None = None
    notes: list[str] = field(default_factory=list)


def resolve_endpoint(endpoint: str | None = None) -> str:
    from huggingface_hub import constants

    return (endpoint or os.environ.get("HF_ENDPOINT") or constants.ENDPOINT).rstrip("/")


def check_ready(out: Path, repo_id: str) -> Manifest:
    """Refuse a build that fails validation or whose card does not describe it."""
    from pairgen.validate.run import require_valid

    if not REPO_ID.match(repo_id):
        raise PairgenError(f"--repo must be ORG/NAME, got {repo_id!r}")
    manifest = read_manifest(out)
    for path in upload_paths(out, manifest):  # links first: validation would follow them
        if path != CARD_NAME or os.path.lexists(out / CARD_NAME):
            shipped_file(out, path)
    require_valid(out, "no commit was made")
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
    url = resolve_endpoint(endpoint)
    unavailable = hub_unavailable(url)
    if unavailable is not None and dry_run:  # plan what can be known here, say what is not
        return PublishResult(
            local_plan(out, manifest, repo_id, branch, url),
            committed=False,
            notes=[
                f"{unavailable}: the plan lists every file as to upload; whether the repo "
                "exists, which files it already holds and which stale files would be "
                "deleted were not checked"
            ],
        )
    if unavailable is not None:
        raise PairgenError(f"publishing needs the Hub: {unavailable}; no commit was made")
    api = HfApi(endpoint=url, token=token)
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


__all__ = [
    "REPO_ID",
    "PublishResult",
    "check_ready",
    "default_message",
    "publish",
    "resolve_endpoint",
]
