"""The ``pairgen`` command line.

Each sub-command lives in its own module and registers itself on :data:`app`
(``register(app)``).  :func:`main` turns :class:`~pairgen.errors.PairgenError` into one
red line and exit status 2; ``--debug`` (or ``PAIRGEN_DEBUG=1``) shows the traceback.
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
from types import FrameType

import typer
from rich.console import Console

from pairgen.errors import PairgenError

app = typer.Typer(
    name="pairgen",
    help="Build, inspect, publish and train on minimal-pair preference datasets.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err_console = Console(stderr=True)


@app.callback()
def _root() -> None:
    """Build, inspect, publish and train on minimal-pair preference datasets.

    Add --debug to any command to see the full traceback of an error.
    """


# Sub-command modules, each with a ``register(app)`` function.
COMMAND_MODULES: tuple[str, ...] = (
    "pairgen.cli.build_cmd",
    "pairgen.cli.train_cmd",
    "pairgen.cli.query_cmd",
    "pairgen.cli.stats_cmd",
    "pairgen.cli.validate_cmd",
    "pairgen.cli.publish_cmd",
)


def _register_commands() -> None:
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(app)


_register_commands()


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point.

    Click (vendored inside typer) handles its own usage errors and exit codes in
    standalone mode; pairgen's user errors pass through it and are printed here as one
    line with exit status 2.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    # SIGTERM (a job scheduler, `kill`) unwinds like Ctrl-C, so partial shards, worker
    # pools and /dev/shm parcels are cleaned up instead of left behind
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    debug = os.environ.get("PAIRGEN_DEBUG") == "1"
    if "--debug" in args:
        args.remove("--debug")
        debug = True
    try:
        app(args=args, prog_name="pairgen", standalone_mode=True)
    except SystemExit as exc:  # click exits even on success; return normally then
        if exc.code not in (0, None):
            raise
    except PairgenError as exc:
        if debug:
            raise
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise SystemExit(2) from None


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


__all__ = ["app", "main"]
