"""pairgen: minimal-pair preference datasets for DPO-style training.

The public API is re-exported here; everything else is an implementation detail.
"""

from pairgen.build import build, read_manifest
from pairgen.config import BuildSpec, SourceSpec
from pairgen.errors import PairgenError, RowRejected
from pairgen.pipeline import load_pipeline
from pairgen.record import PAIR_SCHEMA, REJECT_SCHEMA, Example, PairDraft, pair_schema
from pairgen.sources import Source, get_source
from pairgen.stats import edit_stats, token_stats
from pairgen.strategies import Strategy, StrategyOptions, build_strategy

__version__ = "0.2.0"

__all__ = [
    "PAIR_SCHEMA",
    "REJECT_SCHEMA",
    "BuildSpec",
    "Example",
    "PairDraft",
    "PairgenError",
    "RowRejected",
    "Source",
    "SourceSpec",
    "Strategy",
    "StrategyOptions",
    "__version__",
    "build",
    "build_strategy",
    "edit_stats",
    "get_source",
    "load_pipeline",
    "pair_schema",
    "read_manifest",
    "token_stats",
]
