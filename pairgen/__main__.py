"""``python -m pairgen`` runs the command line."""

from pairgen.cli import main

main()
