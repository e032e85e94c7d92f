"""Registry of dataset sources, by the name users type (``--source gsm8k``).

pairgen's own sources are listed here; other packages add theirs through the
``pairgen.sources`` entry-point group (:mod:`pairgen.registry`).  This module stays
light (no pyarrow): ``pairgen build --help`` reads the names and :data:`BACKENDS`, and
:class:`~pairgen.sources.base.Source` is imported only when first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pairgen.config.source_registry import SOURCE_CLASSES as SOURCE_CLASSES
from pairgen.config.source_registry import SOURCES as SOURCES
from pairgen.config.source_settings import SourceSettings
from pairgen.errors import PairgenError
from pairgen.lazy import lazy_exports

if TYPE_CHECKING:
    from pairgen.sources.base import Source as Source

# where a source's rows come from: a Hub dataset, local files, or the bundled samples
BACKENDS: tuple[str, ...] = ("hub", "files", "sample")

# SOURCE_CLASSES and SOURCES live in pairgen.config.source_registry (strings only), so
# config.spec can check a name when a SourceSpec is made without importing this package.


def get_source(name: str, settings: SourceSettings | None = None) -> Source:
    """An instance of the source called ``name``, or a clear error listing the known ones.

    ``settings`` (a column mapping, template, card metadata) configure a generic source
    or preset (:mod:`pairgen.sources.generic`); other sources have a fixed schema.
    """
    source_class = SOURCES.load(name)
    if settings is None or settings.is_empty():
        return source_class()
    from pairgen.sources.generic.base import GenericSource

    if not issubclass(source_class, GenericSource):
        raise PairgenError(
            f"source {name!r} has a fixed schema: a column mapping, template or dataset "
            "metadata applies to the generic sources (math, choice) and presets"
        )
    return source_class.configured(settings)()


def source_names() -> list[str]:
    """Every registered source name: built-in and from installed plugins."""
    return SOURCES.names()


__getattr__, __dir__, __all__ = lazy_exports(
    __name__,
    __file__,
    eager=("BACKENDS", "SOURCES", "SOURCE_CLASSES", "get_source", "source_names"),
)
