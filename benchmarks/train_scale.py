"""Does a run cost what its steps use?  ``pairgen train`` on a whole build against ``--max-pairs``.

Issue 24: ``pairgen train OUT --model tiny --steps 20`` on the full 7,468-pair GSM8K
train build should take at most 1.3x the same command with ``--max-pairs 300``.  Each
command runs as its own process, the two alternating (full, capped, full, ...) so that a
change in the machine's load falls on both; per run the wall time, the user and system
CPU time, peak RSS and page faults of the process (its own ``wait4`` rusage, what
``/usr/bin/time -v`` prints) and the load average before and after.  Printed: one JSON
line per run, then the median of each command and the ratio of the medians.

    python benchmarks/train_scale.py /tmp/gsm_big --repeats 3
    python benchmarks/train_scale.py OUT -- --loss dpo     # extra flags for both commands

Build the full GSM8K train split first:
``pairgen build --source gsm8k --data-files train=gsm8k_train.jsonl --out OUT``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PAIRGEN = [sys.executable, "-m", "pairgen"]


def pairs_in(out: Path) -> int:
    """The build's pair count, from its manifest."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return sum(
        split["pairs"]
        for config in manifest["configs"].values()
        for split in config["splits"].values()
    )


def timed(command: list[str]) -> dict[str, Any]:
    """Run ``command`` (output discarded); the process's wall time, CPU times, peak RSS and
    page faults, from its own ``wait4`` rusage."""
    load = os.getloadavg()
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        sys.exit(f"error: {' '.join(command)} exited {process.returncode}")
    return {
        "wall_s": round(wall, 2),
        "user_s": round(usage.ru_utime, 2),
        "sys_s": round(usage.ru_stime, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
        "minor_faults": usage.ru_minflt,
        "major_faults": usage.ru_majflt,
        "load_before": round(load[0], 2),
        "load_after": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path, help="a pairgen build (the full GSM8K train split)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each command")
    parser.add_argument("--max-pairs", type=int, default=300)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--model", default="tiny")
    parser.add_argument("extra", nargs="*", help="flags for both commands (after --)")
    args = parser.parse_args()
    runs: dict[str, list[dict[str, Any]]] = {"full": [], "capped": []}
    print(f"build: {args.out}, {pairs_in(args.out):,} pairs; load {os.getloadavg()}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for repeat in range(args.repeats):
            for name in runs:
                cap = ["--max-pairs", str(args.max_pairs)] if name == "capped" else []
                command = [
                    *PAIRGEN, "train", str(args.out), "--model", args.model,
                    "--steps", str(args.steps), *cap, *args.extra,
                    "--run-dir", str(Path(tmp) / f"{name}-{repeat}"), "-q",
                ]  # fmt: skip
                figures = {"command": name, "repeat": repeat, **timed(command)}
                runs[name].append(figures)
                print(json.dumps(figures), flush=True)
    medians = {name: statistics.median(r["wall_s"] for r in rows) for name, rows in runs.items()}
    print(
        f"median wall: full build {medians['full']:.1f} s, --max-pairs {args.max_pairs} "
        f"{medians['capped']:.1f} s: {medians['full'] / medians['capped']:.2f}x "
        f"(issue 24 asks at most 1.3x); load at the end {os.getloadavg()}"
    )


if __name__ == "__main__":
    main()
