"""Registry of dataset sources, by the name users type (``--source gsm8k``)."""

from __future__ import annotations

import importlib

from pairgen.errors import PairgenError
from pairgen.sources.base import Source

# name -> "module:Class", imported on first use so one broken optional source never
# stops the others from loading.
SOURCE_CLASSES: dict[str, str] = {
    "gsm8k": "pairgen.sources.gsm8k:GSM8K",
    "metamath": "pairgen.sources.metamath:MetaMath",
    "arc": "pairgen.sources.arc:ARC",
    "hellaswag": "pairgen.sources.hellaswag:HellaSwag",
}


def get_source(name: str) -> Source:
    """An instance of the source called ``name``, or a clear error listing the known ones."""
    target = SOURCE_CLASSES.get(name)
    if target is None:
        known = ", ".join(sorted(SOURCE_CLASSES))
        raise PairgenError(f"unknown source {name!r}; known sources: {known}")
    module_name, class_name = target.split(":")
    cls: type[Source] = getattr(importlib.import_module(module_name), class_name)
    return cls()


__all__ = ["SOURCE_CLASSES", "Source", "get_source"]
