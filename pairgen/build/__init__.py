"""The build stage: source rows -> pairs -> shards, rejects and the manifest.

batch (rows -> pairs in a worker), rng (per-example randomness), fewshot (exemplar
pools), formats (standard / conversational records), executors and parcels (worker
processes, Ray), writer (Parquet shards), run (the whole build)."""

from pairgen.build.run import build

__all__ = ["build"]
