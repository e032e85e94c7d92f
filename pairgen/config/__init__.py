"""Settings of a build: typed specs, their checks and config hash, and pipeline files."""

from pairgen.config.pipeline import load_pipeline
from pairgen.config.spec import DEFAULT_SEED, BuildSpec, SourceSpec

__all__ = ["DEFAULT_SEED", "BuildSpec", "SourceSpec", "load_pipeline"]
