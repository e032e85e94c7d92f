"""The ``pairgen`` command line.

Built on click (measured: typer's own help rendering and its annotation adapters cost
0.4-0.5 s per call on a 2-core machine before any command ran; click lists the commands
in about 0.1 s).  The commands live one module each and are imported only when used
(:mod:`pairgen.cli.commands`).  :func:`main` turns :class:`~pairgen.errors.PairgenError`
into one ``error:`` line on stderr and exit status 2, like every other error
(:mod:`pairgen.cli.conventions`); ``--debug`` (or ``PAIRGEN_DEBUG=1``) shows the
traceback instead.
"""

from __future__ import annotations

import signal
import sys
from types import FrameType

from pairgen.cli.commands import cli


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point.

    :meth:`~pairgen.cli.commands.LazyGroup.main` applies the conventions
    (:mod:`pairgen.cli.conventions`) and exits with the status; this returns normally on
    success, so tests can call it.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    # SIGTERM (a job scheduler, `kill`) unwinds like Ctrl-C, so partial shards, worker
    # pools and /dev/shm parcels are cleaned up instead of left behind
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        cli.main(args=args, prog_name="pairgen")
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


__all__ = ["cli", "main"]
