"""``pairgen card`` and ``pairgen publish``: document a build, then put it on the Hub."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from pairgen.cli.console import note, say
from pairgen.cli.conventions import json_option, plural, quiet_option
from pairgen.errors import PairgenError

if TYPE_CHECKING:
    from pairgen.hub.upload import PublishResult

out_argument = click.argument("out", type=click.Path(path_type=Path))


@click.command()
@out_argument
@click.option(
    "--templates",
    type=click.Path(path_type=Path),
    help="Folder of card templates (default: the ones shipped in pairgen).",
)
@click.option("--repo", metavar="ORG/NAME", help="The repo named in the card's loading example.")
@click.option("--check", is_flag=True, help="Only check the existing README.md; write nothing.")
@json_option("The card's path and verdict")
@quiet_option("no line on success (errors still print)")
def card_command(
    out: Path, templates: Path | None, repo: str | None, check: bool, as_json: bool, quiet: bool
) -> None:
    """OUT/README.md holds YAML metadata for the Hub and `datasets`, and the documentation."""
    from pairgen.hub.card import write_card
    from pairgen.hub.card_check import check_card, read_card_text
    from pairgen.output.lock import output_error, output_lock
    from pairgen.output.manifest import CARD_NAME, read_manifest

    if check:
        path = out / CARD_NAME
        if not path.is_file():
            raise PairgenError(
                "no README.md to check; run `pairgen card OUT` first", file=str(path)
            )
        problems = check_card(out, read_card_text(path), read_manifest(out))
        if problems:
            raise PairgenError("the card is not valid: " + "; ".join(problems), file=str(path))
        _done(
            as_json, quiet, {"card": str(path), "written": False, "valid": True}, f"{path}: valid"
        )
        return
    read_manifest(out)  # no build there: fail before the lock creates OUT/.pairgen
    with output_lock(out, "card"):  # a build swapping shards in must not meet a half card
        try:
            path = write_card(out, templates=templates, repo_id=repo)
        except OSError as exc:  # a full disk: one line, and no partial card is left
            raise output_error(exc, out) from exc
    _done(
        as_json,
        quiet,
        {"card": str(path), "written": True, "valid": True},
        f"wrote {path} (validated)",
    )


def _done(as_json: bool, quiet: bool, document: dict[str, Any], line: str) -> None:
    if as_json:
        say(json.dumps(document, indent=2))
    elif not quiet:
        say(line)


@click.command()
@out_argument
@click.option("--repo", required=True, metavar="ORG/NAME", help="The Hub dataset repo.")
@click.option(
    "--private/--public",
    default=False,
    show_default=True,
    help="Visibility of the repo when it is created here (an existing repo keeps its own).",
)
@click.option("--revision", help="Branch to commit to (created if missing).")
@click.option("--create-pr", is_flag=True, help="Open a pull request instead of committing.")
@click.option("--dry-run", is_flag=True, help="List what would be committed; change nothing.")
@click.option("--message", help="Commit message.")
@json_option("The plan (files to upload, delete, unchanged) and the commit")
@quiet_option("only the last line (the commit, or what a dry run would send)")
def publish_command(
    out: Path,
    repo: str,
    private: bool,
    revision: str | None,
    create_pr: bool,
    dry_run: bool,
    message: str | None,
    as_json: bool,
    quiet: bool,
) -> None:
    """Validates OUT, then uploads its shards, card, manifest, rejects and plots in one
    commit.  The token comes from HF_TOKEN or `hf auth login`; HF_ENDPOINT selects
    another Hub."""
    from pairgen.hub.upload import publish

    result = publish(
        out,
        repo,
        private=private,
        revision=revision,
        create_pr=create_pr,
        dry_run=dry_run,
        commit_message=message,
    )
    if as_json:
        say(json.dumps(publish_document(result), indent=2))
        return
    print_plan(result, dry_run, quiet)
    for line in result.notes:  # what was not checked or not applied: stderr, like validate's
        note(f"note: {line}")
    if dry_run:
        return
    if not result.committed:
        say(f"{repo}: already up to date, no commit made")
    elif result.pr_url:
        say(f"opened pull request {result.pr_url}")
    else:
        say(f"committed {result.commit_url}")


def publish_document(result: PublishResult) -> dict[str, Any]:
    """What ``publish --json`` prints: the plan, file by file, and what was committed."""
    plan = result.plan
    return {
        "repo": plan.repo_id,
        "revision": plan.revision,
        "endpoint": plan.endpoint,
        "remote_checked": plan.remote_checked,
        "repo_exists": plan.repo_exists,
        "upload": [{"path": f.path_in_repo, "bytes": f.size} for f in plan.upload],
        "delete": plan.delete,
        "unchanged": [f.path_in_repo for f in plan.unchanged],
        "committed": result.committed,
        "commit_url": result.commit_url,
        "pr_url": result.pr_url,
        "notes": result.notes,
    }


def print_plan(result: PublishResult, dry_run: bool, quiet: bool = False) -> None:
    """One plain line per file (never truncated, so the list can be piped and compared)."""
    plan = result.plan
    if not quiet:
        verb = "would commit" if dry_run else "commit"
        created = " (repo will be created)" if plan.remote_checked and not plan.repo_exists else ""
        say(f"{verb} to {plan.repo_id}@{plan.revision} on {plan.endpoint}{created}:")
        for item in plan.upload:
            say(f"  upload  {item.path_in_repo}  ({item.size:,} bytes)")
        for path in plan.delete:
            say(f"  delete  {path}")
    total = sum(f.size for f in plan.upload)
    sent = f"{plural(len(plan.upload), 'file')} to upload ({plural(total, 'byte')})"
    if plan.remote_checked:
        say(f"{sent}, {len(plan.delete):,} to delete, {len(plan.unchanged):,} unchanged")
    else:
        say(f"{sent}; the repo was not compared (see the note)")


__all__ = ["card_command", "publish_command"]
