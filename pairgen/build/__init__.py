"""The build stage: source rows -> pairs -> shards, rejects and the manifest.

batch (rows -> pairs in a worker), rng (per-example randomness), fewshot (exemplar
pools), formats (standard / conversational records), executors and parcels (worker
processes, Ray), writer (Parquet shards), run (the whole build)."""

from pairgen.build.run import build
from pairgen.callable_stage import make_callable

__all__ = ["build"]

# ``pairgen.build`` is also the API function (see pairgen.callable_stage).
make_callable(__name__, "pairgen.build.run:build")
