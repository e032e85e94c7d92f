"""The output formats of the query stage's tables (``query``/``stats``).

Apart from :mod:`pairgen.query.catalog` so that the command line's help can list them
without importing pyarrow and DuckDB.
"""

OUTPUT_FORMATS: tuple[str, ...] = ("table", "csv", "json")

__all__ = ["OUTPUT_FORMATS"]
