"""The ``pairgen`` command group: every sub-command, loaded only when it runs.

Each command lives in its own module and imports what it needs (pyarrow, DuckDB, torch,
the Hub client) only when it runs, so listing the commands (``pairgen --help``,
``pairgen --version``) imports none of them: :class:`LazyGroup` knows each command's
module and one-line summary from :data:`COMMANDS` and imports a module only when its
command is called (or its own ``--help`` is asked for).
"""

from __future__ import annotations

import importlib
import inspect
import sys
from typing import Any

import click

import pairgen
from pairgen.cli.conventions import DEBUG_ENV, run
from pairgen.errors import did_you_mean

# name -> ("module:attribute" of the click command, the one-line summary `pairgen --help`
# lists); in pipeline order.  The summary also opens the command's own --help.
COMMANDS: dict[str, tuple[str, str]] = {
    "build": (
        "pairgen.cli.build_cmd:build_command",
        "Build minimal pairs: Hub-layout Parquet shards, rejects and a manifest.",
    ),
    "stats": ("pairgen.cli.stats_cmd:stats_command", "Summary tables and plots of a build."),
    "query": ("pairgen.cli.query_cmd:query_command", "SQL over a build's shards (DuckDB)."),
    "validate": (
        "pairgen.cli.validate_cmd:validate_command",
        "Check every checksum, count and invariant of a build.",
    ),
    "card": ("pairgen.cli.publish_cmd:card_command", "Write a build's dataset card (README.md)."),
    "publish": (
        "pairgen.cli.publish_cmd:publish_command",
        "Validate a build and push it to the Hub.",
    ),
    "train": (
        "pairgen.cli.train_cmd:train_command",
        "Train DPO, DPOP and other margin losses on the pairs and compare them.",
    ),
    "report": ("pairgen.cli.train_cmd:report_command", "Print a training run's table and verdict."),
}

EPILOG = f"""\b
Examples:
  pairgen build --source gsm8k --out out/gsm8k        # bundled samples, no network
  pairgen build --source arc --config ARC-Easy --from hub --out out/arc
  pairgen build --source gsm8k --data-files train=train.jsonl --out out/gsm8k
  pairgen build pipeline.yaml --json > summary.json   # progress on stderr
  pairgen validate out/gsm8k && pairgen card out/gsm8k
  pairgen query out/gsm8k "SELECT split, avg(norm_edit_distance) FROM pairs GROUP BY 1"
  pairgen publish out/gsm8k --repo ORG/NAME --dry-run
  pairgen train out/gsm8k --run-dir runs/tiny

\b
Environment:
  {DEBUG_ENV}=1           like --debug: the full traceback of an error
  PAIRGEN_CARD_TEMPLATES    folder of dataset-card templates (pairgen card)
  PAIRGEN_CACHE             pairgen's cache folder (default ~/.cache/pairgen)
  PAIRGEN_SMOLLM2_GGUF      the SmolLM2 .gguf file (pairgen train --model smollm2-135m)
  HF_TOKEN, HF_ENDPOINT     Hub token and endpoint (--from hub, publish)
  HF_HUB_OFFLINE=1          never go to the Hub: cached tokenizers, publish --dry-run locally
  NO_COLOR                  no colour
  RAY_ADDRESS               an existing Ray cluster (--executor ray)

Add --debug to any command to see the full traceback of an error.
"""


class LazyGroup(click.Group):
    """A group that lists :data:`COMMANDS` from the table and imports one when it is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        target, summary = COMMANDS[cmd_name]
        module_name, attribute = target.split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{target} is not a click command")
        command.short_help = summary
        details = inspect.cleandoc(command.help or "")
        if not details.startswith(summary):
            command.help = f"{summary}\n\n{details}" if details else summary
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """A mistyped command is a usage error naming the closest commands (difflib)."""
        name = args[0] if args else ""
        if name in COMMANDS or name.startswith("-"):
            return super().resolve_command(ctx, args)
        raise click.UsageError(f"no such command {name!r}{did_you_mean(name, COMMANDS)}", ctx)

    def main(  # type: ignore[override]
        self,
        args: list[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Standalone runs follow :mod:`pairgen.cli.conventions`: one ``error:`` line for
        every error, 130 on Ctrl-C; the exit status is raised as ``SystemExit``."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        given = list(sys.argv[1:] if args is None else args)
        code = run(
            lambda argv: super(LazyGroup, self).main(argv, prog_name, complete_var, False, **extra),
            given,
        )
        sys.exit(code)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from the table: no command module is imported for it."""
        with formatter.section("Commands"):
            formatter.write_dl([(name, summary) for name, (_, summary) in COMMANDS.items()])


@click.group(
    cls=LazyGroup,
    name="pairgen",
    epilog=EPILOG,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(pairgen.__version__, "--version", "-V", message="%(prog)s %(version)s")
@click.option(
    "--debug",
    is_flag=True,
    expose_value=False,
    help=f"Show the full traceback of an error (any command; or {DEBUG_ENV}=1).",
)
def cli() -> None:
    """Build, inspect, publish and train on minimal-pair preference datasets."""


__all__ = ["COMMANDS", "DEBUG_ENV", "EPILOG", "LazyGroup", "cli"]
