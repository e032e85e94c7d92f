"""The build stage: source rows -> pairs -> shards, rejects and the manifest.

batch (rows -> pairs in a worker), rng (per-example randomness), fewshot (exemplar
pools), formats (standard / conversational records), executors and parcels (worker
processes, Ray), writer (Parquet shards), run (the whole build).  What the output folder
guarantees (manifest, lock, staging, swap, digest) lives in ``pairgen.output``, so the
commands that only read a build never import this stage."""

from pairgen.pipeline.run import build

__all__ = ["build"]
