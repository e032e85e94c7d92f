"""What the source-row recheck costs ``pairgen validate``: wall time with and without it.

Both are measured in the same run on the same build, alternating, median of ``--repeat``:

- the bundled demo pipeline (every built-in source from its samples, 2 shots);
- GSM8K train from a local JSONL (``--gsm8k PATH``: the real 7,473-row split, e.g.
  ``git --git-dir=/work/.mirror/openai+grade-school-math/repo show
  HEAD:grade_school_math/data/train.jsonl > train.jsonl``), skipped without it.

Prints seconds without (``--no-source-rows``, the baseline) and with the recheck, and
their ratio.  Run from the repository root: ``python benchmarks/validate_source_rows.py
--gsm8k /tmp/train.jsonl``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from pairgen.config.pipeline_file import load_pipeline
from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.pipeline import build
from pairgen.validate.run import validate_output


def seconds(out: Path, inputs: list[Path], source_rows: bool) -> float:
    started = time.perf_counter()
    report = validate_output(out, input_dirs=inputs, source_rows=source_rows)
    elapsed = time.perf_counter() - started
    assert report.ok, report.violations[:3]
    if source_rows:
        assert report.source_pairs_checked, report.notes
    return elapsed


def compare(name: str, out: Path, inputs: list[Path], repeat: int) -> None:
    runs: dict[bool, list[float]] = {False: [], True: []}
    seconds(out, inputs, True)  # warm the page cache and the imports once
    for _ in range(repeat):
        for source_rows in (False, True):
            runs[source_rows].append(seconds(out, inputs, source_rows))
    before, after = (statistics.median(runs[flag]) for flag in (False, True))
    print(
        f"{name}: validate {before:.3f} s without the source-row recheck, {after:.3f} s with "
        f"it: x{after / before:.2f} (+{after - before:.3f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gsm8k", type=Path, help="a GSM8K train JSONL (the real split)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pairgen-bench-") as scratch:
        root = Path(scratch)
        build(load_pipeline("demo", overrides={"out": str(root / "demo")}))
        compare("demo pipeline (samples)", root / "demo", [], args.repeat)
        if args.gsm8k is not None:
            source = SourceSpec(
                source="gsm8k", backend="files", data_files={"train": [str(args.gsm8k)]}
            )
            build(BuildSpec(out=root / "gsm8k", sources=(source,)))
            compare("GSM8K train (files)", root / "gsm8k", [args.gsm8k.parent], args.repeat)


if __name__ == "__main__":
    main()
