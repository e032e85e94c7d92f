"""``pairgen card`` and ``pairgen publish``: document a build, then put it on the Hub."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pairgen.cli.console import console
from pairgen.errors import PairgenError
from pairgen.manifest import CARD_NAME, read_manifest
from pairgen.publish.card import write_card
from pairgen.publish.card_check import check_card, read_card_text
from pairgen.publish.hub import PublishResult, publish

OutArgument = Annotated[Path, typer.Argument(help="A pairgen build output directory.")]


def card_command(
    out: OutArgument,
    templates: Annotated[
        Path | None,
        typer.Option(help="Folder of card templates (default: the ones shipped in pairgen)."),
    ] = None,
    repo: Annotated[
        str | None, typer.Option(help="ORG/NAME used in the card's loading example.")
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Only check the existing README.md; write nothing.")
    ] = False,
) -> None:
    """Write OUT/README.md, the dataset card (YAML metadata for the Hub and datasets, and docs)."""
    if check:
        path = out / CARD_NAME
        if not path.is_file():
            raise PairgenError(
                "no README.md to check; run `pairgen card OUT` first", file=str(path)
            )
        problems = check_card(out, read_card_text(path), read_manifest(out))
        if problems:
            raise PairgenError("the card is not valid: " + "; ".join(problems), file=str(path))
        say(f"{path}: valid")
        return
    path = write_card(out, templates=templates, repo_id=repo)
    say(f"wrote {path} (validated)")


def publish_command(
    out: OutArgument,
    repo: Annotated[str, typer.Option(help="Hub dataset repo, ORG/NAME.")],
    private: Annotated[
        bool, typer.Option(help="Create the repo as private (when it does not exist).")
    ] = False,
    revision: Annotated[
        str | None, typer.Option(help="Branch to commit to (created if missing).")
    ] = None,
    create_pr: Annotated[
        bool, typer.Option("--create-pr", help="Open a pull request instead of committing.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what would be committed; change nothing.")
    ] = False,
    message: Annotated[str | None, typer.Option(help="Commit message.")] = None,
) -> None:
    """Validate OUT and upload its shards, card, manifest, rejects and plots in one commit.

    The token comes from HF_TOKEN or `hf auth login`; HF_ENDPOINT selects another Hub.
    """
    result = publish(
        out,
        repo,
        private=private,
        revision=revision,
        create_pr=create_pr,
        dry_run=dry_run,
        commit_message=message,
    )
    print_plan(result, dry_run)
    for note in result.notes:
        say(f"note: {note}")
    if dry_run:
        return
    if not result.committed:
        say(f"{repo}: already up to date, no commit made")
    elif result.pr_url:
        say(f"opened pull request {result.pr_url}")
    else:
        say(f"committed {result.commit_url}")


def print_plan(result: PublishResult, dry_run: bool) -> None:
    """One plain line per file (never truncated, so the list can be piped and compared)."""
    plan = result.plan
    verb = "would commit" if dry_run else "commit"
    created = " (repo will be created)" if not plan.repo_exists else ""
    say(f"{verb} to {plan.repo_id}@{plan.revision} on {plan.endpoint}{created}:")
    for item in plan.upload:
        say(f"  upload  {item.path_in_repo}  ({item.size:,} bytes)")
    for path in plan.delete:
        say(f"  delete  {path}")
    total = sum(f.size for f in plan.upload)
    say(
        f"{len(plan.upload)} to upload ({total:,} bytes), {len(plan.delete)} to delete, "
        f"{len(plan.unchanged)} unchanged"
    )


def say(line: str) -> None:
    console.print(line, highlight=False, markup=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command("card")(card_command)
    app.command("publish")(publish_command)
