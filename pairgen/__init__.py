"""pairgen: minimal-pair preference datasets for DPO-style training.

Every step of a user's day is one function here (build, validate_output, open_catalog /
run_query, write_card, publish, train), re-exported lazily: importing ``pairgen`` costs
nothing until a name is used, so ``pairgen --help`` stays instant and the core never
imports torch.  The public API is the ``TYPE_CHECKING`` block below, written once
(:mod:`pairgen.lazy` reads it).
"""

from __future__ import annotations

from importlib import metadata
from typing import TYPE_CHECKING

from pairgen.lazy import lazy_exports

# The version is written once, in pyproject.toml; the installed metadata carries it here,
# to `pairgen --version` and into every manifest (output.manifest.library_versions).
try:
    __version__ = metadata.version("pairgen")
except metadata.PackageNotFoundError:  # a source tree on sys.path, never installed
    __version__ = "0+unknown"

if TYPE_CHECKING:
    from pairgen.config.pipeline_file import load_pipeline as load_pipeline
    from pairgen.config.spec import BuildSpec as BuildSpec
    from pairgen.config.spec import SourceSpec as SourceSpec
    from pairgen.errors import PairgenError as PairgenError
    from pairgen.errors import RowRejected as RowRejected
    from pairgen.hub.card import write_card as write_card
    from pairgen.hub.upload import publish as publish
    from pairgen.metrics.text import edit_stats as edit_stats
    from pairgen.metrics.tokens import token_stats as token_stats
    from pairgen.output.manifest import read_manifest as read_manifest
    from pairgen.pipeline.run import build as build
    from pairgen.query.catalog import open_catalog as open_catalog
    from pairgen.query.catalog import run_query as run_query
    from pairgen.record import PAIR_SCHEMA as PAIR_SCHEMA
    from pairgen.record import REJECT_SCHEMA as REJECT_SCHEMA
    from pairgen.record import Example as Example
    from pairgen.record import pair_schema as pair_schema
    from pairgen.sources import get_source as get_source
    from pairgen.sources.base import Source as Source
    from pairgen.strategies import StrategyOptions as StrategyOptions
    from pairgen.strategies import build_strategy as build_strategy
    from pairgen.strategies.base import Strategy as Strategy
    from pairgen.training.config import TrainConfig as TrainConfig
    from pairgen.training.run import train as train
    from pairgen.validate.run import validate_output as validate_output

__getattr__, __dir__, __all__ = lazy_exports(__name__, __file__, eager=("__version__",))
