"""Reading a build: DuckDB over the shards, the per-split summary, plots.

The names are imported on first use: ``pairgen query --help`` reads only the ready
queries' names (``query.sql_files``) and must not pay for pyarrow and DuckDB.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pairgen.lazy import lazy_exports

if TYPE_CHECKING:
    from pairgen.query.catalog import open_catalog as open_catalog
    from pairgen.query.catalog import run_query as run_query

__getattr__, __dir__, __all__ = lazy_exports(__name__, __file__)
