"""The public API: every name in ``pairgen.__all__`` resolves, lazily."""

from __future__ import annotations

import subprocess
import sys

import pairgen


def test_all_names_resolve() -> None:
    for name in pairgen.__all__:
        assert getattr(pairgen, name) is not None, name


def test_all_matches_lazy_table() -> None:
    assert set(pairgen.__all__) == {"__version__", *pairgen._EXPORTS}


def test_import_is_light() -> None:
    """Importing pairgen imports none of the heavy libraries (the CLI's --help stays instant)."""
    code = (
        "import sys, pairgen; "
        "heavy = [m for m in ('torch', 'transformers', 'pyarrow', 'duckdb', 'datasets') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
