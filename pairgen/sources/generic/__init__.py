"""Generic sources for users' own datasets (``--source math``, ``--source choice``).

The names are re-exported lazily: :mod:`pairgen.sources.generic.settings` is read by the
command line's help, which must not import pyarrow through the source classes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pairgen.lazy import lazy_exports

if TYPE_CHECKING:
    from pairgen.sources.generic.base import KEPT_META_KEY, GenericSource
    from pairgen.sources.generic.choice import GenericChoice
    from pairgen.sources.generic.maths import GenericMath
    from pairgen.sources.generic.settings import SourceSettings, parse_columns
    from pairgen.sources.generic.template import PromptTemplate

# public name -> module that defines it (imported on first attribute access)
_EXPORTS: dict[str, str] = {
    "KEPT_META_KEY": "pairgen.sources.generic.base",
    "GenericSource": "pairgen.sources.generic.base",
    "GenericChoice": "pairgen.sources.generic.choice",
    "GenericMath": "pairgen.sources.generic.maths",
    "SourceSettings": "pairgen.sources.generic.settings",
    "parse_columns": "pairgen.sources.generic.settings",
    "PromptTemplate": "pairgen.sources.generic.template",
}


__getattr__ = lazy_exports(__name__, _EXPORTS)


__all__ = [
    "KEPT_META_KEY",
    "GenericChoice",
    "GenericMath",
    "GenericSource",
    "PromptTemplate",
    "SourceSettings",
    "parse_columns",
]
