"""Reading a build: DuckDB over the shards, the per-split summary, plots."""

from pairgen.query.catalog import open_catalog, run_query

__all__ = ["open_catalog", "run_query"]
