"""Generic sources for users' own datasets (``--source math``, ``--source choice``).

The names are re-exported lazily: :mod:`pairgen.config.source_settings` is read by the
command line's help, which must not import pyarrow through the source classes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pairgen.lazy import lazy_exports

if TYPE_CHECKING:
    from pairgen.config.source_settings import SourceSettings as SourceSettings
    from pairgen.config.source_settings import parse_columns as parse_columns
    from pairgen.sources.generic.base import KEPT_META_KEY as KEPT_META_KEY
    from pairgen.sources.generic.base import GenericSource as GenericSource
    from pairgen.sources.generic.choice import GenericChoice as GenericChoice
    from pairgen.sources.generic.maths import GenericMath as GenericMath
    from pairgen.sources.generic.template import PromptTemplate as PromptTemplate


__getattr__, __dir__, __all__ = lazy_exports(__name__, __file__, eager=())
