"""pairgen: minimal-pair preference datasets for DPO-style training.

Every step of a user's day is one function here (build, validate_output, open_catalog /
run_query, write_card, publish, train), re-exported lazily: importing ``pairgen`` costs
nothing until a name is used, so ``pairgen --help`` stays instant and the core never
imports torch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pairgen.lazy import lazy_exports

__version__ = "0.2.0"

# public name -> module that defines it (imported on first attribute access)
_EXPORTS: dict[str, str] = {
    "PAIR_SCHEMA": "pairgen.record",
    "REJECT_SCHEMA": "pairgen.record",
    "Example": "pairgen.record",
    "PairDraft": "pairgen.record",
    "pair_schema": "pairgen.record",
    "PairgenError": "pairgen.errors",
    "RowRejected": "pairgen.errors",
    "BuildSpec": "pairgen.config.spec",
    "SourceSpec": "pairgen.config.spec",
    "load_pipeline": "pairgen.config.pipeline",
    "Source": "pairgen.sources.base",
    "get_source": "pairgen.sources",
    "Strategy": "pairgen.strategies.base",
    "StrategyOptions": "pairgen.strategies",
    "build_strategy": "pairgen.strategies",
    "edit_stats": "pairgen.metrics.text",
    "token_stats": "pairgen.metrics.tokens",
    "build": "pairgen.build.run",
    "read_manifest": "pairgen.manifest",
    "validate_output": "pairgen.validate.run",
    "open_catalog": "pairgen.query.catalog",
    "run_query": "pairgen.query.catalog",
    "write_card": "pairgen.publish.card",
    "publish": "pairgen.publish.hub",
    "train": "pairgen.train.trainer",
    "TrainConfig": "pairgen.train.trainer",
}

if TYPE_CHECKING:
    from pairgen.build.run import build
    from pairgen.config.pipeline import load_pipeline
    from pairgen.config.spec import BuildSpec, SourceSpec
    from pairgen.errors import PairgenError, RowRejected
    from pairgen.manifest import read_manifest
    from pairgen.metrics.text import edit_stats
    from pairgen.metrics.tokens import token_stats
    from pairgen.publish.card import write_card
    from pairgen.publish.hub import publish
    from pairgen.query.catalog import open_catalog, run_query
    from pairgen.record import PAIR_SCHEMA, REJECT_SCHEMA, Example, PairDraft, pair_schema
    from pairgen.sources import get_source
    from pairgen.sources.base import Source
    from pairgen.strategies import StrategyOptions, build_strategy
    from pairgen.strategies.base import Strategy
    from pairgen.train.trainer import TrainConfig, train
    from pairgen.validate.run import validate_output


__getattr__ = lazy_exports(__name__, _EXPORTS)


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


# written out (not derived from _EXPORTS) so type checkers and linters see the re-exports;
# tests/test_api.py checks the two agree.
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
    "TrainConfig",
    "__version__",
    "build",
    "build_strategy",
    "edit_stats",
    "get_source",
    "load_pipeline",
    "open_catalog",
    "pair_schema",
    "publish",
    "read_manifest",
    "run_query",
    "token_stats",
    "train",
    "validate_output",
    "write_card",
]
