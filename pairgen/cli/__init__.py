"""The ``pairgen`` command line.

Built on click (measured: typer's own help rendering and its annotation adapters cost
0.4-0.5 s per call on a 2-core machine before any command ran; click lists the commands
in about 0.1 s).  The commands live one module each and are imported only when used
(:mod:`pairgen.cli.commands`).  :func:`main` turns :class:`~pairgen.errors.PairgenError`
into one ``error:`` line on stderr and exit status 2; ``--debug`` (or
``PAIRGEN_DEBUG=1``) shows the traceback instead.
"""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType
from typing import NoReturn

from pairgen.cli.commands import DEBUG_ENV, cli
from pairgen.cli.console import error, print_traceback
from pairgen.errors import PairgenError

# Optional dependencies -> the extra that installs them (pyproject.toml): the core install
# builds, queries, validates and publishes without them.
EXTRAS = {"torch": "train", "transformers": "train", "gguf": "smollm2", "accelerate": "smollm2"}


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point.

    Click handles its own usage errors (exit status 2) in standalone mode; pairgen's user
    errors pass through it and are printed here as one whole, literal line.  Returns
    normally on success (click exits even then), so tests can call it.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    # SIGTERM (a job scheduler, `kill`) unwinds like Ctrl-C, so partial shards, worker
    # pools and /dev/shm parcels are cleaned up instead of left behind
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    debug = os.environ.get(DEBUG_ENV) == "1" or "--debug" in args
    args = [arg for arg in args if arg != "--debug"]
    try:
        cli.main(args=args, prog_name="pairgen", standalone_mode=True)
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise
    except PairgenError as exc:
        if debug:
            _traceback(exc)
        error(str(exc))
        raise SystemExit(2) from None
    except ModuleNotFoundError as exc:
        extra = EXTRAS.get((exc.name or "").partition(".")[0])
        if debug or extra is None:
            _traceback(exc)
        error(f"{exc.name} is not installed; pip install 'pairgen[{extra}]' adds it")
        raise SystemExit(2) from None
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # a bug: its traceback, as Python would print it, token masked
        _traceback(exc)


def _traceback(exc: BaseException) -> NoReturn:
    """Print ``exc``'s traceback with every token masked, and exit 1 as Python would."""
    print_traceback(exc)
    raise SystemExit(1) from None


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


__all__ = ["cli", "main"]
