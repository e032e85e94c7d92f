"""Registry of dataset sources, by the name users type (``--source gsm8k``).

pairgen's own sources are listed here; other packages add theirs through the
``pairgen.sources`` entry-point group (:mod:`pairgen.registry`).
"""

from __future__ import annotations

from pairgen.registry import Registry
from pairgen.sources.base import Source

# name -> "module:Class", imported on first use so one broken optional source never
# stops the others from loading.
SOURCE_CLASSES: dict[str, str] = {
    "gsm8k": "pairgen.sources.gsm8k:GSM8K",
    "metamath": "pairgen.sources.metamath:MetaMath",
    "arc": "pairgen.sources.arc:ARC",
    "hellaswag": "pairgen.sources.hellaswag:HellaSwag",
}
SOURCES: Registry[Source] = Registry(
    ("source", "sources"), "pairgen.sources", Source, SOURCE_CLASSES
)


def get_source(name: str) -> Source:
    """An instance of the source called ``name``, or a clear error listing the known ones."""
    return SOURCES.load(name)()


def source_names() -> list[str]:
    """Every registered source name: built-in and from installed plugins."""
    return SOURCES.names()


__all__ = ["SOURCES", "SOURCE_CLASSES", "Source", "get_source", "source_names"]
