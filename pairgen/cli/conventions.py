"""The conventions every ``pairgen`` command follows, written once.

- ``-q/--quiet`` and ``--json`` (:func:`quiet_option`, :func:`json_option`): the same
  names and the same meaning on every command; ``--json`` prints what the tables show
  (rejects included) as one JSON document on stdout, and nothing else.
- Errors are one ``error: ...`` line on stderr, exit status 2: pairgen's own errors,
  click's usage errors (whose own rendering is three lines: usage, a hint, the error) and
  a mistyped command, which gets the closest command names (:func:`run`).
- ``--debug`` (or ``PAIRGEN_DEBUG=1``) prints the traceback instead of the line, and a bug
  (any other exception) prints its traceback; both exit 1 as Python would, with every Hub
  token in them masked (:func:`pairgen.errors.redact`).
- Ctrl-C exits 130 (128 + SIGINT, what shells report); the stages write through staging
  folders and atomic renames, so an interrupted command leaves no half-written file.
- ``NO_COLOR`` (https://no-color.org) turns colour off everywhere: rich reads it itself,
  :func:`style` for click's own styling.
- Counts are plural-correct with thousands separators (:func:`plural`), and floats in
  tables carry no trailing zeros (:func:`number`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

import click

from pairgen.cli.console import error, no_color, print_traceback, style
from pairgen.errors import PairgenError

DEBUG_ENV = "PAIRGEN_DEBUG"
INTERRUPTED = 130  # 128 + SIGINT
# Optional dependencies -> the extra that installs them (pyproject.toml): the core install
# builds, queries, validates and publishes without them.
EXTRAS = {"torch": "train", "transformers": "train", "gguf": "smollm2", "accelerate": "smollm2"}

F = Callable[..., Any]


def quiet_option(what: str) -> Callable[[F], F]:
    """``-q/--quiet``: ``what`` says what the command leaves out."""
    return click.option("--quiet", "-q", "quiet", is_flag=True, help=f"Quiet: {what}.")


def json_option(what: str) -> Callable[[F], F]:
    """``--json``: ``what`` names the document printed on stdout."""
    return click.option(
        "--json", "as_json", is_flag=True, help=f"{what} as JSON on stdout, and nothing else."
    )


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``1 shard``, ``2 shards``, ``1,204 violations``."""
    return f"{count:,} {noun if count == 1 else (many or noun + 's')}"


def number(value: float, digits: int = 4) -> str:
    """A table's float: ``51``, ``0.0123``, ``1,234.5``; never ``51.0000``.

    At most ``digits`` decimals, trailing zeros dropped; values below 10^-digits keep
    ``digits`` significant digits instead of printing as 0.
    """
    if value != value or value in (float("inf"), float("-inf")):  # nan, inf
        return str(value)
    if value != 0 and abs(value) < 10**-digits:
        return f"{value:.{digits}g}"
    text = f"{value:,.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def usage_line(exc: click.UsageError) -> str:
    """click's usage error as one line: what went wrong, and where the help is."""
    message = " ".join(exc.format_message().split()).replace(". Did you mean", "; did you mean")
    message = message[:1].lower() + message[1:]
    path = exc.ctx.command_path if exc.ctx is not None else "pairgen"
    return f"{path}: {message} (see '{path} --help')"


def run(main: Callable[[list[str]], Any], args: list[str]) -> int:
    """Run a click entry point (in non-standalone mode) under the conventions; the exit status.

    ``--debug`` (anywhere) or ``PAIRGEN_DEBUG=1`` prints the traceback of an error
    instead of the one line, tokens masked; so does a bug, whatever the flag.
    """
    debug = os.environ.get(DEBUG_ENV) == "1" or "--debug" in args
    args = [arg for arg in args if arg != "--debug"]
    try:
        code = main(args)
    except click.exceptions.NoArgsIsHelpError as exc:  # bare `pairgen`: the help, as click
        exc.show()
        return exc.exit_code
    except click.UsageError as exc:
        if debug:
            return traceback_status(exc)
        error(usage_line(exc))
        return 2
    except click.ClickException as exc:
        if debug:
            return traceback_status(exc)
        error(" ".join(exc.format_message().split()))
        return exc.exit_code
    except (click.Abort, KeyboardInterrupt):
        if debug:
            raise
        return INTERRUPTED
    except PairgenError as exc:
        if debug:
            return traceback_status(exc)
        error(str(exc))
        return 2
    except ModuleNotFoundError as exc:
        extra = EXTRAS.get((exc.name or "").partition(".")[0])
        if debug or extra is None:
            return traceback_status(exc)
        error(f"{exc.name} is not installed; pip install 'pairgen[{extra}]' adds it")
        return 2
    except BrokenPipeError:  # `pairgen query ... | head`: the reader left, not an error
        # what is still buffered for stdout goes nowhere (Python's documented recipe)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # a bug: its traceback, as Python would print it, token masked
        return traceback_status(exc)
    return code if isinstance(code, int) else 0


def traceback_status(exc: BaseException) -> int:
    """Print ``exc``'s traceback with every token masked; exit status 1, as Python's own."""
    print_traceback(exc)
    return 1


__all__ = [
    "DEBUG_ENV",
    "EXTRAS",
    "INTERRUPTED",
    "json_option",
    "no_color",
    "number",
    "plural",
    "quiet_option",
    "run",
    "style",
    "traceback_status",
    "usage_line",
]
