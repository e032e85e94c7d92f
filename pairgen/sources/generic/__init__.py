"""Generic sources for users' own datasets (``--source math``, ``--source choice``)."""

from pairgen.sources.generic.base import KEPT_META_KEY, GenericSource
from pairgen.sources.generic.choice import GenericChoice
from pairgen.sources.generic.maths import GenericMath
from pairgen.sources.generic.settings import SourceSettings, parse_columns
from pairgen.sources.generic.template import PromptTemplate

__all__ = [
    "KEPT_META_KEY",
    "GenericChoice",
    "GenericMath",
    "GenericSource",
    "PromptTemplate",
    "SourceSettings",
    "parse_columns",
]
