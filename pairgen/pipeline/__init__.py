"""The build stage: source rows -> pairs -> shards, rejects and the manifest.

steps (the row path, one list: read -> prepare -> pair -> measure -> write), resolve
(everything checked before a build writes), rng (per-example randomness), fewshot
(exemplar pools), formats (standard / conversational records), executors and parcels
(worker processes, Ray), writer (Parquet shards), verdict (splits a build refuses), run
(the whole build).  What the output folder
guarantees (manifest, lock, staging, swap, digest) lives in ``pairgen.output``, so the
commands that only read a build never import this stage."""

from pairgen.pipeline.run import build

__all__ = ["build"]
